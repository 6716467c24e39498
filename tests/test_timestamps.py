import pytest

from helpers.timestamps import looks_like_timestamp, parse_timestamp

CASES = [
    # the seed and the styles named in the issue
    ("Jul 26, 2021 06:10 PM", "2021-07-26T18:10"),
    ("July 26, 2021 6:10 p.m. GMT+8", "2021-07-26T18:10+08:00"),
    ("2021-07-26T18:10:00+08:00", "2021-07-26T18:10:00+08:00"),
    ("Published: 26 July 2021", "2021-07-26"),
    ("Monday, 26 July 2021, 18:20 HKT", "2021-07-26T18:20+08:00"),
    ("Thursday 24 December 2020 20:05 Beijing time", "2020-12-24T20:05+08:00"),
    ("26.07.2021 18:10", "2021-07-26T18:10"),
    # styles from shared/reference/boilerplate_patterns.md
    ("Updated: 5:44pm, 8 Oct, 2021", "2021-10-08T17:44"),
    ("July 07, 2023 — 08:10 am EDT", "2023-07-07T08:10-04:00"),
    ("08 Oct 2021 04:59PM (Updated: 08 Oct 2021 05:32PM)", "2021-10-08T16:59"),
    ("Reuters | Updated: 03-11-2020 18:55 IST | Created: 03-11-2020 18:55 IST", "2020-11-03T18:55+05:30"),
    ("Posted: Sep 9, 2021 5:50 AM  Updated: Sep 9, 2021 5:50 AM", "2021-09-09T05:50"),
    ("Mon, Aug 30 20211:46 AM EDT", "2021-08-30T01:46-04:00"),
    ("Updated : 2021-04-10 11:46 GMT+08:00", "2021-04-10T11:46+08:00"),
    ("(Xinhua) 10:36, April 10, 2021", "2021-04-10T10:36"),
    ("Xinhua  13:58 UTC+8, 2021-11-19", "2021-11-19T13:58+08:00"),
    ("3 Nov 2020", "2020-11-03"),
    ("Oct 08, 2021 07:30 PM (GMT+8)", "2021-10-08T19:30+08:00"),
    ("Sat 10th April 2021 | 07:20 AM", "2021-04-10T07:20"),
    ("10/04/2021 05:27 AM", "2021-04-10T05:27"),
    ("2021-07-26T10:10:00Z", "2021-07-26T10:10:00+00:00"),
    ("12:05 a.m. July 27, 2021", "2021-07-27T00:05"),
]


@pytest.mark.parametrize("line,expected", CASES)
def test_timestamp_styles(line, expected):
    ts = parse_timestamp(line)
    assert ts is not None, line
    assert ts.iso == expected


@pytest.mark.parametrize("line,expected", [
    ("Wed 4 Nov 2020 09.15 HKT", "2020-11-04T09:15+08:00"),              # a dotted clock time
    ("Mon, 05 Jul 2021 20:10:00 +0800", "2021-07-05T20:10:00+08:00"),     # RFC 822, as RSS pubDate writes it
    ("Mon, 05 Jul 2021 20:10:00 -0500", "2021-07-05T20:10:00-05:00"),
    ("26.07.2021 18.10", "2021-07-26T18:10"),
    ("2021年4月11日 09:15", "2021-04-11T09:15"),                             # Chinese sources
    ("2022年07月21日 20:15  来源：东方数字时报", "2022-07-21T20:15"),
])
def test_dotted_times_and_numeric_offsets(line, expected):
    assert parse_timestamp(line).iso == expected


def test_zone_is_kept_not_converted():
    ts = parse_timestamp("July 26, 2021 11:30 p.m. GMT+8")
    assert ts.iso == "2021-07-26T23:30+08:00"  # not shifted to the 26th 15:30 UTC


@pytest.mark.parametrize("line", [
    "Ministry Launches Six-Month Campaign to Clean Up Internet Platforms",
    "China fines Alibaba a record amount on April 10, 2021 for abusing its market dominance",
    "",
    "The 2021 campaign",
])
def test_headlines_and_prose_are_not_timestamps(line):
    assert parse_timestamp(line) is None


def test_cst_is_read_as_china_standard_time_with_a_warning():
    ts = parse_timestamp("Published on Saturday, April 10, 2021 — 17:02 CST")
    assert (ts.iso, ts.offset) == ("2021-04-10T17:02+08:00", "+08:00")
    assert "China Standard Time" in ts.warning and "US Central" in ts.warning
    assert parse_timestamp("April 10, 2021 17:02 HKT").warning == ""


def test_wrong_weekday_is_flagged():
    ts = parse_timestamp("Tuesday 24 December 2020 20:05 Beijing time")
    assert ts.iso == "2020-12-24T20:05+08:00"
    assert "Thursday" in ts.warning


def test_unreadable_timestamp_shape():
    assert looks_like_timestamp("Juli 26, 20X1 18:10 Uhr")
    assert not looks_like_timestamp("Ministry Launches Six-Month Campaign")
