"""Split article bodies into paragraphs and sentences, and label each paragraph content or boilerplate.

Entry points
------------
* :func:`split_paragraphs` / :func:`split_sentences`: text -> list of strings.
* :func:`classify_paragraphs`: one article's paragraphs -> ``"CONTENT"`` / ``"BOILERPLATE"``
  (works with no corpus; the signature the shared boilerplate benchmark expects).
* :func:`label_paragraphs`: the articles table -> the segments table, one row per paragraph,
  with a kind and a reason an analyst can read.  It adds the strongest signal, which needs no
  labels: a paragraph repeated across an outlet's articles (or the corpus) is page furniture.

How a paragraph is judged
-------------------------
1. **Repetition** (corpus only): the paragraph's normalised text recurs in at least
   ``REPEAT_MIN_SHARE_DEFAULT`` of its outlet's articles (and at least ``REPEAT_MIN_ARTICLES_DEFAULT``
   of them), or in ``REPEAT_MIN_CORPUS_DEFAULT`` articles corpus-wide; or the same text appears twice
   in one article (doubled captions).  Long prose paragraphs are exempt from the corpus-wide rule.
2. **Cue phrases** per kind (newsletter, app, paywall, share, contact, related, caption, copyright,
   cookie, navigation, byline, advertisement, other): ``CUES`` below.
3. **Shape and position**: a model over word count, stop-word share, closing punctuation,
   capitalised share, brackets, URLs/emails, cue hits, and the paragraph's place relative to the
   article's main body span (the densest run of prose) and its neighbours: gradient-boosted trees
   over these features, then a second set of trees over the first one's scores of the paragraph and
   its neighbours.  The trees are in ``boilerplate_weights.json`` (fitted by
   ``benchmarks/fit_boilerplate.py`` with scikit-learn) and evaluated here with numpy
   (:class:`TreeEnsemble`).  An article shorter than any page they were fitted on (fewer than
   ``MIN_MODEL_PARAGRAPHS``) is scored by its cue phrases instead (:func:`short_article_scores`).
4. **In a corpus, two more passes**: an article whose outlet template lines were found is scored again with
   them set aside (a sentence of prose among ads and teasers is content again), and a short paragraph that
   repeats a sentence of the same article (a pull quote, a summary line) is boilerplate.
"""
from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter, OrderedDict
from functools import lru_cache, reduce
from itertools import chain, compress, repeat
from operator import is_, itemgetter, or_
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths, schema

CONTENT, BOILERPLATE = "content", "boilerplate"
KINDS = ("newsletter", "app", "paywall", "share", "contact", "related", "caption", "copyright",
         "cookie", "navigation", "byline", "advertisement", "other")
SEGMENT_COLUMNS = schema.SEGMENT_COLUMNS

#: A paragraph repeated in at least this share of an outlet's articles is boilerplate ...
REPEAT_MIN_SHARE_DEFAULT = 0.2
#: ... provided it recurs in at least this many of them.
REPEAT_MIN_ARTICLES_DEFAULT = 3
#: Corpus-wide, a short paragraph found in this many articles is boilerplate whatever the outlet.
REPEAT_MIN_CORPUS_DEFAULT = 5
#: Paragraphs longer than this (words) are not judged boilerplate by corpus-wide repetition alone.
REPEAT_MAX_WORDS_CORPUS = 40
#: In paragraphs longer than this (words) only cue phrases at the very start count.
LONG_PARAGRAPH_WORDS = 40
#: Decision threshold on the model's boilerplate probability.
THRESHOLD_DEFAULT = 0.5
#: Lines shorter than this (characters) inside one block are treated as separate items.
WRAP_MIN_LINE_CHARS = 40
WEIGHTS_FILE = paths.PACKAGE_DIR / "boilerplate_weights.json"

# --------------------------------------------------------------------------- splitting
_TERMINAL = re.compile(r"[.!?。！？:;\"”’»)\]]\s*$")


def split_paragraphs(body: str) -> list[str]:
    """Blank-line-separated blocks; a block of separate short items becomes one paragraph per line.

    Prose hard-wrapped over several lines stays one paragraph: a block is re-joined when its
    lines (all but the last) are of similar length and at least ``WRAP_MIN_LINE_CHARS`` long,
    or when a line ends mid-sentence and the next one continues it in lower case.
    """
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", body.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if len(lines) == 1 or _is_wrapped(lines):
            paragraphs.append(" ".join(lines))
            continue
        current = lines[0]
        for line in lines[1:]:
            if not _TERMINAL.search(current) and re.match(r"[a-z0-9(,;]", line):
                current += " " + line
            else:
                paragraphs.append(current)
                current = line
        paragraphs.append(current)
    return paragraphs


def _is_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped prose: lines of similar width, most breaks falling mid-sentence."""
    head = lines[:-1]
    lengths = [len(ln) for ln in head]
    if min(lengths) < WRAP_MIN_LINE_CHARS or max(lengths) - min(lengths) > 0.25 * max(lengths):
        return False
    if len(lines[-1]) > max(lengths) + 5:
        return False
    continued = sum(not _TERMINAL.search(a) and bool(re.match(r"[a-z0-9(,;“\"'‘-]", b)) for a, b in zip(lines, lines[1:]))
    return continued >= 0.5 * len(head)


_ABBREVIATIONS = {
    "co", "ltd", "inc", "corp", "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "no", "vs", "etc",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gov", "gen",
    "rep", "sen", "dept", "est", "approx", "fig", "op", "pp", "vol", "e.g", "i.e", "u.s", "u.k", "u.n",
    "e.u", "p.m", "a.m", "plc", "llc", "bhd", "pte", "s.a", "n.v", "ag",
}
#: After an abbreviation ("9 p.m.", "the U.S."), one of these words starts a new sentence.
_SENTENCE_STARTERS = frozenset("The On In It A An But He She They This That These Those Its Their At For After "
                               "Before When While As Meanwhile However We I There Some Many Most Shares".split())
_SENT_END = re.compile(r"([.!?]+)([\"”’')\]]*)(?=\s|$)|([。！？]+)([”’」』)]*)")


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph. Abbreviations ("Co. Ltd.", "Nov. 3", "U.S.", "Mr.") and initials
    do not end a sentence; Chinese full stops do."""
    sentences, start = [], 0
    for m in _SENT_END.finditer(text):
        if m.group(1) is not None:
            if m.group(1) == "." and not _is_sentence_end(text, m.start(1), m.end()):
                continue
        piece = text[start:m.end()].strip()
        if piece:
            sentences.append(piece)
        start = m.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _is_sentence_end(text: str, dot: int, after: int) -> bool:
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[:dot])
    token = word.group(1).lower() if word else ""
    nxt = text[after:].lstrip()[:1]
    if token in _ABBREVIATIONS or token.rstrip(".") in _ABBREVIATIONS:
        # "Co. Ltd.", "Nov. 3", "Mr. Ma": not an end unless a new sentence obviously starts
        following = re.match(r"\s*([\"“]?)([A-Za-z]+)", text[after:])
        return bool(following and (following.group(1) or following.group(2) in _SENTENCE_STARTERS))
    if len(token) == 1 and token.isalpha() and text[dot - 1].isupper():
        return False  # an initial: "Sarah E. Needleman"
    return nxt == "" or bool(re.match(r"[A-Z0-9\"“‘'(\[\u4e00-\u9fff]", nxt))


# --------------------------------------------------------------------------- cues
CUES: dict[str, str] = {
    "newsletter": r"newsletter|subscribe (?:to|now|for)|sign(?:ing)? up (?:for|to|here)|in your inbox|delivered (?:free )?to your inbox|"
                  r"subscriber list|manage (?:your )?subscription|you are now registered|get (?:our|the) .{0,40}(?:brief|bulletin|digest)\b",
    "app": r"download (?:the|our) .{0,40}app|\bapp store\b|google play|scan the qr code|get the .{0,30} app|"
           r"follow (?:us|.{0,40}) on (?:telegram|whatsapp|wechat|weibo|twitter|x|facebook|instagram|linkedin|youtube)|"
           r"is now on (?:telegram|whatsapp)|breaking news alerts",
    "paywall": r"subscribers? only|only (?:available )?to subscribers|for .{0,30}subscribers|already (?:a )?subscriber|"
               r"log ?in\b|sign in\b|premium content|monthly plan|annual plan|billed (?:annually|monthly|yearly|at\b)|billed as (?:rm|\$|¥|€|£)? ?\d|cancel anytime|free trial|"
               r"read (?:the )?full (?:article|story)|keep reading|to read the full|unlock|create an? (?:free )?account",
    "share": r"^share\b|share (?:this|on|the) (?:article|story|facebook|twitter|x)|^(?:facebook|twitter|linkedin|email|print|copy link|whatsapp)\b.{0,40}$|"
             r"\b(?:facebook|twitter|linkedin|whatsapp)\s*[|•·]\s*",
    "contact": r"^contact (?:the )?(?:reporter|editor|us|author)|contact reporter|\(\(.{0,80}@|"
               r"\bemail (?:the )?(?:reporter|author)|send (?:us )?(?:a )?(?:news )?tip|got a news tip",
    "related": r"^(?:related|read more|see also|also read|more from|next in|further reading|recommended|top picks|"
               r"most (?:popular|read)|you may also like|what's brewing|latest .{0,20}videos|more stories|"
               r"also in [a-z]+|topic\s*\||knowledge\s*\||explore\b|trending|special reports)\b",
    "caption": r"\bphoto:\s|\(image:|^image:|\bimage credit\b|file photo|/file photo|/illustration\b|\bcredit: ?(?:ap|reuters|afp|getty)|"
               r"\bphoto (?:from|by|courtesy)\b|\b(?:reuters|afp|ap|vcg|epa-efe|getty images|bloomberg)\s*$|\[file:",
    "copyright": r"©|\(c\) ?\d{4}|copyright|all rights reserved",
    "cookie": r"\bcookies?\b.{0,80}\b(?:browse|consent|agree|use of|personali[sz]|privacy)|privacy (?:policy|settings)|"
              r"we use cookies|accept all",
    "navigation": r"^(?:home|menu|left menu|skip to (?:main )?content|search|sections?|back to top|sign out|close)\s*$|"
                  r"\s[•|»]\s.*\s[•|»]\s",
    "byline": r"^\(?(?:reporting|additional reporting|writing|editing|edited|written|compiled) by\b|^by (?:(?![\d_])\w)+ (?![\d_])\w|"
              r"^editor:|\(web editor|^posted by|^source: \w+|^责任编辑|^编辑[:：]",
    "advertisement": r"^(?:advertisement|sponsored|ad|\[ad_\d\]|story continues below(?: advertisement)?|promoted)\s*$",
    "other": r"^reading time|\d+ min(?:ute)?s? read$|comments are closed|^keywords?:|leave a reply|views expressed|"
             r"not (?:give|constitute|provide) investment advice|market data delayed|is (?:a|an|the) .{0,60}(?:reporter|correspondent|"
             r"editor|writer|columnist) (?:for|at|based)|^updated:|this (?:story|article) (?:is developing|has been updated)|"
             r"our standards|trust principles|^(?:tags?|topics?):",
}
_CUE_PATTERNS = {k: re.compile(v, re.I) for k, v in CUES.items()}


def _lowered(pattern: re.Pattern) -> re.Pattern:
    """A case-insensitive pattern as a case-sensitive one for lower-cased text: same matches, and Python's
    regex engine runs it 1.5-5x faster than with re.I (literal prefixes are used again)."""
    assert pattern.flags & re.I and not re.search(r"\\[A-Z]", pattern.pattern), pattern.pattern
    return re.compile(pattern.pattern.lower(), pattern.flags & ~re.I)


def _top_level_alternatives(source: str) -> list[str]:
    """A regex source split at its top-level ``|`` (not inside a group or a character class, not escaped)."""
    parts, current, depth, in_class, i = [], [], 0, False, 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            current.append(source[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if source[i + 1:i + 2] == "]" or source[i + 1:i + 3] == "^]":  # "[]..." / "[^]...": a literal "]"
                raise ValueError(f"unsupported character class in {source!r}")
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(c)
        i += 1
    parts.append("".join(current))
    return parts


def _group_end(source: str, i: int) -> int:
    """The index after the group or character class opening at ``source[i]``."""
    depth, in_class = 0, False
    while True:
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
            if not in_class and depth == 0:
                return i + 1
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def _required_literal(alternative: str) -> str:
    """The longest text every match of ``alternative`` (one regex alternative, no top-level ``|``) contains:
    a run of literal characters at its top level (not in a group or character class) that no quantifier makes
    optional.  "" if there is none."""
    runs, run, i = [], "", 0
    while i < len(alternative):
        c = alternative[i]
        if c == "\\" and not alternative[i + 1].isalnum():  # an escaped punctuation character: literal
            run, i = run + alternative[i + 1], i + 2
        elif c == "\\" or c in ".^$":  # \b \s \d ..., any character, anchors
            runs.append(run)
            run, i = "", i + 2 if c == "\\" else i + 1
        elif c in "([":
            runs.append(run)
            run, i = "", _group_end(alternative, i)
        elif c in "?*+{":  # a quantifier: the character before it may be absent (?, *, {0,) or repeated
            if c in "?*" or alternative.startswith("{0", i):
                run = run[:-1]
            runs.append(run)
            run = ""
            i = alternative.index("}", i) + 1 if c == "{" else i + 1
            if alternative[i:i + 1] == "?":  # lazy
                i += 1
        else:
            run, i = run + c, i + 1
    runs.append(run)
    return max(runs, key=len)


def _distributed(alternative: str) -> list[str]:
    """``alternative`` as several, when it starts (after an optional ``\\b``) with a group of alternatives that no
    quantifier follows: ``\\b(?:a|b)x`` matches where ``\\bax`` or ``\\bbx`` does (each then has its own
    :func:`_required_literal`, e.g. "photo" and "image" where the group had none)."""
    prefix = "\\b" if alternative.startswith("\\b") else ""
    rest = alternative[len(prefix):]
    if rest.startswith("(?:"):
        end = _group_end(rest, 0)
        if rest[end:end + 1] not in ("?", "*", "+", "{"):
            return [alt for sub in _top_level_alternatives(rest[3:end - 1]) for alt in _distributed(prefix + sub + rest[end:])]
    return [alternative]


def _split_search(pattern: re.Pattern) -> tuple[re.Pattern | None, object]:
    """``pattern`` (several alternatives, no re.M, no re.I) as (its alternatives anchored at the start, without
    the ``^``, as one pattern for ``match``; a function searching for any of the others), either None if there
    are none.  ``pattern.search(s)`` matches iff one of the two does, and the two are much faster: Python's
    regex engine tries every alternative at every position, and cannot skip ahead to a literal once
    alternatives are mixed.  Every unanchored alternative is searched alone, and only in a text that contains
    its :func:`_required_literal` (a substring test is far cheaper than a search); one starting with ``\\b`` and
    no such literal only after its rest (without the ``\\b``: a necessary condition, quicker to find)."""
    source, flags = pattern.pattern, pattern.flags
    alternatives = _top_level_alternatives(source)
    # the split is exact only without re.M (``^`` = start of the text) and with no back-references; the literals
    # are compared case-sensitively
    assert "|".join(alternatives) == source and not flags & (re.M | re.I) and not re.search(r"\\[1-9]|\(\?P=", source), source
    anchored = [a[1:] for a in alternatives if a.startswith("^")]
    tests = []
    for alt in (d for a in alternatives if not a.startswith("^") for d in _distributed(a)):
        needle = _required_literal(alt)
        if alt.startswith("\\b"):
            tests.append((needle, _both(re.compile(alt[2:], flags).search, re.compile(alt, flags).search)))
        else:
            tests.append((needle, re.compile(alt, flags).search))
    needles = tuple(needle for needle, _ in tests)

    def search(s: str) -> bool:
        for needle, one in tests:
            if needle in s and one(s):
                return True
        return False

    def search_if_any_needle(s: str) -> bool:  # most texts have none of them: one C-level pass over the needles
        return any(map(s.__contains__, needles)) and search(s)
    if not tests:
        return (re.compile("|".join(anchored), flags) if anchored else None), None
    return (re.compile("|".join(anchored), flags) if anchored else None), (
        search_if_any_needle if len(tests) > 2 and all(needles) else search)


def _fast_search(pattern: re.Pattern):
    """A function ``s -> bool(pattern.search(s))``, faster (:func:`_split_search`)."""
    anchored, search = _split_search(pattern)
    if anchored is None or search is None:
        return search or anchored.match
    match = anchored.match
    return lambda s: match(s) is not None or bool(search(s))


def _both(first, second):
    return lambda s: first(s) is not None and second(s) is not None


#: The cue patterns for lower-cased text (what match_cues searches) ...
_CUE_LOWER = {k: _lowered(v) for k, v in _CUE_PATTERNS.items()}
#: ... and as (anchored alternatives' ``match``, the other alternatives' search) (:func:`_split_search`) for the
#: batch path, with all kinds' anchored alternatives in one pattern: a paragraph that none of them matches at
#: its start (most) needs no other ``match``.
_CUE_PARTS = {k: _split_search(v) for k, v in _CUE_LOWER.items()}
_CUE_ANY_START = re.compile("|".join(f"(?:{a.pattern})" for a, _ in _CUE_PARTS.values() if a is not None)).match

#: A kind's cue pattern is only tried when the paragraph contains one of these words or symbols
#: (a set lookup is much cheaper than a regex search; the result is the same).  None = always try.
_CUE_TRIGGERS: dict[str, frozenset | None] = {
    "newsletter": frozenset("newsletter newsletters subscribe sign signing inbox subscriber subscription registered brief bulletin digest".split()),
    "app": frozenset("download app store play scan qr get follow telegram whatsapp alerts".split()),
    "paywall": frozenset("subscriber subscribers subscriber's already log login sign premium monthly annual billed cancel trial read keep unlock create only".split()),
    "share": frozenset("share facebook twitter linkedin email print copy whatsapp".split()),
    "contact": frozenset("contact email send tip (( got".split()),
    "related": None,
    "caption": frozenset("photo image file illustration credit reuters afp ap vcg getty bloomberg epa efe".split()),
    "copyright": frozenset("© copyright rights c".split()),
    "cookie": frozenset("cookie cookies privacy accept".split()),
    "navigation": None,
    "byline": None,
    "advertisement": None,
    "other": frozenset("reading min mins minute minutes comments keyword keywords reply views advice delayed reporter "
                       "correspondent editor writer columnist updated story article standards trust tags topics tag topic".split()),
}
_TRIGGER_SYMBOLS = ("©", "((")
_ALWAYS_TRIED = tuple(k for k, v in _CUE_TRIGGERS.items() if v is None)
_TRIGGER_TO_KINDS: dict[str, tuple[str, ...]] = {}
for _kind, _words in _CUE_TRIGGERS.items():
    for _w in _words or ():
        _TRIGGER_TO_KINDS[_w] = _TRIGGER_TO_KINDS.get(_w, ()) + (_kind,)
_TRIGGER_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")  # splits glued "SubscribeSign In" too
_CUE_START_KINDS = ("related", "byline", "contact", "advertisement")


#: Cue phrases are looked for in at most this many characters at each end of a long paragraph.
CUE_WINDOW_CHARS = 200

# Candidate kinds are kept as bit masks (bit i = KINDS[i]): OR-ing per-word masks is cheaper than set unions,
# and the batch path (:func:`paragraph_stats_many`) computes a paragraph's mask from its words with numpy.
_KIND_BIT = {k: 1 << i for i, k in enumerate(KINDS)}
_ALWAYS_MASK = sum(_KIND_BIT[k] for k in _ALWAYS_TRIED)
#: Per trigger word or symbol: the mask of the kinds it lets through.
_TRIGGER_MASK = {w: sum(_KIND_BIT[k] for k in kinds) for w, kinds in _TRIGGER_TO_KINDS.items()}
_NAV_BIT, _BYLINE_BIT = _KIND_BIT["navigation"], _KIND_BIT["byline"]
# The batch path finds no cue without trying the kinds when a paragraph has no trigger word or symbol, no
# separator, no "(web editor" and nothing _CUE_ANY_START matches; that relies on these (checked at import):
assert set(_ALWAYS_TRIED) == {"related", "navigation", "byline", "advertisement"}
assert _CUE_PARTS["related"][1] is None and _CUE_PARTS["advertisement"][1] is None
assert [a for a in _top_level_alternatives(_CUE_LOWER["navigation"].pattern) if a[:1] != "^"] == [r"\s[•|»]\s.*\s[•|»]\s"]
assert [a for a in _top_level_alternatives(_CUE_LOWER["byline"].pattern) if a[:1] != "^"] == [r"\(web editor"]
#: mask -> ((kind, search), ...) and ((kind, anchored match, other search), ...) (``_CUE_PARTS``), in KINDS order;
#: filled as masks occur (at most 2**13 of them).
_MASK_SEARCHES: dict[int, tuple[tuple[str, object], ...]] = {}
_MASK_PARTS: dict[int, tuple[tuple[str, object, object], ...]] = {}


def _mask_searches(mask: int) -> tuple[tuple[str, object], ...]:
    kinds = _MASK_SEARCHES.get(mask)
    if kinds is None:
        kinds = _MASK_SEARCHES[mask] = tuple((k, _CUE_LOWER[k].search) for k in KINDS if mask & _KIND_BIT[k])
    return kinds


def _mask_parts(mask: int) -> tuple[tuple[str, object, object], ...]:
    kinds = _MASK_PARTS.get(mask)
    if kinds is None:
        kinds = _MASK_PARTS[mask] = tuple((k, a.match if a is not None else None, search)
                                          for k, (a, search) in _CUE_PARTS.items() if mask & _KIND_BIT[k])
    return kinds


def _token_mask(tokens) -> int:
    """The kinds the trigger words among ``tokens`` (lower case) let through, as a mask."""
    return reduce(or_, map(_TRIGGER_MASK.get, tokens, repeat(0)), 0)


def match_cues(text: str, lower_words: list[str] | None = None, also_in: str | None = None,
               also_in_text: str | None = None) -> list[str]:
    """Kinds whose cue phrases occur in ``text`` (in ``KINDS`` order); with ``also_in`` (lower case), only
    the kinds whose phrases occur in it as well (tested first: it is short).  ``also_in_text``: ``also_in``
    before lower-casing (e.g. the paragraph's opening); the trigger words are then looked for in it only,
    which is cheaper than in the whole paragraph and gives the same result.

    In a long paragraph only its first and last ``CUE_WINDOW_CHARS`` characters are searched:
    prompts and credits sit at the edges, and this bounds the cost per paragraph."""
    if len(text) > 2 * CUE_WINDOW_CHARS:
        text = text[:CUE_WINDOW_CHARS] + " … " + text[-CUE_WINDOW_CHARS:]
    # a kind can only match (in both texts) if one of its trigger words or symbols occurs (in the shorter one)
    if also_in is not None and also_in_text is not None:
        trigger_text = also_in_text
        mask = _token_mask(map(str.lower, _TRIGGER_TOKEN.findall(also_in_text)))
    elif lower_words is None or len(text) > 2 * CUE_WINDOW_CHARS + 3:
        trigger_text = text
        mask = _token_mask(map(str.lower, _TRIGGER_TOKEN.findall(text)))
    else:
        trigger_text = text
        mask = _token_mask(lower_words)
    return _match_cues_masked(text, text.lower(), trigger_text, mask, also_in)


def _match_cues_masked(text: str, low: str, trigger_text: str, mask: int, also_in: str | None) -> list[str]:
    """The end of :func:`match_cues`: ``text`` (already cut to its window), ``low`` = ``text.lower()``,
    ``mask`` = the kinds let through by the trigger words."""
    mask = _candidate_mask(text, low, trigger_text, mask)
    if also_in is not None:
        return [k for k, search in _mask_searches(mask) if search(also_in) and search(low)]
    return [k for k, search in _mask_searches(mask) if search(low)]


def _candidate_mask(text: str, low: str, trigger_text: str, mask: int) -> int:
    """The kinds :func:`match_cues` tries: ``mask`` (its trigger words'), the trigger symbols' and the kinds
    always tried, less two that cannot match."""
    mask |= _ALWAYS_MASK
    for sym in _TRIGGER_SYMBOLS:
        if sym in trigger_text:
            mask |= _TRIGGER_MASK[sym]
    if len(text.rstrip()) > 20 and "•" not in text and "|" not in text and "»" not in text:
        mask &= ~_NAV_BIT  # its only unanchored alternative needs one of these separators
    if low[:1] not in "(rawecbps责编" and "(web editor" not in low:
        mask &= ~_BYLINE_BIT  # all its alternatives but "(web editor" are anchored at the start
    return mask


def _match_cues_fast(text: str, low: str, trigger_text: str, mask: int, also_in: str | None) -> list[str]:
    """:func:`_match_cues_masked`, the same kinds found faster: each kind's alternatives anchored at the start
    are only tried when ``_CUE_ANY_START`` matches, the others with :func:`_split_search`'s search."""
    parts = _mask_parts(_candidate_mask(text, low, trigger_text, mask))
    if also_in is not None:
        return [k for k, match, search in parts if _cue_part_hit(also_in, match, search) and _cue_part_hit(low, match, search)]
    at_start = _CUE_ANY_START(low) is not None
    return [k for k, match, search in parts
            if (at_start and match is not None and match(low) is not None) or (search is not None and search(low))]


def _cue_part_hit(s: str, match, search) -> bool:
    return (match is not None and match(s) is not None) or (search is not None and bool(search(s)))


# --------------------------------------------------------------------------- features
STOPWORDS = frozenset("""a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours yourself yourselves also said says would could may might must shall
""".split())
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PUNCT = ".,;:!?\"'()[]{}“”‘’«»—–-_/|*#@&%$€£¥…·•"
_PUNCT_ASCII = "".join(c for c in _PUNCT if c.isascii())

#: Features of the paragraph alone (computed once per distinct text, cached) ...
OWN_FEATURE_NAMES = [
    "bias", "log_words", "short_1_3", "short_4_9", "stop_share", "terminal", "cap_share", "has_url",
    "dangling_bracket", "digit_share", "pipes", "cue_any", "cue_start", "is_cjk", "title_case", "imperative",
    "you_we_share", "glued", "caption_cue", "ends_colon", "upper_share", "log_chars_gt_400",
    "site_vocab", "mid_dateline", "weekday_date", "credit_line", "comment_line", "about_bio", "log_sentences",
    "few_content_words",
]
#: ... and of its place in the article.
POSITION_FEATURE_NAMES = [
    "in_span", "dist_span", "after_span", "before_span", "rel_pos", "prev_words", "next_words", "prev_cue",
    "next_cue", "dup_in_article",
    "body_overlap", "comment_context", "char_pos", "chars_to_span", "prose_run_share", "prefix_dup", "prev_caption",
    "next_caption", "adjacent_dup", "next_credit_line", "first_in_span", "last_in_span", "near_dup_prev",
]
FEATURE_NAMES = OWN_FEATURE_NAMES + POSITION_FEATURE_NAMES
_OWN_CREDIT = OWN_FEATURE_NAMES.index("credit_line")
_OWN_LOG_WORDS = OWN_FEATURE_NAMES.index("log_words")
_OWN_CUE = OWN_FEATURE_NAMES.index("cue_any")
_OWN_CAPTION = OWN_FEATURE_NAMES.index("caption_cue")
_OWN_COMMENT = OWN_FEATURE_NAMES.index("comment_line")
#: Second stage: the first stage's log-odds of the paragraph and its neighbours (context smoothing).
STAGE2_NAMES = ["bias", "z", "z_prev", "z_next", "z_win", "z_min_win", "z_max_win", "in_span", "log_words"]
_IMPERATIVE = re.compile(r"^(?:get|join|sign|subscribe|click|follow|download|read|watch|listen|share|start|register|"
                         r"learn|discover|see|visit|explore|try|support|become|donate|tap|shop|check out|don't miss|"
                         r"find out|want|like|enjoy|stay|never miss|please)\b", re.I)
_GLUED = re.compile(r"[a-z][A-Z][a-z]")
#: The first two letters of _IMPERATIVE's words: an opening of two ASCII characters that is none of these (case
#: aside) cannot match it (the batch path then skips the regex).
_IMPERATIVE_WORDS = _IMPERATIVE.pattern[len("^(?:"):-len(")\\b")].split("|")
assert _IMPERATIVE.pattern == "^(?:" + "|".join(_IMPERATIVE_WORDS) + ")\\b" and all(
    re.fullmatch(r"[a-z][a-z' ]+", w) for w in _IMPERATIVE_WORDS)
_IMPERATIVE_STARTS = frozenset(w[:2] for w in _IMPERATIVE_WORDS)
_CAPTION_CUE = re.compile(r"\((?:pictured|left|right|center|centre|top|bottom|above|below|file)\)|\bat (?:left|right)\b|"
                          r"^(?:above|below|top|pictured|video|watch|listen|photo|image)\s*[:|]|\s\|\s*[A-Z][\w.]+(?:\s[A-Z][\w.]+)?\s*$|"
                          r"/(?:ap|afp|reuters|getty|file)\b|getty images|shutterstock|\bphotograph(?:ed)?\b", re.I)


_URL_HINTS = ("http", "www.", "@", ".com", ".org", ".net", ".cn", ".example")
_URL_HINT = re.compile("|".join(map(re.escape, _URL_HINTS)))
assert _URL_HINTS == ("http", "www.", "@", ".com", ".org", ".net", ".cn", ".example")  # spelt out in the batch path
_YOU_WE_WORDS = frozenset("you your we our us".split())


_CAPTION_TRIGGERS = frozenset("pictured left right above below video watch listen photo image getty shutterstock "
                              "photograph photographed top bottom center centre file ap afp reuters".split())
_TERMINAL_CHARS = frozenset('.!?。！？:;"”’»)]')
#: Words of site furniture (legal notices, comment policies, newsletter and subscription pitches).
_SITE_WORDS = frozenset("cookie cookies website site newsletter newsletters subscribe subscription subscribers unsubscribe "
                        "advertising advertisement affiliate commission disclaimer comment comments commenters browser email "
                        "emails account login terms consult reserved trademark trademarks webinar webinars policy privacy".split())
#: Reader comments' metadata lines ("Reply", "John says:", "3:45 pm", "2 days ago").
_COMMENT_LINE = re.compile(r"^(?:reply|report|like|permalink|flag|log in to reply|share|quote|upvote|reply to this comment)\s*$|"
                           r"\b(?:says|said|wrote):?\s*$|\d{1,2}:\d{2}\s*(?:am|pm)\b|"
                           r"\b\d+ (?:minutes?|hours?|days?|weeks?|months?|years?) ago\b", re.I)
_COMMENT_WORDS = frozenset(["reply", "report", "like", "permalink", "flag", "log in to reply", "share", "quote", "upvote",
                            "reply to this comment"])
#: A dateline in the middle of a line ("... in Parliament: Cong NEW DELHI: The Congress"): headline + teaser lede.
_MID_DATELINE = re.compile(r"[a-z)’'\"”:]\s+[A-Z]{2,}(?:[ -][A-Z]{2,})*(?:,\s[A-Z][a-z]+)?\s*[:—–]\s")
#: Full date with weekday ("Tuesday, Nov. 19, 2019"): typical of photo captions.
_WEEKDAY_DATE = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                           r"[a-z]*\.? \d{1,2},? \d{4}", re.I)
#: Photo credit on a line of its own ("Sakib Ali/Hindustan Times/Getty Images").
_CREDIT_LINE = re.compile(r"^[A-Z][\w.'’-]*(?: [\w.'’&-]+){0,5}\s*/\s*[\w .'’&/-]+$|"
                          r"(?:getty images|shutterstock|ap photo|reuters|afp|associated press|courtesy)\s*\)?$", re.I)
_CREDIT_TRIGGERS = frozenset("getty shutterstock ap reuters afp associated courtesy".split())
#: "About the company" paragraphs and author bios (the pattern is only tried when one of the trigger words occurs).
_ABOUT_TRIGGERS = frozenset("provider company firm leader organization organisation agency network publisher writer reporter "
                            "editor author journalist correspondent contributor columnist founder professor analyst fellow "
                            "director".split())
_ABOUT_BIO = re.compile(
    r"^about (?:the )?[A-Z\w]|\bheadquartered in\b|\bemploys (?:around|about|over|more than|some) [\d,]+|"
    r"\b(?:is|was) (?:an?|the) (?:[\w-]+ ){0,6}(?:provider|company|firm|leader|organi[sz]ation|agency|network|publisher)\b"
    r".{0,80}\b(?:founded|based|headquartered|listed|worldwide|global)|"
    r"^[A-Z][\w.-]+(?: [A-Z][\w.-]+){0,3} (?:\([^)]*\) )?(?:is|was) (?:an?|the) (?:[\w-]+ ){0,8}(?:writer|reporter|editor|"
    r"author|journalist|correspondent|contributor|columnist|founder|professor|analyst|fellow|director|publisher)\b", re.I)


_CAPTION_CUE_LOWER, _WEEKDAY_DATE_LOWER, _ABOUT_BIO_LOWER, _CREDIT_LINE_LOWER, _COMMENT_LINE_LOWER = map(
    _lowered, (_CAPTION_CUE, _WEEKDAY_DATE, _ABOUT_BIO, _CREDIT_LINE, _COMMENT_LINE))
#: The same searches, faster (:func:`_fast_search`; the batch path uses these).
_CAPTION_CUE_FAST, _WEEKDAY_DATE_FAST, _ABOUT_BIO_FAST, _CREDIT_LINE_FAST, _COMMENT_LINE_FAST = map(
    _fast_search, (_CAPTION_CUE_LOWER, _WEEKDAY_DATE_LOWER, _ABOUT_BIO_LOWER, _CREDIT_LINE_LOWER, _COMMENT_LINE_LOWER))


def _paragraph_stats_one(text: str) -> dict:
    """:func:`paragraph_stats` of one text, computed alone (not cached).  The reference for
    :func:`_paragraph_stats_batch`, which must give the same values."""
    # str.split is several times faster than a Unicode word regex on long paragraphs
    # (map/filter keep the per-token work in C; the digit filter only runs when there are digits)
    n_digits = sum(map(text.count, "0123456789"))
    words = list(filter(None, map(str.strip, text.split(), repeat(_PUNCT))))
    if n_digits:
        words = [w for w in words if not w[0].isdigit()]
    n_cjk = 0 if text.isascii() else len(_CJK.findall(text))
    n_words = len(words) + n_cjk // 2
    lower = list(map(str.lower, words))
    stop = sum(map(STOPWORDS.__contains__, lower))
    caps = sum(map(str.isupper, map(itemgetter(0), words)))
    glued = len(_GLUED.findall(text))
    start = text.lstrip()[:40]
    lower_start = start.lower()
    text_lower = text.lower()
    # in long prose a cue word is usually just a word ("billed as", "follow"): keep opening cues only
    long = n_words > LONG_PARAGRAPH_WORDS
    cues = match_cues(text, lower if not glued else None, lower_start if long else None, start if long else None)
    cue_start = bool(cues) and any(_CUE_LOWER[k].search(lower_start) for k in _CUE_START_KINDS if k in cues)
    stop_share = stop / len(words) if words else (0.3 if n_cjk > 5 else 0.0)
    terminal = text.rstrip()[-1:] in _TERMINAL_CHARS
    cap_share = caps / len(words) if words else 0.0
    has_url = bool(_URL_HINT.search(text))
    dangling = text.count("(") != text.count(")") or text.count("[") != text.count("]")
    digit_share = n_digits / max(1, len(text))
    pipes = text.count("|") + text.count("•") + text.count("»")
    is_cjk = n_cjk > len(words)
    you_we = sum(map(_YOU_WE_WORDS.__contains__, lower))
    n_upper_words = sum(map(str.isupper, words))
    caption_cue = (("|" in text or "(" in text or "/" in text or not _CAPTION_TRIGGERS.isdisjoint(lower))
                   and bool(_CAPTION_CUE_LOWER.search(text_lower)))
    n_w = len(words)
    stripped = text.strip()
    head = text[:300]
    short = n_words <= 12
    content_words = set(lower)
    content_words.difference_update(STOPWORDS)
    n_sent = text.count(". ") + text.count("? ") + text.count("! ") + (text.rstrip()[-1:] in ".?!")
    mid_dateline = (":" in head or "—" in head or "–" in head) and bool(_MID_DATELINE.search(head))
    weekday_date = "day" in text and bool(_WEEKDAY_DATE_LOWER.search(text_lower))
    head_lower = head.lower()
    about_bio = (head_lower.startswith("about ") or "headquartered in" in head_lower
                 or (("employs " in head_lower or not _ABOUT_TRIGGERS.isdisjoint(content_words))
                     and bool(_ABOUT_BIO_LOWER.search(head_lower))))
    key = stripped.lower()
    # the regexes are only tried when they can match (a separator, a trigger word, digits)
    credit_line = short and ("/" in text or not _CREDIT_TRIGGERS.isdisjoint(lower)) and bool(_CREDIT_LINE_LOWER.search(key))
    comment_line = short and (key in _COMMENT_WORDS or ((n_digits or "sa" in key or "wrote" in key)
                                                        and bool(_COMMENT_LINE_LOWER.search(text_lower))))
    st = {"n_words": n_words, "stop_share": stop_share, "terminal": terminal, "cues": tuple(cues), "is_cjk": is_cjk}
    st["prose"] = _prose_value(st)
    st["key"] = key
    st["content_words"] = tuple(content_words)
    # the own feature row as float64 bytes (as the batch path stores it: cheap to join for a page)
    st["own"] = np.array((
        1.0, math.log1p(n_words), 1 <= n_words <= 3, 4 <= n_words <= 9, stop_share, terminal, cap_share,
        has_url, dangling, digit_share, min(pipes, 5) / 5, bool(cues), cue_start,
        is_cjk, n_w >= 3 and caps >= 0.7 * n_w and not terminal, bool(_IMPERATIVE.match(text.lstrip())),
        you_we / max(1, n_w), min(glued, 3) / 3, caption_cue, text.rstrip().endswith(":"),
        n_upper_words / max(1, n_w), len(text) > 400,
        min(10 * len(_SITE_WORDS.intersection(content_words)) / max(1, n_w), 1.0), mid_dateline, weekday_date,
        credit_line, comment_line,
        about_bio, math.log1p(n_sent), len(content_words) < 3,
    ), dtype=float).tobytes()
    return st


#: At most this many paragraphs' statistics are kept (least recently used dropped first).
STATS_CACHE_SIZE = 100_000
_STATS_CACHE: OrderedDict[str, dict] = OrderedDict()
#: Taken around the cache's bookkeeping (not the computing): Dask's threaded scheduler labels chunks in threads.
_STATS_CACHE_LOCK = threading.Lock()


def paragraph_stats(text: str) -> dict:
    """Shape statistics of one paragraph, as the labelling reads them: ``n_words``, ``stop_share``, ``terminal``
    (ends like a sentence), ``cues`` (tuple of cue kinds), ``is_cjk``, ``prose`` (how much it reads like
    article prose), ``key`` (stripped, lower case), ``content_words`` (tuple of distinct lower-case words that are
    not stop words) and ``own`` (the paragraph's own model features, float64 bytes in ``OWN_FEATURE_NAMES``
    order: ``np.frombuffer(st["own"])``).

    Cached by text: boilerplate repeats across a corpus, so the same lines come back often.  All values are
    immutable; the dict itself is shared, so treat it as read-only.  For many paragraphs
    :func:`paragraph_stats_many` is faster."""
    with _STATS_CACHE_LOCK:
        st = _STATS_CACHE.get(text)
        if st is not None:
            _STATS_CACHE.move_to_end(text)
            return st
    st = _paragraph_stats_one(text)
    with _STATS_CACHE_LOCK:
        _STATS_CACHE[text] = st
        _trim_stats_cache()
    return st


def paragraph_stats_many(texts: list[str]) -> list[dict]:
    """:func:`paragraph_stats` of each text (the same dicts, through the same cache); the texts not in the
    cache are computed together (:func:`_paragraph_stats_batch`), which is much faster per paragraph."""
    cache = _STATS_CACHE
    with _STATS_CACHE_LOCK:
        found = list(map(cache.get, texts))
        missing = list(dict.fromkeys(compress(texts, map(is_, found, repeat(None))))) if None in found else ()
        for text in compress(texts, found):  # the texts found (a statistics dict is never empty)
            cache.move_to_end(text)  # least recently used first out
    if not missing:
        return found
    computed = dict(zip(missing, _paragraph_stats_batch(missing)))
    with _STATS_CACHE_LOCK:
        cache.update(computed)
        _trim_stats_cache()
    if len(computed) == len(texts):  # all new and distinct (most articles)
        return list(computed.values())
    return [st if st is not None else computed[text] for text, st in zip(texts, found)]


def _trim_stats_cache() -> None:
    while len(_STATS_CACHE) > STATS_CACHE_SIZE:
        _STATS_CACHE.popitem(last=False)


def clear_stats_cache() -> None:
    """Empty the cache of :func:`paragraph_stats` (benchmarks start each pass from an empty cache)."""
    with _STATS_CACHE_LOCK:
        _STATS_CACHE.clear()


paragraph_stats.cache_clear = clear_stats_cache  # the name it had as an lru_cache


# Per lower-case word, bit flags for the word lists the statistics test a paragraph's words against (the batch
# path looks up only the few of its distinct words that are in one): bits 0-12 the cue kinds it triggers
# (``_TRIGGER_MASK``), then these.
_W_CAPTION, _W_CREDIT, _W_ABOUT, _W_SITE, _W_YOU_WE = (1 << (len(KINDS) + i) for i in range(5))
_W_CUES = (1 << len(KINDS)) - 1
_WORD_FLAGS: dict[str, int] = dict(_TRIGGER_MASK)
for _words, _flag in ((_CAPTION_TRIGGERS, _W_CAPTION), (_CREDIT_TRIGGERS, _W_CREDIT), (_ABOUT_TRIGGERS, _W_ABOUT),
                      (_SITE_WORDS, _W_SITE), (_YOU_WE_WORDS, _W_YOU_WE)):
    for _w in _words:
        _WORD_FLAGS[_w] = _WORD_FLAGS.get(_w, 0) | _flag
_FLAGGED_WORDS = frozenset(_WORD_FLAGS)
# the about and site words are tested against the content words (stop words removed): none may be a stop word
assert _ABOUT_TRIGGERS.isdisjoint(STOPWORDS) and _SITE_WORDS.isdisjoint(STOPWORDS)

# Character classes counted with numpy in the batch path (code points past the table's end are "other"); the
# first ones are counted per paragraph (_COUNTED, in this order).
(_C_DIGIT, _C_CJK, _C_OPEN, _C_CLOSE, _C_OPEN_SQ, _C_CLOSE_SQ, _C_BAR, _C_BULLET, _C_AT, _C_OTHER, _C_LOWER,
 _C_UPPER, _C_SENT_END) = range(13)
_COUNTED = 9
_CHAR_CLASS = np.full(0xA000 + 1, _C_OTHER, dtype=np.uint8)  # small: stays in the CPU cache
_CHAR_CLASS[0x4E00:0xA000] = _C_CJK  # what _CJK matches
for _chars, _k in (("0123456789", _C_DIGIT), ("(", _C_OPEN), (")", _C_CLOSE), ("[", _C_OPEN_SQ), ("]", _C_CLOSE_SQ),
                   ("|", _C_BAR), ("•»", _C_BULLET), ("@", _C_AT), ("abcdefghijklmnopqrstuvwxyz", _C_LOWER),
                   ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", _C_UPPER), (".?!", _C_SENT_END)):
    _CHAR_CLASS[[ord(c) for c in _chars]] = _k
assert _CJK.pattern == "[\\u4e00-\\u9fff]" and _GLUED.pattern == "[a-z][A-Z][a-z]"
#: The codes of "c", "o", "n" and "e" (the character after the dot of a URL hint), as a lookup table.
_URL_NEXT = np.zeros(256, dtype=bool)
_URL_NEXT[[ord(c) for c in "cone"]] = True
#: Below this many texts the numpy set-up costs more than it saves.
_BATCH_MIN_TEXTS = 4


def _page_counts(texts: list[str]) -> tuple[list[list[int]], list[int], list[int], list[bool], list[bool]]:
    """Per text: the counts of the characters of the first ``_COUNTED`` classes (ASCII digits, CJK characters as
    ``_CJK`` finds them, "(", ")", "[", "]", "|", "•" or "»", "@"), of ". ", "? " and "! ", of glued words
    (``len(_GLUED.findall(text))``), whether two capitals in a row occur in the first 300 characters
    (``_MID_DATELINE`` needs them), whether "." comes before "c", "o", "n" or "e" (URL hints); with numpy over the joined texts, instead of ~30 calls per text.  Only a
    few passes go over all characters: the rest works on the positions of the (few) characters of interest."""
    m = len(texts)
    lens = np.fromiter(map(len, texts), dtype=np.intp, count=m)
    # each text followed by "\0" (class "other"): no counted pair or triple of characters straddles two texts, and
    # every character has one after it (and the first one's "previous", codes[-1], is that "\0" too)
    joined = "\0".join(texts) + "\0"
    starts = np.zeros(m, dtype=np.intp)
    np.cumsum(lens[:-1] + 1, out=starts[1:])
    text_of = np.arange(m).repeat(lens + 1)  # the text each character (and its "\0") belongs to
    codes = (np.frombuffer(joined.encode("ascii"), dtype=np.uint8) if joined.isascii()
             else np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
    cls = _CHAR_CLASS.take(codes, mode="clip")
    at = (cls < _COUNTED).nonzero()[0]
    counts = np.bincount(text_of[at] * _COUNTED + cls[at], minlength=m * _COUNTED).reshape(m, _COUNTED).tolist()
    at = (cls == _C_SENT_END).nonzero()[0]
    after = codes[at + 1]
    n_sent = np.bincount(text_of[at[after == 32]], minlength=m).tolist()
    # "." before "c", "o", "n" or "e": ".com", ".org", ".net", ".cn" and ".example" of _URL_HINTS need one
    url_dot = np.bincount(text_of[at[(codes[at] == 46) & _URL_NEXT.take(after, mode="clip")]], minlength=m) > 0
    at = (cls == _C_UPPER).nonzero()[0]  # capitals: glued words and pairs of capitals are found around them
    after = cls[at + 1]
    glued_at = at[(cls[at - 1] == _C_LOWER) & (after == _C_LOWER)] - 1
    glued_text = text_of[glued_at]
    glued = np.bincount(glued_text, minlength=m).tolist()
    # findall counts non-overlapping matches: where two overlap ("aBcDe", starts two apart) the regex counts
    for i in set(glued_text[1:][glued_at[1:] - glued_at[:-1] == 2].tolist()):
        glued[i] = len(_GLUED.findall(texts[i]))
    caps_at = at[after == _C_UPPER]
    caps_text = text_of[caps_at]
    caps_head = np.zeros(m, dtype=bool)
    caps_head[caps_text[caps_at - starts[caps_text] < 299]] = True  # both capitals in text[:300]
    return counts, n_sent, glued, caps_head.tolist(), url_dot.tolist()


def _cues_in_batch(text: str, low: str, start: str, long: bool, glued: int, mask: int) -> list[str]:
    """``match_cues`` as :func:`_paragraph_stats_one` calls it, with the fast searches; ``mask``: of the paragraph's
    words (computed beforehand), used where match_cues would take its trigger words from them."""
    if long:
        return _match_long_cues(text, start)
    if len(text) > 2 * CUE_WINDOW_CHARS:
        text = text[:CUE_WINDOW_CHARS] + " … " + text[-CUE_WINDOW_CHARS:]
        low = text.lower()
    if glued:  # the words of glued text ("SubscribeSign In") are split by _TRIGGER_TOKEN
        mask = _token_mask(map(str.lower, _TRIGGER_TOKEN.findall(text)))
    return _match_cues_fast(text, low, text, mask, None)


def _match_long_cues(text: str, start: str) -> list[str]:
    """``match_cues(text, None, start.lower(), start)`` for a paragraph of more than ``LONG_PARAGRAPH_WORDS`` words
    (only cues that also occur in its opening count), cheaper: the candidate kinds are first tried on the
    opening, and the paragraph's window made and lower-cased only if one matches there (the two kinds
    :func:`_candidate_mask` may drop are dropped afterwards: the same kinds are left)."""
    mask = _token_mask(map(str.lower, _TRIGGER_TOKEN.findall(start))) | _ALWAYS_MASK
    for sym in _TRIGGER_SYMBOLS:
        if sym in start:
            mask |= _TRIGGER_MASK[sym]
    lower_start = start.lower()
    at_start = _CUE_ANY_START(lower_start) is not None
    in_opening = 0
    for k, match, search in _mask_parts(mask):
        if (at_start and match is not None and match(lower_start) is not None) or (search is not None and search(lower_start)):
            in_opening |= _KIND_BIT[k]
    if not in_opening:
        return []
    if len(text) > 2 * CUE_WINDOW_CHARS:
        text = text[:CUE_WINDOW_CHARS] + " … " + text[-CUE_WINDOW_CHARS:]
    low = text.lower()
    return [k for k, match, search in _mask_parts(_candidate_mask(text, low, start, mask) & in_opening)
            if _cue_part_hit(low, match, search)]


_FIRST_CHAR = itemgetter(0)
#: math.log1p of 0, 1, 2 ... (_LOG1P_N - 1), computed once.
_LOG1P_N = 4096
_LOG1P = list(map(math.log1p, range(_LOG1P_N)))


def _paragraph_stats_batch(texts: list[str]) -> list[dict]:
    """:func:`_paragraph_stats_one` of each text (exactly the same values: ``tests/test_segment.py`` compares
    the two), cheaper: the counts of :func:`_page_counts` for all texts at once; one lookup per word in
    ``_WORD_FLAGS`` instead of several word-set tests; the regexes with :func:`_fast_search` and gated by
    those counts and flags; the ``own`` arrays made from one array for all texts."""
    m = len(texts)
    if m < _BATCH_MIN_TEXTS:
        return list(map(_paragraph_stats_one, texts))
    out, rows = [], []  # rows: the own feature values, per text
    for text, counts, n_sent, glued, caps_head, url_dot in zip(texts, *_page_counts(texts)):
        n_digits, n_cjk, n_open, n_close, n_open_sq, n_close_sq, n_bar, n_bullets, n_at = counts
        # an ASCII text's tokens can only have _PUNCT's ASCII characters at their ends: stripping those is cheaper
        words = list(filter(None, map(str.strip, text.split(), repeat(_PUNCT_ASCII if text.isascii() else _PUNCT))))
        if n_digits:
            words = [w for w in words if not w[0].isdigit()]
        n_w = len(words)
        n_words = n_w + n_cjk // 2
        # _URL_HINT.search(text), as substring tests (cheaper than the regex), the dotted ones only after a "." that
        # can start one
        has_url = ("http" in text or "www." in text or n_at > 0
                   or url_dot and (".com" in text or ".org" in text or ".net" in text or ".cn" in text or ".example" in text))
        lower = list(map(str.lower, words))
        content_words = set(lower)
        flags = 0  # of the paragraph's words, OR-ed
        for word in content_words & _FLAGGED_WORDS:
            flags |= _WORD_FLAGS[word]
        stop = sum(map(STOPWORDS.__contains__, lower))
        if stop:  # set - frozenset makes one pass over the (smaller) left set
            content_words = content_words - STOPWORDS
        caps = sum(map(str.isupper, map(_FIRST_CHAR, words)))
        lstripped = text.lstrip()
        start = lstripped[:40]
        text_lower = text.lower()
        if n_words > LONG_PARAGRAPH_WORDS or glued or len(text) > 2 * CUE_WINDOW_CHARS:
            cues = _cues_in_batch(text, text_lower, start, n_words > LONG_PARAGRAPH_WORDS, glued, flags & _W_CUES)
        elif (flags & _W_CUES or n_bar or n_bullets or "©" in text or "((" in text or "(web editor" in text_lower
              or _CUE_ANY_START(text_lower) is not None):  # the common case of _cues_in_batch
            cues = _match_cues_fast(text, text_lower, text, flags & _W_CUES, None)
        else:  # only the kinds always tried are candidates, and neither their start nor their other alternatives
            cues = []  # (navigation's needs a separator, byline's is "(web editor") can match
        last = text.rstrip()[-1:]
        terminal = last in _TERMINAL_CHARS
        stop_share = stop / n_w if n_w else (0.3 if n_cjk > 5 else 0.0)
        cap_share = caps / n_w if n_w else 0.0
        dangling = n_open != n_close or n_open_sq != n_close_sq
        pipes = n_bar + n_bullets
        cue_start = bool(cues) and any(_CUE_LOWER[k].search(start.lower()) for k in _CUE_START_KINDS if k in cues)
        is_cjk = n_cjk > n_w
        you_we = sum(map(_YOU_WE_WORDS.__contains__, lower)) if flags & _W_YOU_WE else 0
        n_upper_words = sum(map(str.isupper, words))
        caption_cue = ((n_bar or n_open or "/" in text or flags & _W_CAPTION != 0)
                       and bool(_CAPTION_CUE_FAST(text_lower)))
        n_sent += last in ".?!"  # "" too, as in _paragraph_stats_one
        head = text[:300]
        mid_dateline = caps_head and (":" in head or "—" in head or "–" in head) and bool(_MID_DATELINE.search(head))
        weekday_date = "day" in text and bool(_WEEKDAY_DATE_FAST(text_lower))
        head_lower = text_lower if len(text) <= 300 else head.lower()
        about_bio = (head_lower.startswith("about ") or "headquartered in" in head_lower
                     or (("employs " in head_lower or flags & _W_ABOUT != 0) and bool(_ABOUT_BIO_FAST(head_lower))))
        key = text_lower.strip()  # = text.strip().lower(): lower-casing neither makes nor removes whitespace
        short = n_words <= 12
        credit_line = short and ("/" in text or flags & _W_CREDIT != 0) and bool(_CREDIT_LINE_FAST(key))
        comment_line = short and (key in _COMMENT_WORDS or ((n_digits or "sa" in key or "wrote" in key)
                                                            and bool(_COMMENT_LINE_FAST(text_lower))))
        site = len(_SITE_WORDS.intersection(content_words)) if flags & _W_SITE else 0
        # _prose_value
        if cues and n_words < 30:
            prose = -1.0
        elif n_words >= 10 and (stop_share >= 0.2 or is_cjk) and terminal:
            prose = (n_words if n_words < 60 else 60) / 10.0
        elif n_words >= 25:
            prose = 1.0
        else:
            prose = -1.0 - (n_words if n_words < 10 else 10) / 20.0
        # immutable values only (tuples, not lists or sets): the garbage collector stops tracking such dicts, which
        # matters once the cache holds many
        out.append({"n_words": n_words, "stop_share": stop_share, "terminal": terminal, "cues": tuple(cues) if cues else (),
                    "is_cjk": is_cjk, "prose": prose, "key": key, "content_words": tuple(content_words)})
        opening = start[:2]
        imperative = ((len(opening) < 2 or not opening.isascii() or opening.lower() in _IMPERATIVE_STARTS)
                      and bool(_IMPERATIVE.match(lstripped)))
        n_w1 = n_w or 1
        # the own feature row, as _paragraph_stats_one computes it (a float64 array holds these values exactly; the
        # Python arithmetic on them is numpy's)
        # (min() and math.log1p of small whole numbers as a conditional and a table: the same values, cheaper)
        rows.append((
            1.0, _LOG1P[n_words] if n_words < _LOG1P_N else math.log1p(n_words), 1 <= n_words <= 3, 4 <= n_words <= 9,
            stop_share, terminal, cap_share, has_url, dangling, n_digits / (len(text) or 1),
            (pipes if pipes < 5 else 5) / 5, bool(cues), cue_start,
            is_cjk, n_w >= 3 and caps >= 0.7 * n_w and not terminal, imperative,
            you_we / n_w1, (glued if glued < 3 else 3) / 3, caption_cue, last == ":", n_upper_words / n_w1,
            len(text) > 400, min(10 * site / n_w1, 1.0) if site else 0.0, mid_dateline, weekday_date, credit_line,
            comment_line, about_bio, _LOG1P[n_sent] if n_sent < _LOG1P_N else math.log1p(n_sent),
            len(content_words) < 3))
    # each row as float64 bytes: the features join a page's rows and read them back with one numpy call
    width = len(OWN_FEATURE_NAMES)
    own = np.fromiter(chain.from_iterable(rows), dtype=float, count=m * width).tobytes()
    width *= 8
    for st, at in zip(out, range(0, len(own), width)):
        st["own"] = own[at:at + width]
    return out


def _prose_value(st: dict) -> float:
    """How strongly a paragraph looks like article prose (for the body-span search)."""
    if st["cues"] and st["n_words"] < 30:
        return -1.0
    if st["n_words"] >= 10 and (st["stop_share"] >= 0.2 or st["is_cjk"]) and st["terminal"]:
        return min(st["n_words"], 60) / 10.0
    if st["n_words"] >= 25:
        return 1.0
    return -1.0 - min(st["n_words"], 10) / 20.0


def body_span(stats: list[dict]) -> tuple[int, int]:
    """(start, end) indices, end exclusive, of the max-sum run of prose-like paragraphs."""
    return _max_sum_run([st["prose"] if "prose" in st else _prose_value(st) for st in stats])


def _max_sum_run(values: list[float]) -> tuple[int, int]:
    """:func:`body_span` of the paragraphs' prose values."""
    best, best_span, cur, cur_start = -math.inf, (0, 0), 0.0, 0
    for i, v in enumerate(values):
        if cur <= 0:
            cur, cur_start = v, i
        else:
            cur += v
        if cur > best:
            best, best_span = cur, (cur_start, i + 1)
    return best_span if best > 0 else (0, 0)


_FIRST_40 = itemgetter(slice(None, 40))


def paragraph_features(paragraphs: list[str], stats: list[dict] | None = None) -> np.ndarray:
    """Feature matrix (n paragraphs x ``FEATURE_NAMES``) for one article (``stats``: their
    :func:`paragraph_stats`, if already at hand).

    Written for few numpy calls (an article has ~10-200 paragraphs, so each call's fixed cost counts): the
    columns are written into one array, the neighbours' values as blocks of columns."""
    if stats is None:
        stats = paragraph_stats_many(paragraphs)
    n = len(paragraphs)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    prose = list(map(itemgetter("prose"), stats))
    start, end = _max_sum_run(prose)
    keys = list(map(itemgetter("key"), stats))
    counts = Counter(keys)
    # the first 40 characters of each text (a shorter text whole, so it never equals a longer one's)
    prefixes = Counter(map(_FIRST_40, keys))
    X = np.empty((n, len(FEATURE_NAMES)), order="F")  # by columns: written and read (by the trees) column-wise
    own = X[:, :len(OWN_FEATURE_NAMES)]
    own[:] = np.frombuffer(b"".join(map(itemgetter("own"), stats)), dtype=float).reshape(n, -1)
    pos = X[:, len(OWN_FEATURE_NAMES):]  # POSITION_FEATURE_NAMES, in order
    idx = np.arange(n)
    before, after = idx < start, idx >= end
    inside = ~before & ~after
    dist = np.where(before, start - idx, idx - end + 1)
    dist[inside] = 0
    overlap, near_dup_prev = _vocabulary_features(list(map(itemgetter("content_words"), stats)), start, end)
    cum = np.zeros(n + 1)
    np.cumsum(np.fromiter(map(len, paragraphs), dtype=float, count=n), out=cum[1:])  # whole numbers: exact
    total = max(1.0, cum[-1])
    span_chars = max(1.0, cum[end] - cum[start])
    to_span = np.where(before, cum[start] - cum[1:], cum[:-1] - cum[end]) / total
    to_span[inside] = 0.0
    # characters of the run of consecutive prose-like paragraphs each paragraph belongs to
    prose = [v > 0 for v in prose]
    run_chars = np.zeros(n)
    i = 0
    while i < n:
        if prose[i]:
            j = i + 1
            while j < n and prose[j]:
                j += 1
            run_chars[i:j] = cum[j] - cum[i]
            i = j
        else:
            i += 1
    # comment lines among the 3 paragraphs either side: window sums of 0/1 values from a cumulative sum (exact)
    comment_cum = np.zeros(n + 7)
    np.cumsum(own[:, _OWN_COMMENT], out=comment_cum[4:n + 4])
    comment_cum[n + 4:] = comment_cum[n + 3]
    comment = own[:, _OWN_COMMENT]
    comment_ctx = np.minimum(comment_cum[7:] - comment_cum[:n] - comment, 3) / 3
    pos[:, _P_IN_SPAN] = inside
    pos[:, _P_DIST_SPAN] = np.log1p(dist)
    pos[:, _P_AFTER_SPAN] = after
    pos[:, _P_BEFORE_SPAN] = before
    pos[:, _P_REL_POS] = idx / max(1, n - 1)
    # the previous and the next paragraph's values (0 for the first / last)
    pos[0, _P_PREV] = 0.0
    pos[1:, _P_PREV] = own[:-1, _OWN_PREV]
    pos[-1, _P_NEXT] = 0.0
    pos[:-1, _P_NEXT] = own[1:, _OWN_NEXT]
    if len(counts) == n:  # no text repeated (most articles): no duplicates, adjacent or not
        pos[:, _P_DUP_IN_ARTICLE] = 0.0
        pos[:, _P_ADJACENT_DUP] = 0.0
    else:
        pos[:, _P_DUP_IN_ARTICLE] = list(map((1).__lt__, map(counts.__getitem__, keys)))  # counts[k] > 1
        same_prev = [False, *map(str.__eq__, keys[1:], keys[:-1])]
        pos[:, _P_ADJACENT_DUP] = list(map(or_, same_prev, same_prev[1:] + [False]))
    pos[:, _P_BODY_OVERLAP] = overlap
    pos[:, _P_COMMENT_CONTEXT] = comment_ctx
    pos[:, _P_CHAR_POS] = cum[:-1] / total
    pos[:, _P_CHARS_TO_SPAN] = to_span
    pos[:, _P_PROSE_RUN_SHARE] = np.minimum(run_chars / span_chars, 2.0)
    if len(prefixes) == n:
        pos[:, _P_PREFIX_DUP] = 0.0
    else:
        pos[:, _P_PREFIX_DUP] = [len(k) >= 40 and prefixes[k[:40]] > 1 for k in keys]
    pos[:, _P_FIRST_IN_SPAN] = (idx == start) & (end > start)
    pos[:, _P_LAST_IN_SPAN] = (idx == end - 1) & (end > start)
    pos[:, _P_NEAR_DUP_PREV] = near_dup_prev
    return X


(_P_IN_SPAN, _P_DIST_SPAN, _P_AFTER_SPAN, _P_BEFORE_SPAN, _P_REL_POS, _P_DUP_IN_ARTICLE, _P_BODY_OVERLAP, _P_COMMENT_CONTEXT,
 _P_CHAR_POS, _P_CHARS_TO_SPAN, _P_PROSE_RUN_SHARE, _P_PREFIX_DUP, _P_ADJACENT_DUP, _P_FIRST_IN_SPAN, _P_LAST_IN_SPAN,
 _P_NEAR_DUP_PREV) = map(POSITION_FEATURE_NAMES.index, (
    "in_span", "dist_span", "after_span", "before_span", "rel_pos", "dup_in_article", "body_overlap", "comment_context",
    "char_pos", "chars_to_span", "prose_run_share", "prefix_dup", "adjacent_dup", "first_in_span", "last_in_span",
    "near_dup_prev"))
#: Position features that are the previous / next paragraph's own feature (in these pairs).
_P_PREV, _OWN_PREV = map(list, zip(*[(POSITION_FEATURE_NAMES.index(p), OWN_FEATURE_NAMES.index(o)) for p, o in (
    ("prev_words", "log_words"), ("prev_cue", "cue_any"), ("prev_caption", "caption_cue"))]))
_P_NEXT, _OWN_NEXT = map(list, zip(*[(POSITION_FEATURE_NAMES.index(p), OWN_FEATURE_NAMES.index(o)) for p, o in (
    ("next_words", "log_words"), ("next_cue", "cue_any"), ("next_caption", "caption_cue"),
    ("next_credit_line", "credit_line"))]))
assert len(POSITION_FEATURE_NAMES) == 23 and sorted(
    [_P_IN_SPAN, _P_DIST_SPAN, _P_AFTER_SPAN, _P_BEFORE_SPAN, _P_REL_POS, _P_DUP_IN_ARTICLE, _P_BODY_OVERLAP,
     _P_COMMENT_CONTEXT, _P_CHAR_POS, _P_CHARS_TO_SPAN, _P_PROSE_RUN_SHARE, _P_PREFIX_DUP, _P_ADJACENT_DUP,
     _P_FIRST_IN_SPAN, _P_LAST_IN_SPAN, _P_NEAR_DUP_PREV, *_P_PREV, *_P_NEXT]) == list(range(23))


#: Paragraphs with fewer distinct content words than this are not compared with each other (near duplicates).
NEAR_DUP_MIN_WORDS = 4


def _vocabulary_features(words: list[tuple[str, ...]], start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
    """From each paragraph's distinct content words and the body span [start, end):

    * ``body_overlap``: the share of a paragraph's words found in the body's vocabulary: in at least one
      body-span paragraph, or for a paragraph inside the span in at least two (0.5 with no content words);
    * ``near_dup_prev``: the largest overlap coefficient |A & B| / min(|A|, |B|) of the paragraph's words
      with those of an earlier paragraph (both of at least ``NEAR_DUP_MIN_WORDS`` words; 0 otherwise): a
      repeated or nearly repeated headline, standfirst or caption.  (The same with later paragraphs did not
      improve the cross-validated scores.)

    All with numpy on the words' hashes, concatenated (no per-pair Python loop; a word's hash is computed once
    and kept by the string).  Which of a paragraph's words comes first makes no difference to the values."""
    n = len(words)
    sizes = np.fromiter(map(len, words), dtype=np.intp, count=n)
    overlap, dup_prev = np.empty(n), np.zeros(n)
    overlap.fill(0.5)
    m = int(np.add.reduce(sizes))  # (ndarray.sum and np.full go through Python wrappers: a few microseconds a page)
    if m == 0:
        return overlap, dup_prev
    # every (word, paragraph) entry, sorted by word; the stable sort keeps the entries of a word in paragraph order
    h = np.fromiter(map(hash, chain.from_iterable(words)), dtype=np.int64, count=m)
    order = h.argsort(kind="stable")
    para = np.arange(n).repeat(sizes)[order]
    h = h[order]
    new = np.empty(m, dtype=bool)
    new[0] = True
    np.not_equal(h[1:], h[:-1], out=new[1:])
    word = new.cumsum() - 1
    # body vocabulary: in how many body-span paragraphs each word occurs; a span paragraph's own word needs
    # another one (more than 1), any other paragraph's one (more than 0)
    in_span = (para >= start) & (para < end)
    hit = np.bincount(word, weights=in_span)[word] > in_span
    np.divide(np.bincount(para, weights=hit, minlength=n), sizes, out=overlap, where=sizes > 0)
    # near duplicates: count the shared words of every pair of paragraphs that share one (entry e pairs with
    # the entries of its word before it, e-1 ... e-k: earlier paragraphs, as the sort was stable)
    first = new.nonzero()[0][word]
    before = np.arange(m) - first
    total = int(np.add.reduce(before))
    if total == 0:
        return overlap, dup_prev
    later = np.arange(m).repeat(before)
    earlier = later - (np.arange(total) - (before.cumsum() - before).repeat(before) + 1)
    codes = para[later] * n + para[earlier]  # (the later paragraph, the earlier one) of each pair
    if n <= _PAIR_COUNT_MAX_N:  # counting into an n*n array is cheaper than sorting (np.unique); same result
        shared = np.bincount(codes, minlength=n * n)
        pair = shared.nonzero()[0]
        shared = shared[pair]
    else:
        pair, shared = np.unique(codes, return_counts=True)
    a, b = np.divmod(pair, n)  # a later paragraph, b an earlier one sharing ``shared`` words with it
    size_a, size_b = sizes[a], sizes[b]
    ratio = shared / np.minimum(size_a, size_b)
    ratio[(size_a < NEAR_DUP_MIN_WORDS) | (size_b < NEAR_DUP_MIN_WORDS)] = 0.0
    np.maximum.at(dup_prev, a, ratio)  # the largest per later paragraph (all ratios are >= 0)
    return overlap, dup_prev


#: Up to this many paragraphs, pairs sharing words are counted with np.bincount over an n*n array.
_PAIR_COUNT_MAX_N = 256


def _shift(a: np.ndarray, k: int) -> np.ndarray:
    """``a`` moved by ``k`` places (k=1: each row gets the previous row's value), zero-filled."""
    out = np.zeros(len(a))
    if k > 0:
        out[k:] = a[:-k]
    else:
        out[:k] = a[-k:]
    return out


_IN_SPAN, _LOG_WORDS = FEATURE_NAMES.index("in_span"), FEATURE_NAMES.index("log_words")


def stage2_features(z: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Context features from first-stage log-odds ``z`` (n,) and first-stage features ``X``."""
    n = len(z)
    if n == 0:
        return np.zeros((0, len(STAGE2_NAMES)))
    pad = np.concatenate((z[:1], z[:1], z, z[-1:], z[-1:]))
    # the view sliding_window_view(pad, 5) gives (same shape and strides), without its Python-level checks
    win = np.ndarray((n, 5), dtype=pad.dtype, buffer=pad, strides=(pad.strides[0], pad.strides[0]))
    out = np.empty((n, len(STAGE2_NAMES)))
    out[:, 0] = 1.0
    out[:, 1] = z
    out[:, 2] = pad[1:n + 1]  # the previous paragraph's (the first's own)
    out[:, 3] = pad[3:n + 3]  # the next one's
    # win.mean / min / max without their Python wrappers: the same reductions
    out[:, 4] = np.add.reduce(win, axis=1) / 5
    out[:, 5] = np.minimum.reduce(win, axis=1)
    out[:, 6] = np.maximum.reduce(win, axis=1)
    out[:, 7] = X[:, _IN_SPAN]
    out[:, 8] = X[:, _LOG_WORDS]
    return out


class TreeEnsemble:
    """A boosted ensemble of binary trees, evaluated with numpy.

    ``spec`` (as ``benchmarks/fit_boilerplate.py`` writes it): ``base`` (the initial log-odds), ``roots`` (each
    tree's first node) and, per node of all trees together, ``feature``, ``threshold``, ``left``, ``right``
    (node indices; -1 for a leaf) and ``value`` (the leaf's contribution).  A row goes right when its feature
    value is greater than the threshold (scikit-learn's rule).  ``margin(X)`` = base + the sum over the trees
    of the leaf each row reaches: the log-odds of the fitted ``HistGradientBoostingClassifier`` (the fitter
    checks it reproduces its ``predict_proba``)."""

    def __init__(self, spec: dict):
        self.base = float(spec["base"])
        self.roots = np.asarray(spec["roots"], dtype=np.intp)
        feature = np.asarray(spec["feature"], dtype=np.intp)
        threshold = np.asarray(spec["threshold"], dtype=float)
        left, right = np.asarray(spec["left"], dtype=np.intp), np.asarray(spec["right"], dtype=np.intp)
        self.value = np.asarray(spec["value"], dtype=float)
        leaf = left < 0
        nodes = np.arange(len(left))
        # a leaf is its own child whichever way it goes, so every row can take the same number of steps
        self.child = np.column_stack([np.where(leaf, nodes, left), np.where(leaf, nodes, right)])
        self.depth = self._depth()
        # each distinct (feature, threshold) test is made once per row; leaves get a test that is never true
        tests, test_of = np.unique(np.column_stack([np.where(leaf, 0, feature), np.where(leaf, np.inf, threshold)]),
                                   axis=0, return_inverse=True)
        self.test_feature, self.test_threshold = tests[:, 0].astype(np.intp), tests[:, 1][:, None]
        # the walk works on doubled node numbers 2 * node (+1 to go right), which saves a multiplication per step
        self._test_of2 = np.repeat(test_of.ravel(), 2)
        self._child2 = 2 * self.child.ravel()
        self._roots2 = 2 * self.roots[:, None]
        self._value2 = np.repeat(self.value, 2)
        if self.depth <= self.PACKED_MAX_DEPTH:
            self._complete_layout(test_of.ravel(), leaf)

    #: Up to this depth ``margin`` evaluates the trees laid out complete (:meth:`_margin_packed`).
    PACKED_MAX_DEPTH = 4

    def _complete_layout(self, test_of: np.ndarray, leaf: np.ndarray) -> None:
        """Every tree as a complete tree of ``depth`` levels: slots in level order (the children of slot s are
        2s+1 and 2s+2), each with its node's test; a leaf above the last level is carried down with the test
        that is never true, so its value fills the leaf positions below it."""
        depth, n_trees = self.depth, len(self.roots)
        n_slots = 2 ** depth - 1
        never = test_of[np.flatnonzero(leaf)[0]]
        slot_test = np.full((n_slots, n_trees), never, dtype=np.intp)  # slot k of every tree together
        leaf_value = np.zeros((n_trees, 2 ** depth))
        for t, root in enumerate(self.roots.tolist()):
            stack = [(root, 0)]
            while stack:
                node, slot = stack.pop()
                if slot >= n_slots:
                    leaf_value[t, slot - n_slots] = self.value[node]
                    continue
                if not leaf[node]:
                    slot_test[slot, t] = test_of[node]
                stack += [(self.child[node, 0], 2 * slot + 1), (self.child[node, 1], 2 * slot + 2)]
        self._slot_test = slot_test.ravel()
        # each slot's bit within its level: 1, 1 2, 1 2 4 8, 1 2 4 ... 128
        self._slot_bit = np.concatenate([np.zeros(0, dtype=np.uint8)] + [
            1 << np.arange(2 ** level, dtype=np.uint8) for level in range(depth)])[:, None, None]
        self._leaf_value = leaf_value.ravel()
        self._leaf_offset = (np.arange(n_trees) * 2 ** depth)[:, None]

    def _depth(self) -> int:
        depth, node = 0, self.roots
        while True:
            nxt = self.child[node].ravel()
            if (nxt == np.repeat(node, 2)).all():
                return depth
            node, depth = nxt, depth + 1

    def margin(self, X: np.ndarray) -> np.ndarray:
        """Log-odds for each row of ``X`` (n, features)."""
        if len(X) == 0:
            return np.zeros(0)
        return self._margin_packed(X) if self.depth <= self.PACKED_MAX_DEPTH else self._margin_walk(X)

    def _margin_packed(self, X: np.ndarray) -> np.ndarray:
        """:meth:`margin` on the complete layout, with no per-node lookups: all slots' test outcomes are
        taken by rows at once; on each level the outcomes of its 2**level slots are packed as the bits of one
        byte per tree and row, and the one on the row's path picked by a shift.  Same sums as the walk."""
        n, depth, n_trees = len(X), self.depth, len(self.roots)
        right = X.T.take(self.test_feature, axis=0) > self.test_threshold  # (tests, n)
        outcome = right.take(self._slot_test, axis=0).reshape(-1, n_trees, n).view(np.uint8)
        outcome *= self._slot_bit  # each slot's outcome as its bit within its level
        at = outcome[0] if depth else np.zeros((n_trees, n), dtype=np.uint8)  # the path's slot on the next level
        for level in range(1, depth):
            packed = np.add.reduce(outcome[2 ** level - 1:2 ** (level + 1) - 1], axis=0, dtype=np.uint8)  # the level's outcomes
            at = (at << 1) | ((packed >> at) & 1)
        # np.add.reduce is ndarray.sum without its Python wrapper (the same sums, row after row)
        return self.base + np.add.reduce(self._leaf_value.take(at + self._leaf_offset), axis=0)

    def _margin_walk(self, X: np.ndarray) -> np.ndarray:
        """:meth:`margin` by walking every tree from its root, one level per step (any depth)."""
        n = len(X)
        right = (X.T[self.test_feature] > self.test_threshold).ravel()  # test k of row r at k * n + r
        at = self._test_of2 * n
        col = np.arange(n)
        node2 = self._roots2  # (trees, 1), then (trees, n)
        for _ in range(self.depth):
            node2 = self._child2[node2 + right[at[node2] + col]]
        return self.base + np.broadcast_to(self._value2[node2], (len(node2), n)).sum(axis=0)


@lru_cache(maxsize=1)
def load_weights(path: str | None = None) -> tuple["TreeEnsemble", "TreeEnsemble", float]:
    """(stage-1 trees over ``FEATURE_NAMES``, stage-2 trees over ``STAGE2_NAMES``, threshold)
    from ``boilerplate_weights.json``."""
    data = json.loads(Path(path or WEIGHTS_FILE).read_text())
    if data["features"] != FEATURE_NAMES or data["stage2_features"] != STAGE2_NAMES:
        raise ValueError(f"{path or WEIGHTS_FILE} was fitted on other features; rerun benchmarks/fit_boilerplate.py")
    return (TreeEnsemble(data["stage1"]), TreeEnsemble(data["stage2"]),
            float(data.get("threshold", THRESHOLD_DEFAULT)))


#: Stage-1 log-odds are clipped to +-this before the context features are built from them.
Z_CLIP = 20.0


def model_scores(X: np.ndarray, stage1: TreeEnsemble, stage2: TreeEnsemble) -> np.ndarray:
    """Boilerplate probability from the two stages: stage 1 on the paragraph features ``X``, stage 2
    on :func:`stage2_features` of stage 1's log-odds."""
    z = np.minimum(np.maximum(stage1.margin(X), -Z_CLIP), Z_CLIP)  # np.clip, without its Python wrappers
    return 1.0 / (1.0 + np.exp(-stage2.margin(stage2_features(z, X))))


#: The trees were fitted on pages of at least 8 paragraphs; on shorter articles they extrapolate (a
#: one-sentence lead alone scored 0.95), so there :func:`short_article_scores` is used instead.
MIN_MODEL_PARAGRAPHS = 8
#: Scores of a short article's paragraphs: with a cue phrase (and at most ``SHORT_CUE_MAX_WORDS`` words), or not.
SHORT_CUE_SCORE, SHORT_PLAIN_SCORE, SHORT_CUE_MAX_WORDS = 0.9, 0.05, 25


def short_article_scores(stats: list[dict]) -> np.ndarray:
    """Scores for an article of fewer than ``MIN_MODEL_PARAGRAPHS`` paragraphs, where the trees are
    not used: a short paragraph with a cue phrase (newsletter, share, paywall ...) is boilerplate,
    anything else content; decisive patterns and, in a corpus, repetition still apply on top."""
    return np.array([SHORT_CUE_SCORE if st["cues"] and st["n_words"] <= SHORT_CUE_MAX_WORDS else SHORT_PLAIN_SCORE
                     for st in stats])


def _scores(paragraphs: list[str], stats: list[dict]) -> np.ndarray:
    if len(paragraphs) < MIN_MODEL_PARAGRAPHS:
        return short_article_scores(stats)
    stage1, stage2, _ = load_weights()
    return model_scores(paragraph_features(paragraphs, stats), stage1, stage2)


def boilerplate_scores(paragraphs: list[str]) -> np.ndarray:
    """Probability that each paragraph of one article is boilerplate (no corpus signals): the
    trees, or :func:`short_article_scores` for an article shorter than the pages they were fitted on."""
    if not paragraphs:
        return np.zeros(0)
    return _scores(paragraphs, paragraph_stats_many(paragraphs))


def classify_paragraphs(paragraphs: list[str]) -> list[str]:
    """Label one article's paragraphs ``"CONTENT"`` or ``"BOILERPLATE"`` (no corpus needed): the
    shape-and-position model, plus the decisive patterns (captions, "Related:", credits, contact and
    copyright lines).

    The signature of ``shared/benchmarks/boilerplate/eval_boilerplate.py --predict``.
    """
    threshold = load_weights()[2]
    paragraphs = list(paragraphs)
    stats = paragraph_stats_many(paragraphs)
    if not stats:
        return []
    scores = _scores(paragraphs, stats)
    return ["BOILERPLATE" if s >= threshold or _decisive_lower(st["key"], st["n_words"]) else "CONTENT"
            for st, s in zip(stats, scores.tolist())]


# --------------------------------------------------------------------------- corpus labelling
_NORM_NON_WORD = re.compile(r"[^\w\u4e00-\u9fff]+")


def _normalise(text: str) -> str:
    return _NORM_NON_WORD.sub(" ", re.sub(r"\d", "0", text.lower())).strip()


def _template(text: str) -> str:
    """A paragraph's template: its first four normalised words (``related 0``-style teasers,
    ``contact the reporter at``, ``reporting by``) for short paragraphs."""
    return " ".join(_normalise(text).split()[:4])


def repetition_keys(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Add the keys repetition is counted on, as 64-bit hashes (small to keep and fast to group on a
    million paragraphs): ``norm`` of the normalised text (lower-cased, digits as 0, punctuation
    dropped) and ``template`` of its first four normalised words."""
    normalised = [_normalise(t) for t in paragraphs["text"].tolist()]
    templates = [" ".join(n.split()[:4]) for n in normalised]
    return paragraphs.assign(norm=_hash(normalised), template=_hash(templates))


def _hash(values: list[str]) -> np.ndarray:
    return pd.util.hash_array(np.array(values, dtype=object)) if values else np.zeros(0, dtype="uint64")


def repetition_counts(keyed: pd.DataFrame, *, outlet_col: str = "outlet") -> dict[str, pd.Series]:
    """Count, over a set of articles keyed by :func:`repetition_keys`, in how many distinct articles
    each text recurs per outlet (``n_outlet_articles``), corpus-wide (``n_corpus_articles``), each
    template per outlet (``n_template_articles``), and how many articles each outlet has
    (``outlet_size``).

    Every count is a number of distinct articles, so counts of disjoint sets of articles add up:
    :func:`combine_repetition_counts` sums partial counts (the reduction the Dask engine runs).
    """
    keys = keyed[["article_id", outlet_col, "norm", "template"]]  # not the text: a million paragraphs stay small
    per_article = keys.drop_duplicates(["article_id", "norm"])
    per_template = keys.drop_duplicates(["article_id", "template"])
    return {
        "n_outlet_articles": per_article.groupby([outlet_col, "norm"]).size().rename("n_outlet_articles"),
        "n_corpus_articles": per_article.groupby("norm").size().rename("n_corpus_articles"),
        "n_template_articles": per_template.groupby([outlet_col, "template"]).size().rename("n_template_articles"),
        "outlet_size": keys.drop_duplicates("article_id").groupby(outlet_col).size().rename("outlet_size"),
    }


def combine_repetition_counts(parts: list[dict[str, pd.Series]]) -> dict[str, pd.Series]:
    """Sum :func:`repetition_counts` of disjoint sets of articles."""
    out = {}
    for name in ("n_outlet_articles", "n_corpus_articles", "n_template_articles", "outlet_size"):
        series = [p[name] for p in parts if len(p[name])]
        out[name] = (pd.concat(series).groupby(level=list(range(series[0].index.nlevels))).sum().rename(name)
                     if series else parts[0][name])
    return out


def join_repetition(keyed: pd.DataFrame, counts: dict[str, pd.Series], *, outlet_col: str = "outlet") -> pd.DataFrame:
    """Add the counts of :func:`repetition_counts` to each keyed paragraph (looked up by key, so the
    paragraph table itself is not copied)."""
    def lookup(series: pd.Series, columns: list[str]) -> np.ndarray:
        index = pd.MultiIndex.from_frame(keyed[columns]) if len(columns) > 1 else pd.Index(keyed[columns[0]])
        return series.reindex(index).to_numpy()

    return keyed.assign(n_outlet_articles=lookup(counts["n_outlet_articles"], [outlet_col, "norm"]),
                        n_corpus_articles=lookup(counts["n_corpus_articles"], ["norm"]),
                        n_template_articles=lookup(counts["n_template_articles"], [outlet_col, "template"]),
                        outlet_size=lookup(counts["outlet_size"], [outlet_col]))


def repetition_table(paragraphs: pd.DataFrame, *, outlet_col: str = "outlet") -> pd.DataFrame:
    """Per paragraph: in how many articles of its outlet (and of the corpus) its text recurs.

    Input columns: article_id, outlet, para_no, text.  Output adds: norm, template,
    n_outlet_articles, n_corpus_articles, n_template_articles, outlet_size.
    """
    keyed = repetition_keys(paragraphs)
    return join_repetition(keyed, repetition_counts(keyed, outlet_col=outlet_col), outlet_col=outlet_col)


#: Decisive patterns: a short paragraph matching one is boilerplate whatever the model says.
DECISIVE_MAX_WORDS = 60
DECISIVE: list[tuple[str, str, re.Pattern]] = [
    ("related", "related-headline teaser", re.compile(
        r"^(?:related|read more|see also|also read|more from|next in|further reading|also in \w+|recommended|"
        r"most (?:read|popular)|top picks)\b\s*(?:[:|»>-]|$)", re.I)),
    ("caption", "photo caption or credit", re.compile(
        r"^file photo:|(?:\bphoto|\bimage|\bcredit|\bpicture)s?\s*:\s*[^.:]{2,60}\)?\s*$|\((?:image|photo)s?:[^)]{2,60}\)\s*$|"
        r"/(?:file photo|illustration)\s*$", re.I)),
    ("byline", "byline or credit", re.compile(
        r"^\(?(?:reporting|additional reporting|editing|writing|written|compiled|edited) by\b|^editor:\s|^责任编辑|^编辑[:：]",
        re.I)),
    ("contact", "contact line", re.compile(r"^(?:contact|reach) (?:the )?(?:reporter|editor|author|writer)s?\b|"
                                           r"^(?:have|got) a (?:news |story )?tip\b", re.I)),
    ("advertisement", "advertisement marker", re.compile(r"^\[\s*(?:advertisement|ad|sponsored)\s*\]\s*$", re.I)),
    # Chinese sites: "click for more", "scan to download / follow", copyright and disclaimer notices, "related news:"
    ("related", "related-headline teaser", re.compile(r"^(?:点击查看更多|相关(?:新闻|阅读|报道|文章)\s*[:：]|延伸阅读)", re.I)),
    ("app", "app or follow prompt", re.compile(r"^扫码(?:下载|关注)|^扫描二维码", re.I)),
    ("other", "site notice", re.compile(r"^【?免责声明】?", re.I)),
    ("related", "related-headline teaser", re.compile(r"^editor['’]?s (?:picks?|choice)\s*$|^click here\b", re.I)),
    ("paywall", "paywall or subscription notice", re.compile(r"\bsubscribe from\b", re.I)),
    ("copyright", "copyright line", re.compile(r"©|\ball rights reserved\b|^copyright\b|^版权声明|版权所有|未经授权不得转载", re.I)),
]


#: A paragraph of at least this many words that reads as prose is content unless repeated or cued.
PROSE_MIN_WORDS = 20


#: A news lead crowded with names has fewer function words than other prose: from this length, a lower share will do.
PROSE_LONG_WORDS, PROSE_LONG_MIN_STOP = 35, 0.2


def is_long_prose(st: dict) -> bool:
    """Long, punctuated paragraph with ordinary function words: what article prose looks like (a
    long one, such as a name-heavy lead, with a lower share of function words)."""
    return st["n_words"] >= PROSE_MIN_WORDS and st["terminal"] and (
        st["stop_share"] >= 0.3 or st["is_cjk"] or (st["n_words"] >= PROSE_LONG_WORDS and st["stop_share"] >= PROSE_LONG_MIN_STOP))


#: Per decisive kind, strings of which one must occur for its pattern to match (None: anchored, always tried).
_DECISIVE_NEEDS = {"caption": (":", "/"), "copyright": ("©", "rights reserved", "copyright", "版权", "转载")}
_DECISIVE_LOWER = [(kind, reason, _lowered(pattern), _DECISIVE_NEEDS.get(kind)) for kind, reason, pattern in DECISIVE]


def decisive_rule(text: str, n_words: int) -> tuple[str, str] | None:
    """(kind, reason) when a short paragraph matches a decisive boilerplate pattern, else None."""
    return _decisive_lower(text.strip().lower(), n_words)


def _decisive_lower(low: str, n_words: int) -> tuple[str, str] | None:
    """:func:`decisive_rule` of the stripped, lower-cased text (``paragraph_stats(text)["key"]``): the first
    decisive pattern that matches (tried as :func:`_split_search` parts; the anchored alternatives only when
    ``_DECISIVE_ANY_START`` matches at all, which most paragraphs do not)."""
    if n_words > DECISIVE_MAX_WORDS:
        return None
    at_start = _DECISIVE_ANY_START(low) is not None
    # without an anchored match only the patterns with other alternatives can match (the same first match)
    for kind, reason, anchored, search, needs in (_DECISIVE_PARTS if at_start else _DECISIVE_SEARCH_PARTS):
        if needs is not None:
            for need in needs:
                if need in low:
                    break
            else:
                continue
        if (at_start and anchored is not None and anchored.match(low)) or (search is not None and search(low)):
            return kind, reason
    return None


#: ``_DECISIVE_LOWER`` as (kind, reason, anchored alternatives, search for the others, needs) (:func:`_split_search`).
_DECISIVE_PARTS = [(kind, reason, *_split_search(pattern), needs) for kind, reason, pattern, needs in _DECISIVE_LOWER]
_DECISIVE_SEARCH_PARTS = [part for part in _DECISIVE_PARTS if part[3] is not None]
_DECISIVE_ANY_START = re.compile("|".join(f"(?:{a.pattern})" for _, _, a, _, _ in _DECISIVE_PARTS if a is not None)).match


def _kind_for(text: str, cues: list[str], n_words: int) -> str:
    if cues:
        return cues[0]
    if n_words <= 12 and not _TERMINAL.search(text):
        return "related" if n_words >= 4 else "navigation"
    return "other"


def paragraph_table(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per paragraph of every article's body: article_id, outlet, para_no (1-based), text."""
    rows = []
    for aid, outlet, body in zip(articles["article_id"], articles.get("outlet", pd.Series("unknown", index=articles.index)),
                                 articles["body"]):
        for i, p in enumerate(split_paragraphs(body or ""), start=1):
            rows.append((aid, outlet, i, p))
    return pd.DataFrame(rows, columns=["article_id", "outlet", "para_no", "text"])


def prepare_paragraphs(articles: pd.DataFrame, *, use_repetition: bool = True) -> pd.DataFrame:
    """The per-article part of labelling (it needs no other article): the paragraphs, the model's
    ``score`` and, with ``use_repetition``, the repetition keys ``norm`` and ``template``."""
    paras = paragraph_table(articles)
    if paras.empty:
        paras = paras.assign(score=pd.Series(dtype="float64"))
        return paras.assign(norm=pd.Series(dtype="uint64"), template=pd.Series(dtype="uint64")) if use_repetition else paras
    paras["score"] = np.concatenate([boilerplate_scores(g["text"].tolist())
                                     for _, g in paras.groupby("article_id", sort=False)])
    return repetition_keys(paras) if use_repetition else paras


def label_paragraphs(articles: pd.DataFrame, *, use_repetition: bool = True,
                     min_share: float = REPEAT_MIN_SHARE_DEFAULT,
                     min_articles: int = REPEAT_MIN_ARTICLES_DEFAULT,
                     min_corpus: int = REPEAT_MIN_CORPUS_DEFAULT,
                     threshold: float | None = None) -> pd.DataFrame:
    """One row per paragraph of every article's body, labelled content or boilerplate.

    Columns: article_id, para_no (1-based), text, label (``content`` | ``boilerplate``), kind
    (``content`` for content; for boilerplate one of ``KINDS``), reason (readable), score (0-1, how
    boilerplate-like; 1.0 for repetition), n_chars.

    The same as :func:`prepare_paragraphs`, then :func:`repetition_counts` over all articles, then
    :func:`apply_labels`; ``helpers.pipeline`` runs these steps per chunk of articles (cached, on
    several processes or on Dask).
    """
    paras = prepare_paragraphs(articles, use_repetition=use_repetition)
    if paras.empty:
        return pd.DataFrame(columns=SEGMENT_COLUMNS)
    if use_repetition:
        paras = join_repetition(paras, repetition_counts(paras))
    return apply_labels(paras, use_repetition=use_repetition, min_share=min_share, min_articles=min_articles,
                        min_corpus=min_corpus, threshold=threshold)


def apply_labels(paras: pd.DataFrame, *, use_repetition: bool = True,
                 min_share: float = REPEAT_MIN_SHARE_DEFAULT,
                 min_articles: int = REPEAT_MIN_ARTICLES_DEFAULT,
                 min_corpus: int = REPEAT_MIN_CORPUS_DEFAULT,
                 threshold: float | None = None) -> pd.DataFrame:
    """Label prepared paragraphs (:func:`prepare_paragraphs`, plus :func:`join_repetition` when
    ``use_repetition``).  Each article is labelled from its own rows only, so any split of the
    articles into chunks gives the same segments."""
    if paras.empty:
        return pd.DataFrame(columns=SEGMENT_COLUMNS)
    paras = paras.reset_index(drop=True)
    fitted_threshold = load_weights()[2]
    threshold = fitted_threshold if threshold is None else threshold
    if use_repetition:
        rep_rows = paras[["outlet_size", "n_outlet_articles", "n_corpus_articles",
                          "n_template_articles"]].to_dict("records")
    norm = paras["text"].str.strip().str.lower()
    dup_in_article = (paras.assign(_n=norm).groupby(["article_id", "_n"])["para_no"].transform("size") > 1).to_numpy()
    labels, kinds, reasons, final_scores = [], [], [], []
    by_model = []  # whether the model's score alone decided the label (no repetition, pattern or prose rule)
    for j, row in enumerate(paras.itertuples(index=False)):
        st = paragraph_stats(row.text)
        cues, score = st["cues"], row.score
        rule = decisive_rule(row.text, st["n_words"])  # (kind, reason) of a decisive pattern, or None
        reason, label = "", None
        if use_repetition:
            r = rep_rows[j]
            size = int(r["outlet_size"])
            share_ok = r["n_outlet_articles"] >= max(min_articles, min_share * size)
            if share_ok and row.outlet != "unknown":
                label, score = BOILERPLATE, 1.0
                reason = f"repeated in {int(r['n_outlet_articles'])} of {size} articles from this outlet"
            elif r["n_corpus_articles"] >= min_corpus and st["n_words"] <= REPEAT_MAX_WORDS_CORPUS:
                label, score = BOILERPLATE, 1.0
                reason = f"repeated in {int(r['n_corpus_articles'])} articles across the corpus"
            elif (row.outlet != "unknown" and st["n_words"] <= 25 and r["n_template_articles"] >= max(min_articles, min_share * size)
                  and len(_template(row.text).split()) >= 2 and (cues or not st["terminal"])):
                label, score = BOILERPLATE, max(score, 0.9)
                reason = (f"starts like a line found in {int(r['n_template_articles'])} of {size} articles from this "
                          f"outlet ('{_template(row.text)} ...')")
        if label is None:
            if rule:
                label, score, reason = BOILERPLATE, max(score, 0.95), rule[1]
            elif dup_in_article[j] and st["n_words"] <= DECISIVE_MAX_WORDS:
                label, score = BOILERPLATE, max(score, 0.9)
                reason = "appears twice in this article (a repeated caption or teaser)"
        if label is None and not cues and is_long_prose(st):
            label, reason = CONTENT, "reads as article prose (long, punctuated, not repeated elsewhere)"
            score = min(score, 0.49)
        by_model.append(label is None)
        if label is None:
            if score >= threshold:
                label = BOILERPLATE
                reason = _model_reason(cues, st)
            else:
                label = CONTENT
                reason = "article prose" if st["n_words"] >= 10 else "short line inside the article body"
        labels.append(label)
        final_scores.append(round(float(score), 4))
        if label == BOILERPLATE:
            kinds.append(rule[0] if rule else _kind_for(row.text, cues, st["n_words"]))
        else:
            kinds.append(CONTENT)
        reasons.append(reason)
    paras["label"], paras["kind"], paras["reason"], paras["score"] = labels, kinds, reasons, final_scores
    if use_repetition:
        _rescore_without_repeated_lines(paras, np.array(by_model), threshold)
    _mark_pull_quotes(paras)
    _rescue_prose(paras)
    paras["n_chars"] = paras["text"].str.len()
    return paras[SEGMENT_COLUMNS].reset_index(drop=True)


def _rescore_without_repeated_lines(paras: pd.DataFrame, by_model: np.ndarray, threshold: float) -> None:
    """An article whose outlet's template lines (repeated across its articles) were found: the model scores its
    other paragraphs again with those lines set aside, as the article reads without them, and a paragraph it
    called boilerplate on its first reading becomes content if it now scores below the threshold and reads as a
    sentence (closing punctuation, no cue phrase; teaser headlines have none).  Among advertisement markers,
    teasers and sign-up lines a short sentence of prose looked like one of them."""
    repeated = paras["reason"].str.startswith(("repeated in", "starts like")).to_numpy()
    flagged = by_model & (paras["label"] == BOILERPLATE).to_numpy()
    if not flagged.any():
        return
    texts = paras["text"].to_numpy()
    for rows in paras.groupby("article_id", sort=False).indices.values():  # row positions of each article
        if not flagged[rows].any() or not repeated[rows].any():
            continue
        keep = rows[~repeated[rows]]
        scores = boilerplate_scores(texts[keep].tolist())
        for i, score in zip(keep, scores.tolist()):
            if not flagged[i] or score >= threshold:
                continue
            st = paragraph_stats(paras.at[i, "text"])
            if st["terminal"] and not st["cues"]:  # a sentence, not a teaser headline or a prompt
                paras.at[i, "label"], paras.at[i, "kind"], paras.at[i, "score"] = CONTENT, CONTENT, round(score, 4)
                paras.at[i, "reason"] = ("article prose (with the outlet's repeated lines set aside)" if st["n_words"] >= 10
                                         else "short sentence inside the article body (with the outlet's repeated lines "
                                              "set aside)")


#: A pull quote has from ... to ... words (and at least ``PULL_QUOTE_MIN_CHARS`` characters once normalised).
PULL_QUOTE_WORDS, PULL_QUOTE_MIN_CHARS = (5, 40), 25


def _mark_pull_quotes(paras: pd.DataFrame) -> None:
    """A short content paragraph whose words (normalised: case, digits and punctuation aside) all appear, in order,
    inside a longer paragraph of the same article repeats the article: a pull quote or a summary line that restates
    it.  It is boilerplate, so its names and dates are not counted twice."""
    lo, hi = PULL_QUOTE_WORDS
    content = (paras["label"] == CONTENT).to_numpy()
    texts = paras["text"].to_numpy()
    for rows in paras.groupby("article_id", sort=False).indices.values():
        if len(rows) < 2:
            continue
        lowered = [t.lower() for t in texts[rows]]
        joined = "\n".join(lowered)
        norms = None
        for k, i in enumerate(rows):
            # a cheap test first: the opening 20 characters occur elsewhere in the article
            probe = lowered[k].strip().lstrip("\"'“‘«")[:20]
            if not content[i] or len(probe) < 20 or joined.count(probe) < 2:
                continue
            norms = norms or [_normalise(t) for t in lowered]
            norm = norms[k]
            if (len(norm) >= PULL_QUOTE_MIN_CHARS and lo <= norm.count(" ") + 1 <= hi
                    and any(norm in other and len(other) > len(norm) for other in norms)):
                paras.at[i, "label"], paras.at[i, "kind"] = BOILERPLATE, "other"
                paras.at[i, "reason"] = "repeats a sentence of this article (a pull quote or summary line)"


#: An article left with no content paragraph keeps as content its sentences of at least this many words.
RESCUE_MIN_WORDS = 5


def _rescue_prose(paras: pd.DataFrame) -> None:
    """An article must not lose all its text: where every paragraph came out boilerplate, the ones
    that read as sentences (closing punctuation, enough words, no cue, not repeated) are content.
    Short wire items and snippets in JSONL/CSV corpora are often a single such paragraph."""
    has_content = paras.groupby("article_id")["label"].transform(lambda s: (s == CONTENT).any())
    for i in paras.index[~has_content]:
        text, reason = paras.at[i, "text"], paras.at[i, "reason"]
        st = paragraph_stats(text)
        if (st["terminal"] and st["n_words"] >= RESCUE_MIN_WORDS and not st["cues"]
                and not reason.startswith(("repeated", "starts like", "appears twice"))
                and decisive_rule(text, st["n_words"]) is None):
            paras.at[i, "label"], paras.at[i, "kind"] = CONTENT, CONTENT
            paras.at[i, "reason"] = "the article's only sentence-like text"


def _model_reason(cues: list[str], st: dict) -> str:
    names = {"newsletter": "newsletter prompt", "app": "app or follow prompt", "paywall": "paywall or subscription notice",
             "share": "share widget", "contact": "contact line", "related": "related-headline teaser",
             "caption": "photo caption or credit", "copyright": "copyright line", "cookie": "cookie notice",
             "navigation": "navigation link", "byline": "byline or credit", "advertisement": "advertisement marker",
             "other": "site notice"}
    if cues:
        return names[cues[0]]
    if st["n_words"] <= 12 and not st["terminal"]:
        return "short line without sentence punctuation, outside the article's prose"
    return "does not read like the article's prose (shape and position)"


def article_ratios(segments: pd.DataFrame) -> pd.DataFrame:
    """Per article: content_chars, boilerplate_chars, boilerplate_ratio (share of characters)."""
    pivot = segments.pivot_table(index="article_id", columns="label", values="n_chars", aggfunc="sum", fill_value=0)
    out = pd.DataFrame({"content_chars": pivot.get(CONTENT, 0), "boilerplate_chars": pivot.get(BOILERPLATE, 0)})
    total = out["content_chars"] + out["boilerplate_chars"]
    out["boilerplate_ratio"] = (out["boilerplate_chars"] / total.where(total > 0)).fillna(0.0).round(4)
    return out.reset_index()
