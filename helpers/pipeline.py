"""Run the whole pipeline on a corpus folder: cached on disk, on all cores, or on Dask.

    from helpers.pipeline import run_pipeline
    tables = run_pipeline("data/articles")                          # cached; one process
    tables = run_pipeline(folder, workers=4)                        # processes: the same tables
    tables = run_pipeline(folder, engine="dask", client=client)     # a dask.distributed cluster

The steps are the plain functions of the other modules, run per chunk of files or articles:

1. **read** each file (:func:`helpers.corpus.read_file`); cached by the file's content hash;
2. **plan** article ids and duplicates over the whole corpus (:func:`helpers.corpus.plan_corpus`,
   cheap), then finish each article (manifest overrides, outlet);
3. **prepare** each article's paragraphs (:func:`helpers.segment.prepare_paragraphs`: split,
   model score, repetition keys); cached by the body's hash;
4. **repetition** statistics per outlet and corpus (:func:`helpers.segment.repetition_counts`), a
   reduction over all articles;
5. **label** each article's paragraphs (:func:`helpers.segment.apply_labels`), then **analyse**
   it (mentions, dates, events).  Labels are cached by the article's *signature*: its id, outlet,
   publication date, body and the repetition counts of its paragraphs; the analysis by its
   *analysis signature*: the same without the counts, with the paragraphs' labels instead.  When
   one file changes, step 4 is recomputed; the outlet's articles whose repetition counts moved are
   labelled again (cheap: their reasons quote the counts), and only those whose labels came out
   different - usually just the changed article - are analysed again.

Cache: ``<cache dir>/pipeline/<corpus key>/`` (``paths.CACHE_DIR``, git-ignored, never under
``data/``).  Each run that computed anything writes a complete new snapshot folder of Parquet
files, then points the ``CURRENT`` file at it with an atomic rename; a run interrupted before
that leaves the previous snapshot in use and its own half-written folder is deleted next time.
A snapshot is used only if it was written by the same package version and the same code and
reference data (``cache_version()``); otherwise everything is recomputed.  Files are re-hashed
only when their size or modification time changed.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import shutil
import sys
import time
import uuid
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from . import __version__, paths, schema
from .corpus import (HTML_SUFFIXES, MAX_BYTES_DEFAULT, MAX_TABLE_BYTES_DEFAULT, RECORD_FIELDS, Corpus, _reader_for,
                     TABLE_SUFFIXES, assemble_corpus, corpus_files, infer_outlet, load_outlets, outlet_text,
                     read_file)
from .dates import extract_dates
from .entities import extract_mentions
from .events import extract_events
from .segment import SEGMENT_COLUMNS, apply_labels, join_repetition, paragraph_table, prepare_paragraphs, \
    repetition_counts

ENGINES = ("pandas", "dask")
#: Bumped when the cache layout changes.
CACHE_LAYOUT = 2
CHUNK_SIZE_DEFAULT = 500
TABLES = ("segments", "mentions", "dates", "events")
_REP_COLUMNS = ["n_outlet_articles", "n_corpus_articles", "n_template_articles", "outlet_size"]
#: What step 3 keeps per paragraph: not the text (step 5 splits the body again, which is cheap),
#: so that a million paragraphs stay small in memory and in the cache.
_PREPARED_COLUMNS = ["para_no", "score", "norm", "template"]


@dataclass
class Tables:
    """What :func:`run_pipeline` returns: every table of the pipeline, plus how it was made."""

    articles: pd.DataFrame   # schema.ARTICLE_COLUMNS
    report: pd.DataFrame     # schema.REPORT_COLUMNS
    segments: pd.DataFrame   # schema.SEGMENT_COLUMNS
    mentions: pd.DataFrame   # schema.MENTION_COLUMNS
    dates: pd.DataFrame      # schema.DATE_COLUMNS
    events: pd.DataFrame     # schema.EVENT_COLUMNS
    stats: dict = field(default_factory=dict)  # files read, articles analysed, seconds per step ...

    @property
    def corpus(self) -> Corpus:
        return Corpus(articles=self.articles, report=self.report)

    @property
    def skipped(self) -> pd.DataFrame:
        return self.corpus.skipped

    def for_articles(self, articles: pd.DataFrame) -> "Tables":
        """The tables restricted to ``articles`` (e.g. ``views.filter_articles(tables.articles, ...)``).
        Labels keep the repetition statistics of the whole corpus."""
        keep = set(articles["article_id"])
        return Tables(articles=articles, report=self.report, stats=self.stats,
                      **{n: getattr(self, n)[getattr(self, n)["article_id"].isin(keep)].reset_index(drop=True)
                         for n in TABLES})


# --------------------------------------------------------------------------- per-chunk steps
def read_chunk(items: list[tuple[str, str]], max_bytes: int, max_table_bytes: int,
               outlets_csv: str | None = None) -> list[tuple]:
    """Read and parse files: ``[(path, rel)]`` -> ``[(rel, size, mtime_ns, key, records)]``.  ``key``
    is the content hash plus the reader the suffix selects (None where the file was not read).
    Records that do not name their outlet get ``inferred_outlet`` (``corpus.infer_outlet``), so that
    reopening a corpus does not infer it again."""
    outlets = load_outlets(Path(outlets_csv) if outlets_csv else None)
    out = []
    for path, rel in items:
        f = Path(path)
        try:
            st = f.stat()
            _, is_table = _reader_for(f)
            limit = max_table_bytes if is_table else max_bytes
            data = f.read_bytes() if 0 < st.st_size <= limit else None
        except OSError:
            st, data = None, None
        key = None if data is None else content_key(data, f)
        records = read_file(f, rel, max_bytes=max_bytes, max_table_bytes=max_table_bytes, data=data)
        for rec in records:
            if rec.get("skip") is None and not rec.get("outlet"):
                rec["inferred_outlet"] = infer_outlet(outlet_text(rec), outlets=outlets)
        out.append((rel, st.st_size if st else -1, st.st_mtime_ns if st else -1, key, records))
    return out


def content_key(data: bytes, path: Path) -> str:
    """A file's cache key: BLAKE2 hash of its bytes and the kind of reader its suffix selects."""
    return hashlib.blake2b(data, digest_size=16).hexdigest() + ":" + _reader_kind(path)


def _reader_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    return suffix if suffix in TABLE_SUFFIXES | HTML_SUFFIXES else ".txt"


def prepare_chunk(articles: pd.DataFrame) -> pd.DataFrame:
    """Step 3 for a chunk of articles: per paragraph its number, model score and repetition keys."""
    return prepare_paragraphs(articles).drop(columns="text")


def label_chunk(articles: pd.DataFrame, paras: pd.DataFrame) -> pd.DataFrame:
    """Step 5, labels: the segments of a chunk of articles (with their body; ``paras``: prepared
    and joined with repetition counts)."""
    texts = paragraph_table(articles)[["article_id", "para_no", "text"]]
    paras = paras.drop(columns=[c for c in ("text",) if c in paras.columns]).merge(
        texts, on=["article_id", "para_no"], how="left", sort=False)
    segments = apply_labels(paras)
    return pd.DataFrame(columns=SEGMENT_COLUMNS) if segments.empty else segments


def analyse_chunk(articles: pd.DataFrame, paras: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Step 5 for a chunk of articles: labels, then mentions, dates and events."""
    segments = label_chunk(articles, paras)
    mentions = extract_mentions(segments)
    dates = extract_dates(segments, articles)
    events = extract_events(segments, mentions, dates)
    return {"segments": segments, "mentions": mentions, "dates": dates, "events": events}


def body_keys(articles: pd.DataFrame) -> pd.Series:
    """A 64-bit hash of each article's body (what its prepared paragraphs depend on)."""
    bodies = np.array(articles["body"].fillna("").tolist(), dtype=object)
    return pd.Series(pd.util.hash_array(bodies) if len(bodies) else np.zeros(0, dtype="uint64"),
                     index=articles.index, name="body_key")


def _article_hashes(articles: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """Per article (index: article_id): a hash of its id, outlet, publication date and body, plus the
    sum of the hashes of its ``rows`` (an ``article_id`` column and whatever else counts)."""
    art_hash = pd.util.hash_pandas_object(articles[["article_id", "outlet", "published", "body_key"]], index=False)
    art_hash.index = articles["article_id"].to_numpy()
    if rows.empty:
        return art_hash.astype("uint64")
    per_article = pd.util.hash_pandas_object(rows, index=False).groupby(rows["article_id"].to_numpy(), sort=False).sum()
    return (art_hash + per_article.reindex(art_hash.index).fillna(0).astype("uint64")).astype("uint64")


def signatures(articles: pd.DataFrame, paras: pd.DataFrame) -> pd.Series:
    """What an article's labels depend on besides the code: article_id, outlet, published, body, and
    its paragraphs' repetition counts."""
    return _article_hashes(articles, paras[["article_id", "para_no"] + _REP_COLUMNS])


def analysis_signatures(articles: pd.DataFrame, segments: pd.DataFrame) -> pd.Series:
    """What an article's mentions, dates and events depend on besides the code: article_id, outlet,
    published, body, and each paragraph's label."""
    return _article_hashes(articles, segments[["article_id", "para_no", "label"]].astype(
        {"article_id": str, "para_no": "int64", "label": str}))


def _unchanged(new: pd.Series, old: pd.Series) -> set:
    """Ids (the index) whose value in ``new`` equals the one in ``old``."""
    known = new.index.isin(old.index)
    known[known] = old.reindex(new.index[known]).to_numpy() == new.to_numpy()[known]
    return set(new.index[known])


def order_tables(parts: dict[str, list[pd.DataFrame]], article_order: pd.Series) -> dict[str, pd.DataFrame]:
    """Concatenate per-chunk tables into the order a single serial run gives: segments, dates and
    events in article order, mentions by (article_id, para_no, start) as extract_mentions sorts."""
    columns = {"segments": SEGMENT_COLUMNS, "mentions": schema.MENTION_COLUMNS, "dates": schema.DATE_COLUMNS,
               "events": schema.EVENT_COLUMNS}
    out = {}
    for name in TABLES:
        frames = [f for f in parts[name] if len(f)]
        table = pd.concat(frames, ignore_index=True) if frames else _empty(name)
        table = table[columns[name]]
        if name == "mentions":
            table = table.sort_values(["article_id", "para_no", "start"], kind="stable", ignore_index=True)
        else:
            pos = table["article_id"].map(article_order)
            table = table.iloc[pos.argsort(kind="stable")].reset_index(drop=True)
        out[name] = _dtypes(name, table)
    return out


@lru_cache(maxsize=None)
def _empty_cached(name: str) -> pd.DataFrame:
    empty = pd.DataFrame({"article_id": [], "body": [], "outlet": [], "published": []})
    return analyse_chunk(empty, prepare_chunk(empty).assign(
        **{c: pd.Series(dtype="int64") for c in _REP_COLUMNS}, norm=pd.Series(dtype="uint64"),
        template=pd.Series(dtype="uint64")))[name]


def _empty(name: str) -> pd.DataFrame:
    return _empty_cached(name).copy()


_INT_COLUMNS = {"segments": ["para_no", "n_chars"], "mentions": ["para_no", "start", "end"],
                "dates": ["para_no", "start", "end"], "events": ["para_no"]}


def _dtypes(name: str, table: pd.DataFrame) -> pd.DataFrame:
    for col in _INT_COLUMNS[name]:
        if col in table.columns and len(table):
            table[col] = table[col].astype("int64")
    if name == "segments":
        table["score"] = table["score"].astype("float64")
    if name == "events":
        table["amount_cny"] = table["amount_cny"].astype("float64")
    return table


# --------------------------------------------------------------------------- cache
#: Modules that only present the tables (charts, widgets, reports, command line): editing them keeps
#: the cache.  Every other module of the package is hashed into the cache version.
PRESENTATION_MODULES = frozenset({"plotting.py", "widgets.py", "report.py", "cli.py", "export.py", "__main__.py"})


def cache_version() -> str:
    """Package version, cache layout and a hash of the code and reference data the tables depend
    on (every module but ``PRESENTATION_MODULES``): a cache written under another value is not used."""
    h = hashlib.blake2b(digest_size=8)
    modules = [f for f in sorted(paths.PACKAGE_DIR.glob("*.py")) if f.name not in PRESENTATION_MODULES]
    for f in modules + sorted(paths.PACKAGE_DIR.glob("*.json")) + sorted(paths.REFERENCE_DIR.glob("*.csv")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return f"{__version__}-{CACHE_LAYOUT}-{h.hexdigest()}"


def cache_folder(root: Path, options: dict, cache_dir: Path | None = None) -> Path:
    """Where the cache of a corpus lives: one folder per corpus path and load options."""
    key = hashlib.blake2b(json.dumps([str(root.resolve()), options], sort_keys=True, default=str).encode(),
                          digest_size=8).hexdigest()
    return Path(cache_dir or paths.CACHE_DIR) / "pipeline" / f"{root.name}-{key}"


class Snapshot:
    """The cached tables of one corpus: read the current snapshot, write a new one atomically."""

    NAMES = ("files", "records", "prepared", "signatures", "articles", "report") + TABLES

    def __init__(self, folder: Path):
        self.folder = folder

    def current(self) -> Path | None:
        pointer = self.folder / "CURRENT"
        try:
            snap = self.folder / pointer.read_text().strip()
            meta = json.loads((snap / "meta.json").read_text())
        except (OSError, ValueError):
            return None
        if meta.get("version") != cache_version() or not all((snap / f"{n}.parquet").is_file() for n in self.NAMES):
            return None
        return snap

    def read(self, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame] | None:
        snap = self.current()
        if snap is None:
            return None
        try:
            return {n: pd.read_parquet(snap / f"{n}.parquet") for n in (names or self.NAMES)}
        except Exception:  # unreadable snapshot (disk trouble): recompute rather than fail
            return None

    def write(self, tables: dict[str, pd.DataFrame]) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"snap-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        tmp = self.folder / f"tmp-{name}"
        tmp.mkdir()
        for n in self.NAMES:
            tables[n].to_parquet(tmp / f"{n}.parquet", index=False)
        (tmp / "meta.json").write_text(json.dumps({"version": cache_version(), "written": time.time()}))
        os.replace(tmp, self.folder / name)
        pointer_tmp = self.folder / f"CURRENT.{uuid.uuid4().hex[:8]}.tmp"
        pointer_tmp.write_text(name)
        os.replace(pointer_tmp, self.folder / "CURRENT")  # the commit point
        self.clean(keep=name)
        return self.folder / name

    def clean(self, keep: str | None = None) -> None:
        """Delete snapshots other than ``keep`` and leftovers of interrupted writes."""
        for p in self.folder.iterdir():
            if p.name != keep and (p.name.startswith(("snap-", "tmp-")) or p.name.endswith(".tmp")):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)


def _records_frame(keyed: dict[str, list[dict]]) -> pd.DataFrame:
    rows = [(key, seq, *[rec.get(f) for f in RECORD_FIELDS]) for key, recs in keyed.items() for seq, rec in enumerate(recs)]
    frame = pd.DataFrame(rows, columns=["key", "seq", *RECORD_FIELDS])
    frame["record_no"] = frame["record_no"].astype("Int64")
    return frame


def _records_from_frame(frame: pd.DataFrame) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    cols = ["key", *RECORD_FIELDS]
    for values in zip(*(frame[c].tolist() for c in cols)):
        rec = {f: (int(v) if f == "record_no" else v) for f, v in zip(RECORD_FIELDS, values[1:])
               if v is not None and v is not pd.NA and not (isinstance(v, float) and v != v)}
        out.setdefault(values[0], []).append(rec)
    return out


# --------------------------------------------------------------------------- running
def _peak_mb() -> int | None:
    """Peak resident memory of this process so far (MB), where the platform reports it."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10))


def _progress(iterable, total: int, desc: str, unit: str, enabled: bool):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm
    return tqdm(iterable, total=total, desc=desc, unit=unit, mininterval=0.5)


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _map(fn: Callable, jobs: Iterable[tuple], executor: ProcessPoolExecutor | None, max_pending: int) -> Iterator:
    """(job, fn(*job)) for each job, in order.  Jobs are taken from the iterable only as they are
    submitted, and at most ``max_pending`` are in flight: memory stays bounded by a few chunks."""
    if executor is None:
        for job in jobs:
            yield job, fn(*job)
        return
    pending: list = []
    for job in jobs:
        pending.append((job, executor.submit(fn, *job)))
        if len(pending) >= max_pending:
            done, fut = pending.pop(0)
            yield done, fut.result()
    for done, fut in pending:
        yield done, fut.result()


def _write_snapshot(snapshot: Snapshot, tables: dict[str, pd.DataFrame]) -> None:
    try:
        snapshot.write(tables)
    except OSError as exc:  # a read-only or full disk must not lose the results just computed
        warnings.warn(f"pipeline cache not written ({exc}); the next run recomputes everything", stacklevel=3)


def run_pipeline(corpus_dir: str | Path = paths.SAMPLE_CORPUS_DIR, *, cache: bool = True,
                 cache_dir: str | Path | None = None, workers: int = 1, engine: str = "pandas", client=None,
                 chunk_size: int = CHUNK_SIZE_DEFAULT, progress: bool = False,
                 max_bytes: int = MAX_BYTES_DEFAULT, max_table_bytes: int = MAX_TABLE_BYTES_DEFAULT,
                 keep_duplicates: bool = False, outlets_csv: str | Path | None = None) -> Tables:
    """Load ``corpus_dir`` and compute every table; the same tables as calling ``load_corpus``,
    ``label_paragraphs``, ``extract_mentions``, ``extract_dates`` and ``extract_events`` in turn.

    ``cache``: reuse and update the on-disk cache (pandas engine).  ``workers``: processes for the
    per-chunk steps (``0`` or ``None``: all cores); results are identical to ``workers=1``.
    ``engine="dask"`` runs the steps as Dask tasks on ``client`` (a ``dask.distributed.Client``;
    without one, Dask's local scheduler); it does not use the cache.  ``progress`` shows a progress
    bar per step (in a notebook, a widget).  Interrupting (Ctrl-C, kernel interrupt) leaves the
    previous cache intact.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    root, files = corpus_files(corpus_dir)
    options = {"max_bytes": max_bytes, "max_table_bytes": max_table_bytes, "keep_duplicates": keep_duplicates,
               "outlets_csv": str(outlets_csv) if outlets_csv else None}
    if engine == "dask":
        from .pipeline_dask import run_dask
        return run_dask(root, files, options, client=client, chunk_size=chunk_size, progress=progress)
    workers = (os.cpu_count() or 1) if not workers else int(workers)
    snapshot = Snapshot(cache_folder(root, options, Path(cache_dir) if cache_dir else None)) if cache else None
    previous = snapshot.read() if snapshot else None
    executor = None
    if workers > 1:
        executor = ProcessPoolExecutor(workers, mp_context=mp.get_context("forkserver" if os.name == "posix" else "spawn"))
    try:
        return _run(root, files, options, previous, snapshot, executor, workers, chunk_size, progress)
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _run(root, files, options, previous, snapshot, executor, workers, chunk_size, progress) -> Tables:
    stats: dict = {"files": len(files), "workers": workers}
    t0 = time.perf_counter()
    rel = [f.relative_to(root).as_posix() for f in files]
    pending = 2 * workers

    # 1. read: reuse a file's records when its size and mtime (or else its content hash) are unchanged
    old_files = {} if not previous else {
        r: (size, mtime, key) for r, size, mtime, key in zip(*(previous["files"][c].tolist()
                                                              for c in ("rel", "size", "mtime_ns", "key")))}
    records_by_key = _records_from_frame(previous["records"]) if previous else {}
    file_keys: dict[str, str | None] = {}
    to_read = []
    for f, r in zip(files, rel):
        try:
            st = f.stat()
        except OSError:
            to_read.append((str(f), r))
            continue
        old = old_files.get(r)
        if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns and old[2] in records_by_key:
            file_keys[r] = old[2]
            continue
        to_read.append((str(f), r))
    file_rows = {r: old_files[r] for r in file_keys}
    jobs = [(c, options["max_bytes"], options["max_table_bytes"], options["outlets_csv"])
            for c in _chunks(to_read, max(1, chunk_size))]
    bar = _progress(None, len(to_read), "reading files", "file", progress) if to_read else None
    for _, result in _map(read_chunk, jobs, executor, pending):
        for r, size, mtime, key, recs in result:
            key = key or f"unread:{r}:{size}:{mtime}"  # not read (too large, empty): keyed by its stat
            file_rows[r] = (size, mtime, key)
            records_by_key.setdefault(key, recs)
            file_keys[r] = key
        if bar is not None:
            bar.update(len(result))
    if bar is not None:
        bar.close()
    records = [records_by_key[file_keys[r]] for r in rel]
    stats["files_read"] = len(to_read)
    stats["read_s"] = time.perf_counter() - t0
    stats["read_peak_mb"] = _peak_mb()
    if previous is not None and not to_read and previous["files"]["rel"].tolist() == rel:
        # nothing changed since the snapshot: its tables are the answer
        stats["cache"] = "reused"
        stats["articles"] = len(previous["articles"])
        stats["total_s"] = time.perf_counter() - t0
        return Tables(articles=previous["articles"], report=previous["report"], stats=stats,
                      **{n: previous[n] for n in TABLES})

    # 2. plan ids and duplicates, finish articles
    t1 = time.perf_counter()
    corpus = assemble_corpus(root, rel, records, keep_duplicates=options["keep_duplicates"],
                             outlets_csv=options["outlets_csv"])
    articles, report = corpus.articles, corpus.report
    live_keys = {k for k in file_keys.values() if k}
    records_frame = _records_frame({k: v for k, v in records_by_key.items() if k in live_keys}) if snapshot else None
    del records, records_by_key, corpus  # the articles table holds what is needed from here on
    stats["articles"] = len(articles)
    stats["plan_s"] = time.perf_counter() - t1
    stats["plan_peak_mb"] = _peak_mb()

    # 3. prepare paragraphs, reusing those of unchanged bodies
    t1 = time.perf_counter()
    keyed = articles[["article_id", "outlet", "published"]].assign(body_key=body_keys(articles))
    cached = previous["prepared"] if previous else None
    if cached is None or cached["body_key"].dtype != np.uint64:  # none, or keys damaged (floats): prepare again
        cached = pd.DataFrame({"body_key": pd.Series(dtype="uint64")}).reindex(columns=["body_key"] + _PREPARED_COLUMNS)
    known = set(cached["body_key"].unique())
    todo_rows = np.flatnonzero((~keyed["body_key"].isin(known) & ~keyed["body_key"].duplicated()).to_numpy())
    new_parts = []
    jobs = ((articles.iloc[todo_rows[i:i + chunk_size]][["article_id", "outlet", "body"]]
             .assign(body_key=keyed["body_key"].iloc[todo_rows[i:i + chunk_size]].to_numpy()),)
            for i in range(0, len(todo_rows), max(1, chunk_size)))
    bar = _progress(None, len(todo_rows), "segmenting", "article", progress) if len(todo_rows) else None
    for chunk_job, part in _map(prepare_chunk, jobs, executor, pending):
        keys = dict(zip(chunk_job[0]["article_id"], chunk_job[0]["body_key"]))
        # uint64 whatever the values (a chunk whose keys all fit int64 would otherwise come back as
        # int64, and int64 next to uint64 turns the cached keys into floats)
        new_parts.append(part.assign(body_key=part["article_id"].map(keys).astype("uint64"))[["body_key"] + _PREPARED_COLUMNS])
        if bar is not None:
            bar.update(len(chunk_job[0]))
    if bar is not None:
        bar.close()
    pool_parts = [cached[cached["body_key"].isin(set(keyed["body_key"]))]] if previous else []
    pool_parts = [p for p in pool_parts + new_parts if len(p)]
    pool = pd.concat(pool_parts, ignore_index=True) if pool_parts else cached
    paras = keyed[["article_id", "outlet", "body_key"]].merge(pool, on="body_key", how="inner", sort=False)
    stats["articles_segmented"] = len(todo_rows)
    stats["prepare_s"] = time.perf_counter() - t1
    stats["prepare_peak_mb"] = _peak_mb()

    # 4. repetition statistics over the whole corpus
    t1 = time.perf_counter()
    paras = join_repetition(paras, repetition_counts(paras))
    stats["repetition_s"] = time.perf_counter() - t1
    stats["repetition_peak_mb"] = _peak_mb()

    # 5. analyse the articles whose signature changed
    t1 = time.perf_counter()
    sig = signatures(keyed, paras)
    old = previous["signatures"].set_index("article_id") if previous else None
    reuse_ids = _unchanged(sig, old["signature"]) if old is not None else set()
    parts: dict[str, list[pd.DataFrame]] = {n: [] for n in TABLES}
    if previous and reuse_ids:
        for n in TABLES:
            parts[n].append(previous[n][previous[n]["article_id"].isin(reuse_ids)])
    changed = articles[~articles["article_id"].isin(reuse_ids)][["article_id", "outlet", "published", "body"]]
    para_groups = paras.groupby("article_id", sort=False).indices

    def paras_of(ids) -> pd.DataFrame:
        return paras.iloc[sorted(j for aid in ids for j in para_groups.get(aid, ()))]

    stats["articles_relabelled"] = 0
    if old is not None and "analysis" in old.columns and len(changed):
        # labelled again; the analysis is reused where the labels came out as before
        relabelled = label_chunk(changed, paras_of(changed["article_id"]))
        fresh = analysis_signatures(keyed[keyed["article_id"].isin(set(changed["article_id"]))], relabelled)
        keep_ids = _unchanged(fresh, old["analysis"])
        parts["segments"].append(relabelled[relabelled["article_id"].isin(keep_ids)])
        for n in TABLES:
            if n != "segments":
                parts[n].append(previous[n][previous[n]["article_id"].isin(keep_ids)])
        changed = changed[~changed["article_id"].isin(keep_ids)]
        stats["articles_relabelled"] = len(keep_ids)

    def analyse_jobs():
        for i in range(0, len(changed), max(1, chunk_size)):
            chunk = changed.iloc[i:i + chunk_size]
            yield chunk, paras_of(chunk["article_id"])

    bar = _progress(None, len(changed), "analysing", "article", progress) if len(changed) else None
    for job, result in _map(analyse_chunk, analyse_jobs(), executor, pending):
        for n in TABLES:
            parts[n].append(result[n])
        if bar is not None:
            bar.update(len(job[0]))
    if bar is not None:
        bar.close()
    order = pd.Series(range(len(articles)), index=articles["article_id"].to_numpy())
    tables = order_tables(parts, order)
    stats["articles_analysed"] = len(changed)
    stats["analyse_s"] = time.perf_counter() - t1
    stats["analyse_peak_mb"] = _peak_mb()

    # commit a new snapshot when anything was computed
    if snapshot is not None and (to_read or len(todo_rows) or len(changed) or previous is None):
        t1 = time.perf_counter()
        _write_snapshot(snapshot, {
            "files": pd.DataFrame([(r, *file_rows[r]) for r in rel if r in file_rows],
                                  columns=["rel", "size", "mtime_ns", "key"]),
            "records": records_frame,
            "prepared": pool.drop_duplicates(["body_key", "para_no"]),
            "signatures": pd.DataFrame({"article_id": sig.index, "signature": sig.to_numpy(),
                                        "analysis": analysis_signatures(keyed, tables["segments"]).reindex(sig.index)
                                        .to_numpy()}),
            "articles": articles, "report": report, **tables,
        })
        stats["cache_write_s"] = time.perf_counter() - t1
        stats["cache_write_peak_mb"] = _peak_mb()
    stats["total_s"] = time.perf_counter() - t0
    return Tables(articles=articles, report=report, stats=stats, **tables)
