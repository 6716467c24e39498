"""Boilerplate classifier: accuracy and speed next to jusText, in one run, on one core.

    .venv/bin/pip install justext lxml_html_clean     # the baseline (bench extra)
    taskset -c 0 .venv/bin/python benchmarks/bench_boilerplate.py

For each of aeb_full and aeb_mild (../shared/benchmarks/boilerplate) it runs
helpers.segment.classify_paragraphs and the shared jusText plain-text baseline
(baselines.justext_plain), times the prediction calls only, and scores both with the shared
scorer's metric (character-weighted F1).  The paragraph-statistics cache is cleared before each
timed pass, so repeated text from an earlier pass does not flatter the numbers.
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


def run(predict, pages, clear=None):
    if clear:
        clear()
    gold, pred, chars, n, t = [], [], [], 0, 0.0
    for page in pages:
        texts = [p["text"] for p in page["paragraphs"]]
        t0 = time.perf_counter()
        labels = predict(texts)
        t += time.perf_counter() - t0
        n += len(texts)
        gold += [p["label"] for p in page["paragraphs"]]
        pred += [str(x).upper() for x in labels]
        chars += [len(x) for x in texts]
    return {"CONTENT": round(char_f1(gold, pred, chars, "CONTENT"), 3),
            "BOILERPLATE": round(char_f1(gold, pred, chars, "BOILERPLATE"), 3), "para_per_s": round(n / t)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=paths.PROJECT_ROOT.parent / "shared" / "benchmarks" / "boilerplate")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.data_dir))
    baselines = importlib.import_module("baselines")
    for variant in ("full", "mild"):
        with open(args.data_dir / f"aeb_{variant}.jsonl", encoding="utf-8") as fh:
            pages = [json.loads(line) for line in fh]
        ours = run(segment.classify_paragraphs, pages, clear=segment.paragraph_stats.cache_clear)
        jt = run(baselines.justext_plain, pages)
        print(f"aeb_{variant}: helpers {ours} | justext_plain {jt} | speed ratio {ours['para_per_s'] / jt['para_per_s']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
