"""Charts: each function takes a DataFrame and returns a matplotlib Figure in the house style.

Figures are drawn inside ``plt.style.context(paths.STYLE_FILE)`` so the notebook's global
style is left alone.  :func:`save_figure` writes a chart and the data behind it to
``reports/figures/``.
"""
from __future__ import annotations

import io
import re
import struct
import textwrap
import zlib
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator


import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib import ticker
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from PIL import Image

from . import paths
from .views import articles_per_month


#: One fixed colour per boilerplate kind (Okabe-Ito, then Paul Tol's muted scheme): colour-blind-safe
#: and the same kind keeps its colour from chart to chart.
KIND_COLOURS = {
    "related": "#0072B2", "caption": "#E69F00", "paywall": "#CC79A7", "byline": "#009E73", "app": "#56B4E9",
    "newsletter": "#D55E00", "other": "#999999", "copyright": "#F0E442", "contact": "#000000",
    "cookie": "#332288", "share": "#88CCEE", "advertisement": "#882255", "navigation": "#44AA99",
}
#: Caption characters per inch of figure width (8 pt text).
CAPTION_CHARS_PER_INCH = 15
#: Most points drawn per row of a distribution chart (large corpora: the box summarises the rest).
MAX_POINTS_PER_ROW = 300
#: Timeline markers get a white outline up to this many events.
MAX_OUTLINED_MARKERS = 2000
#: An outlet needs this many articles before a chart title singles it out.
MIN_ARTICLES_FOR_CLAIM = 3


@contextmanager
def _styled(figsize: tuple[float, float] | None = None, fig: Figure | None = None) -> Iterator[tuple[Figure, object]]:
    """A Figure with one Axes, drawn inside the house style (the notebook's own style is untouched).

    ``fig``: a Figure this chart function drew before (an explorer's previous chart).  Its Axes is
    emptied and reused instead of building a new Figure: a new Figure, Axes and tick artists cost
    about a fifth of a widget re-render.  The result draws the same pixels as a new Figure (tested)."""
    with plt.style.context(paths.STYLE_FILE):
        if fig is not None and len(fig.axes) == 1:
            size = figsize or tuple(plt.rcParams["figure.figsize"])
            if tuple(fig.get_size_inches()) != tuple(size):
                fig.set_size_inches(size)
            ax = fig.axes[0]
            _reset_axes(ax)
        else:
            fig = Figure(figsize=figsize, layout="constrained") if figsize else Figure(layout="constrained")
            ax = fig.subplots()
        yield fig, ax


def _reset_axes(ax) -> None:
    """Return an Axes to the state of a new one (under the current style) but keep its tick artists.

    Removes what a chart added (artists, legend, titles, fixed ticks, limits, the colour cycle) and
    restores the style's grid.  ``Axes.clear()`` would do this too, but it also rebuilds the ticks,
    which is the cost being saved.  Tick *label* properties (rotation, alignment) persist, so chart
    functions that take ``fig=`` set them on every call (``_period_ticks`` does)."""
    for artist in [*ax.collections, *ax.lines, *ax.patches, *ax.texts, *ax.images, *ax.artists]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.containers.clear()
    ax.relim()  # no artists left: the data limits are emptied
    ax.set_prop_cycle(None)
    ax.set_autoscale_on(True)
    for axis in (ax.xaxis, ax.yaxis):
        converter = axis.get_converter()
        info = converter.axisinfo(axis.get_units(), axis) if converter is not None else None
        axis.set_major_locator(info.majloc if info is not None and info.majloc is not None else ticker.AutoLocator())
        axis.set_major_formatter(info.majfmt if info is not None and info.majfmt is not None else ticker.ScalarFormatter())
    ax.set_title("")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)
    ax.grid(plt.rcParams["axes.grid"], which=plt.rcParams["axes.grid.which"], axis=plt.rcParams["axes.grid.axis"])


def _rows_figsize(n_rows: int, *, per_row: float, minimum: int, extra: float, width: float = 9) -> tuple[float, float]:
    """Figure size for a chart with one row (bar, box, lane) per category."""
    return width, per_row * max(n_rows, minimum) + extra


def _empty(ax, message: str, title: str) -> None:
    """Say on the chart that nothing matches, instead of drawing empty axes (no ticks: no scale to read)."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_title(title)


def _caption(fig: Figure, detail: str, selection: str | None = None) -> None:
    """Caption under a chart: what was selected (corpus, filters), what is drawn, and the date made.
    Wrapped to the figure's width here (matplotlib's own ``wrap=True`` re-measures the text word by
    word at every draw, which made widget charts several times slower)."""
    parts = [p for p in (selection, detail, f"made {date.today().isoformat()}") if p]
    width = max(40, int(fig.get_figwidth() * CAPTION_CHARS_PER_INCH))
    # a figure label, so the layout engine keeps room for it inside the figure (no second, "tight" pass)
    fig.supxlabel(textwrap.fill(" · ".join(parts), width), x=0.005, ha="left", fontsize=8, color="#555555")


#: Most labelled ticks on a time axis drawn by position (one slot per period).
MAX_TIME_TICKS = 8
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _period_ticks(ax, periods: list[str]) -> None:
    """Label an axis whose positions 0..n-1 are consecutive periods, with at most ``MAX_TIME_TICKS``
    horizontal labels.  Months get concise labels: the year at each January (and at the first tick),
    the month's abbreviation between ("Nov 2020", "2021", "Apr", "Jul", ...)."""
    n = len(periods)
    if not n:
        return
    if all(_MONTH.match(p) for p in periods):
        months = [pd.Period(p, freq="M") for p in periods]
        step = next((k for k in (1, 2, 3, 6, 12, 24, 60, 120) if n / k <= MAX_TIME_TICKS), 120)
        if step <= 12:
            idx = [i for i, m in enumerate(months) if (m.month - 1) % step == 0]
        else:
            idx = [i for i, m in enumerate(months) if m.month == 1 and m.year % (step // 12) == 0]
        idx = idx or [0]
        labels = [str(months[i].year) if months[i].month == 1 else months[i].strftime("%b") for i in idx]
        if months[idx[0]].month != 1:
            labels[0] = months[idx[0]].strftime("%b %Y")  # the first tick always says the year
        ax.set_xticks(idx, labels, rotation=0, ha="center")  # explicit: a reused Axes keeps label properties
        return
    step = max(1, -(-n // MAX_TIME_TICKS))
    idx = list(range(0, n, step))
    long = max(len(periods[i]) for i in idx) > 8
    ax.set_xticks(idx, [periods[i] for i in idx], rotation=30 if long else 0, ha="right" if long else "center")


def _stacked_bars(ax, table: pd.DataFrame, *, width: float = 0.85) -> None:
    """Stacked vertical bars, one colour per column of ``table`` (rows: x positions 0..n-1), drawn as
    one PolyCollection per column: a few artists instead of one Rectangle per bar, which keeps
    widget charts of many months fast to draw."""
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    x = np.arange(len(table))
    bottom = np.zeros(len(table))
    for i, column in enumerate(table.columns):
        h = table[column].to_numpy(dtype=float)
        keep = h > 0
        left, right, low, high = x[keep] - width / 2, x[keep] + width / 2, bottom[keep], bottom[keep] + h[keep]
        verts = np.stack([np.column_stack([left, low]), np.column_stack([left, high]),
                          np.column_stack([right, high]), np.column_stack([right, low])], axis=1)
        ax.add_collection(PolyCollection(verts, facecolors=colours[i % len(colours)], edgecolors="none",
                                         label=str(column)), autolim=False)
        bottom = bottom + h
    ax.update_datalim([(-0.5, 0), (len(table) - 0.5, max(1.0, bottom.max(initial=0)))])
    ax.autoscale_view()


def plot_articles_per_month(articles: pd.DataFrame, *, title: str | None = None,
                            caption: str | None = None, per_month: pd.DataFrame | None = None,
                            fig: Figure | None = None) -> Figure:
    """Stacked bars: articles per publication month, one colour per outlet (``per_month``: the
    counts of ``views.articles_per_month(articles)`` when already computed; ``fig``: this function's
    earlier Figure, redrawn in place, see ``_styled``)."""
    counts = articles_per_month(articles) if per_month is None else per_month
    with _styled(fig=fig) as (fig, ax):
        if counts.empty:
            _empty(ax, "no dated articles", "")
        else:
            table = counts.groupby(["month", "outlet"])["n_articles"].sum().unstack(fill_value=0).sort_index()
            months = pd.period_range(table.index.min(), table.index.max(), freq="M")
            table = table.reindex(months.astype(str), fill_value=0)
            _stacked_bars(ax, table)
            _period_ticks(ax, list(table.index))
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
            ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel("articles")
        peak = counts.groupby("month")["n_articles"].sum().idxmax() if not counts.empty else "n/a"
        ax.set_title(title or f"Coverage by month (busiest: {peak})")
        _caption(fig, f"{len(articles)} articles", caption)
    return fig


#: Agg renderers by (width px, height px, dpi), reused from one widget render to the next: text
#: measurements are cached per renderer, and a chart redrawn after a filter change mostly repeats its
#: labels.  Bounded, oldest dropped first.
_RENDERERS: dict[tuple[float, float, float], RendererAgg] = {}
_MAX_RENDERERS = 12


class _ReusingCanvas(FigureCanvasAgg):
    """An Agg canvas that draws with a shared renderer of its size (see ``_RENDERERS``)."""

    def get_renderer(self):
        w, h = self.figure.bbox.size
        key = (w, h, self.figure.dpi)
        renderer = _RENDERERS.get(key)
        if renderer is None:
            while len(_RENDERERS) >= _MAX_RENDERERS:
                _RENDERERS.pop(next(iter(_RENDERERS)))
            renderer = _RENDERERS[key] = RendererAgg(int(w), int(h), self.figure.dpi)
        self.renderer = renderer
        return renderer


def figure_png(fig: Figure) -> bytes:
    """The Figure as PNG bytes at its own size and dpi, drawn once (the layout engine makes room for
    labels, legend and caption, so no "tight" second pass is needed) with a reused renderer and fast
    compression (:func:`png_bytes`): what the explorers show after every filter change."""
    canvas = _ReusingCanvas(fig)
    with plt.style.context(paths.STYLE_FILE):  # settings read at draw time (text rendering) come from it too
        canvas.draw()
    return png_bytes(np.asarray(canvas.buffer_rgba()))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(rgba: np.ndarray) -> bytes:
    """A (height, width, 4) uint8 image as PNG.  An opaque image (a chart on a white figure) is written
    as RGB without row filters, compressed by zlib at level 1: about twice as fast as Pillow's writer,
    which tries every row filter (11 against 23 ms for a 1000x680 chart), and no larger.  An image
    with transparency goes through Pillow."""
    height, width, _ = rgba.shape
    if not (rgba[:, :, 3] == 255).all():
        out = io.BytesIO()
        Image.fromarray(np.ascontiguousarray(rgba)).save(out, format="png", compress_level=1)
        return out.getvalue()
    rows = np.empty((height, 1 + 3 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) for every row
    rows[:, 1:].reshape(height, width, 3)[:] = rgba[:, :, :3]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits per channel, colour type 2 (RGB)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
            + _png_chunk(b"IEND", b""))


def save_figure(fig: Figure, slug: str, data: pd.DataFrame | None = None, *,
                folder: str | Path | None = None) -> list[Path]:
    """Write ``fig`` as PNG and SVG (and ``data`` as CSV) to ``reports/figures/<slug>.*``."""
    out = Path(folder or paths.FIGURES_DIR)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for ext in ("png", "svg"):
        path = out / f"{slug}.{ext}"
        fig.savefig(path, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None)
        written.append(path)
    if data is not None:
        path = out / f"{slug}.csv"
        data.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written


def plot_boilerplate_by_outlet(per_article: pd.DataFrame, *, caption: str | None = None,
                               fig: Figure | None = None) -> Figure:
    """Distribution of the boilerplate ratio per article, one row per outlet (box plus points;
    ``fig``: this function's earlier Figure, redrawn in place, see ``_styled``)."""
    size = _rows_figsize(per_article["outlet"].nunique(), per_row=0.5, minimum=3, extra=1.5)
    with _styled(size, fig=fig) as (fig, ax):
        if per_article.empty:
            _empty(ax, "no articles match the filters", "Boilerplate share per article")
            _caption(fig, "0 articles", caption)
            return fig
        order = per_article.groupby("outlet")["boilerplate_ratio"].median().sort_values().index.tolist()
        data = [per_article.loc[per_article["outlet"] == o, "boilerplate_ratio"].to_numpy() for o in order]
        ax.boxplot(data, orientation="horizontal", widths=0.5, showfliers=False,
                   medianprops={"color": "#D55E00", "linewidth": 2})
        xs, ys = [], []
        for i, values in enumerate(data, start=1):
            if len(values) > MAX_POINTS_PER_ROW:  # an even sample: the box already summarises them all
                values = np.sort(values)[np.linspace(0, len(values) - 1, MAX_POINTS_PER_ROW).astype(int)]
            xs.append(values)
            ys.append(i + (np.arange(len(values)) % 5 - 2) * 0.06)
        shown = sum(map(len, xs))
        ax.scatter(np.concatenate(xs), np.concatenate(ys), s=14, color="#0072B2", alpha=0.7, zorder=3)  # one artist
        ax.set_yticks(range(1, len(order) + 1), order)
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of the article's characters that are boilerplate")
        ax.grid(True, axis="x")
        sizes = per_article["outlet"].value_counts()
        eligible = [o for o in order if sizes[o] >= MIN_ARTICLES_FOR_CLAIM] or order
        top = eligible[-1]
        ax.set_title(f"{top} carries the most boilerplate (median {per_article.loc[per_article.outlet == top, 'boilerplate_ratio'].median():.0%} of characters)")
        points = "" if shown == len(per_article) else f"; points: an even sample of {MAX_POINTS_PER_ROW} per outlet"
        _caption(fig, f"{len(per_article)} articles{points}", caption)
    return fig


def plot_boilerplate_kinds(kinds: pd.DataFrame, *, caption: str | None = None) -> Figure:
    """Stacked horizontal bars: what each outlet's boilerplate is made of (share of characters)."""
    with _styled(_rows_figsize(kinds["outlet"].nunique(), per_row=0.5, minimum=3, extra=1.5)) as (fig, ax):
        if kinds.empty:
            _empty(ax, "no boilerplate matches the filters", "Kinds of boilerplate")
            return fig
        table = kinds.pivot_table(index="outlet", columns="kind", values="share", fill_value=0)
        table = table[table.sum().sort_values(ascending=False).index]
        left = None
        for kind in table.columns:
            ax.barh(table.index, table[kind], left=left, label=kind, color=KIND_COLOURS.get(kind, "#999999"))
            left = table[kind] if left is None else left + table[kind]
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of the outlet's boilerplate characters")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.grid(True, axis="x")
        overall = kinds.groupby("kind")["chars"].sum().idxmax()
        ax.set_title(f"Across outlets, '{overall}' boilerplate takes the most characters")
        _caption(fig, "", caption)
    return fig


def _trend_title(over_time: pd.DataFrame) -> str:
    if over_time.empty:
        return "Boilerplate share over time"
    by_period = over_time.groupby("period").apply(
        lambda g: (g["mean_ratio"] * g["n_articles"]).sum() / g["n_articles"].sum(), include_groups=False).sort_index()
    first, last = by_period.iloc[0], by_period.iloc[-1]
    spread = over_time.groupby("outlet")["mean_ratio"].agg(lambda s: s.max() - s.min()).max()
    if abs(last - first) < 0.05:
        return f"Boilerplate share holds near {by_period.mean():.0%} over time (largest swing in one outlet: {spread:.0%})"
    return f"Boilerplate share {'rose' if last > first else 'fell'} from {first:.0%} to {last:.0%} over the period"


def plot_ratio_over_time(over_time: pd.DataFrame, *, caption: str | None = None) -> Figure:
    """Mean boilerplate ratio per period, one line per outlet."""
    with _styled() as (fig, ax):
        if over_time.empty:
            _empty(ax, "no dated articles match the filters", "")
        else:
            periods = sorted(over_time["period"].unique())
            pos = {p: i for i, p in enumerate(periods)}
            for outlet, g in over_time.groupby("outlet"):
                ax.plot([pos[p] for p in g["period"]], g["mean_ratio"], marker="o", label=outlet)
            _period_ticks(ax, periods)
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_ylim(0, 1)
        ax.set_ylabel("mean boilerplate share")
        ax.set_title(_trend_title(over_time))
        _caption(fig, "", caption)
    return fig


TYPE_COLOURS = {"regulator": "#0072B2", "government_body": "#56B4E9", "company": "#E69F00", "law_or_policy": "#009E73",
                "person": "#CC79A7", "place": "#999999", "media": "#D55E00"}


def plot_top_entities(counts: pd.DataFrame, *, n: int = 15, value: str = "n_articles", caption: str | None = None) -> Figure:
    """Horizontal bars: the ``n`` most-mentioned entities, coloured by type."""
    top = counts.sort_values(value, ascending=False).head(n).iloc[::-1]
    with _styled(_rows_figsize(len(top), per_row=0.32, minimum=4, extra=1.4)) as (fig, ax):
        if top.empty:
            _empty(ax, "no mentions match the filters", "Most-mentioned entities")
            return fig
        colours = [TYPE_COLOURS.get(t, "#999999") for t in top["entity_type"]]
        ax.barh(top["entity"], top[value], color=colours)
        handles = [plt.Rectangle((0, 0), 1, 1, color=TYPE_COLOURS[t]) for t in TYPE_COLOURS if t in set(top["entity_type"])]
        ax.legend(handles, [t for t in TYPE_COLOURS if t in set(top["entity_type"])], loc="lower right")
        ax.set_xlabel("articles mentioning it" if value == "n_articles" else "mentions")
        ax.grid(True, axis="x")
        ax.grid(axis="y", visible=False)
        leader = top.iloc[-1]
        ax.set_title(f"{leader['entity']} leads: named in {int(leader[value])} "
                     f"{'articles' if value == 'n_articles' else 'mentions'}")
        _caption(fig, "content paragraphs only unless stated", caption)
    return fig


def plot_mentions_over_time(over_time: pd.DataFrame, *, value: str = "n_articles", caption: str | None = None,
                            fig: Figure | None = None) -> Figure:
    """Lines: per period (``period`` column) and entity, articles mentioning it (``fig``: this
    function's earlier Figure, redrawn in place, see ``_styled``)."""
    with _styled(fig=fig) as (fig, ax):
        if over_time.empty:
            _empty(ax, "no mentions match the filters", "Mentions over time")
            _caption(fig, "", caption)
            return fig
        periods = sorted(over_time["period"].unique())
        periods = [str(p) for p in pd.period_range(periods[0], periods[-1], freq=pd.Period(periods[0]).freq)]
        for entity, g in over_time.groupby("entity"):
            series = g.set_index("period")[value].reindex(periods, fill_value=0)
            ax.plot(range(len(periods)), series.to_numpy(), marker="o", markersize=3, label=entity)
        _period_ticks(ax, periods)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_ylabel("articles mentioning it" if value == "n_articles" else "mentions")
        peak = over_time.sort_values(value).iloc[-1]
        ax.set_title(f"Peak: {peak['entity']} in {peak['period']} ({int(peak[value])} articles)")
        _caption(fig, "", caption)
    return fig


def plot_cooccurrence(cooc: pd.DataFrame, *, max_rows: int = 12, max_cols: int = 15, caption: str | None = None) -> Figure:
    """Heatmap: how many articles name both the row entity (e.g. a regulator) and the column entity."""
    if cooc.empty:
        with _styled() as (fig, ax):
            _empty(ax, "no co-mentions match the filters", "Who is mentioned with whom")
        return fig
    rows = cooc.groupby("row_entity")["n"].sum().sort_values(ascending=False).head(max_rows).index
    cols = cooc.groupby("col_entity")["n"].sum().sort_values(ascending=False).head(max_cols).index
    table = cooc.pivot_table(index="row_entity", columns="col_entity", values="n", fill_value=0).reindex(
        index=rows, columns=cols, fill_value=0)
    with _styled((1.0 + 0.55 * len(cols) + 3.5, 0.45 * len(rows) + 2.5)) as (fig, ax):
        im = ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto")
        ax.set_xticks(range(len(cols)), cols, rotation=50, ha="right")
        ax.set_yticks(range(len(rows)), rows)
        ax.grid(False)
        vmax = table.to_numpy().max()
        for i in range(len(rows)):
            for j in range(len(cols)):
                v = int(table.iat[i, j])
                if v:
                    ax.text(j, i, str(v), ha="center", va="center", fontsize=8, color="white" if v > vmax / 2 else "black")
        fig.colorbar(im, ax=ax, label="articles naming both", shrink=0.8)
        top = cooc.iloc[0]
        ax.set_title(f"Most frequent pair: {top['row_entity']} with {top['col_entity']} ({top['n']} articles)")
        _caption(fig, "", caption)
    return fig


ACTION_MARKERS = {"fine": "o", "antitrust_probe": "s", "law_passed": "^", "law_effective": "v", "rule_issued": "D",
                  "campaign": "P", "review": "X", "ipo_halt": "*", "summons": "h", "order": "p", "guidance": "<",
                  "other": "."}


ACTION_COLOURS = {"fine": "#D55E00", "antitrust_probe": "#E69F00", "law_passed": "#009E73", "law_effective": "#44AA99",
                  "rule_issued": "#0072B2", "campaign": "#CC79A7", "review": "#332288", "ipo_halt": "#000000",
                  "summons": "#882255", "order": "#56B4E9", "guidance": "#999999", "other": "#BBBBBB"}


def plot_timeline(events: pd.DataFrame, reference: pd.DataFrame | None = None, *, lane: str = "agency",
                  max_lanes: int = 12, caption: str | None = None, fig: Figure | None = None) -> Figure:
    """Events on a time axis, one lane per agency (or action type); fines sized by amount; the
    reference timeline overlaid as grey bars in the same lanes.

    ``events``: merged or extracted events (date, precision, agency, action_type, amount_cny, and
    n_articles if merged).  ``reference``: timeline rows (date, agency with ``;``-separated names).
    ``fig``: this function's earlier Figure, redrawn in place (see ``_styled``).
    """
    from .views import event_start

    ev = (events if "start" in events.columns else events.assign(start=event_start(events["date"])))
    ev = ev.dropna(subset=["start"]).reset_index(drop=True)
    ref = None
    if reference is not None and not reference.empty:
        ref = reference.assign(start=pd.to_datetime(reference["date"])).assign(
            agency=reference["agency"].str.split(";")).explode("agency")
        ref = ref[ref["agency"].fillna("") != ""]
    lanes_from = pd.concat([ev[lane]] + ([ref[lane]] if ref is not None and lane in ref else []))
    lanes = lanes_from.value_counts().head(max_lanes).index.tolist()[::-1]
    with _styled(_rows_figsize(len(lanes), per_row=0.42, minimum=4, extra=1.8, width=10), fig=fig) as (fig, ax):
        if not lanes:
            _empty(ax, "no events match the filters", "Policy timeline")
            _caption(fig, "0 events", caption)
            return fig
        y = {name: i for i, name in enumerate(lanes)}
        if ref is not None and lane in ref:
            r = ref[ref[lane].isin(lanes)]
            ax.scatter(r["start"], r[lane].map(y), marker="|", s=400, color="#BBBBBB", linewidths=3,
                       label="reference timeline", zorder=1)
        e = ev[ev[lane].isin(lanes)]
        amounts = pd.to_numeric(e.get("amount_cny"), errors="coerce").fillna(0)
        sizes = 30 + 300 * (amounts / amounts.max()) ** 0.5 if amounts.max() > 0 else pd.Series(30, index=e.index)
        colours = ACTION_COLOURS
        # white outlines separate a few markers; with thousands they only cost drawing time (a fifth of it)
        edges = "white" if len(e) <= MAX_OUTLINED_MARKERS else "none"
        for action, g in e.groupby("action_type"):
            ax.scatter(g["start"], g[lane].map(y), s=sizes[g.index], marker=ACTION_MARKERS.get(action, "o"),
                       color=colours.get(action, "#000000"), alpha=0.8, label=action.replace("_", " "), zorder=3,
                       edgecolors=edges, linewidths=0.5)
        ax.set_yticks(range(len(lanes)), lanes)
        _fixed_date_ticks(ax)
        ax.grid(True, axis="x")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), markerscale=0.7)
        busiest = e["start"].dt.to_period("Q").value_counts()
        title = f"Regulatory actions cluster in {busiest.idxmax()}" if not busiest.empty else "Policy timeline"
        ax.set_title(title)
        _caption(fig, f"{len(e)} extracted events; grey bars: reference timeline; fines sized by amount", caption)
    return fig


def _fixed_date_ticks(ax) -> None:
    """A few dates on the x axis, written concisely (the default locator's labels overlapped on a
    multi-year axis).  The ticks are computed once, for the final limits, and fixed: a date locator
    left on the axis runs about ten times per draw (layout passes, spines, labels), a sixth of a
    timeline re-render, and gives the same ticks each time."""
    ax.autoscale_view()
    lo, hi = ax.get_xlim()
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    formatter = mdates.ConciseDateFormatter(locator)
    ticks = [t for t in locator.tick_values(mdates.num2date(lo), mdates.num2date(hi)) if lo <= t <= hi]
    ax.set_xticks(ticks, formatter.format_ticks(ticks), rotation=0, ha="center")
    ax.xaxis.get_major_formatter().set_offset_string(formatter.get_offset())


def plot_event_coverage(articles_per_month: pd.DataFrame, events: pd.DataFrame, *, caption: str | None = None) -> Figure:
    """Bars: articles per month; line: extracted events dated in that month."""
    from .views import event_start

    months = articles_per_month.groupby("month")["n_articles"].sum()
    ev_months = event_start(events["date"]).dropna().dt.strftime("%Y-%m").value_counts()
    index = sorted(set(months.index) | set(ev_months.index))
    if index:
        index = [str(p) for p in pd.period_range(index[0], index[-1], freq="M")]
    with _styled() as (fig, ax):
        if not index:
            _empty(ax, "no dated articles", "")
            return fig
        x = range(len(index))
        ax.bar(x, months.reindex(index, fill_value=0), color="#56B4E9", label="articles published")
        ax.plot(x, ev_months.reindex(index, fill_value=0), color="#D55E00", marker="o", markersize=3,
                label="events dated in the month")
        _period_ticks(ax, index)
        ax.legend(loc="upper right")
        peak = ev_months.idxmax() if not ev_months.empty else "n/a"
        ax.set_title(f"Most dated events fall in {peak}")
        _caption(fig, "", caption)
    return fig
