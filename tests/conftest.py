"""Suite-wide guard: nothing the tests run (loaders, exports, notebooks, reports) may write into data/."""
import hashlib

import pytest

from helpers import paths


def _snapshot():
    return {p.relative_to(paths.DATA_DIR).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(paths.DATA_DIR.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def data_folder_is_never_written():
    before = _snapshot()
    yield
    after = _snapshot()
    assert after == before, f"files under data/ changed: {sorted(set(before.items()) ^ set(after.items()))[:5]}"
