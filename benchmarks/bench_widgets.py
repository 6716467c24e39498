"""Widget responsiveness: set explorer controls the way a user does and time each re-render.

    .venv/bin/python benchmarks/bench_widgets.py --n 100000 [--changes 40] [--workers 2]

Tables come from ``run_pipeline`` on the generated corpus (cached under .cache/; the first run
computes them).  Each explorer is built once (its aggregates are precomputed; that time is reported
separately), then control values are set in a fixed, seeded sequence; every ``control.value = x``
runs the explorer's observer synchronously, so the time of the assignment is the re-render: filter,
tabulate, build the Figure, draw it to PNG into the chart's Image widget
(``plotting.figure_png``), update the other widgets.  ``show`` (tables shown in Output widgets) is
replaced by what the notebook's HTML formatter does with them, and that is included in the time.
The PNG drawing is also timed on its own ('total' includes it, 'render' is the rest).
``--inline-png`` also rasterises every Figure the way IPython's inline backend would
(``bbox_inches="tight"``), to compare with the explorers' own one-pass drawing.
Reports median and 95th percentile per explorer and overall.
"""
from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import generate  # noqa: E402

from helpers import paths, plotting, widgets  # noqa: E402
from helpers.events import load_timeline, merge_events  # noqa: E402
from helpers.pipeline import run_pipeline  # noqa: E402
from helpers.views import label_mentions  # noqa: E402


RASTER_MS: list[float] = []


def frontend_show(output, obj) -> None:
    """What the inline backend and the HTML formatter do with a shown object (no kernel here); the
    time spent rasterising figures is also recorded on its own."""
    from matplotlib.figure import Figure

    if isinstance(obj, Figure):
        t0 = time.perf_counter()
        obj.savefig(io.BytesIO(), format="png", bbox_inches="tight")
        RASTER_MS.append((time.perf_counter() - t0) * 1000)
    elif hasattr(obj, "to_html"):
        obj.to_html()


def timed(function):
    """``function`` with its time added to RASTER_MS."""
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            RASTER_MS.append((time.perf_counter() - t0) * 1000)
    return wrapper


def inline_png(image, fig) -> None:
    """The explorers' chart drawn as IPython's inline backend would draw a displayed Figure."""
    frontend_show(None, fig)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--changes", type=int, default=40, help="control changes per explorer")
    ap.add_argument("--workers", type=int, default=2, help="processes for the pipeline run (if not cached)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--inline-png", action="store_true",
                    help="draw charts as the inline backend does (two passes, bbox_inches='tight') instead")
    args = ap.parse_args(argv)
    corpus = paths.CACHE_DIR / "bench" / f"corpus_{args.n}"
    if not corpus.exists():
        generate(args.n, corpus, seed=0)
    t0 = time.perf_counter()
    tables = run_pipeline(corpus, workers=args.workers, progress=True)
    print(f"tables ready in {time.perf_counter() - t0:.1f} s: {len(tables.articles):,} articles, "
          f"{len(tables.segments):,} paragraphs, {len(tables.mentions):,} mentions, {len(tables.events):,} events")
    widgets.show = frontend_show
    if args.inline_png:
        widgets.show_figure = inline_png
    else:
        plotting.figure_png = timed(plotting.figure_png)
    rng = random.Random(args.seed)
    articles, segments = tables.articles, tables.segments
    from helpers.entities import extract_mentions

    t0 = time.perf_counter()
    all_mentions = label_mentions(extract_mentions(segments, include_boilerplate=True), segments)
    merged = merge_events(tables.events)
    print(f"notebook-side tables (mentions incl. boilerplate, merged events) in {time.perf_counter() - t0:.1f} s")

    def month_pair(slider):
        opts = list(slider.options)
        a, b = sorted(rng.sample(range(len(opts)), 2))
        return (opts[a], opts[b])

    def subset(options, k_max=3):
        opts = [o[1] if isinstance(o, tuple) else o for o in options]
        return tuple(rng.sample(opts, rng.randint(1, min(k_max, len(opts)))))

    builders = {
        "corpus": lambda: widgets.CorpusExplorer(articles),
        "boilerplate": lambda: widgets.BoilerplateExplorer(articles, segments),
        "entities": lambda: widgets.EntityExplorer(all_mentions, articles),
        "timeline": lambda: widgets.TimelineExplorer(merged, load_timeline(), articles),
    }
    moves = {
        "corpus": lambda e: rng.choice([("outlet", rng.choice(list(e.outlet.options))), ("dates", month_pair(e.dates))]),
        "boilerplate": lambda e: rng.choice([("outlet", subset(e.outlet.options)), ("dates", month_pair(e.dates)),
                                             ("kind", rng.choice(list(e.kind.options))),
                                             ("article", rng.choice(list(e.article.options))[1] if e.article.options else None)]),
        "entities": lambda e: rng.choice([("entity_type", rng.choice(list(e.entity_type.options))),
                                          ("entities", subset(e.entities.options)), ("outlet", subset(e.outlet.options)),
                                          ("dates", month_pair(e.dates)), ("content_only", not e.content_only.value),
                                          ("min_count", rng.randint(1, 20))]),
        "timeline": lambda e: rng.choice([("dates", month_pair(e.dates)), ("agency", subset(e.agency.options)),
                                          ("company", rng.choice(list(e.company.options))),
                                          ("action", subset(e.action.options)),
                                          ("source", rng.choice(list(e.source.options)))]),
    }
    everything, without_png = [], []
    print("per control change: 'total' includes drawing the chart to PNG "
          f"({'as the inline backend does' if args.inline_png else 'plotting.figure_png'}); "
          "'render' is the rest (filter, tabulate, build the Figure, update the widgets)")
    print(f"{'explorer':12s} {'build s':>8s} {'changes':>8s} {'total median':>13s} {'total p95':>10s} {'max':>7s} "
          f"{'render median':>14s} {'render p95':>11s}")
    for name, build in builders.items():
        t0 = time.perf_counter()
        explorer = build()
        built = time.perf_counter() - t0
        times, renders = [], []
        for _ in range(args.changes):
            control, value = moves[name](explorer)
            if value is None or getattr(explorer, control).value == value:
                continue
            RASTER_MS.clear()
            t0 = time.perf_counter()
            getattr(explorer, control).value = value
            total = (time.perf_counter() - t0) * 1000
            times.append(total)
            renders.append(total - sum(RASTER_MS))
        everything += times
        without_png += renders
        print(f"{name:12s} {built:8.2f} {len(times):8d} {statistics.median(times):13.1f} {p95(times):10.1f} "
              f"{max(times):7.1f} {statistics.median(renders):14.1f} {p95(renders):11.1f}")
        renders.clear()
    print(f"{'all':12s} {'':8s} {len(everything):8d} {statistics.median(everything):13.1f} {p95(everything):10.1f} "
          f"{max(everything):7.1f} {statistics.median(without_png):14.1f} {p95(without_png):11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
