"""Parse the publication-timestamp line that heads a scraped article.

Outlets write their timestamps in many styles (``Jul 26, 2021 06:10 PM``,
``July 26, 2021 6:10 p.m. GMT+8``, ``Monday, 26 July 2021, 18:20 HKT``,
``Updated: 5:44pm, 8 Oct, 2021``, ``26.07.2021 18:10`` ...).  :func:`parse_timestamp`
returns the timestamp as ISO 8601 *as the source states it*: a date alone stays a date,
a clock time is kept to the minute (seconds only when given), and a UTC offset is added only
when the source names a zone.  Nothing is converted between zones.

This module handles header lines only; date expressions inside article text
("on Friday", "last month") are the business of :mod:`helpers.dates`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5,
    "saturday": 5, "sun": 6, "sunday": 6,
}
#: Zone names that map to one fixed offset.  Ambiguous ones (ET ...) are not guessed, except IST, which in
#: this domain's sources is always India (Devdiscourse, Business Standard), and CST (``AMBIGUOUS_ZONES``).
ZONE_OFFSETS = {
    "utc": "+00:00", "gmt": "+00:00", "z": "+00:00",
    "hkt": "+08:00", "sgt": "+08:00", "awst": "+08:00", "beijing time": "+08:00",
    "china time": "+08:00", "china standard time": "+08:00", "hong kong time": "+08:00",
    "jst": "+09:00", "kst": "+09:00", "ist": "+05:30", "bst": "+01:00",
    "cet": "+01:00", "cest": "+02:00", "edt": "-04:00", "est": "-05:00",
    "pdt": "-07:00", "pst": "-08:00", "aest": "+10:00", "aedt": "+11:00",
}
#: Ambiguous zone names read one way in this domain, with the warning the article then carries: CST on a
#: China-focused site is China Standard Time (it is also US Central Standard Time, -06:00).
AMBIGUOUS_ZONES = {"cst": ("+08:00", "zone 'CST' read as China Standard Time (+08:00); it can also mean US Central (-06:00)")}
#: Day-first reading of all-numeric dates (``10/04/2021`` = 10 April) unless impossible.
DAYFIRST_DEFAULT = True
#: A header line longer than this is prose, not a timestamp.
MAX_TIMESTAMP_CHARS = 160
#: Words other than date parts, zone and labels allowed on a timestamp line
#: (an outlet name, "Updated", "Created", a byline).
MAX_OTHER_WORDS = 6

_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WD = r"(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_PATTERNS = [
    # 2021-07-26T18:10:00+08:00, 2021-07-26 18:10, 2021/04/10 10:05
    re.compile(r"(?<!\d)" + _YEAR + r"(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
               r"(?:[T ](?P<iso_time>\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)"
               r"\s*(?P<iso_zone>Z|[+-]\d{2}:?\d{2})?)?"),
    # 26.07.2021, 03-11-2020, 10/04/2021
    re.compile(r"(?<!\d)(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)" + _YEAR + r"(?!\d{2})"),
    # 26 July 2021, 8 Oct, 2021, 10th April 2021, 24 December 2020
    re.compile(r"\b" + _DAY + r"\s+" + _MON + r",?\s+" + _YEAR, re.I),
    # Jul 26, 2021 / July 26 2021 / Aug 30 20211:46 (year run into the time)
    re.compile(r"\b" + _MON + r"\s+" + _DAY + r"(?:,\s*|\s+)" + _YEAR, re.I),
    # 2021年4月11日, 2022年07月21日 (Chinese sources)
    re.compile(r"(?<!\d)" + _YEAR + r"\s*年\s*(?P<zm>\d{1,2})\s*月\s*(?P<zd>\d{1,2})\s*日"),
]
_TIME = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?)?\s*"
    r"(?P<ampm>[ap])\.?\s?m\b\.?|(?<![\d:.])(?P<h24>\d{1,2})[:.](?P<mi24>\d{2})(?::(?P<s24>\d{2}))?(?![\d:.])",
    re.I,
)
_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*(?P<sign>[+-])\s*(?P<hh>\d{1,2})(?::?(?P<mm>\d{2}))?\b", re.I)
#: A numeric offset after the clock time, as RFC 822 dates write it ("20:10:00 +0800").
_BARE_OFFSET = re.compile(r"\s*(?P<sign>[+-])(?P<hh>\d{2}):?(?P<mm>\d{2})\b")
_ZONE_NAME = re.compile(r"\b(" + "|".join(sorted((re.escape(z) for z in ZONE_OFFSETS), key=len, reverse=True)) + r")\b", re.I)
_AMBIGUOUS_ZONE = re.compile(r"\b(" + "|".join(map(re.escape, AMBIGUOUS_ZONES)) + r")\b", re.I)
_LABEL = re.compile(r"\b(?:published|updated|posted|created|date|first published|last updated|at|on|by)\b:?", re.I)


@dataclass(frozen=True)
class Timestamp:
    """A parsed header timestamp."""

    iso: str            # ISO 8601 at the precision the source gives
    raw: str            # the text it was read from
    has_time: bool
    offset: str         # "+08:00" or "" when the source names no zone
    warning: str = ""   # e.g. weekday does not match the date


def _offset_from(text: str) -> tuple[str, str, str]:
    """Return (offset, text without the zone, warning) for the first zone named in ``text`` (the warning
    when the name is one of ``AMBIGUOUS_ZONES``)."""
    m = _OFFSET.search(text)
    if m:
        hh, mm = int(m["hh"]), int(m["mm"] or 0)
        return f"{m['sign']}{hh:02d}:{mm:02d}", text[: m.start()] + " " + text[m.end():], ""
    m = _ZONE_NAME.search(text)
    if m and not (m.group(1).lower() == "z"):
        return ZONE_OFFSETS[m.group(1).lower()], text[: m.start()] + " " + text[m.end():], ""
    m = _AMBIGUOUS_ZONE.search(text)
    if m:
        return (*AMBIGUOUS_ZONES[m.group(1).lower()][:1], text[: m.start()] + " " + text[m.end():],
                AMBIGUOUS_ZONES[m.group(1).lower()][1])
    return "", text, ""


def _find_date(text: str, dayfirst: bool):
    """First calendar date in ``text``: (date, match span, iso time or None, iso zone or None)."""
    best = None
    for i, pat in enumerate(_DATE_PATTERNS):
        for m in pat.finditer(text):
            try:
                if i == 0:
                    d = date(int(m["year"]), int(m["m"]), int(m["d"]))
                    extra = (m["iso_time"], m["iso_zone"])
                elif "zm" in pat.groupindex:
                    d = date(int(m["year"]), int(m["zm"]), int(m["zd"]))
                    extra = (None, None)
                elif i == 1:
                    a, b = int(m["a"]), int(m["b"])
                    day, mon = (a, b) if (dayfirst and a <= 31 and b <= 12) or b > 12 else (b, a)
                    d = date(int(m["year"]), mon, day)
                    extra = (None, None)
                else:
                    d = date(int(m["year"]), MONTHS[m["mon"].lower().rstrip(".")], int(m["day"]))
                    extra = (None, None)
            except ValueError:
                continue
            if best is None or m.start() < best[1][0]:
                best = (d, m.span(), *extra)
            break
    return best


def parse_timestamp(line: str, *, dayfirst: bool = DAYFIRST_DEFAULT) -> Timestamp | None:
    """Read a header timestamp line; ``None`` if the line is not one.

    The first date on the line wins (``Posted: Sep 9, 2021 5:50 AM  Updated: ...`` gives the
    posting time).  Returns ``None`` when no date is found or when the line carries more
    ordinary words than a timestamp line does (then it is a headline or prose).
    """
    raw = line.strip()
    if not raw or len(raw) > MAX_TIMESTAMP_CHARS:
        return None
    found = _find_date(raw, dayfirst)
    if found is None:
        return None
    d, (start, end), iso_time, iso_zone = found
    # Only the part of the line up to the next date belongs to this timestamp.
    rest = raw[end:]
    nxt = _find_date(rest, dayfirst)
    scope_after = rest[: nxt[1][0]] if nxt else rest
    before = raw[:start]
    # Time: ISO time if given, else the nearest clock time after the date, else before it.
    time_txt, offset = None, ""
    if iso_time:
        time_txt = iso_time  # kept as the source writes it (seconds only when given)
        if iso_zone:
            z = iso_zone.upper()
            offset = "+00:00" if z == "Z" else (z if ":" in z else f"{z[:3]}:{z[3:]}")
    after_clean = scope_after
    if not iso_time:
        for segment in (scope_after, before):
            tm = _TIME.search(segment)
            if tm:
                time_txt = _clock(tm)
                if segment is scope_after:
                    bare = _BARE_OFFSET.match(segment, tm.end())
                    if bare:
                        offset = f"{bare['sign']}{bare['hh']}:{bare['mm']}"
                    after_clean = segment[: tm.start()] + " " + segment[(bare or tm).end():]
                else:
                    before = segment[: tm.start()] + " " + segment[tm.end():]
                break
    zone_warning = ""
    if not offset:
        offset, after_clean, zone_warning = _offset_from(after_clean)
        if not offset:
            offset, before, zone_warning = _offset_from(before)
    # Is this really a timestamp line?  Count the words left over.
    leftover = _LABEL.sub(" ", before + " " + after_clean)
    words = [w for w in re.findall(r"[A-Za-z]{2,}", leftover) if w.lower() not in WEEKDAYS]
    if len(words) > MAX_OTHER_WORDS:
        return None
    warning = ""
    wd = re.search(r"\b" + _WD, before, re.I)
    if wd:
        stated = WEEKDAYS[wd.group(0).lower().rstrip(".")]
        if stated != d.weekday():
            warning = f"weekday {wd.group(0)!r} does not match {d.isoformat()} (a {d.strftime('%A')})"
    iso = d.isoformat()
    if time_txt:
        iso += "T" + time_txt + offset
        warning = "; ".join(filter(None, [warning, zone_warning]))
    elif offset:
        # a zone without a clock time adds nothing a date can carry
        offset = ""
    return Timestamp(iso=iso, raw=raw, has_time=bool(time_txt), offset=offset, warning=warning)


def _clock(m: re.Match) -> str:
    if m["ampm"]:
        h, mi, s = int(m["h"]), int(m["mi"] or 0), m["s"]
        if not 1 <= h <= 12:
            h = h % 12
        h = (h % 12) + (12 if m["ampm"].lower() == "p" else 0)
    else:
        h, mi, s = int(m["h24"]), int(m["mi24"]), m["s24"]
    out = f"{h:02d}:{mi:02d}"
    return out + (f":{s}" if s else "")


def looks_like_timestamp(line: str) -> bool:
    """True when a line has the shape of a timestamp even if it cannot be read (digits and a
    month or time word, few other words): used to tell an unreadable timestamp from a headline."""
    s = line.strip()
    if not s or len(s) > MAX_TIMESTAMP_CHARS:
        return False
    has_digit = bool(re.search(r"\d", s))
    datey = bool(re.search(r"\b(" + "|".join(MONTHS) + r"|" + "|".join(WEEKDAYS) + r")\b", s, re.I)) or bool(
        re.search(r"\d{1,4}[-/.:]\d{1,2}", s))
    n_words = len(re.findall(r"[A-Za-z]{3,}", s))
    return has_digit and datey and n_words <= MAX_OTHER_WORDS + 2
