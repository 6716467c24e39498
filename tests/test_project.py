"""Project promises: environment.yml matches pyproject.toml, the README's commands exist,
notebooks are committed clean, and the sample corpus is what data/README.md says."""
import json
import re
import subprocess
import sys
import tomllib

import pandas as pd
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from helpers import paths
from helpers.corpus import load_corpus

ROOT = paths.PROJECT_ROOT
CONDA_ONLY = {"python", "pip"}
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib", "dask-core": "dask"}


def _pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    return {canonicalize_name(Requirement(r).name): str(Requirement(r).specifier) for r in reqs}


def test_environment_yml_matches_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["name"] and "conda-forge" in env["channels"]
    conda, pip_section = {}, None
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section = dep["pip"]
            for req in pip_section:
                if not req.startswith("-"):
                    r = Requirement(req.split("#")[0].strip())
                    conda[canonicalize_name(r.name)] = str(r.specifier).replace(" ", "")
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*([<>=!~].*)?", dep.strip())
        assert m, f"unparseable conda spec {dep!r}"
        conda[canonicalize_name(CONDA_TO_PYPI.get(m.group(1), m.group(1)))] = (m.group(2) or "").replace(" ", "")
    assert pip_section and pip_section[-1] == "-e .", "environment.yml must end with pip: [..., -e .]"
    assert isinstance(env["dependencies"][-1], dict)
    pyproject = _pyproject_requirements()
    assert set(conda) - CONDA_ONLY == set(pyproject)
    for name, spec in pyproject.items():
        assert SpecifierSet(conda[name]) == SpecifierSet(spec), f"{name}: pyproject {spec} vs environment.yml {conda[name]}"


def test_readme_commands_and_ci():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "make lab" in readme and "make test" in readme
    assert re.search(r"^lab:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", ci, re.M)
    for column in ["article_id", "path", "outlet", "published", "title", "n_chars", "encoding", "reason"]:
        assert f"`{column}`" in readme, f"README does not document the export column {column}"


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_hygiene(nb_path):
    nb = json.loads(nb_path.read_text())
    assert re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", nb_path.name)
    assert "widgets" not in nb.get("metadata", {})
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in code:
        assert not cell.get("outputs") and cell.get("execution_count") is None, "commit notebooks with outputs cleared"
        src = "".join(cell["source"])
        assert "sys.path" not in src and "!pip" not in src and "%pip" not in src
    h1 = [line for c in nb["cells"] if c["cell_type"] == "markdown"
          for line in "".join(c["source"]).splitlines() if line.startswith("# ")]
    assert len(h1) == 1, "exactly one H1 title"
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in code) == 1
    text = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown").lower()
    assert "try it" in text and "what you will learn" in text


def test_sample_corpus_promises():
    corpus = load_corpus(paths.SAMPLE_CORPUS_DIR)
    articles = corpus.articles
    assert corpus.report.empty, corpus.report
    assert len(articles) >= 60
    invented = pd.read_csv(paths.OUTLETS_CSV).query("invented == 'yes'")["outlet"]
    by_outlet = articles["outlet"].value_counts()
    assert (by_outlet.reindex(invented).fillna(0) >= 5).sum() >= 5
    assert set(articles["outlet"]) <= set(invented) | {"Caixin Global"}
    days = articles["published"].str.slice(0, 10)
    assert days.min() >= "2020-11-01" and days.max() <= "2023-08-31"
    # each outlet has its own timestamp style: the raw stamps of two outlets never share a shape
    shapes = articles.assign(shape=articles["published_raw"].str.replace(r"\d", "9", regex=True)
                             .str.replace(r"[A-Za-z]+", "a", regex=True))
    per_outlet = shapes.groupby("outlet")["shape"].agg(lambda s: set(s))
    outlets = list(per_outlet.index)
    for i, a in enumerate(outlets):
        for b in outlets[i + 1:]:
            assert not (per_outlet[a] & per_outlet[b]), (a, b)
    words = articles["body"].str.split().str.len()
    assert words.between(200, 900).all()  # 200-700 words of prose plus the outlet's boilerplate


def test_sample_corpus_covers_reference_events():
    coverage = pd.read_csv(paths.REFERENCE_DIR / "sample_coverage.csv", dtype=str)
    timeline = pd.read_csv(paths.TIMELINE_CSV, dtype=str)
    ids = {p.stem for p in paths.SAMPLE_CORPUS_DIR.iterdir()}
    assert set(coverage["article_id"]) == ids
    dates = {d for ds in coverage["timeline_dates"] for d in ds.split(";")}
    assert dates <= set(timeline["date"])
    assert len({ds.split(";")[0] for ds in coverage["timeline_dates"]}) >= 30


def test_reference_tables_have_sources():
    entities = pd.read_csv(paths.ENTITIES_CSV, dtype=str, keep_default_na=False)
    timeline = pd.read_csv(paths.TIMELINE_CSV, dtype=str, keep_default_na=False)
    assert len(entities) >= 100 and entities["canonical_name"].is_unique
    assert set(entities["type"]) <= {"regulator", "government_body", "company", "law_or_policy", "person", "place", "media"}
    for table in (entities, timeline):
        assert table["source_url"].str.match(r"https?://[^\s/]+\.[a-z]{2,}/").all()
    vocabulary = {"antitrust_probe", "fine", "law_passed", "law_effective", "rule_issued", "campaign", "review",
                  "ipo_halt", "summons", "order", "guidance", "other"}
    assert set(timeline["action_type"]) <= vocabulary
    names = set(entities["canonical_name"])
    for col in ("agency", "companies"):
        used = {n for v in timeline[col] for n in v.split(";") if n}
        assert used <= names, used - names


def test_cli_export(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "helpers", "export", str(paths.SAMPLE_CORPUS_DIR), "--out", str(out)],
                          capture_output=True, text=True, check=True)
    assert "articles.csv" in proc.stdout
    articles = pd.read_csv(out / "articles.csv", dtype=str, keep_default_na=False)
    assert list(articles.columns[:7]) == ["article_id", "path", "outlet", "published", "title", "n_chars", "encoding"]
    assert len(articles) == len(list(paths.SAMPLE_CORPUS_DIR.iterdir()))
    skipped = pd.read_csv(out / "skipped.csv")
    assert list(skipped.columns) == ["path", "reason"] and skipped.empty
    assert list(articles.columns[-3:]) == ["content_chars", "boilerplate_chars", "boilerplate_ratio"]
    segments = pd.read_csv(out / "segments.csv", dtype=str, keep_default_na=False)
    assert list(segments.columns[:7]) == ["article_id", "para_no", "label", "kind", "reason", "n_chars", "text"]
    assert set(segments.article_id) == set(articles.article_id)
    per_article = segments.assign(n=segments.n_chars.astype(int)).pivot_table(
        index="article_id", columns="label", values="n", aggfunc="sum", fill_value=0)
    merged = articles.set_index("article_id").join(per_article)
    assert (merged.content_chars.astype(int) == merged.content).all()


@pytest.mark.parametrize("make_folder", [False, True])
def test_cli_missing_or_empty_folder(tmp_path, make_folder):
    folder = tmp_path / "corpus"
    if make_folder:
        folder.mkdir()
    proc = subprocess.run([sys.executable, "-m", "helpers", "export", str(folder), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert ("empty" if make_folder else "not found") in proc.stderr


def test_cli_export_on_a_messy_folder(tmp_path):
    """Every file is in articles.csv or skipped.csv, all six tables are written, short items keep their text."""
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_bytes(b"Jul 26, 2021 06:10 PM\r\n\r\nTitle\r\n\r\nThe CAC said on Friday it fined Didi 8 billion yuan.\r\n")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    (corpus / "sub" / "gbk.txt").write_bytes("2021-07-26\n\n工信部整治\n\n工业和信息化部表示将开展整治。\n".encode("gbk"))
    (corpus / "feed.jsonl").write_text('{"text": "SAMR fined Alibaba on Saturday, the regulator said.", "published": "2021-04-11"}\n{bad\n')
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "helpers", "export", str(corpus), "--out", str(out)], check=True,
                   capture_output=True)
    tables = {name: pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ["articles", "skipped", "segments", "mentions", "dates", "events"]}
    files = {"a.txt", "empty.txt", "logo.png", "sub/gbk.txt", "feed.jsonl"}
    assert set(tables["articles"].path) | set(tables["skipped"].path) == files
    assert set(tables["events"].agency) == {"Cyberspace Administration of China", "State Administration for Market Regulation"}
    assert "Ministry of Industry and Information Technology" in set(tables["mentions"].entity)
    assert {"2021-07-23", "2021-04-10"} <= set(tables["dates"].value)
