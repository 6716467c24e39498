import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers.plotting import plot_articles_per_month, save_figure  # noqa: E402
from helpers.views import articles_per_month, corpus_summary, filter_articles  # noqa: E402

ARTICLES = pd.DataFrame({
    "article_id": ["a", "b", "c", "d"],
    "outlet": ["X", "X", "Y", "Y"],
    "published": ["2021-07-26T18:10", "2021-07-02", "2021-09-01T08:00+08:00", ""],
    "n_chars": [10, 20, 30, 40],
})


def test_articles_per_month_counts_dated_articles():
    counts = articles_per_month(ARTICLES)
    assert counts.to_dict("records") == [
        {"month": "2021-07", "outlet": "X", "n_articles": 2},
        {"month": "2021-09", "outlet": "Y", "n_articles": 1},
    ]


def test_filter_articles_by_date_and_outlet():
    assert list(filter_articles(ARTICLES, since="2021-07-03").article_id) == ["a", "c"]
    assert list(filter_articles(ARTICLES, until="2021-07-26", keep_undated=True).article_id) == ["a", "b", "d"]
    assert list(filter_articles(ARTICLES, outlets=["Y"]).article_id) == ["c", "d"]


def test_corpus_summary():
    summary = corpus_summary(ARTICLES).set_index("outlet")
    assert summary.loc["X", "n_articles"] == 2
    assert str(summary.loc["X", "first"]) == "2021-07-02"


def test_plot_and_save(tmp_path):
    fig = plot_articles_per_month(ARTICLES)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    bars = [path.vertices for c in ax.collections for path in c.get_paths()]  # one PolyCollection per outlet
    heights = sorted(v[:, 1].max() - v[:, 1].min() for v in bars)
    assert heights == [1, 2]  # July: 2 from X; September: 1 from Y (August is an empty month)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["X", "Y"]
    assert "2021-07" in ax.get_title(loc="left")
    written = save_figure(fig, "apm", articles_per_month(ARTICLES), folder=tmp_path)
    assert sorted(p.suffix for p in written) == [".csv", ".png", ".svg"]
    assert all(p.stat().st_size > 0 for p in written)


def test_filter_events_by_agency_company_action_and_dates():
    """Agency and companies cells may hold several ``;``-separated names (reference rows) or be empty."""
    from helpers.views import filter_events

    events = pd.DataFrame({
        "date": ["2021-04-10", "2021-07", "2021-Q3", "2022-01-05", "2020-12-24"],
        "agency": ["SAMR", "CAC;SAMR", "CAC", None, "SAMR;PBOC"],
        "companies": ["Alibaba Group", "Didi Global;Full Truck Alliance", None, "Tencent", "Ant Group;Alibaba Group"],
        "action_type": ["fine", "review", "rule_issued", "fine", "summons"],
    })
    assert filter_events(events, agencies=["SAMR"]).index.tolist() == [0, 1, 4]
    assert filter_events(events, agencies=["CAC", "PBOC"]).index.tolist() == [1, 2, 4]
    assert filter_events(events, agencies=["CAC;SAMR"]).empty  # a whole cell is not one name
    assert filter_events(events, company="Alibaba Group").index.tolist() == [0, 4]
    assert filter_events(events, company="Alibaba").empty  # names match whole, not as substrings
    assert filter_events(events, agencies=["SAMR"], action_types=["fine"]).index.tolist() == [0]
    assert filter_events(events, since="2021-07-01", until="2021-12-31").index.tolist() == [1, 2]
    assert filter_events(events.astype({"agency": "category"}), agencies=["SAMR"]).index.tolist() == [0, 1, 4]


def test_timeline_date_ticks_are_fixed_concise_and_inside_the_axis():
    """The timeline's date ticks are computed once for the final limits (no date locator left running
    at draw time): a few concise labels, all inside the axis, and the same ticks the locator would give."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FixedLocator

    from helpers.plotting import figure_png, plot_timeline

    events = pd.DataFrame({"date": ["2020-11-03", "2021-04-10", "2021-07-02", "2022-01-04", "2023-03"],
                           "precision": ["day", "day", "day", "day", "month"],
                           "agency": ["CSRC", "SAMR", "CAC", "CAC", "SAMR"],
                           "action_type": ["ipo_halt", "fine", "review", "rule_issued", "guidance"],
                           "amount_cny": [None, 18.228e9, None, None, None]})
    fig = plot_timeline(events)
    figure_png(fig)
    ax = fig.axes[0]
    assert isinstance(ax.xaxis.get_major_locator(), FixedLocator)
    ticks, labels = ax.get_xticks(), [t.get_text() for t in ax.get_xticklabels()]
    lo, hi = ax.get_xlim()
    assert 3 <= len(ticks) <= 8 and all(lo <= t <= hi for t in ticks)
    assert "2021" in labels and all(labels)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    expected = [t for t in locator.tick_values(mdates.num2date(lo), mdates.num2date(hi)) if lo <= t <= hi]
    assert list(ticks) == expected


def test_sum_by_categories_equals_the_groupby():
    """The widgets' fast sum over categorical keys gives the groupby's rows, order, values and dtypes,
    with unused categories, zero sums and a non-categorical or missing key (the groupby fallback)."""
    import numpy as np

    from helpers.views import sum_by_categories

    rng = np.random.default_rng(1)
    frame = pd.DataFrame({
        "entity": pd.Categorical(rng.choice(["CAC", "SAMR", "Alibaba", "Tencent"], 500),
                                 categories=["Tencent", "CAC", "unused", "SAMR", "Alibaba"]),
        "period": pd.Categorical(rng.choice(["2021-01", "2021-02", "2021-03"], 500)),
        "n": rng.integers(0, 3, 500),
    })
    frame.loc[frame.index[:5], "n"] = 0

    def expected(f, keys):
        return f.groupby(keys, observed=True)["n"].sum().reset_index().astype({k: str for k in keys})

    for keys in (["entity"], ["period", "entity"], ["entity", "period"]):
        pd.testing.assert_frame_equal(sum_by_categories(frame, keys, "n"), expected(frame, keys))
    plain = frame.astype({"period": str})
    pd.testing.assert_frame_equal(sum_by_categories(plain, ["period", "entity"], "n"), expected(plain, ["period", "entity"]))
    missing = frame.copy()
    missing.loc[3, "entity"] = np.nan
    pd.testing.assert_frame_equal(sum_by_categories(missing, ["entity"], "n"), expected(missing, ["entity"]))
    assert sum_by_categories(frame.iloc[0:0], ["entity"], "n").empty
    for f in (frame, plain, missing):  # value None: rows per key combination, like groupby().size()
        size = f.groupby(["period", "entity"], observed=True).size().rename("size").reset_index()
        pd.testing.assert_frame_equal(sum_by_categories(f, ["period", "entity"], None),
                                      size.astype({"period": str, "entity": str}))
