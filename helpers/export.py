"""Write the pipeline's tables as CSV files (the export contract documented in README.md)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import schema
from .segment import article_ratios


def export_tables(corpus_dir: str | Path, out_dir: str | Path, *, cache: bool = True, workers: int = 1,
                  engine: str = "pandas", client=None, progress: bool = False, **load_options) -> dict[str, Path]:
    """Run the pipeline on ``corpus_dir`` and write its tables to ``out_dir``.

    Writes ``articles.csv`` (``schema.EXPORT_ARTICLE_COLUMNS``), ``skipped.csv``
    (``path, reason``), ``segments.csv`` (``schema.EXPORT_SEGMENT_COLUMNS``), ``mentions.csv``
    (``schema.MENTION_COLUMNS``), ``dates.csv`` (``schema.DATE_COLUMNS``) and ``events.csv``
    (``schema.EXPORT_EVENT_COLUMNS`` then para_no, date_surface); the last three from content
    paragraphs only.  Returns {table name: file written}.  Raises
    :class:`helpers.corpus.CorpusError` for a missing or empty folder.  ``cache``, ``workers``,
    ``engine``, ``client`` and ``progress`` are passed to :func:`helpers.pipeline.run_pipeline`.
    """
    from .pipeline import run_pipeline

    result = run_pipeline(corpus_dir, cache=cache, workers=workers, engine=engine, client=client, progress=progress,
                          **load_options)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    segments, mentions, dates, events = result.segments, result.mentions, result.dates, result.events
    corpus = result.corpus
    articles = corpus.articles.merge(article_ratios(segments), on="article_id", how="left")
    for col in ("content_chars", "boilerplate_chars"):
        articles[col] = articles[col].fillna(0).astype("int64")
    articles["boilerplate_ratio"] = articles["boilerplate_ratio"].fillna(0.0)
    tables: dict[str, pd.DataFrame] = {
        "articles": articles[schema.EXPORT_ARTICLE_COLUMNS],
        "skipped": corpus.skipped,
        "segments": segments[schema.EXPORT_SEGMENT_COLUMNS],
        "mentions": mentions[schema.MENTION_COLUMNS],
        "dates": dates[schema.DATE_COLUMNS],
        "events": events[schema.EXPORT_EVENT_COLUMNS + [c for c in schema.EVENT_COLUMNS if c not in schema.EXPORT_EVENT_COLUMNS]],
    }
    written = {}
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written[name] = path
    return written


def write_clean_corpus(clean: pd.DataFrame, folder: str | Path, *, name: str = "clean-corpus") -> list[Path]:
    """Write the content-only corpus (``views.content_only``) as ``<name>.jsonl`` and ``<name>.csv``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    jsonl, csv_path = out / f"{name}.jsonl", out / f"{name}.csv"
    clean.to_json(jsonl, orient="records", lines=True, force_ascii=False)
    clean.to_csv(csv_path, index=False, lineterminator="\n")
    return [jsonl, csv_path]
