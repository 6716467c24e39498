"""The pipeline on Dask: ``run_pipeline(folder, engine="dask", client=client)``.

The same per-chunk functions as the pandas engine (``helpers.pipeline``), as Dask tasks:

* each chunk of files is read and parsed on a worker, and its articles stay there;
* only each record's metadata (skip reason, body hash, record number and id) comes back to the
  client, which plans article ids and duplicates (``corpus.plan_corpus``) for the whole corpus;
* each chunk's articles are finished and their paragraphs prepared on the workers;
* the per-outlet and corpus-wide repetition statistics are a tree reduction of per-chunk counts
  (``segment.repetition_counts`` then ``segment.combine_repetition_counts``, eight at a time);
* each chunk is labelled and analysed against those statistics; the tables are gathered and put in
  the order of a serial run (``pipeline.order_tables``).

On a real cluster, point a client at its scheduler and make sure every worker can read the corpus
path (a shared file system) and has this package installed (``pip install -e .`` of the same
commit): ``Client("tcp://scheduler:8786")``, then pass ``client=``.
"""
from __future__ import annotations

import bisect
import time
from pathlib import Path

import pandas as pd

from . import schema
from .corpus import finish_article, load_outlets, load_report, plan_corpus, read_manifest, record_meta
from .pipeline import TABLES, Tables, _chunks, analyse_chunk, order_tables, prepare_chunk, read_chunk
from .segment import combine_repetition_counts, join_repetition, repetition_counts

#: How many partial repetition counts are summed in one task of the reduction.
FAN_IN = 8


def _metas(read: list[tuple]) -> list[list[dict]]:
    return [[record_meta(a) for a in recs] for _, _, _, _, recs in read]


def _finish_part(read: list[tuple], plan_part: list[tuple], root: str, outlets_csv: str | None) -> pd.DataFrame:
    """Article rows of one chunk: plan entries are (record's file index within the chunk, seq, aid)."""
    manifest, _ = read_manifest(Path(root))
    outlets = load_outlets(Path(outlets_csv) if outlets_csv else None)
    rows = [finish_article(read[f][4][seq], aid, read[f][0], manifest, outlets) for f, seq, aid in plan_part]
    frame = pd.DataFrame(rows, columns=schema.ARTICLE_COLUMNS)
    frame["n_chars"] = frame["n_chars"].astype("int64")
    return frame


def _counts(prepared: pd.DataFrame) -> dict:
    return repetition_counts(prepared)


def _combine(*parts: dict) -> dict:
    return combine_repetition_counts(list(parts))


def _analyse_part(articles: pd.DataFrame, prepared: pd.DataFrame, counts: dict) -> dict[str, pd.DataFrame]:
    return analyse_chunk(articles[["article_id", "outlet", "published", "body"]], join_repetition(prepared, counts))


def _compute(tasks: list, client, progress: bool, desc: str) -> list:
    import dask

    if client is None:
        if progress:
            from tqdm.dask import TqdmCallback
            with TqdmCallback(desc=desc):
                return list(dask.compute(*tasks))
        return list(dask.compute(*tasks))
    futures = client.compute(tasks)
    if progress:
        from distributed import as_completed
        from tqdm.auto import tqdm
        for _ in tqdm(as_completed(futures), total=len(futures), desc=desc, unit="chunk"):
            pass
    return client.gather(futures)


def run_dask(root: Path, files: list[Path], options: dict, *, client=None, chunk_size: int = 500,
             progress: bool = False) -> Tables:
    from dask import delayed

    t0 = time.perf_counter()
    rel = [f.relative_to(root).as_posix() for f in files]
    chunks = _chunks(list(zip(map(str, files), rel)), max(1, chunk_size))
    read = [delayed(read_chunk, pure=True)(c, options["max_bytes"], options["max_table_bytes"], options["outlets_csv"])
            for c in chunks]
    if client is not None:  # keep the parsed files on the workers for the next steps
        read = client.persist(read)
    metas = _compute([delayed(_metas)(r) for r in read], client, progress, "reading files")
    file_metas = [m for part in metas for m in part]
    plan = plan_corpus(rel, file_metas, keep_duplicates=options["keep_duplicates"])

    # split the plan by chunk (file index relative to its chunk)
    starts = [0]
    for c in chunks:
        starts.append(starts[-1] + len(c))
    plan_parts: list[list[tuple]] = [[] for _ in chunks]
    for f, seq, aid, _ in plan:
        if aid is not None:
            k = bisect.bisect_right(starts, f) - 1
            plan_parts[k].append((f - starts[k], seq, aid))
    articles_parts = [delayed(_finish_part)(r, p, str(root), options["outlets_csv"]) for r, p in zip(read, plan_parts)]
    prepared = [delayed(prepare_chunk)(a) for a in articles_parts]
    level = [delayed(_counts)(p) for p in prepared]
    while len(level) > 1:  # the repetition statistics: a tree reduction of per-chunk counts
        level = [delayed(_combine)(*level[i:i + FAN_IN]) for i in range(0, len(level), FAN_IN)]
    counts = level[0]
    analysed = [delayed(_analyse_part)(a, p, counts) for a, p in zip(articles_parts, prepared)]
    results = _compute(articles_parts + analysed, client, progress, "analysing")
    articles = pd.concat(results[:len(chunks)], ignore_index=True) if chunks else pd.DataFrame(columns=schema.ARTICLE_COLUMNS)
    articles["n_chars"] = articles["n_chars"].astype("int64")
    parts = {n: [r[n] for r in results[len(chunks):]] for n in TABLES}
    order = pd.Series(range(len(articles)), index=articles["article_id"].to_numpy())
    tables = order_tables(parts, order)
    manifest, manifest_report = read_manifest(root)
    report = load_report(rel, plan, articles["warning"].tolist(), manifest, manifest_report)
    stats = {"files": len(files), "articles": len(articles), "engine": "dask", "chunks": len(chunks),
             "workers": len(client.scheduler_info()["workers"]) if client is not None else None,
             "total_s": time.perf_counter() - t0}
    return Tables(articles=articles, report=report, stats=stats, **tables)
