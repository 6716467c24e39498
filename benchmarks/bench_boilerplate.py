"""Boilerplate classifier: accuracy and speed next to jusText, in one run, on one core.

    .venv/bin/pip install justext     # the baseline (bench extra)
    taskset -c 0 .venv/bin/python benchmarks/bench_boilerplate.py

For each of aeb_full and aeb_mild (../shared/benchmarks/boilerplate) it runs
helpers.segment.classify_paragraphs and the shared jusText plain-text baseline
(baselines.justext_plain), times the prediction calls only, and scores both with the shared
scorer's metric (character-weighted F1).  The two are timed page by page in alternation, so a
change in machine load affects both alike; ``--passes N`` keeps each page's best of N passes.
The paragraph-statistics cache (``segment.clear_stats_cache``) is cleared before each pass, so repeated
text from an earlier pass does not flatter the numbers.
Note: the accuracy of classify_paragraphs printed here is *in-sample* (the weights were fitted on
these pages); the honest figure is the cross-validated one in helpers/boilerplate_weights.json.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

from helpers import paths, segment


def char_f1(gold, pred, chars, cls):
    tp = sum(c for g, p, c in zip(gold, pred, chars) if g == cls and p == cls)
    fp = sum(c for g, p, c in zip(gold, pred, chars) if g != cls and p == cls)
    fn = sum(c for g, p, c in zip(gold, pred, chars) if g == cls and p != cls)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def score(pages, labels_per_page):
    gold, pred, chars = [], [], []
    for page, labels in zip(pages, labels_per_page):
        gold += [p["label"] for p in page["paragraphs"]]
        pred += [str(x).upper() for x in labels]
        chars += [len(p["text"]) for p in page["paragraphs"]]
    return {"CONTENT": round(char_f1(gold, pred, chars, "CONTENT"), 3),
            "BOILERPLATE": round(char_f1(gold, pred, chars, "BOILERPLATE"), 3)}


def run_pair(predictors, pages, passes=1, clear=None):
    """Time each predictor on each page, alternating page by page (so a change of machine load hits
    both alike); with several passes each page keeps its fastest time per predictor.  ``clear`` runs
    before each pass (the first predictor's cache)."""
    best = [[float("inf")] * len(pages) for _ in predictors]
    labels = [[None] * len(pages) for _ in predictors]
    for _ in range(passes):
        if clear:
            clear()
        for i, page in enumerate(pages):
            texts = [p["text"] for p in page["paragraphs"]]
            for k, predict in enumerate(predictors):
                t0 = time.perf_counter()
                labels[k][i] = predict(texts)
                best[k][i] = min(best[k][i], time.perf_counter() - t0)
    n = sum(len(p["paragraphs"]) for p in pages)
    return [dict(score(pages, labels[k]), para_per_s=round(n / sum(best[k]))) for k in range(len(predictors))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=paths.PROJECT_ROOT.parent / "shared" / "benchmarks" / "boilerplate")
    ap.add_argument("--passes", type=int, default=1, help="best of this many passes per page (default 1)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.data_dir))
    baselines = importlib.import_module("baselines")
    for variant in ("full", "mild"):
        with open(args.data_dir / f"aeb_{variant}.jsonl", encoding="utf-8") as fh:
            pages = [json.loads(line) for line in fh]
        ours, jt = run_pair([segment.classify_paragraphs, baselines.justext_plain], pages, args.passes,
                            clear=segment.clear_stats_cache)
        print(f"aeb_{variant}: helpers {ours} | justext_plain {jt} | speed ratio {ours['para_per_s'] / jt['para_per_s']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
