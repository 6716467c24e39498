"""The export on a corpus of formats and outlets the rules were not written for (tests/fixtures/unseen_formats):
every file loaded or skipped with its reason, and what its ground truth (TRUTH.md) says about timestamps,
encodings, outlets, boilerplate, dates and events."""
from pathlib import Path

import pytest

from conftest import export_fixture_corpus

CORPUS = Path(__file__).parent / "fixtures" / "unseen_formats" / "corpus"


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return export_fixture_corpus(tmp_path_factory, "unseen_formats")


def test_every_file_loaded_or_skipped_with_its_reason(tables):
    files = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()}
    articles, skipped = tables["articles"], tables["skipped"]
    assert files == set(articles.path) | set(skipped.path)
    reasons = dict(zip(skipped.path, skipped.reason))
    assert reasons["bad/empty.txt"] == "empty file"
    assert reasons["bad/IMG_2231.txt"].startswith("binary file")
    assert "duplicate" in reasons["syndicated/didi_review_copy.txt"]
    assert "invalid JSON" in reasons["feeds/tidewater.jsonl"]  # one bad line; the others load
    assert (articles.path == "feeds/tidewater.jsonl").sum() == 3


@pytest.mark.parametrize("article_id,published,encoding,outlet", [
    ("ant_ipo_suspended", "2020-11-03T21:14+08:00", "utf-8", "Straits Tech Post"),
    ("alibaba_fine_crlf", "2021-04-10T17:02", "utf-8", "Lantau Business Daily"),
    ("alibaba_analysis_bom", "2021-04-10T17:02+08:00", "utf-8-sig", "Sinoscope Weekly"),  # CST, with a warning
    ("alibaba_investors_latin1", "2021-04-10T17:02", "iso-8859-1", "Iberia Markets Review"),
    ("meituan_fine_cp1252", "2021-10-08T18:30", "cp1252", "Harbourfront Post"),
    ("meituan_probe_gb18030", "2021-04-26T20:15", "gb18030", "Pearl River Wire English Service"),
    ("didi_review", "2021-07-03T09:40+08:00", "utf-8", "Pacific Rim Daily"),
    ("didi_fine_utf16", "2022-07-22T08:15", "utf-16", "Nanyang Tech Daily"),
    ("pipl_passed", "2021-08-20T19:30:00+08:00", "utf-8", "Meridian Ledger"),
    ("gaming_minors", "2021-08-30T21:00:00+08:00", "utf-8", "Kestrel Asia"),
    ("tencent_music_truncated", "2021-07-24T18:45:00+08:00", "utf-8", "Eastgate Review"),
])
def test_timestamps_encodings_and_outlets(tables, article_id, published, encoding, outlet):
    row = tables["articles"].set_index("article_id").loc[article_id]
    assert (row.published, row.encoding, row.outlet) == (published, encoding, outlet)


def test_text_decoded_right_and_html_headline_not_repeated(tables):
    seg = tables["segments"]
    latin1 = " ".join(seg[seg.article_id == "alibaba_investors_latin1"].text)
    assert "José Muñoz" in latin1 and "São Paulo" in latin1
    for aid, title in tables["articles"].set_index("article_id").title.items():
        if aid in ("pipl_passed", "gaming_minors", "tencent_music_truncated"):
            first = seg[(seg.article_id == aid) & (seg.para_no == 1)].text.iloc[0]
            assert first != title


@pytest.mark.parametrize("text,kind", [
    ("By José Muñoz, Iberia Markets Review", "byline"), ("By Renée Fournier, Harbourfront Post", "byline"),
    ("Editor's picks", "related"), ("责任编辑：李明 (Editor: Li Ming)", "byline"),
    ("Click here to read more on the crackdown.", "related"),
    ("Lantau Business Daily | Subscribe from HK$1 for the first month", "paywall"),
])
def test_boilerplate_lines(tables, text, kind):
    row = tables["segments"].set_index("text").loc[text]
    assert (row.label, row.kind) == ("boilerplate", kind)


def test_headline_events(tables):
    events = set(zip(*(tables["events"][c] for c in ("article_id", "date", "agency", "action_type"))))
    assert {("alibaba_fine_crlf", "2021-04-10", "State Administration for Market Regulation", "fine"),
            ("didi_fine_utf16", "2022-07-21", "Cyberspace Administration of China", "fine"),
            ("gaming_minors", "2021-08-30", "National Press and Publication Administration", "order"),
            ("pipl_passed", "2021-08-20", "Standing Committee of the National People's Congress", "law_passed"),
            ("ant_ipo_suspended", "2020-11-03", "Shanghai Stock Exchange", "ipo_halt"),
            ("meituan_fine_cp1252", "2021-10-08", "State Administration for Market Regulation", "fine"),
            ("meituan_probe_gb18030", "2021-04-26", "State Administration for Market Regulation", "antitrust_probe"),
            } <= events


def test_future_weekdays(tables):
    dates = tables["dates"]
    got = set(zip(dates.article_id, dates.surface, dates.value))
    assert ("alibaba_fine_crlf", "Monday", "2021-04-12") in got      # "would hold a call with investors on Monday"
    assert ("ant_ipo_suspended", "Thursday", "2020-11-05") in got    # "had been scheduled to begin on Thursday"
