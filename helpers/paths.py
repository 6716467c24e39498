"""Where things live. Every path is derived from this package's own location.

The package is meant to be installed editable (``pip install -e .``) from a clone of the
repository, so ``PROJECT_ROOT`` is the clone.  Nothing in this package writes under
``DATA_DIR``; generated output goes to ``REPORTS_DIR`` or ``CACHE_DIR`` (both git-ignored).
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DATA_DIR = PROJECT_ROOT / "data"
SAMPLE_CORPUS_DIR = DATA_DIR / "articles"
REFERENCE_DIR = DATA_DIR / "reference"
ENTITIES_CSV = REFERENCE_DIR / "entities.csv"
TIMELINE_CSV = REFERENCE_DIR / "timeline.csv"
OUTLETS_CSV = REFERENCE_DIR / "outlets.csv"
REPORTS_DIR = Path(os.environ.get("TECHREG_REPORTS_DIR", PROJECT_ROOT / "reports"))
FIGURES_DIR = REPORTS_DIR / "figures"
CACHE_DIR = Path(os.environ.get("TECHREG_CACHE_DIR", PROJECT_ROOT / ".cache"))
STYLE_FILE = PACKAGE_DIR / "house.mplstyle"
