"""helpers.pipeline: the same tables as the step-by-step functions, on one or several processes, from
the cache, and on a dask.distributed cluster; the cache survives interruptions and code changes."""
import shutil

import numpy as np
import pandas as pd
import pytest

from helpers import paths, pipeline
from helpers.corpus import load_corpus
from helpers.dates import extract_dates
from helpers.entities import extract_mentions
from helpers.events import extract_events
from helpers.pipeline import TABLES, Snapshot, cache_folder, run_pipeline
from helpers.segment import label_paragraphs

ALL = ("articles", "report") + TABLES


def step_by_step(folder) -> dict[str, pd.DataFrame]:
    corpus = load_corpus(folder)
    segments = label_paragraphs(corpus.articles)
    mentions = extract_mentions(segments)
    dates = extract_dates(segments, corpus.articles)
    return {"articles": corpus.articles, "report": corpus.report, "segments": segments, "mentions": mentions,
            "dates": dates, "events": extract_events(segments, mentions, dates)}


def assert_same(tables, expected) -> None:
    for name in ALL:
        got = getattr(tables, name) if not isinstance(tables, dict) else tables[name]
        want = getattr(expected, name) if not isinstance(expected, dict) else expected[name]
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), obj=name)


@pytest.fixture(scope="module")
def expected():
    return step_by_step(paths.SAMPLE_CORPUS_DIR)


@pytest.fixture
def corpus(tmp_path):
    """A copy of the sample corpus plus files that are skipped (empty, binary) or loaded with a warning."""
    folder = tmp_path / "corpus"
    shutil.copytree(paths.SAMPLE_CORPUS_DIR, folder, ignore=shutil.ignore_patterns("README*"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    (folder / "feed.jsonl").write_text('{"text": "SAMR fined Alibaba on Saturday, the regulator said.", '
                                       '"published": "2021-04-11"}\n{bad\n')
    return folder


def test_sample_corpus_same_as_step_by_step(expected):
    tables = run_pipeline(paths.SAMPLE_CORPUS_DIR, cache=False, chunk_size=9)
    assert_same(tables, expected)
    assert tables.stats["articles_analysed"] == len(expected["articles"]) > 60


def test_two_processes_same_as_one(corpus):
    serial = run_pipeline(corpus, cache=False, chunk_size=8)
    parallel = run_pipeline(corpus, cache=False, workers=2, chunk_size=8)
    assert_same(parallel, serial)
    assert_same(serial, step_by_step(corpus))
    assert {"empty.txt", "logo.png", "feed.jsonl"} <= set(serial.skipped["path"])


def test_cache_reopen_and_one_changed_file(corpus, tmp_path):
    cache = tmp_path / "cache"
    cold = run_pipeline(corpus, cache_dir=cache)
    warm = run_pipeline(corpus, cache_dir=cache)
    assert warm.stats["cache"] == "reused" and warm.stats["files_read"] == 0
    assert_same(warm, cold)

    changed = sorted(corpus.glob("hl_*.txt"))[2]
    text = changed.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n\n")
    changed.write_text(head + "\n\n" + rest.replace(
        "\n\n", "\n\nThe Cyberspace Administration of China said on Friday it had fined the company.\n\n", 2),
        encoding="utf-8")
    again = run_pipeline(corpus, cache_dir=cache)
    assert again.stats["files_read"] == 1 and again.stats["articles_segmented"] == 1
    assert again.stats["articles_analysed"] < 5  # that article (and any whose repetition counts moved)
    assert_same(again, step_by_step(corpus))
    aid = changed.stem
    assert not again.segments[again.segments.article_id == aid].equals(cold.segments[cold.segments.article_id == aid])


def test_counts_that_move_relabel_an_outlet_but_reanalyse_only_the_changed_article(corpus, tmp_path):
    """Dropping a line every article of the outlet ends with moves the outlet's repetition counts: the
    other articles are labelled again (their reasons quote the counts) but keep their labels, so their
    mentions, dates and events are reused; only the edited article is analysed again."""
    cache = tmp_path / "cache"
    cold = run_pipeline(corpus, cache_dir=cache)
    line = "Download the Harbour Ledger app for breaking news alerts"
    sharing = [f for f in sorted(corpus.glob("hl_*.txt")) if line in f.read_text(encoding="utf-8")]
    assert len(sharing) >= 4
    edited = sharing[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace(line, ""), encoding="utf-8")
    again = run_pipeline(corpus, cache_dir=cache)
    assert again.stats["articles_analysed"] == 1
    assert again.stats["articles_relabelled"] >= len(sharing) - 1
    assert_same(again, step_by_step(corpus))
    other = sharing[1].stem
    before = cold.segments[(cold.segments.article_id == other) & (cold.segments.text == line)]
    after = again.segments[(again.segments.article_id == other) & (again.segments.text == line)]
    assert list(before.label) == list(after.label) == ["boilerplate"]
    assert list(before.reason) != list(after.reason)  # "repeated in N of M" moved


def test_prepared_cache_survives_successive_edits(corpus, tmp_path, monkeypatch):
    """Edit a file, then put it back: each run segments one article.  A chunk whose body keys all fell
    below 2**63 (forced here for the edited body) once came back as int64, next to the cache's uint64
    keys, and the cache's keys turned into floats: every later run segmented the whole corpus again."""
    real = pipeline.body_keys

    def keys(articles):
        k = real(articles).to_numpy() | np.uint64(2**63)
        edited = articles["body"].str.contains("A sentence added at the end.", regex=False).to_numpy()
        k[edited] &= np.uint64(2**62 - 1)
        return pd.Series(k, index=articles.index, name="body_key")

    monkeypatch.setattr(pipeline, "body_keys", keys)
    cache = tmp_path / "cache"
    run_pipeline(corpus, cache_dir=cache)
    changed = sorted(corpus.glob("pws_*.txt"))[1]
    original = changed.read_text(encoding="utf-8")
    changed.write_text(original + "\nA sentence added at the end.\n", encoding="utf-8")
    edited = run_pipeline(corpus, cache_dir=cache)
    changed.write_text(original, encoding="utf-8")
    restored = run_pipeline(corpus, cache_dir=cache)
    assert edited.stats["articles_segmented"] == 1 and restored.stats["articles_segmented"] == 1
    assert_same(restored, step_by_step(corpus))


def test_cache_added_and_removed_files(corpus, tmp_path):
    cache = tmp_path / "cache"
    run_pipeline(corpus, cache_dir=cache)
    removed = sorted(corpus.glob("pws_*.txt"))[0]
    removed.unlink()
    added = corpus / "sub" / "extra.txt"
    added.parent.mkdir()
    added.write_text("2021-07-26 10:00\n\nA new item\n\nThe State Administration for Market Regulation fined "
                     "Tencent 500,000 yuan on Saturday, it said.\n", encoding="utf-8")
    tables = run_pipeline(corpus, cache_dir=cache)
    assert tables.stats["files_read"] == 1
    assert removed.stem not in set(tables.articles.article_id) and "extra" in set(tables.articles.article_id)
    assert_same(tables, step_by_step(corpus))


def test_cache_rebuilt_when_the_version_changes(corpus, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    run_pipeline(corpus, cache_dir=cache)
    monkeypatch.setattr(pipeline, "cache_version", lambda: "9.9.9-other")
    tables = run_pipeline(corpus, cache_dir=cache)
    assert tables.stats["files_read"] == tables.stats["files"]
    assert tables.stats["articles_analysed"] == len(tables.articles)


def test_crash_while_writing_leaves_the_previous_snapshot(corpus, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = run_pipeline(corpus, cache_dir=cache)
    folder = cache_folder(corpus, {"max_bytes": 10_000_000, "max_table_bytes": 2_000_000_000,
                                   "keep_duplicates": False, "outlets_csv": None}, cache)
    before = (folder / "CURRENT").read_text()
    (corpus / "new.txt").write_text("2021-07-26\n\nNew\n\nThe CAC said on Friday it would act.\n", encoding="utf-8")
    real, calls = pd.DataFrame.to_parquet, []

    def crash_on_third(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as if the user interrupted the kernel mid-write
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(corpus, cache_dir=cache)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    assert (folder / "CURRENT").read_text() == before  # the half-written snapshot was never committed
    assert any(p.name.startswith("tmp-") for p in folder.iterdir())
    (corpus / "new.txt").unlink()
    reopened = run_pipeline(corpus, cache_dir=cache)
    assert reopened.stats["cache"] == "reused"
    assert_same(reopened, first)
    (corpus / "new.txt").write_text("2021-07-26\n\nNew\n\nThe CAC said on Friday it would act.\n", encoding="utf-8")
    run_pipeline(corpus, cache_dir=cache)  # the next write removes the leftovers
    assert not any(p.name.startswith("tmp-") for p in folder.iterdir())


def test_interrupted_analysis_commits_nothing(corpus, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    calls = []
    real = pipeline.analyse_chunk

    def interrupt_second(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(pipeline, "analyse_chunk", interrupt_second)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(corpus, cache_dir=cache, chunk_size=10)
    monkeypatch.setattr(pipeline, "analyse_chunk", real)
    assert not list(cache.rglob("CURRENT"))
    assert_same(run_pipeline(corpus, cache_dir=cache), step_by_step(corpus))


def test_unreadable_snapshot_is_recomputed(corpus, tmp_path):
    cache = tmp_path / "cache"
    run_pipeline(corpus, cache_dir=cache)
    (pointer,) = cache.rglob("CURRENT")
    snap = pointer.parent / pointer.read_text()
    (snap / "segments.parquet").write_bytes(b"not parquet")
    tables = run_pipeline(corpus, cache_dir=cache)
    assert tables.stats["files_read"] == tables.stats["files"]
    assert_same(tables, step_by_step(corpus))
    assert Snapshot(pointer.parent).read() is not None


def test_cache_lives_outside_data():
    folder = cache_folder(paths.SAMPLE_CORPUS_DIR, {}, None)
    assert paths.DATA_DIR not in folder.parents and paths.CACHE_DIR in folder.parents
    assert ".cache" in (paths.PROJECT_ROOT / ".gitignore").read_text()


def test_unknown_engine():
    with pytest.raises(ValueError, match="engine"):
        run_pipeline(paths.SAMPLE_CORPUS_DIR, engine="spark")


def test_dask_local_cluster_row_for_row(corpus):
    import distributed

    expected = run_pipeline(corpus, cache=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        tables = run_pipeline(corpus, engine="dask", client=client, chunk_size=9)
        assert len(client.scheduler_info()["workers"]) == 2
    assert tables.stats["chunks"] > 2
    assert_same(tables, expected)


def test_cli_export_options_do_not_change_the_tables(tmp_path):
    import subprocess
    import sys

    def export(*options):
        out = tmp_path / "-".join(options or ("default",))
        subprocess.run([sys.executable, "-m", "helpers", "export", str(paths.SAMPLE_CORPUS_DIR), "--out", str(out),
                        "--quiet", *options], check=True, capture_output=True)
        return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}

    default = export()
    assert len(default) == 6
    assert export("--workers", "2", "--no-cache") == default


def test_progress_bars_show_counts_and_rate(corpus, capsys):
    run_pipeline(corpus, cache=False, progress=True, chunk_size=20)
    err = capsys.readouterr().err
    for step in ("reading files", "segmenting", "analysing"):
        assert step in err
    n_files = sum(1 for p in corpus.rglob("*") if p.is_file())
    assert f"{n_files}/{n_files}" in err  # counts: every file read
    assert "article/s" in err or "s/article" in err  # and a rate


def test_cache_version_follows_the_code_behind_the_tables(tmp_path, monkeypatch):
    for f in list(paths.PACKAGE_DIR.glob("*.py")) + list(paths.PACKAGE_DIR.glob("*.json")):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path)
    before = pipeline.cache_version()
    with open(tmp_path / "plotting.py", "a") as fh:  # presentation only: the cached tables stay valid
        fh.write("\n# a chart tweak\n")
    assert pipeline.cache_version() == before
    with open(tmp_path / "segment.py", "a") as fh:  # the tables may change: the cache is rebuilt
        fh.write("\n# a rule tweak\n")
    assert pipeline.cache_version() != before
