"""Compare paragraph labels of two versions of the code on one corpus.

    .venv/bin/python benchmarks/compare_labels.py save CORPUS_DIR OUT.parquet      # with this checkout
    PYTHONPATH=/path/to/other/checkout .venv/bin/python benchmarks/compare_labels.py save CORPUS_DIR OTHER.parquet
    .venv/bin/python benchmarks/compare_labels.py diff OUT.parquet OTHER.parquet

``save`` labels the corpus (``label_paragraphs``, with repetition) and keeps article_id, para_no,
label, kind, reason, score, n_chars and text; ``diff`` counts the paragraphs whose label differs and shows a few,
then those whose kind, reason or score differs (files saved without these columns are compared on labels only).
"""
from __future__ import annotations

import sys

import pandas as pd


def save(corpus_dir: str, out: str) -> None:
    from helpers import load_corpus
    from helpers.segment import label_paragraphs

    segments = label_paragraphs(load_corpus(corpus_dir).articles)
    segments[["article_id", "para_no", "label", "kind", "reason", "score", "n_chars", "text"]].to_parquet(out, index=False)
    print(f"{len(segments):,} paragraphs -> {out}")


def diff(a: str, b: str, show: int = 12) -> None:
    m = pd.read_parquet(a).merge(pd.read_parquet(b), on=["article_id", "para_no"], suffixes=("_a", "_b"))
    d = m[m.label_a != m.label_b]
    print(f"{len(m):,} paragraphs, {len(d):,} with another label ({d.n_chars_a.sum():,} of {m.n_chars_a.sum():,} characters)")
    if len(d):
        print(d.groupby(["label_b", "label_a"]).size().rename("paragraphs").to_string())
    for r in d.drop_duplicates("text_a").head(show).itertuples():
        print(f"  {r.label_b} -> {r.label_a} | {r.text_a[:110]!r}")
    for col in ("kind", "reason", "score"):
        if f"{col}_a" in m and f"{col}_b" in m:
            print(f"{(m[f'{col}_a'] != m[f'{col}_b']).sum():,} paragraphs with another {col}")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("save", "diff"):
        sys.exit(__doc__)
    (save if sys.argv[1] == "save" else diff)(sys.argv[2], sys.argv[3])
