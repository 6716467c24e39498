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


def chart_widget() -> w.Image:
    """Where an explorer shows its chart: an image updated in place after each filter change."""
    return w.Image(format="png", layout=w.Layout(max_width="100%", height="auto"))


def show_figure(image: w.Image, fig: plt.Figure) -> None:
    """Draw ``fig`` once into ``image`` (:func:`plotting.figure_png`); the notebook's display
    machinery, which lays a figure out twice for a "tight" PNG, is not involved."""
    image.value = plotting.figure_png(fig)


@dataclass
class BoilerplateView:
    """What the boilerplate explorer shows for one set of filter values."""

    per_article: pd.DataFrame
    kinds: pd.DataFrame
    figure: plt.Figure
    article_ids: list[str]
    article_html: str
    article_id: str | None = None  # the article article_html shows


@dataclass
class BoilerplateData:
    """What the boilerplate views need, computed once per corpus (:func:`prepare_boilerplate`), so
    that a filter change only filters small tables."""

    per_article: pd.DataFrame   # views.boilerplate_by_article of every article
    kind_chars: pd.DataFrame    # views.kind_chars: article_id, outlet, date, kind, chars
    segments: pd.DataFrame
    rows: dict                  # article_id -> positions of its rows in segments
    titles: dict                # article_id -> title


def prepare_boilerplate(articles: pd.DataFrame, segments: pd.DataFrame) -> BoilerplateData:
    dated = views.with_months(articles)
    segments = segments.reset_index(drop=True)
    return BoilerplateData(per_article=views.compact(views.boilerplate_by_article(dated, segments)),
                           kind_chars=views.compact(views.kind_chars(dated, segments)), segments=segments,
                           rows=segments.groupby("article_id", sort=False).indices,
                           titles=dict(zip(articles["article_id"], articles["title"])))


def article_view(data: BoilerplateData, article_id, *, kind=None) -> str:
    """The article viewer's HTML (text escaped by ``views.article_html``)."""
    if article_id is None:
        return ""
    positions = data.rows.get(article_id, [])
    if len(positions) and positions[-1] - positions[0] == len(positions) - 1:
        rows = data.segments.iloc[positions[0]:positions[-1] + 1]  # a slice: no copy of a million-row table
    else:
        rows = data.segments.iloc[positions]
    return views.article_html(rows, article_id, title=data.titles.get(article_id, ""),
                              highlight_kinds=[kind] if kind else None)


def render_boilerplate(articles: pd.DataFrame | BoilerplateData, segments: pd.DataFrame | None = None, *,
                       outlets=None, since=None, until=None, kind=None, article_id=None,
                       figure: plt.Figure | None = None) -> BoilerplateView:
    """Filter, tabulate and draw: the plain function behind :class:`BoilerplateExplorer`.  Takes the
    articles and segments tables, or their :func:`prepare_boilerplate` (what the explorer keeps).
    ``figure``: the previous view's Figure, redrawn in place (what the explorer passes)."""
    data = articles if isinstance(articles, BoilerplateData) else prepare_boilerplate(articles, segments)
    # each table is selected once, after all its conditions are combined
    keep_articles = views.article_mask(data.per_article, since=since, until=until, outlets=outlets)
    keep_kinds = views.article_mask(data.kind_chars, since=since, until=until, outlets=outlets)
    if kind:
        keep_kinds &= (data.kind_chars["kind"] == kind).to_numpy()
        has_kind = data.kind_chars["article_id"][keep_kinds].astype(str).unique()
        keep_articles &= data.per_article["article_id"].isin(has_kind).to_numpy()
    per_article, kc = data.per_article[keep_articles], data.kind_chars[keep_kinds]
    kinds = views.kind_shares(kc)
    fig = plotting.plot_boilerplate_by_outlet(per_article, fig=figure)
    ids = per_article["article_id"].astype(str).tolist()
    if article_id not in data.rows or (ids and article_id not in set(ids[:MAX_ARTICLE_OPTIONS])):
        article_id = ids[0] if ids else None
    return BoilerplateView(per_article, kinds, fig, ids, article_view(data, article_id, kind=kind), article_id)


#: The article list offers at most this many articles (the first that match); narrow the filters for others.
MAX_ARTICLE_OPTIONS = 500


class BoilerplateExplorer:
    """Outlet, date range, boilerplate kind and article controls over the boilerplate views."""

    def __init__(self, articles: pd.DataFrame, segments: pd.DataFrame):
        self.articles, self.segments = articles, segments
        self.data = prepare_boilerplate(articles, segments)
        outlets = sorted(articles["outlet"].unique())
        months = month_options(articles)
        kinds = sorted(self.data.kind_chars["kind"].unique())
        self.outlet = w.SelectMultiple(options=outlets, value=tuple(outlets), description="Outlets", rows=min(8, len(outlets)))
        self.dates = w.SelectionRangeSlider(options=months, index=(0, len(months) - 1), description="Months",
                                            continuous_update=False, layout=w.Layout(width="520px"))
        self.kind = w.Dropdown(options=[ALL] + kinds, value=ALL, description="Kind")
        self.article = w.Dropdown(options=[], description="Article", layout=w.Layout(width="520px"))
        self.summary = w.HTML()
        self.chart = chart_widget()
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

    def _kind(self):
        return self.kind.value if self.kind.value != ALL else None

    def refresh(self) -> BoilerplateView:
        view = render_boilerplate(self.data, **self.params(), figure=self.view.figure if self.view else None)
        self.view = view
        offered = view.article_ids[:MAX_ARTICLE_OPTIONS]
        current = self.article.value
        self.article.unobserve(self._on_article, names="value")  # the viewer is redrawn once, below
        self.article.options = [(f"{aid} · {self.data.titles.get(aid, '')[:60]}", aid) for aid in offered]
        self.article.value = current if current in set(offered) else (offered[0] if offered else None)
        self.article.observe(self._on_article, names="value")
        n = len(view.per_article)
        mean = view.per_article["boilerplate_ratio"].mean() if n else 0.0
        more = f" (the list offers the first {MAX_ARTICLE_OPTIONS})" if n > MAX_ARTICLE_OPTIONS else ""
        self.summary.value = f"<b>{n}</b> articles match; mean boilerplate share <b>{mean:.0%}</b>{more}"
        # the view already holds the chosen article's HTML (it picks the same article); built again otherwise
        self.viewer.value = (view.article_html if self.article.value == view.article_id
                             else article_view(self.data, self.article.value, kind=self._kind()))
        show_figure(self.chart, view.figure)
        return view

    def _on_filter(self, _change=None):
        self.refresh()

    def _on_article(self, change):
        if change["new"] is not None:
            self.viewer.value = article_view(self.data, change["new"], kind=self._kind())

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


def entity_cube(mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Articles naming each entity per publication day and outlet, computed once per corpus: date,
    month, outlet, entity, entity_type, n_any (anywhere in the article), n_content (in content
    paragraphs; needs a ``label`` column, else equal to n_any).  Each article has one day and one
    outlet, so sums over days and outlets are exact article counts."""
    meta = views.with_months(articles)[["article_id", "outlet", "date", "month"]]
    keys = ["date", "month", "outlet", "entity", "entity_type"]
    pairs = mentions.drop_duplicates(["article_id", "entity"]).merge(meta, on="article_id")
    n_any = pairs.groupby(keys, dropna=False).size().rename("n_any")
    content = mentions[mentions["label"] == "content"] if "label" in mentions.columns else mentions
    cpairs = content.drop_duplicates(["article_id", "entity"]).merge(meta, on="article_id")
    n_content = cpairs.groupby(keys, dropna=False).size().rename("n_content")
    cube = pd.concat([n_any, n_content], axis=1).fillna(0).astype("int64").reset_index()
    return views.compact(cube)


def render_entities(mentions: pd.DataFrame, articles: pd.DataFrame | None = None, *, entity_type=None, entities=None,
                    outlets=None, since=None, until=None, content_only: bool = True, min_count: int = 1,
                    freq: str = "M", top_n: int = 6, figure: plt.Figure | None = None) -> EntityView:
    """Filter and count mentions; chart the chosen entities (or the top ``top_n``) over time.
    Takes the mentions and articles tables, or their :func:`entity_cube` (what the explorer keeps).
    ``figure``: the previous view's Figure, redrawn in place (what the explorer passes)."""
    cube = mentions if articles is None else entity_cube(mentions, articles)
    value = "n_content" if content_only else "n_any"
    # one row selection for all the filters (each selection copies a 300,000-row cube at 100k articles)
    keep = views.article_mask(cube, since=since, until=until, outlets=outlets) & (cube[value].to_numpy() > 0)
    if entity_type:
        keep &= (cube["entity_type"] == entity_type).to_numpy()
    rows = cube[keep]
    counts = (views.sum_by_categories(rows, ["entity", "entity_type"], value).rename(columns={value: "n_articles"})
              .sort_values("n_articles", ascending=False, kind="stable", ignore_index=True))
    counts = counts[counts["n_articles"] >= min_count].reset_index(drop=True)
    names = list(entities) if entities else counts["entity"].head(top_n).tolist()
    chosen = rows[rows["entity"].isin(names).to_numpy() & rows["date"].notna().to_numpy()]
    period = chosen["month"] if freq == "M" else chosen["date"].dt.to_period(freq).astype(str)
    over_time = (views.sum_by_categories(chosen.assign(period=period), ["period", "entity"], value)
                 .rename(columns={value: "n_articles"})
                 .sort_values(["period", "n_articles"], ascending=[True, False], ignore_index=True))
    return EntityView(counts, over_time, plotting.plot_mentions_over_time(over_time, fig=figure))


class EntityExplorer:
    """Entity type, entities (following the type), outlets, months, content-only and minimum count."""

    def __init__(self, mentions: pd.DataFrame, articles: pd.DataFrame):
        self.mentions, self.articles = mentions, articles
        self.cube = entity_cube(mentions, articles)
        self.ranking = self.cube.astype({"entity_type": str, "entity": str}).groupby(["entity_type", "entity"])["n_any"].sum()
        types = sorted(self.cube["entity_type"].astype(str).unique())
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
        self.chart = chart_widget()
        self.table = w.Output()
        self.view: EntityView | None = None
        self._resetting = False  # True while a type change resets the entity list (one render, not three)
        self._update_entity_options()
        self.entity_type.observe(self._on_type, names="value")
        for control in (self.entities, self.outlet, self.dates, self.content_only, self.min_count):
            control.observe(self._on_filter, names="value")
        self.refresh()

    def _update_entity_options(self):
        ranked = self.ranking if self.entity_type.value == ALL else self.ranking.loc[[self.entity_type.value]]
        ranked = ranked.groupby(level="entity").sum().sort_values(ascending=False, kind="stable")
        self.entities.options = ranked.index.tolist()

    def _on_filter(self, _change):
        if not self._resetting:
            self.refresh()

    def _on_type(self, _change):
        self._resetting = True
        try:
            self.entities.value = ()
            self._update_entity_options()
        finally:
            self._resetting = False
        self.refresh()

    def params(self) -> dict:
        return {"entity_type": None if self.entity_type.value == ALL else self.entity_type.value,
                "entities": list(self.entities.value), "outlets": list(self.outlet.value),
                **month_range(self.dates.value), "content_only": self.content_only.value, "min_count": self.min_count.value}

    def refresh(self) -> EntityView:
        self.view = render_entities(self.cube, **self.params(), figure=self.view.figure if self.view else None)
        self.summary.value = (f"<b>{len(self.view.counts)}</b> entities named in at least "
                              f"{self.min_count.value} article(s)")
        show_figure(self.chart, self.view.figure)
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
                    company=None, action_types=None, source: str = "both", lane: str = "agency",
                    figure: plt.Figure | None = None) -> TimelineView:
    """Filter merged events and the reference timeline the same way and draw them (``figure``: the
    previous view's Figure, redrawn in place, what the explorer passes)."""
    kw = dict(since=since, until=until, agencies=agencies, company=company, action_types=action_types)
    events = views.filter_events(merged, **kw) if source in ("extracted", "both") else merged.iloc[0:0]
    ref = views.filter_events(reference, **kw) if source in ("reference", "both") else reference.iloc[0:0]
    if source == "reference":
        # draw reference rows as the events themselves
        shown = ref.assign(agency=ref["agency"].str.split(";")).explode("agency")
        shown = shown[shown["agency"].fillna("") != ""]
        fig = plotting.plot_timeline(shown.assign(amount_cny=pd.to_numeric(shown["amount_cny"], errors="coerce")), None, lane=lane,
                                     fig=figure)
    else:
        fig = plotting.plot_timeline(events, ref if source == "both" else None, lane=lane, fig=figure)
    return TimelineView(events, ref, fig)


class TimelineExplorer:
    """Date range, agency, company, action type and extracted-vs-reference controls over the timeline."""

    def __init__(self, merged: pd.DataFrame, reference: pd.DataFrame, articles: pd.DataFrame):
        # each row's first day, computed once: filters and the chart reuse it
        self.merged = merged.assign(start=views.event_start(merged["date"]))
        self.reference = reference.assign(start=views.event_start(reference["date"]))
        merged, reference = self.merged, self.reference
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
        self.chart = chart_widget()
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
        self.view = render_timeline(self.merged, self.reference, **self.params(),
                                    figure=self.view.figure if self.view else None)
        self.summary.value = (f"<b>{len(self.view.events)}</b> extracted events, "
                              f"<b>{len(self.view.reference)}</b> reference events")
        show_figure(self.chart, self.view.figure)
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


def render_corpus(articles: pd.DataFrame, *, outlets=None, since=None, until=None,
                  figure: plt.Figure | None = None) -> CorpusView:
    """Articles of the chosen outlets and months, counted per month and charted.  ``articles`` may
    carry ``date`` and ``month`` columns already (``views.with_months``, what the explorer keeps);
    ``figure``: the previous view's Figure, redrawn in place (what the explorer passes)."""
    dated = articles if "month" in articles.columns else views.with_months(articles)
    chosen = views.filter_articles(dated, since=since, until=until, outlets=outlets)
    per_month = views.count_per_month(chosen)
    return CorpusView(chosen, per_month, plotting.plot_articles_per_month(chosen, per_month=per_month, fig=figure))


class CorpusExplorer:
    """Outlet and month-range controls over the articles-per-month chart and the article list."""

    def __init__(self, articles: pd.DataFrame):
        self.articles = views.compact(views.with_months(articles)[["article_id", "outlet", "published", "title",
                                                                    "date", "month"]])
        months = month_options(articles)
        self.outlet = w.Dropdown(options=[ALL] + sorted(articles["outlet"].unique()), value=ALL, description="Outlet")
        self.dates = w.SelectionRangeSlider(options=months, index=(0, len(months) - 1), description="Months",
                                            continuous_update=False, layout=w.Layout(width="560px"))
        self.summary = w.HTML()
        self.chart = chart_widget()
        self.table = w.Output()
        self.view: CorpusView | None = None
        for control in (self.outlet, self.dates):
            control.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def params(self) -> dict:
        return {"outlets": None if self.outlet.value == ALL else [self.outlet.value], **month_range(self.dates.value)}

    def refresh(self) -> CorpusView:
        self.view = render_corpus(self.articles, **self.params(), figure=self.view.figure if self.view else None)
        self.summary.value = f"<b>{len(self.view.articles)}</b> articles selected"
        show_figure(self.chart, self.view.figure)
        show(self.table, self.view.articles[["article_id", "outlet", "published", "title"]].head(15))
        return self.view

    def widget(self) -> w.Widget:
        return w.VBox([w.HBox([self.outlet, self.dates]), self.summary, self.chart, self.table])

    def _ipython_display_(self):
        display(self.widget())
