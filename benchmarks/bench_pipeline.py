"""Per-stage throughput of the pipeline on a generated corpus, one core.

    taskset -c 0 .venv/bin/python benchmarks/bench_pipeline.py --n 10000 [--stages load,segment,mentions,dates,events]
    taskset -c 0 .venv/bin/python benchmarks/bench_pipeline.py --n 10000 --dateparser 300

Generates the corpus first if needed (generate_corpus.py), runs each stage once on the output of
the previous one, and prints articles/s per stage (stage time only).  With --dateparser N it also
times dateparser.search_dates (the baseline for helpers.dates) on the content paragraphs of the
first N articles, each with the article's publication date as the relative base.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import generate  # noqa: E402

from helpers import paths  # noqa: E402
from helpers.corpus import load_corpus  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--stages", default="load,segment,mentions,dates,events")
    ap.add_argument("--dateparser", type=int, default=0)
    args = ap.parse_args(argv)
    stages = args.stages.split(",")
    corpus_dir = paths.CACHE_DIR / "bench" / f"corpus_{args.n}"
    if not corpus_dir.exists():
        generate(args.n, corpus_dir, seed=0)
    t0 = time.perf_counter()
    articles = load_corpus(corpus_dir).articles
    timings = {"load": time.perf_counter() - t0}
    n = len(articles)
    segments = mentions = None
    if set(stages) & {"segment", "mentions", "dates", "events"}:
        from helpers.segment import label_paragraphs
        t0 = time.perf_counter()
        segments = label_paragraphs(articles)
        timings["segment"] = time.perf_counter() - t0
    if "mentions" in stages or "events" in stages:
        from helpers.entities import default_gazetteer, extract_mentions
        default_gazetteer()  # compile once, outside the timing
        t0 = time.perf_counter()
        mentions = extract_mentions(segments)
        timings["mentions"] = time.perf_counter() - t0
    if "dates" in stages:
        try:
            from helpers.dates import extract_dates
        except ImportError:
            extract_dates = None
        if extract_dates:
            t0 = time.perf_counter()
            dates = extract_dates(segments, articles)
            timings["dates"] = time.perf_counter() - t0
    if "events" in stages:
        from helpers.dates import extract_dates
        from helpers.events import extract_events

        if "dates" not in stages:
            dates = extract_dates(segments, articles)
        t0 = time.perf_counter()
        events = extract_events(segments, mentions, dates)
        timings["events"] = time.perf_counter() - t0
        print(f"          ({len(events):,} events)")
    for stage, seconds in timings.items():
        print(f"{stage:9s} {n} articles in {seconds:6.2f} s -> {n / seconds:10,.0f} articles/s")
    if mentions is not None:
        print(f"          ({len(mentions):,} mentions)")
    if args.dateparser:
        from dateparser.search import search_dates

        sample = articles.head(args.dateparser)
        content = segments[(segments.label == "content") & segments.article_id.isin(sample.article_id)]
        base = dict(zip(sample.article_id, sample.published.str.slice(0, 10)))
        from datetime import datetime
        t0 = time.perf_counter()
        for aid, text in zip(content.article_id, content.text):
            search_dates(text, settings={"RELATIVE_BASE": datetime.fromisoformat(base[aid])}, languages=["en"])
        seconds = time.perf_counter() - t0
        print(f"dateparser.search_dates: {len(sample)} articles in {seconds:.2f} s -> {len(sample) / seconds:,.1f} articles/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
