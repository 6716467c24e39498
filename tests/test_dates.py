import re
from datetime import date

import pandas as pd
import pytest

from helpers import load_articles, paths
from helpers.dates import extract_dates, find_dates, publication_anchor
from helpers.segment import label_paragraphs

MONDAY = date(2021, 7, 26)  # the seed's publication day


def values(text, anchor=MONDAY):
    return [(f[2], f[3].value, f[3].precision) for f in find_dates(text, anchor)]


def test_seed_dates():
    articles = load_articles(paths.SAMPLE_CORPUS_DIR / "000_5d0ddcd6d725a7e5.txt")
    dates = extract_dates(label_paragraphs(articles), articles)
    assert list(zip(dates.surface, dates.value, dates.precision)) == [
        ("Monday", "2021-07-26", "day"), ("Friday", "2021-07-23", "day"), ("November", "2020-11", "month")]
    assert "six-month" not in set(dates.surface)


@pytest.mark.parametrize("text,expected", [
    ("The campaign was launched on Friday.", [("Friday", "2021-07-23", "day")]),
    ("The rules will take effect on Friday.", [("Friday", "2021-07-30", "day")]),
    ("It meets again next Tuesday.", [("next Tuesday", "2021-07-27", "day")]),
    ("Officials met last Monday.", [("last Monday", "2021-07-19", "day")]),
    ("It said on Monday that the law takes effect on Sept. 1.",
     [("Monday", "2021-07-26", "day"), ("Sept. 1", "2021-09-01", "day")]),
    ("On Nov. 3 the listing was halted.", [("Nov. 3", "2020-11-03", "day")]),
    ("Regulators acted on 3 November and on July 26, 2021 and on 2021-07-20.",
     [("3 November", "2020-11-03", "day"), ("July 26, 2021", "2021-07-26", "day"), ("2021-07-20", "2021-07-20", "day")]),
    ("The probe began in November.", [("November", "2020-11", "month")]),
    ("The law will take effect in March.", [("March", "2022-03", "month")]),
    ("Sales fell last month and rose last week; last year was worse.",
     [("last month", "2021-06", "month"), ("last week", "2021-W29", "week"), ("last year", "2020", "year")]),
    ("Earlier this month and earlier this year, this year.",
     [("Earlier this month", "2021-07", "month"), ("earlier this year", "2021", "year"), ("this year", "2021", "year")]),
    ("It will report next month.", [("next month", "2021-08", "month")]),
    ("Three days ago and two weeks ago.", [("Three days ago", "2021-07-23", "day"), ("two weeks ago", "2021-W28", "week")]),
    ("Profit rose in the first quarter.", [("the first quarter", "2021-Q1", "quarter")]),
    ("Ant was founded in 2014.", [("2014", "2014", "year")]),
    ("BEIJING, July 26 (PWS) - China said", [("July 26", "2021-07-26", "day")]),
    ("The reviews opened on July 5 last year.", [("July 5 last year", "2020-07-05", "day")]),
    ("工信部2021年7月26日表示，去年10月已开始整治，本周二发布通知。",
     [("2021年7月26日", "2021-07-26", "day"), ("去年10月", "2020-10", "month"), ("本周二", "2021-07-27", "day")]),
])
def test_resolution(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize("text", [
    "a six-month campaign", "for two years", "within 30 days", "Games are allowed on Fridays.",
    "between 8 p.m. and 9 p.m.", "a fine of 500,000 yuan", "Ma, 56, said", "It raised 2021 million yuan.",
    "Friday nights are busy.", "over the past year",
])
def test_not_dates(text):
    assert values(text) == []


@pytest.mark.parametrize("text,anchor,expected", [
    # a future seen from a past moment: for a weekday, still ahead of the publication date
    ("Alibaba said it would hold a call with investors on Monday.", date(2021, 4, 10), "2021-04-12"),
    ("Trading had been scheduled to begin on Thursday.", date(2020, 11, 3), "2020-11-05"),
    ("Regulators summoned the firm on Thursday.", date(2020, 11, 3), "2020-10-29"),
    ("The company said on Tuesday it would cut 10% of its staff.", date(2023, 3, 29), "2023-03-28"),  # said then
    # ... not for a month, months away: the December before a March article
    ("\"They told us it would stop in December, too.\"", date(2021, 3, 3), "2020-12"),
])
def test_future_seen_from_the_past(text, anchor, expected):
    assert [v for _, v, _ in values(text, anchor)] == [expected]


@pytest.mark.parametrize("text,anchor,expected", [
    ("The first session is this Friday.", date(2021, 9, 2), "2021-09-03"),       # a Thursday: tomorrow
    ("The rules were published this Monday.", date(2021, 9, 2), "2021-08-30"),   # earlier the same week
])
def test_this_weekday_is_in_the_publication_week(text, anchor, expected):
    assert [v for _, v, _ in values(text, anchor)] == [expected]


@pytest.mark.parametrize("text,expected", [
    ("A decision is likely after the National People's Congress meets in March.", "2021-03"),  # present: coming
    ("The commission met in March.", "2020-03"),                                              # past tense
    ("The festival is in June.", "2020-06"),                                                   # four months on: not near
])
def test_a_near_month_in_the_present_tense_is_the_coming_one(text, expected):
    assert [v for _, v, _ in values(text, date(2021, 2, 8))] == [expected]


def test_same_day_and_a_day_in_apposition():
    assert values("Regulators met on Nov. 2, the day before the listing was halted.", date(2020, 11, 5)) == [
        ("Nov. 2", "2020-11-02", "day"), ("the day before", "2020-11-02", "day")]
    assert values("The PBOC fined Tenpay on July 7. The CAC acted the same day.", date(2023, 7, 10)) == [
        ("July 7", "2023-07-07", "day"), ("the same day", "2023-07-07", "day")]


def test_previous_day_follows_the_last_date():
    assert values("Regulators met Ma on Nov. 2. The listing was halted the following day.")[-1] == (
        "the following day", "2020-11-03", "day")


def test_anchor_in_outlet_time_zone():
    zones = {"Wire": "Asia/Shanghai"}
    assert publication_anchor("2021-07-25T20:00:00+00:00", "Wire", zones) == date(2021, 7, 26)
    assert publication_anchor("2021-07-25T20:00:00+00:00", "Unknown", zones) == date(2021, 7, 25)
    assert publication_anchor("2021-07-26", None, zones) == date(2021, 7, 26)
    assert publication_anchor("", None, zones) is None


def test_extract_dates_columns_and_bounds():
    articles = pd.DataFrame({"article_id": ["a"], "published": ["2021-07-26T18:10"], "outlet": ["X"]})
    segments = pd.DataFrame({"article_id": ["a", "a"], "para_no": [1, 2], "label": ["content", "boilerplate"],
                             "text": ["It acted last week.", "© 2021 X. Since 2012."]})
    dates = extract_dates(segments, articles)
    assert list(dates.columns) == ["article_id", "para_no", "start", "end", "surface", "value", "precision",
                                   "start_date", "end_date", "rule"]
    row = dates.iloc[0]
    assert (row.value, row.start_date, row.end_date, row.rule) == ("2021-W29", "2021-07-19", "2021-07-25", "relative_week")
    assert len(dates) == 1  # years in boilerplate are not dates


@pytest.mark.parametrize("eval_dir", ["eval", "eval2"])
def test_heldout_accuracy_meets_targets(eval_dir):
    """tests/eval and tests/eval2 were written and annotated independently of the rules (see
    benchmarks/eval_dates_events.py)."""
    import re
    import subprocess
    import sys
    out = subprocess.run([sys.executable, str(paths.PROJECT_ROOT / "benchmarks" / "eval_dates_events.py"), "--no-baseline",
                          "--eval-dir", str(paths.PROJECT_ROOT / "tests" / eval_dir)],
                         capture_output=True, text=True, check=True).stdout
    gold_right, output_right = (float(x) for x in re.search(r"gold right (\S+)\s+output right (\S+)", out).groups())
    assert gold_right >= 0.95 and output_right >= 0.95, out


@pytest.mark.parametrize("flags", [0, re.I])
def test_fast_word_patterns_match_like_plain_alternations(flags):
    from helpers.dates import _words
    words = ["said", "is due", "plans? to", "Jan", "January", "kept", "and"]
    plain = re.compile(r"\b(?:" + "|".join(words) + r")\b", flags)
    fast = _words(words, flags)
    texts = ["He said it is due; plans to go", "SAID xsaid saidx ſaid İs due ıs due Kept", "Jan. January Janu",
             "and_and sand And, plan to", "\u212aept_said ſAID"]
    for text in texts:
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_gates_see_overlapping_cue_words():
    from helpers.dates import _active_kinds
    gates = {"month": True, "year": False, "weekday": False, "cjk": False}
    text = "A year ago today, two YEARS  LATER in March"
    kinds = _active_kinds(text, text.lower(), gates, [])
    assert {"ago", "ago_exact", "deictic", "rel_month_name", "month_rel_year", "offset"} <= kinds
    assert not {"quarter", "relative_unit", "weekday", "bare_year", "dateline"} & kinds
    text = "A year ago, later in March"  # a unit word and "later", but not "<unit>s later"
    assert "offset" not in _active_kinds(text, text.lower(), gates, [])


def test_month_day_reads_the_tense_only_when_it_changes_the_year(monkeypatch):
    import helpers.dates as dates
    calls = []
    monkeypatch.setattr(dates, "is_future_context", lambda *a: calls.append(a) or True)
    assert values("It happened on July 20.") == [("July 20", "2021-07-20", "day")]
    assert not calls  # 2021-07-20 is nearest whatever the tense
    assert values("It is due on Jan. 10.") == [("Jan. 10", "2022-01-10", "day")]
    assert len(calls) == 1


def test_month_patterns_tried_at_month_names_find_what_a_window_search_finds():
    from helpers.dates import _HAS_MONTH, _AT_MONTH_KINDS, PATTERNS, _matches_at, _windows
    text = ("In May 2021, and May 5, it said May  3, 2020 that March of 2019 and " + "x" * 70 +
            " Sept. 3 next year, Jan 5 and December last year; May")
    starts = [m.start() for m in _HAS_MONTH.finditer(text)]
    windows = _windows(starts, len(text))
    assert len(windows) > 1
    for kind, pattern in PATTERNS:
        if kind in _AT_MONTH_KINDS:
            expected = [m.span() for a, b in windows for m in pattern.finditer(text, a, b)]
            assert [m.span() for m in _matches_at(pattern, text, starts, windows)] == expected, kind
