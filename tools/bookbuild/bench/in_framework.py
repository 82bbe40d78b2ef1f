"""The measurement of bench/per_framework.py that runs inside one framework's venv.

  python in_framework.py import 'import torch'
      seconds that the statement takes in this fresh interpreter

A book's own measurements inside the frameworks (config.ini [bench]
in_framework) are scripts of the book's, which per_framework.py runs the same way.
"""

import sys
import time


def main():
    what, argument = sys.argv[1], sys.argv[2]
    if what == 'import':
        start = time.perf_counter()
        exec(argument)
        print(time.perf_counter() - start)
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main()
