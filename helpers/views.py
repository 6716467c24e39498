"""Small table-shaping functions behind the notebooks' tables and charts (no plotting here)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def publication_dates(articles: pd.DataFrame) -> pd.Series:
    """The calendar date of each article as published (local to the source), as Timestamps.

    ``published`` keeps the source's own clock and offset; the date part is the date the
    outlet printed, which is what "articles per month" should count.
    """
    return pd.to_datetime(articles["published"].fillna("").str.slice(0, 10), errors="coerce", format="%Y-%m-%d")


def compact(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text columns as categoricals: selecting rows of a 100,000-row table then
    moves integer codes instead of strings (what keeps widget filters fast on large corpora)."""
    frame = frame.copy(deep=False)
    frame.attrs = {}  # (load_articles keeps its load report there; pandas cannot compare it when copying)
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c]) or frame[c].dtype == object]
    return frame.astype({c: "category" for c in text})


def articles_per_month(articles: pd.DataFrame) -> pd.DataFrame:
    """Columns: month (``YYYY-MM``), outlet, n_articles; undated articles are left out."""
    return count_per_month(with_months(articles))


def count_per_month(dated: pd.DataFrame) -> pd.DataFrame:
    """:func:`articles_per_month` of articles that already have a ``month`` column (:func:`with_months`)."""
    frame = dated[dated["month"].notna()]
    out = sum_by_categories(frame, ["month", "outlet"], None).rename(columns={"size": "n_articles"})
    return out.sort_values(["month", "outlet"], ignore_index=True)


def corpus_summary(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per outlet: n_articles, first and last publication date, median characters."""
    dates = publication_dates(articles)
    frame = articles.assign(_date=dates)
    out = frame.groupby("outlet").agg(n_articles=("article_id", "size"), first=("_date", "min"),
                                      last=("_date", "max"), median_chars=("n_chars", "median"))
    out["first"] = out["first"].dt.date
    out["last"] = out["last"].dt.date
    return out.sort_values("n_articles", ascending=False).reset_index()


def article_mask(articles: pd.DataFrame, *, since: str | None = None, until: str | None = None,
                 outlets: list[str] | tuple[str, ...] | None = None, keep_undated: bool = False) -> np.ndarray:
    """The boolean row mask behind :func:`filter_articles` (to combine with other conditions and
    select rows once)."""
    mask = np.ones(len(articles), dtype=bool)
    if since or until:
        dates = articles["date"] if "date" in articles.columns else publication_dates(articles)
        in_range = np.ones(len(articles), dtype=bool)
        if since:
            in_range &= (dates >= pd.Timestamp(since)).to_numpy()
        if until:
            in_range &= (dates <= pd.Timestamp(until)).to_numpy()
        mask &= in_range | (dates.isna().to_numpy() & keep_undated)
    if outlets:
        mask &= articles["outlet"].isin(list(outlets)).to_numpy()
    return mask


def filter_articles(articles: pd.DataFrame, *, since: str | None = None, until: str | None = None,
                    outlets: list[str] | tuple[str, ...] | None = None, keep_undated: bool = False) -> pd.DataFrame:
    """Articles published within [since, until] (inclusive ISO dates) and from ``outlets``.

    Undated articles are dropped when a date bound is given, unless ``keep_undated``.  A ``date``
    column (:func:`with_months`), where present, is used instead of parsing ``published`` again.
    """
    return articles[article_mask(articles, since=since, until=until, outlets=outlets, keep_undated=keep_undated)]


#: :func:`sum_by_categories` counts in one array of at most this many key combinations, else it groups.
MAX_CATEGORY_COMBINATIONS = 2_000_000


def sum_by_categories(frame: pd.DataFrame, keys: list[str], value: str | None) -> pd.DataFrame:
    """``frame.groupby(keys, observed=True)[value].sum().reset_index()`` with the keys as plain strings
    (``value=None``: the number of rows, in a ``size`` column), for categorical key columns: the rows'
    category codes are combined into one number and summed with ``np.bincount`` (a few times faster than
    a groupby on a widget's 300,000-row table; same rows, same order).  Non-categorical keys, missing
    keys or too many combinations fall back to the groupby."""
    columns = [frame[k] for k in keys]
    categories = [c.cat.categories if isinstance(c.dtype, pd.CategoricalDtype) else None for c in columns]
    n_combinations = int(np.prod([len(c) for c in categories if c is not None], dtype=float)) if all(
        c is not None for c in categories) else 0
    codes = [c.cat.codes.to_numpy() for c in columns] if n_combinations else []
    if not n_combinations or n_combinations > MAX_CATEGORY_COMBINATIONS or any((c < 0).any() for c in codes):
        grouped = frame.groupby(keys, observed=True)
        out = (grouped.size().rename("size") if value is None else grouped[value].sum()).reset_index()
        return out.astype({k: str for k in keys})
    combined = np.zeros(len(frame), dtype=np.int64)
    for code, cats in zip(codes, categories):
        combined = combined * len(cats) + code
    n_rows = np.bincount(combined, minlength=n_combinations)
    present = np.flatnonzero(n_rows)
    out, rest = {}, present
    for key, cats in reversed(list(zip(keys, categories))):
        rest, code = np.divmod(rest, len(cats))
        out[key] = cats.take(code).astype(str)
    result = pd.DataFrame({k: out[k] for k in keys})
    if value is None:
        result["size"] = n_rows[present].astype(np.int64)
        return result
    sums = np.bincount(combined, weights=frame[value].to_numpy(dtype=float), minlength=n_combinations)[present]
    values = frame[value]
    result[value] = sums.astype(values.dtype) if pd.api.types.is_integer_dtype(values.dtype) else sums
    return result


# --------------------------------------------------------------------------- boilerplate views
def with_months(articles: pd.DataFrame) -> pd.DataFrame:
    """articles plus ``date`` (publication day) and ``month`` (``YYYY-MM``) columns."""
    dates = publication_dates(articles)
    return articles.assign(date=dates, month=dates.dt.strftime("%Y-%m"))


def boilerplate_by_article(articles: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """One row per article: article_id, outlet, date, month, title, content_chars,
    boilerplate_chars, boilerplate_ratio, n_paragraphs, n_boilerplate."""
    from .segment import article_ratios

    ratios = article_ratios(segments)
    counts = segments.groupby("article_id").agg(n_paragraphs=("para_no", "size"),
                                                n_boilerplate=("label", lambda s: int((s == "boilerplate").sum())))
    base = with_months(articles)[["article_id", "outlet", "date", "month", "title"]]
    out = base.merge(ratios, on="article_id", how="left").merge(counts, on="article_id", how="left")
    return out.fillna({"content_chars": 0, "boilerplate_chars": 0, "boilerplate_ratio": 0.0,
                       "n_paragraphs": 0, "n_boilerplate": 0})


def boilerplate_kinds(articles: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Characters of boilerplate per outlet and kind: outlet, kind, chars, share (of the outlet's
    boilerplate characters)."""
    return kind_shares(kind_chars(articles, segments))


def kind_chars(articles: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Boilerplate characters per article and kind: article_id, outlet, date, kind, chars."""
    bp = segments[segments["label"] == "boilerplate"]
    per = bp.groupby(["article_id", "kind"], sort=False)["n_chars"].sum().rename("chars").reset_index()
    meta = with_months(articles)[["article_id", "outlet", "date"]] if "date" not in articles.columns else \
        articles[["article_id", "outlet", "date"]]
    return per.merge(meta, on="article_id")[["article_id", "outlet", "date", "kind", "chars"]]


def kind_shares(per_article_kind: pd.DataFrame) -> pd.DataFrame:
    """:func:`boilerplate_kinds` from the rows of :func:`kind_chars` (already filtered)."""
    out = sum_by_categories(per_article_kind, ["outlet", "kind"], "chars")
    out["share"] = (out["chars"] / out.groupby("outlet")["chars"].transform("sum")).round(4)
    return out.sort_values(["outlet", "chars"], ascending=[True, False], ignore_index=True)


def ratio_over_time(per_article: pd.DataFrame, *, freq: str = "Q") -> pd.DataFrame:
    """Mean boilerplate ratio per period and outlet: period, outlet, mean_ratio, n_articles."""
    dated = per_article.dropna(subset=["date"])
    period = dated["date"].dt.to_period(freq).astype(str)
    out = (dated.assign(period=period).groupby(["period", "outlet"])
           .agg(mean_ratio=("boilerplate_ratio", "mean"), n_articles=("article_id", "size")).reset_index())
    out["mean_ratio"] = out["mean_ratio"].round(4)
    return out


LABEL_COLOURS = {"content": "#E8F1FA", "boilerplate": "#FBE9D9"}


def article_html(segments: pd.DataFrame, article_id: str, *, title: str = "", highlight_kinds=None) -> str:
    """An article's paragraphs as HTML, coloured by label, each with its kind and reason.

    All article text is escaped: a title or paragraph containing ``<script>`` shows as text.
    """
    import html

    rows = segments[segments["article_id"] == article_id].sort_values("para_no")
    parts = [f'<div class="techreg-article"><h3>{html.escape(title or str(article_id))}</h3>']
    for r in rows.itertuples():
        colour = LABEL_COLOURS.get(r.label, "#ffffff")
        strong = highlight_kinds and r.kind in highlight_kinds
        border = "border-left:4px solid #D55E00;" if strong else "border-left:4px solid #cccccc;"
        parts.append(
            f'<div style="background:{colour};{border}padding:4px 8px;margin:3px 0">'
            f'<div style="font-size:11px;color:#555">#{int(r.para_no)} · <b>{html.escape(r.label)}</b>'
            f'{" · " + html.escape(r.kind) if r.label != "content" else ""} · {html.escape(r.reason)}</div>'
            f"<div>{html.escape(r.text)}</div></div>")
    parts.append("</div>")
    return "\n".join(parts)


def content_only(articles: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The cleaned corpus: article metadata plus ``text`` made of its content paragraphs only."""
    content = segments[segments["label"] == "content"].sort_values(["article_id", "para_no"])
    text = content.groupby("article_id")["text"].agg("\n\n".join).rename("text")
    cols = [c for c in ["article_id", "outlet", "published", "title", "url"] if c in articles.columns]
    out = articles[cols].merge(text, on="article_id", how="left")
    out["text"] = out["text"].fillna("")
    return out


# --------------------------------------------------------------------------- entity views
def label_mentions(mentions: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """mentions plus the ``label`` (content / boilerplate) of the paragraph each sits in."""
    labels = segments[["article_id", "para_no", "label"]]
    return mentions.merge(labels, on=["article_id", "para_no"], how="left")


def filter_mentions(mentions: pd.DataFrame, articles: pd.DataFrame, *, entity_type=None, entities=None, outlets=None,
                    since=None, until=None, content_only: bool = True) -> pd.DataFrame:
    """Mentions of the chosen type/entities in articles passing :func:`filter_articles`;
    ``content_only`` drops mentions in boilerplate paragraphs (needs a ``label`` column)."""
    keep = filter_articles(articles, since=since, until=until, outlets=outlets)["article_id"]
    out = mentions[mentions["article_id"].isin(keep)]
    if content_only and "label" in out.columns:
        out = out[out["label"] == "content"]
    if entity_type:
        out = out[out["entity_type"] == entity_type]
    if entities:
        out = out[out["entity"].isin(list(entities))]
    return out


def keyword_in_context(mentions: pd.DataFrame, segments: pd.DataFrame, entity: str, *, width: int = 70,
                       limit: int | None = 50) -> pd.DataFrame:
    """Each mention of ``entity`` with the text around it: article_id, para_no, left, surface, right."""
    rows = mentions[mentions["entity"] == entity].merge(segments[["article_id", "para_no", "text"]],
                                                        on=["article_id", "para_no"], how="left")
    if limit:
        rows = rows.head(limit)
    out = pd.DataFrame({
        "article_id": rows["article_id"], "para_no": rows["para_no"],
        "left": [t[max(0, s - width):s] for t, s in zip(rows["text"], rows["start"])],
        "surface": rows["surface"],
        "right": [t[e:e + width] for t, e in zip(rows["text"], rows["end"])],
    })
    return out.reset_index(drop=True)


def kwic_html(kwic: pd.DataFrame) -> str:
    """A keyword-in-context table as HTML, every piece of article text escaped."""
    import html

    lines = ['<table class="techreg-kwic" style="font-family:monospace;font-size:12px">']
    for r in kwic.itertuples():
        lines.append(f'<tr><td style="color:#777">{html.escape(str(r.article_id))}</td>'
                     f'<td style="text-align:right">{html.escape(r.left)}</td>'
                     f'<td><b style="color:#D55E00">{html.escape(r.surface)}</b></td><td>{html.escape(r.right)}</td></tr>')
    lines.append("</table>")
    return "\n".join(lines)


def boilerplate_effect(mentions: pd.DataFrame) -> pd.DataFrame:
    """Per entity: articles mentioning it in content, articles mentioning it anywhere (boilerplate
    included), and the difference: entity, entity_type, n_content, n_all, extra_from_boilerplate."""
    content = mentions[mentions["label"] == "content"].groupby(["entity", "entity_type"])["article_id"].nunique()
    everything = mentions.groupby(["entity", "entity_type"])["article_id"].nunique()
    out = pd.DataFrame({"n_content": content, "n_all": everything}).fillna(0).astype(int).reset_index()
    out["extra_from_boilerplate"] = out["n_all"] - out["n_content"]
    return out.sort_values(["extra_from_boilerplate", "n_all"], ascending=False, ignore_index=True)


# --------------------------------------------------------------------------- timeline views
def event_start(dates: pd.Series) -> pd.Series:
    """First calendar day of ISO values at any precision (2021-07-23, 2021-W29, 2021-07, 2021-Q3, 2021)."""
    def first_day(v: str):
        v = str(v)
        try:
            if "-W" in v:
                return pd.Timestamp.fromisocalendar(int(v[:4]), int(v[6:8]), 1)
            if "-Q" in v:
                return pd.Timestamp(int(v[:4]), 3 * (int(v[-1]) - 1) + 1, 1)
            return pd.Timestamp(v)
        except (ValueError, TypeError):
            return pd.NaT
    return dates.map(first_day)


def names_match(values: pd.Series, wanted) -> pd.Series:
    """Rows whose ``;``-separated names (an agency or companies column) include one of ``wanted``.
    Each distinct value is split once, then the rows are matched with ``isin`` (a 100,000-event table
    has a few thousand distinct values; splitting every row took a third of a timeline re-render)."""
    wanted = set(wanted)
    hits = [v for v in values.dropna().unique() if not wanted.isdisjoint(str(v).split(";"))]
    return values.isin(hits)


def filter_events(events: pd.DataFrame, *, since=None, until=None, agencies=None, company=None, action_types=None) -> pd.DataFrame:
    """Events (extracted, merged or reference) within dates, by agency, company and action type.

    Works on any table with ``date``, ``agency``, ``companies`` and ``action_type`` columns; ``agency``
    may hold several ``;``-separated names (reference rows).  A ``start`` column (:func:`event_start`
    of the dates), where present, saves computing it again."""
    start = events["start"] if "start" in events.columns else event_start(events["date"])
    mask = pd.Series(True, index=events.index)
    if since:
        mask &= start >= pd.Timestamp(since)
    if until:
        mask &= start <= pd.Timestamp(until)
    if agencies:
        mask &= names_match(events["agency"], agencies)
    if company:
        mask &= names_match(events["companies"], [company])
    if action_types:
        mask &= events["action_type"].isin(list(action_types))
    return events[mask]


def events_with_sources(events: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Extracted events with the outlet and title of the article each came from."""
    meta = articles[["article_id", "outlet", "title"]]
    cols = ["date", "agency", "action_type", "companies", "amount_cny", "sentence", "outlet", "title", "article_id"]
    return events.merge(meta, on="article_id", how="left")[cols].sort_values(["date", "agency"], ignore_index=True)


def timeline_narrative(reference: pd.DataFrame) -> list[str]:
    """One teaching line per covered reference event, grouped under its year, built from the data:
    ``reference`` is the first table returned by ``events.compare_with_reference``."""
    lines = []
    covered = reference[reference["covered"]].sort_values("date")
    for year, g in covered.groupby(covered["date"].str.slice(0, 4)):
        lines.append(f"**{year}**: {len(g)} reference events reported in the corpus")
        for r in g.itertuples():
            who = r.agency_abbrev or r.agency or "(no agency)"
            lines.append(f"- {r.date} · {who} · {r.action_type.replace('_', ' ')}: {r.summary} "
                         f"({r.n_articles} article{'s' if r.n_articles != 1 else ''})")
    return lines


def describe_selection(corpus_dir, articles: pd.DataFrame, *, since=None, until=None, outlets=None) -> str:
    """A one-line caption naming the corpus and the filters, for charts: ``corpus: articles (67 articles) ·
    2021-01-01 to 2021-12-31 · outlets: all``."""
    from pathlib import Path

    from . import paths

    is_sample = not corpus_dir or Path(corpus_dir).resolve() == paths.SAMPLE_CORPUS_DIR.resolve()
    name = "sample corpus" if is_sample else Path(corpus_dir).name
    dates = "all dates" if not (since or until) else f"{since or 'start'} to {until or 'end'}"
    which = "outlets: all" if not outlets else "outlets: " + ", ".join(outlets)
    return f"corpus: {name} ({len(articles)} articles) · {dates} · {which}"
