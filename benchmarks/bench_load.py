"""Measure corpus loading throughput (articles/s) on one core.

    taskset -c 0 python benchmarks/bench_load.py --n 10000

Generates the corpus first if needed (benchmarks/generate_corpus.py), then times
helpers.corpus.load_corpus over it (best of --repeat runs, after one warm-up read of the files
so the page cache is warm in every run).  Prints one line of results; record it in
benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for generate_corpus (not the package)
from generate_corpus import generate  # noqa: E402

from helpers import paths  # noqa: E402
from helpers.corpus import load_corpus  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    corpus = paths.CACHE_DIR / "bench" / f"corpus_{args.n}"
    if not corpus.exists():
        generate(args.n, corpus, seed=0)
    for p in corpus.iterdir():
        p.read_bytes()
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = load_corpus(corpus)
        times.append(time.perf_counter() - t0)
    best = min(times)
    n = len(result.articles)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load_corpus: {n} articles ({len(result.skipped)} skipped) in {best:.2f} s best of {args.repeat} "
          f"-> {n / best:,.0f} articles/s; cores allowed={cores}; peak RSS {rss:.0f} MB; "
          f"python {platform.python_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
