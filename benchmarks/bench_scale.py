"""Scale: the cached pipeline on a generated corpus - cold run, reopen, one changed file, processes,
Dask, peak memory.

    .venv/bin/python benchmarks/bench_scale.py --n 100000 [--workers 2] [--dask] [--skip-serial]

Each measurement runs in a fresh child process (so page-cache warm, but no Python state shared) and
reports its wall time and the peak resident memory of its whole process tree (sampled every 0.1 s
with psutil).  The cache goes to a temporary folder that is deleted at the end.  The corpus is
generated first if needed (generate_corpus.py; seed 0) and restored after the changed-file run.

Measurements:
  cold-1     run_pipeline(workers=1), empty cache: per-step seconds and articles/s
  reopen     the same again: the unchanged corpus from the cache
  changed    one file edited (a sentence added to its body), then run again
  cold-W     run_pipeline(workers=W, cache=False), and its tables compared with cold-1's
  dask       run_pipeline(engine="dask") on a LocalCluster of W worker processes (one thread each),
             compared row for row with the pandas tables
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import generate  # noqa: E402

from helpers import paths  # noqa: E402

CHILD = r"""
import json, sys, time
import pandas as pd
from helpers.pipeline import run_pipeline, TABLES
mode, corpus, cache, workers, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
def main():
    t0 = time.perf_counter()
    if mode == "dask":
        from distributed import Client, LocalCluster
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
                Client(cl) as client:
            t_up = time.perf_counter() - t0
            t1 = time.perf_counter()
            tables = run_pipeline(corpus, engine="dask", client=client)
            stats = dict(tables.stats, cluster_start_s=t_up, run_s=time.perf_counter() - t1)
    else:
        tables = run_pipeline(corpus, cache=(cache != "-"), cache_dir=None if cache == "-" else cache, workers=workers)
        stats = dict(tables.stats)
    stats["wall_s"] = time.perf_counter() - t0
    stats["rows"] = {n: len(getattr(tables, n)) for n in ("articles",) + TABLES}
    if out != "-":
        for n in ("articles", "report") + TABLES:
            getattr(tables, n).to_parquet(f"{out}-{n}.parquet")
    print("RESULT " + json.dumps(stats, default=str))
if __name__ == "__main__":
    main()
"""


def run_child(args: list[str]) -> dict:
    """Run CHILD with args; return its stats plus the peak RSS (MB) of its process tree."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak, stop = [0], threading.Event()

    def sample():
        p = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                rss = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
                peak[0] = max(peak[0], rss)
            except psutil.Error:
                pass
            time.sleep(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    stop.set()
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({args}):\n{err[-3000:]}")
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    stats = json.loads(line[len("RESULT "):])
    stats["peak_rss_mb"] = round(peak[0] / 2**20)
    return stats


def same_tables(a: str, b: str) -> bool:
    import pandas as pd

    from helpers.pipeline import TABLES

    for n in ("articles", "report") + TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(f"{a}-{n}.parquet"), pd.read_parquet(f"{b}-{n}.parquet"), obj=n)
    return True


def per_second(stats: dict) -> str:
    n = stats["articles"]
    steps = ["read_s", "plan_s", "prepare_s", "repetition_s", "analyse_s", "cache_write_s"]
    parts = [f"{s[:-2]} {stats[s]:.1f} s ({n / stats[s]:,.0f}/s)" for s in steps if stats.get(s)]
    return "; ".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dask", action="store_true")
    ap.add_argument("--skip-serial", action="store_true", help="only the parallel and Dask runs")
    ap.add_argument("--skip-parallel", action="store_true", help="only the one-process runs (cold, reopen, changed)")
    args = ap.parse_args(argv)
    corpus = paths.CACHE_DIR / "bench" / f"corpus_{args.n}"
    if not corpus.exists():
        generate(args.n, corpus, seed=0)
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    cache = work / "cache"
    print(f"corpus {corpus} ({args.n:,} files); machine: {psutil.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GB")
    try:
        if not args.skip_serial:
            cold = run_child(["pandas", str(corpus), str(cache), "1", str(work / "serial")])
            print(f"cold-1   {cold['wall_s']:.1f} s wall, {cold['articles'] / cold['wall_s']:,.0f} articles/s overall, "
                  f"peak {cold['peak_rss_mb']:,} MB\n         {per_second(cold)}")
            warm = run_child(["pandas", str(corpus), str(cache), "1", "-"])
            print(f"reopen   {warm['wall_s']:.2f} s wall (pipeline {warm['total_s']:.2f} s), peak {warm['peak_rss_mb']:,} MB")
            victim = sorted(corpus.glob("*.txt"))[len(list(corpus.glob("*.txt"))) // 2]
            original = victim.read_bytes()
            try:
                text = original.decode("utf-8")
                head, sep, rest = text.partition("\n\n")
                victim.write_text(head + sep + rest.replace(
                    "\n\n", "\n\nThe State Administration for Market Regulation said on Friday it had opened a probe.\n\n",
                    1), encoding="utf-8")
                changed = run_child(["pandas", str(corpus), str(cache), "1", "-"])
            finally:
                victim.write_bytes(original)
            print(f"changed  {changed['wall_s']:.2f} s wall: {changed['files_read']} file read, "
                  f"{changed['articles_segmented']} article segmented, {changed.get('articles_relabelled', 0)} labelled again "
                  f"with their analysis reused, {changed['articles_analysed']} analysed")
        if args.skip_parallel:
            return 0
        par = run_child(["pandas", str(corpus), "-", str(args.workers), str(work / "parallel")])
        print(f"cold-{args.workers}   {par['wall_s']:.1f} s wall, {par['articles'] / par['wall_s']:,.0f} articles/s, "
              f"peak {par['peak_rss_mb']:,} MB (process tree)")
        if not args.skip_serial:
            print(f"         speed-up {cold['wall_s'] / par['wall_s']:.2f}x over cold-1 (which also writes the cache: "
                  f"{cold.get('cache_write_s', 0):.1f} s); identical tables: {same_tables(str(work / 'serial'), str(work / 'parallel'))}")
        if args.dask:
            dk = run_child(["dask", str(corpus), "-", str(args.workers), str(work / "dask")])
            print(f"dask     {dk['run_s']:.1f} s on {args.workers} workers (+{dk['cluster_start_s']:.1f} s cluster start), "
                  f"peak {dk['peak_rss_mb']:,} MB; pandas with {args.workers} processes {par['wall_s']:.1f} s; "
                  f"identical tables: {same_tables(str(work / 'parallel'), str(work / 'dask'))}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
