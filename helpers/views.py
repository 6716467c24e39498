"""Small table-shaping functions behind the notebooks' tables and charts (no plotting here)."""
from __future__ import annotations

import pandas as pd


def publication_dates(articles: pd.DataFrame) -> pd.Series:
    """The calendar date of each article as published (local to the source), as Timestamps.

    ``published`` keeps the source's own clock and offset; the date part is the date the
    outlet printed, which is what "articles per month" should count.
    """
    return pd.to_datetime(articles["published"].fillna("").str.slice(0, 10), errors="coerce", format="%Y-%m-%d")


def articles_per_month(articles: pd.DataFrame) -> pd.DataFrame:
    """Columns: month (``YYYY-MM``), outlet, n_articles; undated articles are left out."""
    dates = publication_dates(articles)
    frame = pd.DataFrame({"month": dates.dt.strftime("%Y-%m"), "outlet": articles["outlet"]})
    frame = frame[dates.notna().to_numpy()]
    return (frame.groupby(["month", "outlet"]).size().rename("n_articles").reset_index()
            .sort_values(["month", "outlet"], ignore_index=True))


def corpus_summary(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per outlet: n_articles, first and last publication date, median characters."""
    dates = publication_dates(articles)
    frame = articles.assign(_date=dates)
    out = frame.groupby("outlet").agg(n_articles=("article_id", "size"), first=("_date", "min"),
                                      last=("_date", "max"), median_chars=("n_chars", "median"))
    out["first"] = out["first"].dt.date
    out["last"] = out["last"].dt.date
    return out.sort_values("n_articles", ascending=False).reset_index()


def filter_articles(articles: pd.DataFrame, *, since: str | None = None, until: str | None = None,
                    outlets: list[str] | tuple[str, ...] | None = None, keep_undated: bool = False) -> pd.DataFrame:
    """Articles published within [since, until] (inclusive ISO dates) and from ``outlets``.

    Undated articles are dropped when a date bound is given, unless ``keep_undated``.
    """
    mask = pd.Series(True, index=articles.index)
    if since or until:
        dates = publication_dates(articles)
        in_range = pd.Series(True, index=articles.index)
        if since:
            in_range &= dates >= pd.Timestamp(since)
        if until:
            in_range &= dates <= pd.Timestamp(until)
        mask &= in_range | (dates.isna() & keep_undated)
    if outlets:
        mask &= articles["outlet"].isin(list(outlets))
    return articles[mask]
