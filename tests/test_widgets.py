"""Widget logic without a browser: set control values, assert on what the view shows."""
import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import load_articles  # noqa: E402
from helpers.segment import label_paragraphs  # noqa: E402
from helpers.views import article_html, content_only  # noqa: E402
from helpers.widgets import BoilerplateExplorer, render_boilerplate  # noqa: E402


@pytest.fixture(scope="module")
def sample():
    articles = load_articles()
    return articles, label_paragraphs(articles)


def test_render_boilerplate_filters(sample):
    articles, segments = sample
    view = render_boilerplate(articles, segments, outlets=["Sino Markets Daily"], since="2021-01-01", until="2021-12-31")
    assert set(view.per_article.outlet) == {"Sino Markets Daily"}
    assert view.per_article.date.min() >= pd.Timestamp("2021-01-01")
    assert view.article_ids and view.article_ids[0] in view.article_html or view.article_html
    paywall = render_boilerplate(articles, segments, kind="paywall")
    assert set(paywall.kinds.kind) == {"paywall"}
    assert "Sino Markets Daily" in set(paywall.per_article.outlet)


def test_explorer_controls_drive_the_view(sample):
    articles, segments = sample
    explorer = BoilerplateExplorer(articles, segments)
    assert len(explorer.view.per_article) == len(articles)
    explorer.outlet.value = ("Harbour Ledger",)
    assert set(explorer.view.per_article.outlet) == {"Harbour Ledger"}
    assert all(aid.startswith("hl_") for _, aid in explorer.article.options)
    assert explorer.article.value.startswith("hl_")
    assert ">11</b> articles" in explorer.summary.value
    first_month, _ = explorer.dates.value
    explorer.dates.value = ("2021-01", "2021-12")
    assert explorer.view.per_article.date.dt.year.eq(2021).all()
    explorer.kind.value = "caption"
    assert "border-left:4px solid #D55E00" in explorer.viewer.value  # the chosen kind is highlighted
    chosen = explorer.article.options[-1][1]
    explorer.article.value = chosen
    title = articles.set_index("article_id").title[chosen]
    assert title.replace("'", "&#x27;") in explorer.viewer.value


def test_article_html_escapes_untrusted_text():
    segments = pd.DataFrame({"article_id": ["x", "x"], "para_no": [1, 2],
                             "text": ["<script>alert('p')</script> and <b>bold</b>", "Share this"],
                             "label": ["content", "boilerplate"], "kind": ["content", "share"],
                             "reason": ["<i>reason</i>", "share widget"]})
    html = article_html(segments, "x", title="<img src=x onerror=alert(1)>")
    assert "<script>" not in html and "<img" not in html and "<b>bold" not in html and "<i>reason" not in html
    assert "&lt;script&gt;alert(&#x27;p&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_content_only(sample):
    articles, segments = sample
    clean = content_only(articles, segments).set_index("article_id")
    seed = clean.loc["000_5d0ddcd6d725a7e5", "text"]
    assert seed.count("\n\n") == 5 and "Contact reporter" not in seed


def test_entity_explorer_controls(sample):
    from helpers.entities import extract_mentions
    from helpers.views import label_mentions
    from helpers.widgets import EntityExplorer

    articles, segments = sample
    mentions = label_mentions(extract_mentions(segments, include_boilerplate=True), segments)
    explorer = EntityExplorer(mentions, articles)
    assert set(explorer.view.counts.entity_type) == {"regulator"}
    explorer.entity_type.value = "company"
    assert "Alibaba Group" in explorer.entities.options and "State Administration for Market Regulation" not in explorer.entities.options
    explorer.entities.value = ("Didi Global", "Meituan")
    assert set(explorer.view.over_time.entity) == {"Didi Global", "Meituan"}
    with_bp = None
    before = explorer.view.counts.set_index("entity").n_articles
    explorer.content_only.value = False
    with_bp = explorer.view.counts.set_index("entity").n_articles
    assert with_bp["Weibo"] > before["Weibo"]  # footers name the outlet's social accounts
    explorer.min_count.value = 10
    assert explorer.view.counts.n_articles.min() >= 10
    explorer.outlet.value = ("Pacific Wire Service",)
    assert explorer.view.counts.empty or explorer.view.counts.n_articles.max() <= 11
    # a type change with entities chosen renders once (it used to render for the reset, the new options
    # and the type), and the view is the new type's
    explorer.entities.value = ("Didi Global",)
    renders = []
    original = explorer.refresh
    explorer.refresh = lambda: renders.append(1) or original()
    explorer.entity_type.value = "regulator"
    assert len(renders) == 1 and explorer.entities.value == ()
    assert set(explorer.view.counts.entity_type) <= {"regulator"}


def test_timeline_explorer_controls(sample):
    from helpers.dates import extract_dates
    from helpers.entities import extract_mentions
    from helpers.events import extract_events, load_timeline, merge_events
    from helpers.widgets import TimelineExplorer

    articles, segments = sample
    merged = merge_events(extract_events(segments, extract_mentions(segments), extract_dates(segments, articles)))
    explorer = TimelineExplorer(merged, load_timeline(), articles)
    total = len(explorer.view.events)
    explorer.agency.value = ("Cyberspace Administration of China",)
    assert 0 < len(explorer.view.events) < total
    assert set(explorer.view.events.agency) == {"Cyberspace Administration of China"}
    assert explorer.view.reference.agency.str.contains("Cyberspace Administration of China").all()
    explorer.source.value = "reference"
    assert explorer.view.events.empty and not explorer.view.reference.empty
    explorer.company.value = "Didi Global"
    assert explorer.view.reference.companies.str.contains("Didi Global").all()
    explorer.source.value = "extracted"
    explorer.dates.value = ("2021-07", "2021-07")
    assert explorer.view.reference.empty
    assert explorer.view.events.date.str.startswith("2021-07").all()


def test_corpus_explorer_controls(sample):
    from helpers.widgets import CorpusExplorer

    articles, _ = sample
    explorer = CorpusExplorer(articles)
    assert f"<b>{len(articles)}</b>" in explorer.summary.value
    explorer.outlet.value = "Sino Markets Daily"
    assert set(explorer.view.articles.outlet) == {"Sino Markets Daily"}
    assert "<b>11</b>" in explorer.summary.value
    explorer.dates.value = ("2021-01", "2021-06")
    assert explorer.view.per_month.month.between("2021-01", "2021-06").all()


def test_explorer_chart_is_a_png_of_the_current_view(sample):
    """The chart widget holds the view's Figure drawn once: PNG bytes of the figure's own size, with the
    caption inside (constrained layout), replaced after a filter change."""
    import io

    from PIL import Image

    from helpers.plotting import figure_png
    from helpers.widgets import CorpusExplorer

    articles, _ = sample
    explorer = CorpusExplorer(articles)
    first = explorer.chart.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    fig = explorer.view.figure
    assert Image.open(io.BytesIO(first)).size == (round(fig.get_figwidth() * fig.dpi), round(fig.get_figheight() * fig.dpi))
    caption = fig._supxlabel
    assert caption is not None and "articles" in caption.get_text()
    box = caption.get_window_extent()
    assert box.y0 >= 0 and box.x1 <= fig.bbox.width  # drawn inside the image, not cut off
    explorer.outlet.value = "Sino Markets Daily"
    assert explorer.chart.value != first
    assert figure_png(explorer.view.figure) == explorer.chart.value  # same drawing, renderer reused


def _pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_reused_figure_draws_the_same_pixels_as_a_new_one(sample):
    """Explorers redraw their previous Figure in place (``figure=``); every state of a sequence of
    filter changes, empty results included, must look exactly like a chart drawn from scratch."""
    import numpy as np

    from helpers.dates import extract_dates
    from helpers.entities import extract_mentions
    from helpers.events import extract_events, load_timeline, merge_events
    from helpers.plotting import figure_png
    from helpers.views import label_mentions
    from helpers.widgets import entity_cube, prepare_boilerplate, render_corpus, render_entities, render_timeline

    articles, segments = sample
    outlet = articles["outlet"].value_counts().index[0]
    mentions = label_mentions(extract_mentions(segments, include_boilerplate=True), segments)
    merged = merge_events(extract_events(segments, extract_mentions(segments), extract_dates(segments, articles)))
    reference = load_timeline()
    cube, data = entity_cube(mentions, articles), prepare_boilerplate(articles, segments)
    sequences = {
        render_corpus: (articles, [{}, {"outlets": [outlet]}, {"since": "2021-01-01", "until": "2021-06-30"},
                                   {"outlets": ["no such outlet"]}, {}]),
        render_boilerplate: (data, [{}, {"outlets": [outlet]}, {"kind": "related"}, {"outlets": []},
                                    {"since": "2030-01-01"}, {}]),
        render_entities: (cube, [{"entity_type": "regulator"}, {"entities": ["Alibaba Group", "Tencent"]},
                                 {"freq": "Q"}, {"entities": ["no such entity"]}, {"content_only": False}]),
        render_timeline: (merged, [{}, {"source": "reference"}, {"source": "extracted", "lane": "action_type"},
                                   {"since": "2031-01-01"}, {"agencies": ["State Administration for Market Regulation"]}]),
    }
    for render, (table, states) in sequences.items():
        extra = (reference,) if render is render_timeline else ()
        figure = None
        for state in states:
            view = render(table, *extra, **state, figure=figure)
            if figure is not None:
                assert view.figure is figure  # reused, not rebuilt
            figure = view.figure
            fresh = render(table, *extra, **state).figure
            assert fresh is not figure
            assert np.array_equal(_pixels(figure_png(figure)), _pixels(figure_png(fresh))), (render.__name__, state)


def test_png_bytes_round_trip():
    """The explorers' PNG writer: opaque images as unfiltered RGB, others through Pillow; both decode to
    the same pixels."""
    import numpy as np

    from helpers.plotting import png_bytes

    rng = np.random.default_rng(0)
    opaque = rng.integers(0, 256, (37, 53, 4), dtype=np.uint8)
    opaque[:, :, 3] = 255
    assert np.array_equal(_pixels(png_bytes(opaque)), opaque)
    translucent = opaque.copy()
    translucent[3, 5, 3] = 10
    assert np.array_equal(_pixels(png_bytes(translucent)), translucent)
