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


def month_range(value: tuple[str, str]) -> dict:
    """A range slider's (first month, last month) as ``since``/``until`` ISO dates (None if undated)."""
    first, last = value
    return {"since": f"{first}-01" if first != "(undated)" else None,
            "until": _month_end(last) if last != "(undated)" else None}


def show(output: w.Output, obj) -> None:
    """Replace what an Output widget shows."""
    output.clear_output(wait=True)
    with output:
        display(obj)


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
        return {"outlets": list(self.outlet.value), **month_range(self.dates.value),
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
        show(self.chart, view.figure)
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


# --------------------------------------------------------------------------- entities
@dataclass
class EntityView:
    """What the entity explorer shows for one set of filter values."""

    counts: pd.DataFrame       # entity, entity_type, n_articles (at least min_count)
    over_time: pd.DataFrame    # period, entity, n_articles
    figure: plt.Figure


def render_entities(mentions: pd.DataFrame, articles: pd.DataFrame, *, entity_type=None, entities=None, outlets=None,
                    since=None, until=None, content_only: bool = True, min_count: int = 1,
                    freq: str = "M", top_n: int = 6) -> EntityView:
    """Filter and count mentions; chart the chosen entities (or the top ``top_n``) over time."""
    from .entities import count_mentions

    chosen = views.filter_mentions(mentions, articles, entity_type=entity_type, outlets=outlets, since=since,
                                   until=until, content_only=content_only)
    counts = count_mentions(chosen, articles)
    counts = counts[counts["n_articles"] >= min_count].reset_index(drop=True)
    names = list(entities) if entities else counts["entity"].head(top_n).tolist()
    over_time = count_mentions(chosen[chosen["entity"].isin(names)], articles, by=["entity"], freq=freq)
    return EntityView(counts, over_time, plotting.plot_mentions_over_time(over_time))


class EntityExplorer:
    """Entity type, entities (following the type), outlets, months, content-only and minimum count."""

    def __init__(self, mentions: pd.DataFrame, articles: pd.DataFrame):
        self.mentions, self.articles = mentions, articles
        types = sorted(mentions["entity_type"].unique())
        months = month_options(articles)
        outlets = sorted(articles["outlet"].unique())
        self.entity_type = w.Dropdown(options=[ALL] + types, value="regulator" if "regulator" in types else ALL,
                                      description="Type")
        self.entities = w.SelectMultiple(options=[], description="Entities", rows=8, layout=w.Layout(width="420px"))
        self.outlet = w.SelectMultiple(options=outlets, value=tuple(outlets), description="Outlets", rows=min(8, len(outlets)))
        self.dates = w.SelectionRangeSlider(options=months, index=(0, len(months) - 1), description="Months",
                                            continuous_update=False, layout=w.Layout(width="520px"))
        self.content_only = w.Checkbox(value=True, description="content paragraphs only")
        self.min_count = w.IntSlider(value=1, min=1, max=20, description="Min articles", continuous_update=False)
        self.summary = w.HTML()
        self.chart = w.Output()
        self.table = w.Output()
        self.view: EntityView | None = None
        self._update_entity_options()
        self.entity_type.observe(self._on_type, names="value")
        for control in (self.entities, self.outlet, self.dates, self.content_only, self.min_count):
            control.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def _update_entity_options(self):
        frame = self.mentions if self.entity_type.value == ALL else \
            self.mentions[self.mentions["entity_type"] == self.entity_type.value]
        ranked = frame.groupby("entity")["article_id"].nunique().sort_values(ascending=False)
        self.entities.options = ranked.index.tolist()

    def _on_type(self, _change):
        self.entities.value = ()
        self._update_entity_options()
        self.refresh()

    def params(self) -> dict:
        return {"entity_type": None if self.entity_type.value == ALL else self.entity_type.value,
                "entities": list(self.entities.value), "outlets": list(self.outlet.value),
                **month_range(self.dates.value), "content_only": self.content_only.value, "min_count": self.min_count.value}

    def refresh(self) -> EntityView:
        self.view = render_entities(self.mentions, self.articles, **self.params())
        self.summary.value = (f"<b>{len(self.view.counts)}</b> entities named in at least "
                              f"{self.min_count.value} article(s)")
        show(self.chart, self.view.figure)
        show(self.table, self.view.counts.head(20))
        return self.view

    def widget(self) -> w.Widget:
        left = w.VBox([self.entity_type, self.entities])
        right = w.VBox([self.outlet, self.dates, self.content_only, self.min_count])
        return w.VBox([w.HBox([left, right]), self.summary, self.chart, self.table])

    def _ipython_display_(self):
        display(self.widget())


# --------------------------------------------------------------------------- timeline
SOURCES = ("extracted", "reference", "both")


@dataclass
class TimelineView:
    """What the timeline explorer shows for one set of filter values."""

    events: pd.DataFrame       # merged extracted events after filtering (empty when source is reference)
    reference: pd.DataFrame    # reference rows after filtering (empty when source is extracted)
    figure: plt.Figure


def render_timeline(merged: pd.DataFrame, reference: pd.DataFrame, *, since=None, until=None, agencies=None,
                    company=None, action_types=None, source: str = "both", lane: str = "agency") -> TimelineView:
    """Filter merged events and the reference timeline the same way and draw them."""
    kw = dict(since=since, until=until, agencies=agencies, company=company, action_types=action_types)
    events = views.filter_events(merged, **kw) if source in ("extracted", "both") else merged.iloc[0:0]
    ref = views.filter_events(reference, **kw) if source in ("reference", "both") else reference.iloc[0:0]
    if source == "reference":
        # draw reference rows as the events themselves
        shown = ref.assign(agency=ref["agency"].str.split(";")).explode("agency")
        shown = shown[shown["agency"].fillna("") != ""]
        fig = plotting.plot_timeline(shown.assign(amount_cny=pd.to_numeric(shown["amount_cny"], errors="coerce")), None, lane=lane)
    else:
        fig = plotting.plot_timeline(events, ref if source == "both" else None, lane=lane)
    return TimelineView(events, ref, fig)


class TimelineExplorer:
    """Date range, agency, company, action type and extracted-vs-reference controls over the timeline."""

    def __init__(self, merged: pd.DataFrame, reference: pd.DataFrame, articles: pd.DataFrame):
        self.merged, self.reference = merged, reference
        months = month_options(articles)
        ref_months = sorted(reference["date"].str.slice(0, 7))
        if ref_months:
            months = [str(p) for p in pd.period_range(min(months[0], ref_months[0]), max(months[-1], ref_months[-1]), freq="M")]
        agencies = sorted(set(merged["agency"]) | {a for v in reference["agency"] for a in v.split(";") if a})
        companies = sorted({c for v in pd.concat([merged["companies"], reference["companies"]]).fillna("")
                            for c in str(v).split(";") if c})
        actions = sorted(set(merged["action_type"]) | set(reference["action_type"]))
        self.dates = w.SelectionRangeSlider(options=months, index=(0, len(months) - 1), description="Months",
                                            continuous_update=False, layout=w.Layout(width="560px"))
        self.agency = w.SelectMultiple(options=agencies, description="Agencies", rows=8, layout=w.Layout(width="420px"))
        self.company = w.Dropdown(options=[ALL] + companies, value=ALL, description="Company")
        self.action = w.SelectMultiple(options=actions, description="Actions", rows=8)
        self.source = w.ToggleButtons(options=SOURCES, value="both", description="Show")
        self.summary = w.HTML()
        self.chart = w.Output()
        self.table = w.Output()
        self.view: TimelineView | None = None
        for control in (self.dates, self.agency, self.company, self.action, self.source):
            control.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def params(self) -> dict:
        return {**month_range(self.dates.value), "agencies": list(self.agency.value) or None,
                "company": None if self.company.value == ALL else self.company.value,
                "action_types": list(self.action.value) or None, "source": self.source.value}

    def refresh(self) -> TimelineView:
        self.view = render_timeline(self.merged, self.reference, **self.params())
        self.summary.value = (f"<b>{len(self.view.events)}</b> extracted events, "
                              f"<b>{len(self.view.reference)}</b> reference events")
        show(self.chart, self.view.figure)
        cols = ["date", "agency", "action_type", "companies", "n_articles", "sentence"]
        show(self.table, self.view.events[cols].head(25) if not self.view.events.empty else self.view.reference.head(25))
        return self.view

    def widget(self) -> w.Widget:
        controls = w.VBox([self.dates, w.HBox([self.agency, w.VBox([self.company, self.action])]), self.source])
        return w.VBox([controls, self.summary, self.chart, self.table])

    def _ipython_display_(self):
        display(self.widget())


# --------------------------------------------------------------------------- corpus overview
@dataclass
class CorpusView:
    """What the corpus explorer shows for one outlet and month range."""

    articles: pd.DataFrame
    per_month: pd.DataFrame
    figure: plt.Figure


def render_corpus(articles: pd.DataFrame, *, outlets=None, since=None, until=None) -> CorpusView:
    """Articles of the chosen outlets and months, counted per month and charted."""
    chosen = views.filter_articles(articles, since=since, until=until, outlets=outlets)
    per_month = views.articles_per_month(chosen)
    return CorpusView(chosen, per_month, plotting.plot_articles_per_month(chosen))


class CorpusExplorer:
    """Outlet and month-range controls over the articles-per-month chart and the article list."""

    def __init__(self, articles: pd.DataFrame):
        self.articles = articles
        months = month_options(articles)
        self.outlet = w.Dropdown(options=[ALL] + sorted(articles["outlet"].unique()), value=ALL, description="Outlet")
        self.dates = w.SelectionRangeSlider(options=months, index=(0, len(months) - 1), description="Months",
                                            continuous_update=False, layout=w.Layout(width="560px"))
        self.summary = w.HTML()
        self.chart = w.Output()
        self.table = w.Output()
        self.view: CorpusView | None = None
        for control in (self.outlet, self.dates):
            control.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def params(self) -> dict:
        return {"outlets": None if self.outlet.value == ALL else [self.outlet.value], **month_range(self.dates.value)}

    def refresh(self) -> CorpusView:
        self.view = render_corpus(self.articles, **self.params())
        self.summary.value = f"<b>{len(self.view.articles)}</b> articles selected"
        show(self.chart, self.view.figure)
        show(self.table, self.view.articles[["article_id", "outlet", "published", "title"]].head(15))
        return self.view

    def widget(self) -> w.Widget:
        return w.VBox([w.HBox([self.outlet, self.dates]), self.summary, self.chart, self.table])

    def _ipython_display_(self):
        display(self.widget())
