"""Interactive explorers: ipywidgets controls wired to the plain view functions.

Each explorer is a small class holding its own controls and outputs (no globals).  Its
``render(**params)`` method is a plain function of the filter values that returns what the view
shows (tables, a Figure, HTML), so it can be tested without a browser; the widgets only call it.
"""
from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as w
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from . import plotting, views

ALL = "(all)"


def month_options(articles: pd.DataFrame) -> list[str]:
    """Every month from the first to the last publication month (``YYYY-MM``)."""
    dates = views.publication_dates(articles).dropna()
    if dates.empty:
        return ["(undated)"]
    return [str(p) for p in pd.period_range(dates.min(), dates.max(), freq="M")]


def _month_end(month: str) -> str:
    return (pd.Period(month, freq="M").end_time.date()).isoformat()


@dataclass
class BoilerplateView:
    """What the boilerplate explorer shows for one set of filter values."""

    per_article: pd.DataFrame
    kinds: pd.DataFrame
    figure: plt.Figure
    article_ids: list[str]
    article_html: str


def render_boilerplate(articles: pd.DataFrame, segments: pd.DataFrame, *, outlets=None, since=None, until=None,
                       kind=None, article_id=None) -> BoilerplateView:
    """Filter, tabulate and draw: the plain function behind :class:`BoilerplateExplorer`."""
    chosen = views.filter_articles(articles, since=since, until=until, outlets=outlets)
    segs = segments[segments["article_id"].isin(chosen["article_id"])]
    per_article = views.boilerplate_by_article(chosen, segs)
    kinds = views.boilerplate_kinds(chosen, segs)
    if kind:
        has_kind = segs.loc[(segs["label"] == "boilerplate") & (segs["kind"] == kind), "article_id"].unique()
        per_article = per_article[per_article["article_id"].isin(has_kind)]
        kinds = kinds[kinds["kind"] == kind]
    fig = plotting.plot_boilerplate_by_outlet(per_article)
    ids = per_article["article_id"].tolist()
    if article_id not in ids:
        article_id = ids[0] if ids else None
    html = ""
    if article_id is not None:
        title = articles.loc[articles["article_id"] == article_id, "title"].iloc[0]
        html = views.article_html(segs, article_id, title=title, highlight_kinds=[kind] if kind else None)
    return BoilerplateView(per_article, kinds, fig, ids, html)


class BoilerplateExplorer:
    """Outlet, date range, boilerplate kind and article controls over the boilerplate views."""

    def __init__(self, articles: pd.DataFrame, segments: pd.DataFrame):
        self.articles, self.segments = articles, segments
        outlets = sorted(articles["outlet"].unique())
        months = month_options(articles)
        kinds = sorted(segments.loc[segments["label"] == "boilerplate", "kind"].unique())
        self.outlet = w.SelectMultiple(options=outlets, value=tuple(outlets), description="Outlets", rows=min(8, len(outlets)))
        self.dates = w.SelectionRangeSlider(options=months, index=(0, len(months) - 1), description="Months",
                                            continuous_update=False, layout=w.Layout(width="520px"))
        self.kind = w.Dropdown(options=[ALL] + kinds, value=ALL, description="Kind")
        self.article = w.Dropdown(options=[], description="Article", layout=w.Layout(width="520px"))
        self.summary = w.HTML()
        self.chart = w.Output()
        self.viewer = w.HTML()
        self.view: BoilerplateView | None = None
        for control in (self.outlet, self.dates, self.kind):
            control.observe(self._on_filter, names="value")
        self.article.observe(self._on_article, names="value")
        self.refresh()

    def params(self) -> dict:
        first, last = self.dates.value
        return {"outlets": list(self.outlet.value), "since": f"{first}-01" if first != "(undated)" else None,
                "until": _month_end(last) if last != "(undated)" else None,
                "kind": None if self.kind.value == ALL else self.kind.value,
                "article_id": self.article.value}

    def refresh(self) -> BoilerplateView:
        view = render_boilerplate(self.articles, self.segments, **self.params())
        self.view = view
        titles = self.articles.set_index("article_id")["title"]
        options = [(f"{aid} · {titles.get(aid, '')[:60]}", aid) for aid in view.article_ids]
        current = self.article.value
        self.article.options = options
        self.article.value = current if current in view.article_ids else (view.article_ids[0] if view.article_ids else None)
        n = len(view.per_article)
        mean = view.per_article["boilerplate_ratio"].mean() if n else 0.0
        self.summary.value = f"<b>{n}</b> articles match; mean boilerplate share <b>{mean:.0%}</b>"
        self.viewer.value = views.article_html(
            self.segments, self.article.value, title=titles.get(self.article.value, ""),
            highlight_kinds=[self.kind.value] if self.kind.value != ALL else None) if self.article.value else ""
        self.chart.clear_output(wait=True)
        with self.chart:
            display(view.figure)
        plt.close(view.figure)
        return view

    def _on_filter(self, _change=None):
        self.refresh()

    def _on_article(self, change):
        if change["new"] is not None and self.view is not None:
            title = self.articles.set_index("article_id")["title"].get(change["new"], "")
            self.viewer.value = views.article_html(
                self.segments, change["new"], title=title,
                highlight_kinds=[self.kind.value] if self.kind.value != ALL else None)

    def widget(self) -> w.Widget:
        controls = w.VBox([w.HBox([self.outlet, w.VBox([self.dates, self.kind])]), self.summary])
        return w.VBox([controls, self.chart, self.article, self.viewer])

    def _ipython_display_(self):
        display(self.widget())
