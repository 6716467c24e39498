"""The export on a scrape of three outlets the rules were not written for (tests/fixtures/multi_outlet): outlet
templates found by repetition, the prose between them kept, and the dates, mentions and events its ground
truth (TRUTH.md) gives."""
import pytest

from conftest import export_fixture_corpus


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return export_fixture_corpus(tmp_path_factory, "multi_outlet")


def test_outlets_and_timestamps(tables):
    a = tables["articles"].set_index("article_id")
    assert tables["skipped"].empty and len(a) == 15
    assert set(a.outlet) == {"Meridian Wire", "Pearl River Tech Review", "Silk Circuit News"}
    assert a.loc["meridian_0004_e20c", "outlet"] == "Meridian Wire"  # cites Xinhua in its prose
    assert a.loc["meridian_0001_7c1e", "published"] == "2020-11-04T09:15+08:00"  # "Wed 4 Nov 2020 09.15 HKT"
    assert a.loc["silkcircuit_export:1", "published"] == "2021-07-05T20:10:00+08:00"  # RSS "... +0800"


def test_templates_are_boilerplate_and_the_prose_between_them_content(tables):
    seg = tables["segments"]
    template = seg[seg.reason.str.startswith("repeated in")]
    assert {"ADVERTISEMENT", "[Advertisement]"} <= set(template.text)
    content = set(seg[seg.label == "content"].text)
    for prose in ["Didi delisted from the New York Stock Exchange in June.",
                  "Meituan said it would actively cooperate with the investigation.",
                  "Sony and Nintendo, whose consoles are also sold in China, did not comment."]:
        assert prose in content, prose
    lead = seg[(seg.article_id == "meridian_0005_c4d8") & (seg.para_no == 1)].iloc[0]
    assert lead.text.startswith("BEIJING, July 26 (Meridian)") and lead.label == "content"


def test_helen_ma_is_not_jack_ma(tables):
    m = tables["mentions"]
    jack = m[(m.article_id == "meridian_0001_7c1e") & (m.entity == "Jack Ma")]
    assert not (jack.para_no == 8).any()


@pytest.mark.parametrize("article_id,surface,value", [
    ("silkcircuit_export:3", "this Friday", "2021-09-03"),
    ("PRTR-2021-0208", "March", "2021-03"),
    ("PRTR-2020-1202", "the day before", "2020-11-02"),
    ("meridian_0003_51bd", "the same day", "2020-11-03"),
    ("meridian_0002_a93f", "last Wednesday", "2020-12-30"),  # a January article
])
def test_dates(tables, article_id, surface, value):
    d = tables["dates"]
    assert value in set(d[(d.article_id == article_id) & (d.surface == surface)].value)


def test_said_on_tuesday_it_would(tables):
    d = tables["dates"]
    assert set(d[(d.article_id == "silkcircuit_export:5") & (d.surface == "Tuesday")].value) == {"2023-03-28"}


def test_events(tables):
    e = tables["events"]
    got = set(zip(e.article_id, e.date, e.agency, e.action_type))
    assert {("meridian_0001_7c1e", "2020-11-03", "Shanghai Stock Exchange", "ipo_halt"),
            ("meridian_0004_e20c", "2021-07-10", "State Administration for Market Regulation", "order"),
            ("meridian_0005_c4d8", "2022-07-21", "Cyberspace Administration of China", "fine"),
            ("PRTR-2023-0710", "2023-07-07", "People's Bank of China", "fine"),
            ("silkcircuit_export:1", "2021-07-05", "Cyberspace Administration of China", "review"),
            } <= got
    assert not (e.date_surface == "two weeks after").any()
