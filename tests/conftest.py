import sys
from pathlib import Path

# Lets every suite `import book_paths`, whichever environment runs it.
sys.path.insert(0, str(Path(__file__).resolve().parent))
