"""Reproducible reports: run every notebook headless with parameters and keep what it produced.

``run_reports(corpus_dir, since=..., until=..., outlets=...)`` executes each notebook in
``notebooks/`` with papermill (``SAVE_FIGURES=True``), and writes to ``reports/``:

* ``notebooks/<name>.ipynb``: the executed notebook, outputs included;
* ``html/<name>.html``: the same as a static page (code cells kept);
* ``figures/<slug>.png|svg|csv``: every chart and the data behind it (the notebooks' save cells);
* ``report.csv``: one row per notebook with status, seconds, attempts and, for a failure, the cell
  and error.

A notebook that fails does not stop the others.  A cell that gets no reply within
``CELL_TIMEOUT_S`` fails the notebook instead of waiting for ever; that notebook is then run once
more (``attempts`` says so).  The retry is there for a known, intermittent client-side hang with
widget cells (jupyter/nbclient#312: the kernel has replied and is idle, the client never wakes up),
seen twice in this project's test runs; a notebook that really fails fails both times.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths

NOTEBOOKS_DIR = paths.PROJECT_ROOT / "notebooks"
KERNEL_DEFAULT = "python3"
#: Longest a cell may run before the notebook counts as failed: generous, since a first run over a
#: large corpus of your own computes the whole pipeline in one cell (100,000 articles: about 5 minutes
#: on one core); the tests, on the sample corpus, pass a few minutes.
CELL_TIMEOUT_S = 3 * 3600
#: Runs of a notebook whose failure is a timeout (see the module doc).
MAX_ATTEMPTS = 2


@dataclass
class NotebookResult:
    notebook: str
    status: str          # "ok" or "failed"
    seconds: float
    cell: int | None     # index of the failing cell
    error: str           # "ExceptionName: message" for a failure
    attempts: int = 1    # 2 when the first run timed out (see the module doc)


def _failure(executed: Path) -> tuple[int | None, str]:
    """(cell index, error) of the first cell that raised, read from an executed notebook."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, "notebook could not be read back"
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return i, f"{out.get('ename')}: {out.get('evalue')}"
    return None, "unknown error"


def run_reports(corpus_dir: str | Path | None = None, *, since: str | None = None, until: str | None = None,
                outlets: list[str] | None = None, out_dir: str | Path | None = None,
                notebooks: list[Path] | None = None, progress: bool = True,
                kernel_name: str = KERNEL_DEFAULT, cell_timeout: float = CELL_TIMEOUT_S) -> pd.DataFrame:
    """Execute the notebooks with these parameters; return one row per notebook (see module doc)."""
    out = Path(out_dir or paths.REPORTS_DIR)
    executed_dir, html_dir = out / "notebooks", out / "html"
    for folder in (executed_dir, html_dir, out / "figures"):
        folder.mkdir(parents=True, exist_ok=True)
    parameters = {"CORPUS_DIR": str(Path(corpus_dir).resolve()) if corpus_dir else None, "SINCE": since,
                  "UNTIL": until, "OUTLETS": list(outlets) if outlets else None, "SAVE_FIGURES": True}
    results = []
    previous = os.environ.get("TECHREG_REPORTS_DIR")
    os.environ["TECHREG_REPORTS_DIR"] = str(out.resolve())  # the kernels' helpers.paths write figures there
    try:
        for nb_path in sorted(notebooks or NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
            results.append(_run_one(nb_path, executed_dir, html_dir, parameters, progress, kernel_name, cell_timeout))
    finally:
        if previous is None:
            os.environ.pop("TECHREG_REPORTS_DIR", None)
        else:
            os.environ["TECHREG_REPORTS_DIR"] = previous
    table = pd.DataFrame([r.__dict__ for r in results])
    table.to_csv(out / "report.csv", index=False, lineterminator="\n")
    return table


def _run_one(nb_path: Path, executed_dir: Path, html_dir: Path, parameters: dict, progress: bool,
             kernel_name: str, timeout: float = CELL_TIMEOUT_S) -> NotebookResult:
    import nbformat
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError
    from nbconvert import HTMLExporter

    target = executed_dir / nb_path.name
    t0 = time.perf_counter()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        status, cell, error, timed_out = "ok", None, "", False
        try:
            pm.execute_notebook(str(nb_path), str(target), parameters=parameters, cwd=str(nb_path.parent),
                                progress_bar={"desc": nb_path.stem} if progress else False,
                                kernel_name=kernel_name, report_mode=False,
                                execution_timeout=timeout)
        except pm.PapermillExecutionError as exc:
            status, cell, error = "failed", exc.cell_index, f"{exc.ename}: {exc.evalue}"
        except CellTimeoutError as exc:
            status, error, timed_out = "failed", f"CellTimeoutError: {exc}".splitlines()[0], True
        except Exception as exc:  # kernel died, notebook unreadable ...: record it and go on
            status, error = "failed", f"{type(exc).__name__}: {exc}"
            if target.exists():
                cell, error = _failure(target)
        if not timed_out:
            break
    if target.exists():
        body, _ = HTMLExporter().from_notebook_node(nbformat.read(target, as_version=4))
        (html_dir / f"{nb_path.stem}.html").write_text(body, encoding="utf-8")
    return NotebookResult(nb_path.name, status, round(time.perf_counter() - t0, 1), cell, error, attempt)
