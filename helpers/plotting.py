"""Charts: each function takes a DataFrame and returns a matplotlib Figure in the house style.

Figures are drawn inside ``plt.style.context(paths.STYLE_FILE)`` so the notebook's global
style is left alone.  :func:`save_figure` writes a chart and the data behind it to
``reports/figures/``.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path


import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from . import paths
from .views import articles_per_month


def _caption(fig: Figure, text: str) -> None:
    fig.text(0.0, -0.02, text, ha="left", va="top", fontsize=8, color="#555555", wrap=True)


def plot_articles_per_month(articles: pd.DataFrame, *, title: str | None = None,
                            caption: str | None = None) -> Figure:
    """Stacked bars: articles per publication month, one colour per outlet."""
    counts = articles_per_month(articles)
    with plt.style.context(paths.STYLE_FILE):
        fig, ax = plt.subplots()
        if counts.empty:
            ax.text(0.5, 0.5, "no dated articles", ha="center", va="center", transform=ax.transAxes)
        else:
            table = counts.pivot_table(index="month", columns="outlet", values="n_articles",
                                       aggfunc="sum", fill_value=0).sort_index()
            months = pd.period_range(table.index.min(), table.index.max(), freq="M")
            table = table.reindex(months.astype(str), fill_value=0)
            bottom = None
            x = range(len(table))
            for outlet in table.columns:
                ax.bar(x, table[outlet], bottom=bottom, label=outlet, width=0.85)
                bottom = table[outlet] if bottom is None else bottom + table[outlet]
            step = max(1, len(table) // 12)
            ax.set_xticks(list(x)[::step], [m for m in table.index][::step], rotation=45, ha="right")
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
            ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel("articles")
        peak = counts.groupby("month")["n_articles"].sum().idxmax() if not counts.empty else "n/a"
        ax.set_title(title or f"Coverage by month (busiest: {peak})")
        _caption(fig, caption or f"{len(articles)} articles; made {date.today().isoformat()}")
    return fig


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
