"""Dated regulatory events: which agency did what, to whom, when.

``extract_events(segments, mentions, dates)`` reads every content sentence that names a regulator
or government body, carries a resolved date and an action word, and returns one row per (sentence,
acting agency).  ``merge_events`` folds the same event reported by several articles into one row;
``compare_with_reference`` lines the result up with ``data/reference/timeline.csv``.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

import pandas as pd

from . import paths, schema
from .segment import split_sentences

EVENT_COLUMNS = schema.EVENT_COLUMNS
AGENCY_TYPES = ("regulator", "government_body")
#: Action vocabulary, most specific first: the first pattern found in a sentence gives its type.
ACTIONS: list[tuple[str, re.Pattern]] = [
    ("ipo_halt", re.compile(r"\b(?:suspend(?:ed|s)?|halt(?:ed|s)?|call(?:ed)? off|pull(?:ed)?)\b[^.]{0,60}"
                            r"\b(?:IPO|listing|initial public offering|debut|share sale|offering)|"
                            r"\b(?:IPO|listing|share sale|initial public offering|offering|debut)\b[^.]{0,60}"
                            r"\b(?:suspended|halted|called off|pulled)\b"
                            r"|暂缓.{0,10}上市|暂停.{0,10}上市|叫停.{0,10}上市", re.I)),
    ("fine", re.compile(r"\b(?:fine[ds]?|fining|penalt(?:y|ies)|penalis(?:ed|es)|penaliz(?:ed|es))\b"
                        r"|罚款|罚没|罚金|行政处罚", re.I)),
    ("antitrust_probe", re.compile(r"\b(?:investigation|investigat(?:e|es|ed|ing)|probe[sd]?|probing)\b"
                                   r"|立案调查|展开调查|调查", re.I)),
    ("law_effective", re.compile(r"\b(?:t(?:ook|akes?|aking) effect|c(?:ame|omes?|oming) into (?:force|effect)|"
                                 r"in force|effective (?:from|on|as of)|went into effect|go(?:es)? into effect)\b"
                                 r"|起施行|正式施行|施行|正式生效|生效", re.I)),
    ("law_passed", re.compile(r"\b(?:pass(?:ed|es)?|adopt(?:ed|s)?|enact(?:ed|s)?|approv(?:ed|es) the)\b[^.]{0,80}\b(?:law|amendment)\b|"
                              r"\b(?:law|amendment)\b[^.]{0,100}\b(?:passed|adopted|enacted)\b"
                              r"|(?:表决|审议)通过|通过了?《", re.I)),
    ("review", re.compile(r"\bcybersecurity reviews?|\b(?:security )?review(?:s|ed|ing)?\b"
                          r"|网络安全审查|审查", re.I)),
    ("summons", re.compile(r"\b(?:summon(?:ed|s)?|called in|supervisory (?:talk|interview|meeting)|met with|"
                           r"convened)\b"
                           r"|约谈|召集", re.I)),
    ("order", re.compile(r"\b(?:order(?:ed|s)?|block(?:ed|s)?|ban(?:ned|s)?|barr(?:ed|ing)|prohibit(?:ed|s)?|"
                         r"remov(?:e|ed|al)|told [^.]{0,40} to|instruct(?:ed|s)?|requir(?:ed|es))\b"
                         r"|责令|下架|叫停|禁止", re.I)),
    ("rule_issued", re.compile(r"\b(?:issu(?:ed|es)|publish(?:ed|es)|releas(?:ed|es)|unveil(?:ed|s)|draft(?:ed)?|"
                               r"finali[sz]ed|promulgat(?:ed|es))\b[^.]{0,80}\b(?:rules?|measures|guidelines|provisions|"
                               r"regulations?|opinions|notice|standards?|draft|law)\b|\b(?:rules?|measures|guidelines|"
                               r"provisions|regulations)\b[^.]{0,40}\b(?:issued|published|released|unveiled)\b"
                               r"|(?:发布|印发|出台|公布).{0,30}(?:规定|办法|指南|条例|意见|通知|征求意见稿|规则)", re.I)),
    ("campaign", re.compile(r"\b(?:campaign|crackdown|rectification|special action|clean[- ]?up)\b"
                            r"|专项整治|专项行动|整治", re.I)),
    ("guidance", re.compile(r"\b(?:guidance|urg(?:ed|es)|call(?:ed|s) (?:for|on)|warn(?:ed|s)?|pledg(?:ed|es)|"
                            r"vow(?:ed|s)|told|asked|guideline)\b"
                            r"|指导|督促", re.I)),
]
#: Other verbs of agency action; a dated sentence naming an agency with one of them is an event
#: of type ``other`` when no more specific type applies.
OTHER_ACTION = re.compile(
    r"\b(?:said|says|announced|stated|published|released|issued|approved|inaugurated|met|opened|launched|began|"
    r"started|limited|held|chaired|stressed|decided|set up|established|kicked off|unveiled|revealed|disclosed|"
    r"confirmed|allowed|lifted|resumed|imposed|sent|granted|rejected|convened|signed|listed|moved|named|"
    r"appointed|introduced|amended|revised|proposed|sought|gave|cleared|accepted|floated|ended|concluded|"
    r"wrapped up|repeated|held|hosted|set|readout|communiqu[eé])\b", re.I)
_AMOUNT = re.compile(r"(?:(?:RMB|CNY|¥)\s*)?(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>billion|bn|million|mln|m)?\s*"
                     r"(?P<cur>yuan|RMB|renminbi)\b|(?:RMB|CNY|¥)\s*(?P<num2>\d[\d,]*(?:\.\d+)?)\s*(?P<scale2>billion|bn|million|mln|m)?\b",
                     re.I)
_SCALE = {"billion": 1e9, "bn": 1e9, "million": 1e6, "mln": 1e6, "m": 1e6, None: 1.0, "": 1.0}
#: Date precisions an event may carry, finest first; a bare year is too coarse to date an event.
EVENT_PRECISIONS = ("day", "week", "month", "quarter")


def _sentence_spans(text: str) -> list[tuple[int, int, str]]:
    spans, pos = [], 0
    for s in split_sentences(text):
        i = text.find(s, pos)
        spans.append((i, i + len(s), s))
        pos = i + len(s)
    return spans


def action_type(sentence: str, near: list[tuple[int, int]] | None = None) -> str | None:
    """The event type an action word in ``sentence`` names, or None: of the ``ACTIONS`` found, the one
    nearest the spans ``near`` (the acting agency's, relative to the sentence), else the first in ``ACTIONS``
    order ("SAMR said it had opened an investigation into Meituan over the practice that cost Alibaba a
    record fine" is a probe, not a fine)."""
    best, best_gap = None, None
    for name, pattern in ACTIONS:
        if near is None:
            if pattern.search(sentence):
                return name
            continue
        for m in pattern.finditer(sentence):
            gap = min(max(a - m.end(), m.start() - b, 0) for a, b in near)
            if best_gap is None or gap < best_gap:
                best, best_gap = name, gap
    if best is not None:
        return best
    return "other" if OTHER_ACTION.search(sentence) else None


_AMOUNT_ZH = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>亿|万)?元")
_SCALE_ZH = {"亿": 10 ** 8, "万": 10 ** 4, None: 1}
_FINE_ZH = re.compile(r"罚款|罚没|罚金|处以")


def fine_amount(sentence: str) -> float | None:
    """The largest yuan amount stated in a sentence (``18.228 billion yuan`` -> 18228000000.0, ``182.28亿元`` the same)."""
    zh = [(m, float(Decimal(m.group("num").replace(",", "")) * _SCALE_ZH[m.group("scale")]))
          for m in _AMOUNT_ZH.finditer(sentence)]
    # Chinese reports state sales figures next to the fine: the amount beside 罚款 / 处以 is the fine
    beside = [v for m, v in zh if _FINE_ZH.search(sentence, max(0, m.start() - 6), m.start())
              or _FINE_ZH.match(sentence, m.end())]
    if beside:
        return max(beside)
    amounts = [v for _, v in zh]
    for m in _AMOUNT.finditer(sentence):
        num = m.group("num") or m.group("num2")
        scale = (m.group("scale") or m.group("scale2") or "").lower()
        try:
            amounts.append(float(num.replace(",", "")) * _SCALE[scale])
        except ValueError:
            continue
    return max(amounts) if amounts else None


_RELATIVE_TO_EVENT = re.compile(
    r"\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>day|week)s?\s+"
    r"(?P<dir>after|before)\b", re.I)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10}
_APPROXIMATELY = re.compile(r"\b(?:over|about|around|nearly|almost|some|roughly|more than|less than)\s+$", re.I)
#: How far after "three days after" the agency may be named for the offset to apply to it.
RELATIVE_REACH = 90
#: "weeks after the Politburo called for ...", "months before the CAC stepped in", "since the regulator ...": an
#: agency named right after one of these acted some unstated time away from the sentence's date, so that date is
#: not its event's.  (A bare "after" is often the same day: "was suspended on Tuesday, after the exchange said".)
_UNDATED_BEFORE_AGENCY = re.compile(r"\b(?:(?:hours|days|weeks|months|years|shortly|soon|long)\s+(?:after|before|following)|"
                                    r"since)\s+(?:the\s+|a\s+)?[^,;.:]{0,25}$", re.I)


class _Date(NamedTuple):
    start: int
    end: int
    value: str
    precision: str
    surface: str
    rule: str


class _Span(NamedTuple):
    start: int
    end: int
    entity: str


def _by_paragraph(frame: pd.DataFrame, cls) -> dict[tuple, list]:
    """(article_id, para_no) -> the frame's rows there, as ``cls`` tuples, in table order."""
    out: dict[tuple, list] = {}
    columns = [frame[f].tolist() for f in cls._fields]
    for aid, para_no, *values in zip(frame["article_id"].tolist(), frame["para_no"].tolist(), *columns):
        out.setdefault((aid, para_no), []).append(cls(*values))
    return out


def _relative_event_date(sentence: str, offset: int, agency_spans, in_sentence: list[_Date]):
    """"Monday's decision came three days after a meeting of the Politburo": the Politburo acted
    three days before Monday.  Returns (ISO day, surface) or None."""
    import datetime as _dt

    days = [d for d in in_sentence if d.precision == "day"]
    if not days:
        return None
    for m in _RELATIVE_TO_EVENT.finditer(sentence):
        if _APPROXIMATELY.search(sentence, 0, m.start()):
            continue  # "just over two weeks after": no exact day
        m_start, m_end = offset + m.start(), offset + m.end()
        if not any(m_end <= a <= m_end + RELATIVE_REACH for a, _ in agency_spans):
            continue
        # the date the phrase counts from: before it, or after it in another clause ("Three days after the Politburo
        # met, SAMR acted on Monday"); one in the agency's own clause is its own date ("the order came two weeks after
        # the regulator blocked the merger on July 10": the regulator acted on July 10)
        agency_end = max(b for a, b in agency_spans if m_end <= a <= m_end + RELATIVE_REACH)
        others = [d for d in days if d.end <= m_start or (d.start >= agency_end and _CLAUSE_MARK.search(
            sentence, agency_end - offset, d.start - offset))]
        if not others:
            continue
        base = min(others, key=lambda d: abs(d.start - m_start))
        n = m.group("n").lower()
        n = int(n) if n.isdigit() else _NUMBERS[n]
        delta = _dt.timedelta(days=n * (7 if m.group("unit").lower() == "week" else 1))
        day = _dt.date.fromisoformat(base.value)
        return (day - delta if m.group("dir").lower() == "after" else day + delta).isoformat(), m.group(0)
    return None


def _undated_in_subordinate(text: str, sentence_start: int, agency_spans, in_sentence: list[_Date]) -> bool:
    """Whether the agency is named only just after "after", "before", "since" or "following" and the sentence
    dates nothing from there on: "... on Sunday, three months after the market regulator circulated a draft"
    (the regulator's action is undated), unlike "since the regulator first fined Alibaba in December 2020"."""
    for a, _ in agency_spans:
        m = _UNDATED_BEFORE_AGENCY.search(text, max(sentence_start, a - 40), a)
        if m is None or any(d.start >= m.start() for d in in_sentence):
            return False
    return True


_CLAUSE_MARK = re.compile(r"[,;:—–]")
_POSSESSIVE = re.compile(r"['’]s\s+")


def _without_possessors(acting: list[_Span], text: str) -> list[_Span]:
    """Drops an agency named as the owner of the next one: in "the CAC's Cybersecurity Review Office
    announced" the office acts, not the CAC."""
    starts = {a.start for a in acting}
    return [a for a in acting if not ((m := _POSSESSIVE.match(text, a.end)) and m.end() in starts)]


_CLAUSE_SPLIT = re.compile(r";|,\s+(?:and|but|while|whereas)\b|\s+—\s+")
_RANK = {p: i for i, p in enumerate(EVENT_PRECISIONS)}


def _event_date(in_sentence: list[_Date], agency_spans: list[tuple[int, int]], sentence: str, offset: int) -> _Date:
    """The date an agency's action is about: not the dateline if there is another; a date in the
    agency's own clause before one in another clause ("SAMR opened a probe in December, and last month
    the commission issued guidelines" gives each its own); within it the finest precision, then the
    date nearest the agency's name."""
    candidates = [d for d in in_sentence if d.rule != "dateline"] or in_sentence
    breaks = [offset + m.start() for m in _CLAUSE_SPLIT.finditer(sentence)]

    def clause(pos: int) -> int:
        return sum(b <= pos for b in breaks)

    agency_clauses = {clause(a) for a, _ in agency_spans}

    def gap(d: _Date) -> int:
        return min(max(a - d.end, d.start - b, 0) for a, b in agency_spans)

    return min(candidates, key=lambda d: (clause(d.start) not in agency_clauses, _RANK[d.precision], gap(d), d.start))


#: "the regulator", "China's market regulator", "the ministry", "the central bank": a reference to an
#: agency named earlier in the article.  A describing word narrows it to agencies whose canonical
#: name contains the text given here; a bare "regulator" or "watchdog" can be any regulator.
_REFERENCE_HEADS = ("regulator", "watchdog", "ministry", "central bank", "legislature")
_REFERENCE = re.compile(r"\b(?:[Tt]he|China['’]s|Beijing['’]s|[Tt]he country['’]s) (?:(?P<desc>market|antitrust|competition|"
                        r"cyberspace|internet|securities|banking|media|industry|(?:video )?gam(?:e|ing)|top) )?"
                        r"(?P<head>" + "|".join(_REFERENCE_HEADS) + r")\b")
_REFERENCE_NAMES = {"market": "Market Regulation", "antitrust": "Market Regulation", "competition": "Market Regulation",
                    "cyberspace": "Cyberspace", "internet": "Cyberspace", "securities": "Securities",
                    "banking": "Banking", "media": "Press and Publication", "industry": "Industry",
                    "game": "Press and Publication", "gaming": "Press and Publication",
                    "video game": "Press and Publication", "ministry": "Ministry", "central bank": "People's Bank",
                    "legislature": "National People's Congress"}
#: The agency a described reference means when the article has named none that fits, by its describing word
#: (or its head without one): in China's platform regulation "the market regulator" is SAMR, "the cyberspace
#: regulator" the CAC, "the video game regulator" the NPPA, "the top legislature" the NPC Standing Committee ...
#: None for descriptions that changed hands or are shared: banking, media, a bare "regulator" or "ministry".
_SAMR, _CAC = ("State Administration for Market Regulation", "regulator"), ("Cyberspace Administration of China", "regulator")
_NPPA = ("National Press and Publication Administration", "regulator")
REFERENCE_DEFAULTS = {
    "market": _SAMR, "antitrust": _SAMR, "competition": _SAMR, "cyberspace": _CAC, "internet": _CAC,
    "securities": ("China Securities Regulatory Commission", "regulator"),
    "industry": ("Ministry of Industry and Information Technology", "regulator"),
    "game": _NPPA, "gaming": _NPPA, "video game": _NPPA,
    "central bank": ("People's Bank of China", "regulator"),
    "legislature": ("Standing Committee of the National People's Congress", "government_body"),
}


def _description(reference: re.Match) -> str:
    """The word that narrows a reference: its describing word, else its head ("top legislature": legislature)."""
    desc = reference.group("desc")
    return desc if desc and desc != "top" else reference.group("head")


def _antecedent(reference: re.Match, earlier: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The agency (entity, entity_type) in ``earlier`` that ``reference`` means: of those that fit it,
    the one named most often so far (the story's regulator), the most recent on a tie; with none, the
    description's usual agency (``REFERENCE_DEFAULTS``), if it has one."""
    description = _description(reference)
    needle = _REFERENCE_NAMES.get(description)
    fitting = [item for item in earlier if ((needle in item[0]) if needle else item[1] == "regulator")]
    if not fitting:
        return REFERENCE_DEFAULTS.get(description)
    counts: dict[tuple[str, str], int] = {}
    for item in fitting:
        counts[item] = counts.get(item, 0) + 1
    last = {item: i for i, item in enumerate(fitting)}
    return max(counts, key=lambda item: (counts[item], last[item]))


def resolve_references(segments: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Agencies mentioned by reference ("the regulator", "the market regulator", "the ministry"), each
    resolved to the most recent fitting agency named before it in the article's content paragraphs.

    Returns rows in the mentions' columns, ``matched_by`` = ``reference``; a reference that overlaps a
    named mention or has no fitting agency before it gives none."""
    content = segments[segments["label"] == "content"] if "label" in segments.columns else segments
    by_para: dict[tuple, list] = {}
    for aid, para_no, s, e, entity, kind in zip(*(mentions[c].tolist() for c in
                                                   ("article_id", "para_no", "start", "end", "entity", "entity_type"))):
        by_para.setdefault((aid, para_no), []).append((s, e, entity, kind))
    rows, current, earlier = [], None, []
    for aid, para_no, text in zip(content["article_id"].tolist(), content["para_no"].tolist(), content["text"].tolist()):
        if aid != current:
            current, earlier = aid, []
        named = by_para.get((aid, para_no), [])
        items = [(s, e, (entity, kind)) for s, e, entity, kind in named if kind in AGENCY_TYPES]
        if any(head in text for head in _REFERENCE_HEADS):  # a cheap test before the regex
            items += [(m.start(), m.end(), m) for m in _REFERENCE.finditer(text)
                      if not any(s < m.end() and m.start() < e for s, e, *_ in named)]
        for start, end, item in sorted(items, key=lambda x: x[0]):
            if isinstance(item, re.Match):
                item = _antecedent(item, earlier)
                if item is None:
                    continue
                rows.append((aid, para_no, start, end, text[start:end], item[0], item[1], "reference"))
            earlier.append(item)
    return pd.DataFrame(rows, columns=schema.MENTION_COLUMNS)


def extract_events(segments: pd.DataFrame, mentions: pd.DataFrame, dates: pd.DataFrame, *,
                   references: bool = True) -> pd.DataFrame:
    """One row per content sentence in which a regulator or government body acts on a resolved date.

    Columns: article_id, date (ISO at its precision), precision, agency (one canonical name per
    row), companies (canonical names, ``;``-separated), action_type (``ACTIONS`` vocabulary or
    ``other``), amount_cny (for fines, where stated), sentence, para_no, date_surface.
    The date is the first day-precise date in the sentence, else the finest one.  With ``references``,
    agencies mentioned as "the regulator" and the like act too (:func:`resolve_references`).
    """
    content = segments[segments["label"] == "content"] if "label" in segments.columns else segments
    by_para_dates = _by_paragraph(dates[dates["precision"].isin(EVENT_PRECISIONS)], _Date)
    agencies = mentions[mentions["entity_type"].isin(AGENCY_TYPES)]
    if references:
        agencies = pd.concat([agencies, resolve_references(segments, mentions)], ignore_index=True)
    by_para_agencies = _by_paragraph(agencies, _Span)
    by_para_companies = _by_paragraph(mentions[mentions["entity_type"] == "company"], _Span)
    rows = []
    for aid, para_no, text in zip(content["article_id"].tolist(), content["para_no"].tolist(), content["text"].tolist()):
        key = (aid, para_no)
        if key not in by_para_dates or key not in by_para_agencies:
            continue
        para_dates, para_agencies = by_para_dates[key], by_para_agencies[key]
        para_companies = by_para_companies.get(key, [])
        unnamed = None  # the days and action of the previous sentence, if it names no agency
        for s, e, sentence in _sentence_spans(text):
            in_sentence = [d for d in para_dates if d.start >= s and d.end <= e]
            acting: dict[str, list[tuple[int, int]]] = {}
            for a in _without_possessors([a for a in para_agencies if a.start >= s and a.end <= e], text):
                acting.setdefault(a.entity, []).append((a.start, a.end))
            if not acting and not in_sentence:
                unnamed = None
                continue
            kind = action_type(sentence)
            if not acting:
                days = [d for d in in_sentence if d.precision == "day"]
                unnamed = (days, kind) if kind and days else None
                continue
            carried = False
            if not in_sentence and unnamed and kind:
                # "Regulators summoned 13 platforms on Thursday. The PBOC and the CSRC held the meeting."
                (in_sentence, kind), carried = unnamed, True
            unnamed = None
            if not in_sentence or kind is None:
                continue
            firms = list(dict.fromkeys(c.entity for c in para_companies if c.start >= s and c.end <= e))
            for agency, agency_spans in acting.items():
                relative = _relative_event_date(sentence, s, agency_spans, in_sentence)
                if relative is None and _undated_in_subordinate(text, s, agency_spans, in_sentence):
                    continue  # acted an unstated time before or after the sentence's date
                # of the sentence's actions, the one nearest this agency
                agency_kind = kind if carried or kind == "other" else action_type(
                    sentence, [(a - s, b - s) for a, b in agency_spans])
                amount = fine_amount(sentence) if agency_kind == "fine" else None
                if relative:
                    rows.append((aid, relative[0], "day", agency, ";".join(firms), agency_kind, amount, sentence,
                                 para_no, relative[1]))
                    continue
                chosen = _event_date(in_sentence, agency_spans, sentence, s)
                rows.append((aid, chosen.value, chosen.precision, agency, ";".join(firms), agency_kind, amount,
                             sentence, para_no, chosen.surface))
    out = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    out["amount_cny"] = out["amount_cny"].astype("float64")
    return out


def merge_events(events: pd.DataFrame) -> pd.DataFrame:
    """The same event reported by several articles becomes one row.

    Events are the same when date, agency and action type agree.  Columns: date, precision,
    agency, action_type, companies (union), amount_cny (largest stated), n_articles, articles
    (``;``-separated ids), sentence (the first report).
    """
    if events.empty:
        return pd.DataFrame(columns=["date", "precision", "agency", "action_type", "companies", "amount_cny",
                                     "n_articles", "articles", "sentence"])

    def union(values):
        seen = dict.fromkeys(c for v in values for c in str(v).split(";") if c)
        return ";".join(seen)

    grouped = events.groupby(["date", "precision", "agency", "action_type"], sort=True)
    out = grouped.agg(companies=("companies", union), amount_cny=("amount_cny", "max"),
                      n_articles=("article_id", "nunique"), articles=("article_id", lambda s: ";".join(dict.fromkeys(s))),
                      sentence=("sentence", "first")).reset_index()
    return out.sort_values(["date", "agency"], ignore_index=True)


def load_timeline(path=None) -> pd.DataFrame:
    """The reference timeline (``data/reference/timeline.csv``)."""
    return pd.read_csv(path or paths.TIMELINE_CSV, dtype=str, keep_default_na=False)


def compare_with_reference(merged: pd.DataFrame, timeline: pd.DataFrame | None = None, *,
                           tolerance_days: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Line extracted events up with the reference timeline.

    Returns (reference, unmatched): ``reference`` is the timeline with ``covered`` (bool) and
    ``n_articles`` (articles reporting an extracted event that matches it); ``unmatched`` lists the
    merged events that match no reference row.  A match shares an agency and falls within
    ``tolerance_days`` of the reference date (or in its month, for month-precise extractions).
    """
    timeline = load_timeline() if timeline is None else timeline.copy()
    ref_dates = pd.to_datetime(timeline["date"])
    covered, counts, matched_rows = [], [], set()
    ev = merged.copy()
    ev_day = pd.to_datetime(ev["date"].where(ev["precision"] == "day"), errors="coerce")
    ev_month = ev["date"].str.slice(0, 7)
    for i, (agencies, ref_day) in enumerate(zip(timeline["agency"], ref_dates)):
        names = {a for a in agencies.split(";") if a}
        same_agency = ev["agency"].isin(names)
        near = (ev_day - ref_day).abs().dt.days.le(tolerance_days).fillna(False)
        same_month = (ev["precision"] == "month") & (ev_month == ref_day.strftime("%Y-%m"))
        hits = ev[same_agency & (near | same_month)]
        matched_rows.update(hits.index)
        covered.append(not hits.empty)
        counts.append(len({a for arts in hits["articles"] for a in arts.split(";")}) if not hits.empty else 0)
    timeline["covered"], timeline["n_articles"] = covered, counts
    unmatched = merged.drop(index=list(matched_rows)).reset_index(drop=True)
    return timeline, unmatched
