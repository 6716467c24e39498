"""make report / python -m helpers report: every notebook executed with parameters, every chart kept."""
import json

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers.report import run_reports


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    runs = []
    for name in ("run1", "run2"):
        out = tmp_path_factory.mktemp(name)
        table = run_reports(since="2021-01-01", until="2022-12-31", out_dir=out, progress=False, cell_timeout=300)
        runs.append((out, table))
    return runs


def test_every_notebook_runs_and_keeps_its_outputs(two_runs):
    out, table = two_runs[0]
    assert list(table.status) == ["ok"] * 4, table
    for nb in table.notebook:
        stem = nb.removesuffix(".ipynb")
        assert (out / "notebooks" / nb).exists() and (out / "html" / f"{stem}.html").stat().st_size > 10_000
        executed = json.loads((out / "notebooks" / nb).read_text())
        params = [c for c in executed["cells"] if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
        assert params and "2021-01-01" in "".join(params[0]["source"])
    figures = {p.name for p in (out / "figures").iterdir()}
    for prefix in ("00-", "01-", "02-", "03-"):
        stems = {f.rsplit(".", 1)[0] for f in figures if f.startswith(prefix)}
        assert stems, f"no figures from notebook {prefix}"
        for stem in stems:
            assert {f"{stem}.png", f"{stem}.svg", f"{stem}.csv"} <= figures
    assert pd.read_csv(out / "report.csv").status.eq("ok").all()


def test_date_filter_reaches_the_data(two_runs):
    out, _ = two_runs[0]
    months = pd.read_csv(out / "figures" / "00-articles-per-month.csv").month
    assert months.min() >= "2021-01" and months.max() <= "2022-12"


def test_two_runs_give_identical_csvs(two_runs):
    (a, _), (b, _) = two_runs
    csvs = sorted(p.name for p in (a / "figures").glob("*.csv"))
    assert csvs
    for name in csvs:
        assert (a / "figures" / name).read_bytes() == (b / "figures" / name).read_bytes(), name


def test_a_failing_notebook_is_named_and_the_others_run(tmp_path):
    bad = tmp_path / "98-bad.ipynb"
    good = tmp_path / "99-good.ipynb"
    params = new_code_cell("CORPUS_DIR = None\nSINCE = None\nUNTIL = None\nOUTLETS = None\nSAVE_FIGURES = False",
                           metadata={"tags": ["parameters"]})
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Bad"), params, new_code_cell("1 / 0")],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), bad)
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Good"), params, new_code_cell("print('fine')")],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), good)
    table = run_reports(notebooks=[bad, good], out_dir=tmp_path / "out", progress=False, cell_timeout=300).set_index("notebook")
    assert table.loc["98-bad.ipynb", "status"] == "failed"
    assert "ZeroDivisionError" in table.loc["98-bad.ipynb", "error"]
    assert table.loc["98-bad.ipynb", "cell"] >= 2
    assert table.loc["99-good.ipynb", "status"] == "ok"
    assert table.loc["98-bad.ipynb", "attempts"] == 1  # an error is not retried, only a timeout


def test_a_cell_that_never_replies_fails_after_the_timeout_and_is_retried_once(tmp_path):
    slow = tmp_path / "97-slow.ipynb"
    params = new_code_cell("CORPUS_DIR = None\nSINCE = None\nUNTIL = None\nOUTLETS = None\nSAVE_FIGURES = False",
                           metadata={"tags": ["parameters"]})
    nbformat.write(new_notebook(cells=[params, new_code_cell("import time\ntime.sleep(30)")],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), slow)
    table = run_reports(notebooks=[slow], out_dir=tmp_path / "out", progress=False, cell_timeout=2)
    row = table.iloc[0]
    assert (row.status, row.attempts) == ("failed", 2)
    assert "Timeout" in row.error and row.seconds < 30


def test_untrusted_text_is_escaped_in_the_html_export(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        "Jul 26, 2021 06:10 PM\n\n<script>window.__xss=1</script> Evil <b>title</b>\n\n"
        "<img src=x onerror=alert(1)> The Cyberspace Administration of China said on Friday that it fined the "
        "company, a <script>window.__xss=2</script> statement said.\n\nShare this article\n")
    from helpers import paths
    table = run_reports(corpus, notebooks=[paths.PROJECT_ROOT / "notebooks" / "03-boilerplate-vs-content.ipynb"],
                        out_dir=tmp_path / "out", progress=False, cell_timeout=300)
    assert list(table.status) == ["ok"], table
    html = (tmp_path / "out" / "html" / "03-boilerplate-vs-content.html").read_text()
    # no executable tag: article text is either HTML-escaped or inside widget-state JSON, where "</" is "<\/"
    assert "window.__xss=1</script>" not in html and "window.__xss=2</script>" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in html
