"""Write the pipeline's tables as CSV files (the export contract documented in README.md)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import schema
from .corpus import load_corpus


def export_tables(corpus_dir: str | Path, out_dir: str | Path, **load_options) -> dict[str, Path]:
    """Run the pipeline on ``corpus_dir`` and write its tables to ``out_dir``.

    Writes ``articles.csv`` (``schema.EXPORT_ARTICLE_COLUMNS``) and ``skipped.csv``
    (``path, reason``).  Returns {table name: file written}.  Raises
    :class:`helpers.corpus.CorpusError` for a missing or empty folder.
    """
    corpus = load_corpus(corpus_dir, **load_options)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {
        "articles": corpus.articles[schema.EXPORT_ARTICLE_COLUMNS],
        "skipped": corpus.skipped,
    }
    written = {}
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written[name] = path
    return written
