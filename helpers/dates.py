"""Find date expressions in article text and resolve them against the publication date.

``extract_dates(segments, articles)`` returns one row per expression: where it is, what it says,
and the calendar value at its own precision ("on Friday" in a Monday 26 July 2021 article is
``2021-07-23``, day; "in November" is ``2020-11``, month; "last week" is ``2021-W29``, week).

Resolution
----------
* The anchor is the publication date *in the outlet's own time zone*: the date the source printed,
  or, when the timestamp carries an offset and ``outlets.csv`` gives the outlet's zone, the
  timestamp converted to that zone.
* Weekdays look back to the most recent such day (the publication day itself included) unless the
  clause is about the future ("will", "is due to", "takes effect", "next ..."); plural weekdays
  ("on Fridays") are recurring, not dates.
* Month names without a year mean the most recent such month (the current one included), or the
  next one in a future clause; month-day dates without a year take the year that puts them nearest
  the publication date, leaning to the past.
* "last/this/next week|month|year", "earlier this month|year", "N days|weeks|months|years ago",
  "yesterday/today/tomorrow", quarters, bare years, ISO dates, datelines and Chinese dates
  (2021年7月26日, 7月26日, 去年10月, 本周二 ...).
* "the previous day" / "the next day" are resolved against the last day-precise date mentioned
  before them in the article (else the publication date).
* Not dates: durations ("six-month", "for two years", "within 30 days"), recurring times, clock
  times, money, ages; only content paragraphs are read unless ``include_boilerplate``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import ahocorasick_rs
import pandas as pd

from . import paths, schema

DATE_COLUMNS = schema.DATE_COLUMNS
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
#: A month-day date without a year takes the year nearest the publication date, with distances on
#: the side the tense does not point to (future in a past clause, past in a future one) this many
#: times longer.
AGAINST_TENSE_COST = 4
#: Years outside this range are not read as bare years (they are more likely amounts).
MIN_YEAR, MAX_YEAR = 1900, 2100

_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.|Jul\.|Aug\.?|Sept\.?|Sep\.|Oct\.?|Nov\.?|Dec\.?"
_MON = rf"(?P<mon>{_MONTH_NAMES}|{_MONTH_ABBR})"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?P<n>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

# Order matters: earlier patterns win where they overlap (the longest, most explicit first).
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso_date", re.compile(r"(?<![\d-])" + _YEAR + r"-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d-])")),
    ("zh_full_date", re.compile(r"(?P<year>(?:19|20)\d\d)年(?P<m>1[0-2]|0?[1-9])月(?P<d>[0-3]?\d)[日号]")),
    ("dateline", re.compile(r"^(?:[A-Z][A-Z .'-]+,\s*)?" + _MON + r"\s+" + _DAY + r"\s*(?:\([A-Za-z .]+\)\s*)?(?=[-–—:])")),
    ("month_day_year", re.compile(r"\b" + _MON + r"\s+" + _DAY + r",?\s+" + _YEAR + r"\b")),
    ("month_day_rel_year", re.compile(r"\b" + _MON + r"\s+" + _DAY + r",?\s+(?P<rel>last|this|next)\s+year\b")),
    ("day_month_rel_year", re.compile(r"\b" + _DAY + r"\s+" + _MON + r",?\s+(?P<rel>last|this|next)\s+year\b")),
    ("day_month_year", re.compile(r"\b" + _DAY + r"\s+" + _MON + r",?\s+" + _YEAR + r"\b")),
    ("zh_rel_month_day", re.compile(r"(?P<rel>去年|今年|明年|本月|上月|下月)(?:(?P<m>1[0-2]|0?[1-9])月)?(?P<d>[0-3]?\d)[日号]")),
    ("zh_month_day", re.compile(r"(?<![\d年])(?P<m>1[0-2]|0?[1-9])月(?P<d>[0-3]?\d)[日号]")),
    ("zh_rel_month", re.compile(r"(?P<rel>去年|今年|明年)(?P<m>1[0-2]|0?[1-9])月(?![\d份]*[日号])")),
    ("zh_year_month", re.compile(r"(?P<year>(?:19|20)\d\d)年(?P<m>1[0-2]|0?[1-9])月(?![\d]*[日号])")),
    ("zh_week_day", re.compile(r"(?P<rel>本周|上周|下周|这周|星期|周)(?P<wdz>[一二三四五六日天])")),
    ("zh_relative", re.compile(r"(?P<word>昨天|昨日|今天|今日|明天|明日|去年|今年|明年|上个月|上月|本月|下个月|下月|上周|本周|下周)")),
    ("zh_year", re.compile(r"(?P<year>(?:19|20)\d\d)年(?!\d)")),
    ("month_day", re.compile(r"\b" + _MON + r"\s+" + _DAY + r"\b(?![,]?\s*(?:19|20)\d\d)(?!\s*(?:%|per\s?cent|billion|million|yuan))")),
    ("day_month", re.compile(r"\b" + _DAY + r"\s+" + _MON + r"(?!\w)(?![,]?\s*(?:19|20)\d\d)")),
    ("month_year", re.compile(r"\b(?P<mon>" + _MONTH_NAMES + r"|" + _MONTH_ABBR + r")\s+(?:of\s+)?" + _YEAR + r"\b")),
    ("month_rel_year", re.compile(r"\b(?P<mon>" + _MONTH_NAMES + r")\s+(?P<rel>last|this|next)\s+year\b")),
    ("rel_month_name", re.compile(r"\b(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Ee]arly|[Ll]ate|[Mm]id-?)\s*(?P<mon>" + _MONTH_NAMES + r")\b")),
    ("weekday", re.compile(r"\b(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his(?: past| coming)?|[Cc]oming)\s+)?" + _WEEKDAY +
                           r"(?P<plural>s\b|\s+(?:nights|mornings|evenings|afternoons)\b|\s*(?:to|through|-|–)\s*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)?")),
    ("quarter", re.compile(r"\b(?P<the>the\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[- ]quarter"
                           r"(?:\s+of\s+(?:(?P<qyear>(?:19|20)\d\d)|(?P<qrel>last|this|next)\s+year))?", re.I)),
    ("q_year", re.compile(r"\bQ(?P<q>[1-4])\s*(?P<qyear>(?:19|20)\d\d)\b|\b(?P<qyear2>(?:19|20)\d\d)\s*Q(?P<q2>[1-4])\b")),
    ("relative_unit", re.compile(r"\b(?P<earlier>(?:[Ee]arlier|[Ll]ater)\s+)?(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast)\s+"
                                 r"(?P<unit>week|month|year|quarter)\b(?!['’]s\s+\w+\s+(?:of|for))")),
    ("ago_exact", re.compile(r"\b(?P<n>a|one)\s+(?P<unit>week|year)\s+ago\s+(?:today|to the day)\b", re.I)),
    ("ago", re.compile(r"\b" + _NUM + r"\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.I)),
    ("offset", re.compile(r"\b" + _NUM + r"\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>earlier|later|before that|after that|"
                          r"before|after)(?!\s+(?:the|a|an|its|his|her|their|it|he|she|they|[A-Z]))", re.I)),
    ("holiday", re.compile(r"\b(?P<hol>Christmas Eve|Christmas Day|New Year['’]s Eve|New Year['’]s Day)\b")),
    ("year_phrase", re.compile(r"\b(?P<phrase>the (?:start|beginning|end|turn) of the year|the new year)\b", re.I)),
    ("deictic", re.compile(r"\b(?P<word>[Yy]esterday|[Tt]oday|[Tt]omorrow)\b")),
    ("anaphoric", re.compile(r"\b(?P<word>the (?:previous|following|next|same) day|that same day|"
                             r"the day (?:before|after))\b", re.I)),
    ("month_name", re.compile(r"\b(?P<mon>" + _MONTH_NAMES + r")\b(?!\s+\d)")),
    ("bare_year", re.compile(r"(?<![\d.,$€£¥/-])(?P<year>(?:19|20)\d\d)(?![\d%]|\s*(?:yuan|dollars|per|people|users|"
                             r"million|billion|companies|firms)\b|,\d|\.\d)(?!\s*(?:年))")),
]

#: Non-ASCII characters that a case-insensitive pattern matches to an ASCII letter.
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"


def _words(alternatives: list[str], flags: int = 0, *, extra: tuple[str, ...] = (), end: str = r"\b") -> re.Pattern:
    """``\\b(?:alternatives)\\b`` compiled so that the search is fast: each branch starts with a
    literal letter (alternatives grouped by it, the ``\\b`` before it written as a look-behind),
    so the engine jumps between those letters instead of trying every position.  Matches the same
    spans for whole-word alternatives; case-insensitivity, if asked, applies after the first letter
    and to every spelling of it.  ``extra`` branches are added as they are (each must also start with
    a literal); ``end`` follows each alternative (default: a word boundary)."""
    ignore = flags & re.I
    groups: dict[str, list[str]] = {}
    for alt in alternatives:
        assert alt[0].isalpha(), alt
        groups.setdefault(alt[0].lower() if ignore else alt[0], []).append(alt[1:])
    branches = list(extra)
    for c, rests in groups.items():
        body = ("(?i:" if ignore else "(?:") + "|".join(rests) + ")"
        firsts = [c] if not ignore else [f for f in dict.fromkeys((c, c.upper(), *_FOLDS_TO_ASCII))
                                        if re.fullmatch(re.escape(c), f, re.I)]
        branches += [f"{re.escape(f)}(?<!\\w{re.escape(f)}){body}{end}" for f in firsts]
    return re.compile("|".join(branches), flags & ~re.I)


# Cheap gates: a pattern is only run on a paragraph that contains what it needs.
_HAS_MONTH = _words(_MONTH_NAMES.split("|") + "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec".split("|"))
_HAS_WEEKDAY = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day")
_HAS_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTH_KINDS = {"dateline", "month_day_year", "day_month_year", "month_day_rel_year", "day_month_rel_year", "month_day",
                "day_month", "month_year", "month_rel_year", "rel_month_name", "month_name"}


#: Patterns of these classes are only run in windows around the words they need (month names,
#: weekdays, 4-digit years): the chars before and after each occurrence searched.
WINDOW_BEFORE, WINDOW_AFTER = 24, 64


def _windows(positions: list[int], size: int) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for p in positions:
        a, b = max(0, p - WINDOW_BEFORE), min(size, p + WINDOW_AFTER)
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


_FUTURE = _words(["will", "won['’]t", "shall", "is due", "are due", "due to", "set to", "scheduled", "expected to",
                  "plans? to", "is to", "are to", "takes? effect", "comes? into (?:force|effect)", "next", "upcoming",
                  "coming", "from next"], re.I)
_PAST = _words([
    "said", "says", "announced", "told", "was", "were", "had", "did", "took", "came", "met", "began", "gave", "made",
    "released", "issued", "published", "opened", "fined", "launched", "ordered", "summoned", "suspended", "halted",
    "blocked", "passed", "adopted", "unveiled", "approved", "revealed", "disclosed", "reported", "confirmed", "denied",
    "fell", "rose", "closed", "ended", "started", "introduced", "signed", "added", "removed", "imposed", "completed",
    "voted", "decided", "agreed", "listed", "debuted", "filed", "raised"], re.I)
_DURATION_BEFORE = re.compile(r"\b(?:(?:for|over|during|in|within|throughout) the|every|each|per)\s+$", re.I)
_FROM_BEFORE = re.compile(r"\b(?:from|starting|beginning|as of|effective|until|till|by)\s+(?:on\s+)?$", re.I)
_SENTENCE_END = re.compile(r"[.!?。！？][\"”’]?\s")
_WIDE_FUTURE = _words(["will", "shall", "due to", "set to", "expected to", "is to", "are to"], re.I)
_STRONG_FUTURE = _words(["will", "shall", "due to", "set to"], re.I)
_CLAUSE_BREAK = _words(["and", "but", "while", "after", "before", "when", "that"],
                       extra=(*(re.escape(c) for c in ";:,—–()。！？"), *(re.escape(c) + "[\"”’]?\\s" for c in ".!?")))
#: How far (characters) to look back and ahead for the clause around an expression.
CLAUSE_REACH = 160


def is_future_context(sentence: str, start: int, end: int) -> bool:
    """Whether the clause holding the expression at [start, end) is about the future.

    The clause runs from the previous clause break (punctuation, "and", "that", "after" ...) to
    the next one.  A future cue ("will", "is due to", "takes effect", "next") makes it future
    unless the clause also has a past-tense verb and no "will"."""
    clause = _clause(sentence, start, end)
    has_past = bool(_PAST.search(clause))
    if _FUTURE.search(clause):
        return not has_past or bool(_STRONG_FUTURE.search(clause))
    if has_past:
        return False
    if _FROM_BEFORE.search(sentence[max(0, start - 20):start]):
        return True  # "from Wednesday": a start date still ahead
    # a tenseless subordinate clause ("when trading resumes on Monday") takes the sentence's tense
    lo = max(0, start - CLAUSE_REACH)
    for m in _SENTENCE_END.finditer(sentence, lo, start):
        lo = m.end()
    wide = sentence[lo:min(len(sentence), end + 40)]
    return bool(_WIDE_FUTURE.search(wide)) and not _PAST.search(sentence[max(0, start - 60):start])


def _clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): from the previous clause break to the next one (within ``CLAUSE_REACH``)."""
    lo = max(0, start - CLAUSE_REACH)
    last_break = lo
    for m in _CLAUSE_BREAK.finditer(sentence, lo, start):
        last_break = m.end()
    after = _CLAUSE_BREAK.search(sentence, end, end + CLAUSE_REACH)
    return last_break, (after.start() if after else min(len(sentence), end + CLAUSE_REACH))


def _clause(sentence: str, start: int, end: int) -> str:
    lo, hi = _clause_bounds(sentence, start, end)
    return sentence[lo:hi]


#: A bare month name at most this many months ahead, in a clause with no past-tense verb, is the coming one.
NEAR_MONTHS_AHEAD = 2
#: Future seen from a past moment ("said it would hold a call on Monday", "trading had been scheduled to begin
#: on Thursday"): for a weekday, which is days away, that is still ahead of the publication date.  (Not for a
#: month: "they told us it would stop in December" in a March article is the December before.)
_FUTURE_IN_PAST = _words(["would", "was to", "were to", "was due to", "were due to", "was set to", "were set to",
                          "was scheduled to", "were scheduled to", "had been scheduled to", "had been due to",
                          "had been set to", "was expected to", "were expected to"], re.I)


class _LazyTense:
    """Evaluates :func:`is_future_context` only when a rule asks (``bool(future)``); ``future.seen_from_past()``
    whether the clause is a future seen from a past moment (``_FUTURE_IN_PAST``), ``future.tenseless()`` whether
    it has no past-tense verb."""

    __slots__ = ("args", "value")

    def __init__(self, *args):
        self.args, self.value = args, None

    def __bool__(self) -> bool:
        if self.value is None:
            self.value = is_future_context(*self.args)
        return self.value

    def tenseless(self) -> bool:
        """No past-tense verb in the clause (present tense: "meets in March", "when the rules apply in May")."""
        return not _PAST.search(_clause(*self.args))

    def seen_from_past(self) -> bool:
        """The cue before the expression in its clause: "said it would hold a call on Monday", not "said on
        Tuesday it would ..." (there Tuesday is when it was said)."""
        sentence, start, end = self.args
        return bool(_FUTURE_IN_PAST.search(sentence, _clause_bounds(sentence, start, end)[0], start))


@dataclass(frozen=True)
class Resolved:
    value: str
    precision: str
    start_date: date
    end_date: date


def _day(d: date) -> Resolved:
    return Resolved(d.isoformat(), "day", d, d)


def _month(y: int, m: int) -> Resolved:
    start = date(y, m, 1)
    end = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))
    return Resolved(f"{y:04d}-{m:02d}", "month", start, end)


def _year(y: int) -> Resolved:
    return Resolved(f"{y:04d}", "year", date(y, 1, 1), date(y, 12, 31))


def _week(d: date) -> Resolved:
    iso = d.isocalendar()
    start = d - timedelta(days=d.weekday())
    return Resolved(f"{iso.year:04d}-W{iso.week:02d}", "week", start, start + timedelta(days=6))


def _quarter(y: int, q: int) -> Resolved:
    start = date(y, 3 * (q - 1) + 1, 1)
    end = date(y + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
    return Resolved(f"{y:04d}-Q{q}", "quarter", start, end)


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    total = y * 12 + (m - 1) + k
    return total // 12, total % 12 + 1


def _month_number(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")]


def _nearest_year(month: int, day: int, anchor: date, future: bool) -> date | None:
    """The month-day date nearest ``anchor``; the tense (``bool(future)``, evaluated only if it
    changes the answer) weighs the distances."""
    candidates = []
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(date(y, month, day))
        except ValueError:
            continue
    if not candidates:
        return None

    def nearest(is_future: bool) -> date:  # distance, weighted against the side the tense does not point to
        def cost(c: date) -> float:
            days = (c - anchor).days
            return abs(days) * (AGAINST_TENSE_COST if (days > 0) != is_future and days != 0 else 1)
        return min(candidates, key=cost)
    past, ahead = nearest(False), nearest(True)
    return past if past == ahead or not future else ahead


def resolve(kind: str, m: re.Match, anchor: date, sentence: str, offset: int, last_day: date | None) -> tuple[Resolved, str] | None:
    """Resolve one match (pattern ``kind``) against the publication date ``anchor``.

    ``sentence`` is the text holding the match (a sentence or a paragraph) and ``offset`` the
    match's start in it (for tense); ``last_day`` the last day-precise date mentioned before (for "the previous day").
    Returns (resolved value, rule name) or None when the match is not a date after all.
    """
    g = m.groupdict()
    future = _LazyTense(sentence, offset, offset + len(m.group(0)))
    try:
        if kind in ("iso_date", "zh_full_date"):
            return _day(date(int(g["year"]), int(g["m"]), int(g["d"]))), "explicit_date"
        if kind in ("month_day_year", "day_month_year"):
            return _day(date(int(g["year"]), _month_number(g["mon"]), int(g["day"]))), "explicit_date"
        if kind in ("month_day_rel_year", "day_month_rel_year"):
            y = anchor.year + {"last": -1, "this": 0, "next": 1}[g["rel"]]
            return _day(date(y, _month_number(g["mon"]), int(g["day"]))), "month_day_relative_year"
        if kind == "dateline":
            d = _nearest_year(_month_number(g["mon"]), int(g["day"]), anchor, False)
            return (_day(d), "dateline") if d else None
        if kind in ("month_day", "day_month", "zh_month_day"):
            month = int(g["m"]) if kind == "zh_month_day" else _month_number(g["mon"])
            day = int(g["d"] if kind == "zh_month_day" else g["day"])
            d = _nearest_year(month, day, anchor, future)
            return (_day(d), "month_day_nearest_year") if d else None
        if kind == "zh_rel_month_day":
            y, mo = anchor.year, anchor.month
            rel = g["rel"]
            if rel in ("去年", "明年", "今年"):
                y += {"去年": -1, "今年": 0, "明年": 1}[rel]
                mo = int(g["m"]) if g["m"] else mo
            else:
                y, mo = _add_months(y, mo, {"本月": 0, "上月": -1, "下月": 1}[rel])
            return _day(date(y, mo, int(g["d"]))), "chinese_relative_date"
        if kind == "zh_rel_month":
            return _month(anchor.year + {"去年": -1, "今年": 0, "明年": 1}[g["rel"]], int(g["m"])), "chinese_relative_month"
        if kind == "zh_year_month":
            return _month(int(g["year"]), int(g["m"])), "explicit_month"
        if kind == "zh_week_day":
            target = "一二三四五六日天".index(g["wdz"])
            target = 6 if target == 7 else target
            monday = anchor - timedelta(days=anchor.weekday())
            shift = {"本周": 0, "这周": 0, "上周": -7, "下周": 7}.get(g["rel"])
            if shift is None:  # plain 周五 / 星期五: most recent such day
                back = (anchor.weekday() - target) % 7
                return _day(anchor - timedelta(days=back)), "chinese_weekday"
            return _day(monday + timedelta(days=shift + target)), "chinese_week_day"
        if kind == "zh_relative":
            word = g["word"]
            table = {"昨天": ("day", -1), "昨日": ("day", -1), "今天": ("day", 0), "今日": ("day", 0), "明天": ("day", 1),
                     "明日": ("day", 1), "去年": ("year", -1), "今年": ("year", 0), "明年": ("year", 1),
                     "上个月": ("month", -1), "上月": ("month", -1), "本月": ("month", 0), "下个月": ("month", 1),
                     "下月": ("month", 1), "上周": ("week", -1), "本周": ("week", 0), "下周": ("week", 1)}
            unit, k = table[word]
            return _relative(unit, k, anchor), "chinese_relative"
        if kind == "zh_year":
            return _year(int(g["year"])), "chinese_year"
        if kind == "month_year":
            return _month(int(g["year"]), _month_number(g["mon"])), "explicit_month"
        if kind == "month_rel_year":
            return _month(anchor.year + {"last": -1, "this": 0, "next": 1}[g["rel"]], _month_number(g["mon"])), "month_relative_year"
        if kind in ("rel_month_name", "month_name"):
            if g["mon"] == "May" and kind == "month_name" and not _MAY_BEFORE.search(sentence[max(0, offset - 12):offset]):
                return None  # "May" the modal verb
            month = _month_number(g["mon"])
            rel = (g.get("rel") or "").lower().rstrip("-")
            if rel == "next" or (rel in ("", "early", "late", "mid", "this") and future):
                y = anchor.year if month >= anchor.month else anchor.year + 1
                rule = "month_name_future"
            elif rel == "last":
                y = anchor.year if month < anchor.month else anchor.year - 1
                rule = "month_name_last"
            elif rel == "" and 0 < (month - anchor.month) % 12 <= NEAR_MONTHS_AHEAD and future.tenseless():
                # "after the National People's Congress meets in March", written in February: the coming March
                y = anchor.year if month > anchor.month else anchor.year + 1
                rule = "month_name_future"
            else:
                y = anchor.year if month <= anchor.month else anchor.year - 1
                rule = "month_name_past"
            return _month(y, month), rule
        if kind == "weekday":
            if g["plural"]:
                return None  # "on Fridays", "Friday nights": recurring
            target = WEEKDAYS[g["wd"].lower()]
            rel = (g["rel"] or "").lower()
            if rel == "this":  # the one in the publication date's week (Monday to Sunday), ahead or past
                return _day(anchor + timedelta(days=target - anchor.weekday())), (
                    "weekday_future" if target > anchor.weekday() else "weekday_past")
            if rel == "next" or "coming" in rel or (rel == "" and (future or future.seen_from_past())):
                ahead = (target - anchor.weekday()) % 7
                if rel == "next" and ahead == 0:
                    ahead = 7
                return _day(anchor + timedelta(days=ahead)), "weekday_future"
            back = (anchor.weekday() - target) % 7
            if rel == "last" and back == 0:
                back = 7
            return _day(anchor - timedelta(days=back)), "weekday_past"
        if kind == "quarter":
            q = ORDINALS[g["ord"].lower()]
            if g["qyear"]:
                return _quarter(int(g["qyear"]), q), "quarter_explicit"
            if g["qrel"]:
                return _quarter(anchor.year + {"last": -1, "this": 0, "next": 1}[g["qrel"].lower()], q), "quarter_relative"
            current = (anchor.month - 1) // 3 + 1
            y = anchor.year if (q <= current or future) else anchor.year - 1
            return _quarter(y, q), "quarter_nearest"
        if kind == "q_year":
            return _quarter(int(g["qyear"] or g["qyear2"]), int(g["q"] or g["q2"])), "quarter_explicit"
        if kind == "relative_unit":
            rel = g["rel"].lower()
            if rel == "past":
                return None  # "the past year": a duration
            k = {"last": -1, "this": 0, "next": 1}[rel]
            if g["earlier"]:
                k = 0
            return _relative(g["unit"], k, anchor), "relative_" + g["unit"]
        if kind == "ago":
            n = g["n"].lower()
            n = int(n) if n.isdigit() else NUMBERS[n]
            unit = g["unit"].lower()
            if unit == "day":
                return _day(anchor - timedelta(days=n)), "days_ago"
            if unit == "week":
                return _week(anchor - timedelta(weeks=n)), "weeks_ago"
            if unit == "month":
                return _month(*_add_months(anchor.year, anchor.month, -n)), "months_ago"
            return _year(anchor.year - n), "years_ago"
        if kind == "ago_exact":
            unit = g["unit"].lower()
            d = anchor - timedelta(days=7) if unit == "week" else _shift_years(anchor, -1)
            return _day(d), "ago_exact"
        if kind == "offset":
            n = g["n"].lower()
            n = int(n) if n.isdigit() else NUMBERS[n]
            base = last_day or anchor
            sign = -1 if g["dir"].lower().startswith(("earlier", "before")) else 1
            unit = g["unit"].lower()
            if unit == "day":
                return _day(base + timedelta(days=sign * n)), "offset_from_previous_date"
            if unit == "week":
                return _day(base + timedelta(weeks=sign * n)), "offset_from_previous_date"
            if unit == "month":
                return _month(*_add_months(base.year, base.month, sign * n)), "offset_from_previous_date"
            return _year(base.year + sign * n), "offset_from_previous_date"
        if kind == "holiday":
            hol = g["hol"].lower().replace("’", "'")
            month, day = {"christmas eve": (12, 24), "christmas day": (12, 25), "new year's eve": (12, 31),
                          "new year's day": (1, 1)}[hol]
            d = _nearest_year(month, day, anchor, future)
            return (_day(d), "holiday") if d else None
        if kind == "year_phrase":
            phrase = g["phrase"].lower()
            y = anchor.year + (1 if phrase == "the new year" and anchor.month >= 10 else 0)
            return _year(y), "year_phrase"
        if kind == "deictic":
            k = {"yesterday": -1, "today": 0, "tomorrow": 1}[g["word"].lower()]
            return _day(anchor + timedelta(days=k)), "deictic"
        if kind == "anaphoric":
            base = last_day or anchor
            word = g["word"].lower()
            k = -1 if ("previous" in word or "before" in word) else (0 if "same" in word else 1)
            return _day(base + timedelta(days=k)), "relative_to_previous_date"
        if kind == "bare_year":
            y = int(g["year"])
            if not MIN_YEAR <= y <= MAX_YEAR:
                return None
            return _year(y), "bare_year"
    except (ValueError, KeyError):
        return None
    return None


def _shift_years(d: date, k: int) -> date:
    try:
        return d.replace(year=d.year + k)
    except ValueError:  # 29 February
        return d.replace(year=d.year + k, day=28)


def _relative(unit: str, k: int, anchor: date) -> Resolved:
    if unit == "day":
        return _day(anchor + timedelta(days=k))
    if unit == "week":
        return _week(anchor + timedelta(weeks=k))
    if unit == "month":
        return _month(*_add_months(anchor.year, anchor.month, k))
    if unit == "quarter":
        y, m = _add_months(anchor.year, anchor.month, 3 * k)
        return _quarter(y, (m - 1) // 3 + 1)
    return _year(anchor.year + k)


_DURATION_AFTER = re.compile(r"^[- ](?:long|old|day|week|month|year|hour|minute)s?\b", re.I)


def _matches_at(pattern: re.Pattern, text: str, starts: list[int], windows: list[tuple[int, int]]) -> list[re.Match]:
    """What ``pattern.finditer`` finds in each window, for a pattern that can only match where a month
    name starts (``starts``, each inside a window): tried at those positions only."""
    out, i = [], 0
    for a, b in windows:
        free = a
        while i < len(starts) and starts[i] < b:
            p = starts[i]
            i += 1
            if p >= free and (m := pattern.match(text, p, b)):
                out.append(m)
                free = m.end()
    return out


def _active_kinds(text: str, lower: str, gates: dict[str, bool], month_windows: list[tuple[int, int]]) -> set[str]:
    """The patterns worth running on a paragraph (``lower`` is its lower-cased text): those whose
    gate (a month name, weekday or year was found) or cue words are present."""
    cues = set(_CUES.find_matches_as_strings(lower, overlapping=True))
    active = set(_ALWAYS_KINDS)
    if gates["month"]:
        active |= {"month_day", "day_month", "month_name"}
        if gates["year"]:
            active |= {"month_day_year", "day_month_year", "month_year"}
        if " year" in cues:
            active |= {"month_day_rel_year", "day_month_rel_year", "month_rel_year"}
        if not cues.isdisjoint(_REL_MONTH_CUES):
            active.add("rel_month_name")
        if month_windows and month_windows[0][0] == 0:
            active.add("dateline")
    if gates["weekday"]:
        active.add("weekday")
    if gates["year"]:
        active |= {"iso_date", "bare_year", "q_year"}
    if gates["cjk"]:
        active |= _ZH_KINDS
    for kind, needle in _NEEDLES:
        if not cues.isdisjoint(needle):
            active.add(kind)
    if not cues.isdisjoint(_UNIT_WORDS) and not cues.isdisjoint(_OFFSET_CUES) and _OFFSET_TAIL.search(text):
        active.add("offset")
    return active


def find_dates(text: str, anchor: date, *, last_day: date | None = None) -> list[tuple[int, int, str, Resolved, str]]:
    """Date expressions in one paragraph: (start, end, surface, resolved, rule), in text order.

    ``last_day`` carries the last day-precise date of earlier paragraphs (for "the previous day")."""
    taken: list[tuple[int, int]] = []
    found = []
    lower = text.lower()
    n = len(text)
    cjk = not text.isascii()
    month_starts = [m.start() for m in _HAS_MONTH.finditer(text)]
    windows = {"month": _windows(month_starts, n),
               "weekday": _windows([m.start() for m in _HAS_WEEKDAY.finditer(text)], n),
               "year": _windows([m.start() for m in _HAS_YEAR.finditer(text)], n)}
    gates = {"cjk": cjk, "month": bool(windows["month"]), "weekday": bool(windows["weekday"]), "year": bool(windows["year"])}
    if cjk:  # Chinese dates carry no English month or weekday names: search the whole text
        gates.update(month=True, year=True)
        windows = {k: [(0, n)] for k in windows}

    def matches(kind: str, pattern: re.Pattern):
        cls = _WINDOW_CLASS.get(kind)
        if cls is None:
            return pattern.finditer(text)
        if kind in _AT_MONTH_KINDS and not cjk:
            return _matches_at(pattern, text, month_starts, windows["month"])
        return (m for a, b in windows[cls] for m in pattern.finditer(text, a, b))

    active = _active_kinds(text, lower, gates, windows["month"])
    for kind, pattern in PATTERNS:
        if kind not in active:
            continue
        for m in matches(kind, pattern):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            if kind == "relative_unit" and _DURATION_BEFORE.search(text[max(0, s - 25):s]):
                continue
            if _DURATION_AFTER.match(text[e:e + 8]) and kind in ("bare_year",):
                continue
            resolved = resolve(kind, m, anchor, text, s, last_day)
            if resolved is None:
                continue
            if kind == "dateline":  # the expression is the month and day, not the city
                s, e = m.start("mon"), m.end("day")
            found.append((s, e, m.group(0) if kind != "dateline" else text[s:e], *resolved))
            taken.append((s, e))
    found.sort(key=lambda f: f[0])
    # "the previous day" refers to the day-precise date mentioned just before it in the text
    out, last, last_end = [], last_day, None
    for s, e, surface, res, rule in found:
        if (rule == "relative_to_previous_date" and last_end is not None and _APPOSITION.fullmatch(text, last_end, s)
                and surface.lower().startswith("the day")):
            # "on 2 November, the day before the listing was halted": the same day, told another way
            res, rule = _day(last), "apposition_to_previous_date"
        elif rule in ("relative_to_previous_date", "offset_from_previous_date"):
            kind = "anaphoric" if rule == "relative_to_previous_date" else "offset"
            m = dict(PATTERNS)[kind].match(surface)
            res, rule = resolve(kind, m, anchor, text, s, last)
        if res.precision == "day":
            last, last_end = res.start_date, e
        out.append((s, e, _trim(surface), res, rule))
    return out


#: What separates a date from a phrase in apposition to it ("2 November, the day before ...").
_APPOSITION = re.compile(r"\s*[,—–]\s*")


def _trim(surface: str) -> str:
    return surface.strip()


# --------------------------------------------------------------------------- anchors
def publication_anchor(published: str, outlet: str | None = None, timezones: dict[str, str] | None = None) -> date | None:
    """The publication date in the outlet's own time zone (see module docstring)."""
    if not published:
        return None
    try:
        stamp = datetime.fromisoformat(published)
    except ValueError:
        try:
            return date.fromisoformat(published[:10])
        except ValueError:
            return None
    zone = (timezones or {}).get(outlet or "")
    if stamp.tzinfo is not None and zone:
        from zoneinfo import ZoneInfo

        return stamp.astimezone(ZoneInfo(zone)).date()
    return stamp.date()


def outlet_timezones() -> dict[str, str]:
    """outlet -> IANA time zone, from ``data/reference/outlets.csv``."""
    if not paths.OUTLETS_CSV.exists():
        return {}
    table = pd.read_csv(paths.OUTLETS_CSV, dtype=str, keep_default_na=False)
    return {o: tz for o, tz in zip(table["outlet"], table["timezone"]) if tz}


def extract_dates(segments: pd.DataFrame, articles: pd.DataFrame, *, include_boilerplate: bool = False) -> pd.DataFrame:
    """One row per date expression in the articles' content paragraphs.

    Columns: article_id, para_no, start, end (offsets in the paragraph), surface, value (ISO at its
    precision: ``2021-07-23``, ``2021-W29``, ``2020-11``, ``2021-Q1``, ``2021``), precision (day |
    week | month | quarter | year), start_date, end_date (ISO days bounding the value), rule (which
    rule resolved it).  Articles without a readable publication date give no rows.
    """
    zones = outlet_timezones()
    outlets = articles["outlet"] if "outlet" in articles.columns else pd.Series("", index=articles.index)
    anchors = {aid: publication_anchor(pub, outlet, zones)
               for aid, pub, outlet in zip(articles["article_id"], articles["published"].fillna(""), outlets)}
    segs = segments if include_boilerplate or "label" not in segments.columns else segments[segments["label"] == "content"]
    rows = []
    current, last_day = None, None
    for aid, para_no, text in zip(segs["article_id"].tolist(), segs["para_no"].tolist(), segs["text"].tolist()):
        anchor = anchors.get(aid)
        if anchor is None:
            continue
        if aid != current:
            current, last_day = aid, None
        for s, e, surface, res, rule in find_dates(text, anchor, last_day=last_day):
            rows.append((aid, para_no, s, e, surface, res.value, res.precision, res.start_date.isoformat(),
                         res.end_date.isoformat(), rule))
            if res.precision == "day":
                last_day = res.start_date
    return pd.DataFrame(rows, columns=DATE_COLUMNS)


_ZH_KINDS = {k for k, _ in PATTERNS if k.startswith("zh_")}
_UNIT_WORDS = (" day", " week", " month", " year")
_MAY_BEFORE = re.compile(r"\b(?:in|since|from|until|by|of|early|late|mid|last|next|this|to|and|or|between)[\s-]+$", re.I)
_RELATIVE_NEEDLES = tuple(f"{r} {u}" for r in ("last", "this", "next", "past") for u in ("week", "month", "year", "quarter"))
_NEEDLES = [("quarter", ("quarter",)), ("relative_unit", _RELATIVE_NEEDLES), ("ago", (" ago",)), ("ago_exact", (" ago ",)),
            ("holiday", ("christmas", "new year")),
            ("year_phrase", ("of the year", "new year")),
            ("deictic", ("yesterday", "today", "tomorrow")), ("anaphoric", (" day",))]
_REL_MONTH_CUES = ("last", "this", "next", "early", "late", "mid")
_OFFSET_CUES = ("earlier", "later", "before", "after")
#: What every "offset" match ends with ("days before ..."): a faster test than the whole pattern.
_OFFSET_TAIL = _words([u + r"s?\s+(?:earlier|later|before|after)" for u in ("day", "week", "month", "year")], re.I, end="")
#: Every cue word the gates look for, found in one pass (overlapping matches included).
_CUES = ahocorasick_rs.AhoCorasick(sorted({" year", *_REL_MONTH_CUES, *_OFFSET_CUES, *_UNIT_WORDS,
                                           *(w for _, words in _NEEDLES for w in words)}))
#: Patterns only run in the windows around a month name, weekday or year (the dateline is anchored at 0).
_WINDOW_CLASS = {**{k: "month" for k in _MONTH_KINDS - {"dateline"}}, "weekday": "weekday",
                 **{k: "year" for k in ("iso_date", "bare_year", "q_year")}}
#: Patterns that start with a month name (``\\b`` + ``_MON``): they can only match where ``_HAS_MONTH`` does.
_AT_MONTH_KINDS = {"month_day_year", "month_day_rel_year", "month_day", "month_year", "month_rel_year", "month_name"}
_ALWAYS_KINDS = {k for k, _ in PATTERNS} - _ZH_KINDS - _MONTH_KINDS - {"weekday", "iso_date", "bare_year", "q_year"} \
    - {k for k, _ in _NEEDLES} - {"offset"}
