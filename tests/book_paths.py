"""Where the build puts things; shared by every test suite."""
import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / '_build'
SECTION = 'chapter_builders-guide/custom-layer'


def _config():
    config = configparser.ConfigParser()
    config.read(ROOT / 'config.ini', encoding='utf-8')
    return config


TABS = [tab.strip() for tab in _config()['build']['tabs'].split(',')]
DEFAULT_TAB = TABS[0]


def eval_dir_for(tab):
    """d2lbook's folder of evaluated notebooks for one tab."""
    return BUILD / ('eval' if tab == DEFAULT_TAB else f'eval_{tab}')


def notebook_sources():
    """The markdown files that d2lbook evaluates as notebooks."""
    patterns = _config()['build']['notebooks'].split()
    return sorted({path for pattern in patterns for path in ROOT.glob(pattern)})


def lib_module(tab):
    """The d2l module of a tab, e.g. 'torch' for pytorch (from config.ini)."""
    return Path(_config()[f'library-{tab}']['lib_file']).stem
