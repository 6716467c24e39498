"""Suite-wide guard: nothing the tests run (loaders, exports, notebooks, reports) may write into data/;
the pipeline cache goes to a temporary folder."""
import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest

# The pipeline cache of test runs (and of the notebooks and CLI they start) goes to a fresh folder,
# not the project's .cache/.  Set before helpers is imported: helpers.paths reads it once.
os.environ.setdefault("TECHREG_CACHE_DIR", tempfile.mkdtemp(prefix="techreg-test-cache-"))

from helpers import paths  # noqa: E402


def _snapshot():
    return {p.relative_to(paths.DATA_DIR).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(paths.DATA_DIR.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def data_folder_is_never_written():
    before = _snapshot()
    yield
    after = _snapshot()
    assert after == before, f"files under data/ changed: {sorted(set(before.items()) ^ set(after.items()))[:5]}"


FIXTURES = Path(__file__).parent / "fixtures"
EXPORT_TABLES = ("articles", "skipped", "segments", "mentions", "dates", "events")


def export_fixture_corpus(tmp_path_factory, name: str) -> dict:
    """The export of ``tests/fixtures/<name>/corpus`` (no cache), its CSV files read back as strings."""
    from helpers.export import export_tables

    out = tmp_path_factory.mktemp(name)
    export_tables(FIXTURES / name / "corpus", out, cache=False)
    return {table: pd.read_csv(out / f"{table}.csv", keep_default_na=False) for table in EXPORT_TABLES}
