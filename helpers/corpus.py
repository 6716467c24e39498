"""Load a folder of scraped articles into one tidy table, losing nothing.

Entry point: :func:`load_articles` (a DataFrame of articles, with the load report in
``articles.attrs["report"]``) or :func:`load_corpus` (both tables, as a :class:`Corpus`).

Every file under the folder ends up either as article rows or as a row of the load report
saying why it was not loaded (empty, binary, too large, unsupported, an exact duplicate of
another article ...).  Files that load with a problem (a header timestamp that cannot be read)
are loaded *and* reported with status ``warning``.

Supported inputs
----------------
* ``.txt`` (and files without an extension) in the sample format: a timestamp line, a blank
  line, the headline, then body paragraphs separated by blank lines.
* ``.jsonl`` / ``.json`` and ``.csv`` with one article per record; columns are found by name
  (see ``TEXT_FIELDS``, ``TITLE_FIELDS`` ...).
* ``.html`` / ``.htm``: main text and metadata extracted with trafilatura.
* ``manifest.csv`` (columns ``file, outlet, url, published``) overrides what the files say.

Encodings: UTF-8 (with or without BOM), UTF-16/32 with BOM, GB18030/GBK, and whatever
charset-normalizer recognises; CRLF and CR line ends and NUL bytes are normalised.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass
from html import unescape as html_unescape
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from . import paths, schema
from .timestamps import looks_like_timestamp, parse_timestamp

#: Largest single-article file read (bytes); larger files are reported as too large.
MAX_BYTES_DEFAULT = 10_000_000
#: Largest JSONL/CSV/JSON collection file read (bytes).
MAX_TABLE_BYTES_DEFAULT = 2_000_000_000
#: Share of control characters above which decoded text is treated as binary.
MAX_CONTROL_SHARE = 0.05
#: Share of CJK characters among non-ASCII ones needed to accept a GB18030 reading.
MIN_CJK_SHARE_GB = 0.5
#: ... and at most this share of them sits inside a Latin word ("Beh?rde"): a Western text's accented letter and
#: the ASCII letter after it also decode as one GB18030 character, real Chinese does not look like that.
MAX_CJK_INSIDE_WORD_SHARE = 0.2
MANIFEST_NAME = "manifest.csv"
UNKNOWN_OUTLET = "unknown"

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
CSV_SUFFIXES = {".csv", ".tsv"}
TABLE_SUFFIXES = JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES

TEXT_FIELDS = ("text", "body", "content", "article", "article_text", "maintext", "full_text")
TITLE_FIELDS = ("title", "headline", "heading")
PUBLISHED_FIELDS = ("published", "date", "published_at", "publish_date", "date_published",
                    "datetime", "timestamp", "time", "pubdate")
OUTLET_FIELDS = ("outlet", "source", "site", "sitename", "publisher", "domain")
URL_FIELDS = ("url", "link", "href", "source_url")
ID_FIELDS = ("article_id", "id", "doc_id", "uid")

_MAGIC = [
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"), (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX)"),
    (b"\x1f\x8b", "gzip archive"), (b"BZh", "bzip2 archive"), (b"\xfd7zXZ", "xz archive"),
    (b"7z\xbc\xaf", "7z archive"), (b"\x7fELF", "executable"), (b"PAR1", "Parquet file"),
    (b"SQLite format 3", "SQLite database"), (b"\xd0\xcf\x11\xe0", "MS Office document"),
    (b"RIFF", "RIFF media file"), (b"OggS", "Ogg media file"), (b"ID3", "MP3 audio"),
]
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_CJK_INSIDE_WORD = re.compile(r"(?<=[A-Za-z])[\u3400-\u4dbf\u4e00-\u9fff](?=[A-Za-z])")


class CorpusError(ValueError):
    """The corpus path itself cannot be used (missing, not a folder, no files)."""


@dataclass
class Corpus:
    """What :func:`load_corpus` returns."""

    articles: pd.DataFrame  # schema.ARTICLE_COLUMNS
    report: pd.DataFrame    # schema.REPORT_COLUMNS: path, status (skipped | warning), reason

    @property
    def skipped(self) -> pd.DataFrame:
        """Files (or records) that were not loaded: path, reason."""
        rows = self.report[self.report["status"] == schema.SKIPPED]
        return rows[schema.SKIPPED_COLUMNS].reset_index(drop=True)


class Skip(Exception):
    """Raised inside the readers: this file (or record) is not loaded, for this reason."""


# --------------------------------------------------------------------------- decoding
def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes to text; return (text, encoding name).

    Raises :class:`Skip` for empty or binary data.  Line ends become ``\\n``; NUL bytes and
    a leading BOM are dropped.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise Skip("empty file")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise Skip(f"binary file ({what})")
    text, enc = None, None
    for bom, name in _BOMS:
        if data.startswith(bom):
            text, enc = data.decode(name, errors="replace"), name
            break
    if text is None:
        sample = data[:4096]
        zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
        half = max(1, len(sample) // 2)
        if zeros_odd > 0.4 * half and zeros_even < 0.05 * half:
            text, enc = data.decode("utf-16-le", errors="replace"), "utf-16-le"
        elif zeros_even > 0.4 * half and zeros_odd < 0.05 * half:
            text, enc = data.decode("utf-16-be", errors="replace"), "utf-16-be"
    if text is None:
        clean = data.replace(b"\x00", b"")
        try:
            text, enc = clean.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = _decode_legacy(clean)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").lstrip("\ufeff")
    if not text.strip():
        raise Skip("no text after decoding")
    sample = text[:20000]
    if len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise Skip("binary file (too many control characters for text)")
    return text, enc


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode non-UTF-8 bytes: GB18030 when it reads as Chinese, else charset-normalizer."""
    try:
        text = data.decode("gb18030")
        non_ascii = [c for c in text if ord(c) > 127]
        if (non_ascii and sum(bool(_CJK.match(c)) for c in non_ascii) >= MIN_CJK_SHARE_GB * len(non_ascii)
                and len(_CJK_INSIDE_WORD.findall(text)) <= MAX_CJK_INSIDE_WORD_SHARE * len(non_ascii)):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    western = _decode_western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return data.decode("cp1252", errors="replace"), "cp1252"


#: Characters a Western-European text in Windows-1252 / ISO-8859-1 is made of beyond ASCII: accented letters,
#: typographic quotes, dashes and the common symbols.  Other bytes (such as "³" or "¹", which are "ł" and "ą" in
#: Central-European Windows-1250) leave the choice to charset-normalizer.
_WESTERN_CHARS = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŒœŠšŽžŸ"
    "‘’‚“”„–—…•€£¥¢©®™°·«»§¶¿¡\u00a0")


#: At most this share of a Western-European text's letters are accented (French runs at about 4%).
MAX_WESTERN_ACCENTED_SHARE = 0.25


def _decode_western(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when the bytes read as Western-European Windows-1252 (ISO-8859-1 when none of its
    0x80-0x9F characters occur): every non-ASCII character one of ``_WESTERN_CHARS``.  English articles with a
    few accented names or curly quotes are like that, and statistical detectors often misread so few bytes
    (charset-normalizer took such a file for Central-European cp1250: "José Muñoz" became "José Muńoz")."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    non_ascii = [c for c in text if ord(c) > 127]
    if not _WESTERN_CHARS.issuperset(non_ascii):
        return None
    # in Western-European prose accented letters are a small share of the letters; Greek or Cyrillic bytes read
    # this way come out (nearly) all accented
    if sum(map(str.isalpha, non_ascii)) > MAX_WESTERN_ACCENTED_SHARE * sum(map(str.isalpha, text)):
        return None
    return text, ("cp1252" if any(0x80 <= b <= 0x9F for b in data) else "iso-8859-1")


# --------------------------------------------------------------------------- parsing
def split_header(text: str) -> dict:
    """Split sample-format text into published/title/body.

    Returns a dict with ``published``, ``published_raw``, ``title``, ``body``, ``warning``.
    The header is: a timestamp line, a blank line, the headline.  When the first line is not
    a readable timestamp the article is still returned, with ``published`` empty and a warning.
    """
    lines = text.strip("\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    first = lines[0].strip() if lines else ""
    ts = parse_timestamp(first)
    rest = lines[1:]
    out = {"published": "", "published_raw": "", "title": "", "body": "", "warning": ""}
    if ts is not None:
        out["published"], out["published_raw"], out["warning"] = ts.iso, ts.raw, ts.warning
    elif looks_like_timestamp(first):
        out["published_raw"] = first
        out["warning"] = f"timestamp line not understood: {first[:80]!r}"
    else:
        rest = lines  # no timestamp line: the first line is the headline
        out["warning"] = "no timestamp line: first line is not a date"
    while rest and not rest[0].strip():
        rest.pop(0)
    if rest and _is_headline(rest[0]):
        out["title"] = rest.pop(0).strip()
    elif rest:
        out["warning"] = "; ".join(filter(None, [out["warning"], "no headline line"]))
    out["body"] = _normalise_body("\n".join(rest))
    return out


def _is_headline(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= 300


def _normalise_body(body: str) -> str:
    """Trim trailing spaces per line and runs of blank lines (paragraphs stay blank-separated)."""
    lines = [ln.rstrip() for ln in body.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# --------------------------------------------------------------------------- outlets
@dataclass(frozen=True)
class OutletMatcher:
    """Known outlet names compiled into one pattern (one pass over a text finds them all)."""

    pattern: re.Pattern | None
    names: dict[str, str]  # surface form (straight apostrophes) -> outlet


_OUTLETS_CACHE: dict[str, OutletMatcher] = {}
_SIGNATURE = re.compile(r"©|\(c\)|copyright|all rights reserved|newsletter|subscri|download|app\b|"
                        r"follow|sign up|reporting by|contact|\(\w[\w ]*\)\s*[-–—]", re.I)
#: The owner named in a copyright line: only the cue is case-blind; the owner's words must be capitalised
#: (so prose such as "copyright holders and ..." names no outlet).
_COPYRIGHT_OWNER = re.compile(
    r"(?i:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}\s*)?([A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,5})")
_NAME = r"([A-Z][\w&'’.-]*(?:[ \t]+[A-Z][\w&'’.-]*){0,5})"  # capitalised words on one line
#: "Sinoscope Weekly © 2021", "Pearl River Wire English Service — all rights reserved": the owner before the cue.
_OWNER_BEFORE_RIGHTS = re.compile(r"^" + _NAME + r"[ \t]*(?:[-–—|,][ \t]*)?(?:©|\((?i:c)\)|(?i:all rights reserved))", re.M)
#: The site naming itself in its prompts ("More from Nanyang Tech Daily:", "Download the Pacific Rim Daily app",
#: "Follow Pearl River Wire on WeChat"); looked for only in the last ``TAIL_LINES`` lines.
_SITE_PROMPT = re.compile(r"^(?i:more from)\s+" + _NAME + r"\s*:|(?i:download|get) the\s+" + _NAME + r"\s+(?i:app)\b|"
                          r"(?i:follow)\s+" + _NAME + r"\s+(?i:on)\s+(?:WeChat|Weibo|Twitter|X|Facebook|Telegram|"
                          r"WhatsApp|LinkedIn|Instagram|YouTube)\b", re.M)
TAIL_LINES = 8
#: Chinese sources: "来源：华夏财经网" on the header line, "版权均属华夏财经网所有" in a copyright notice.
_ZH_SOURCE = re.compile(r"来源\s*[:：]\s*([^\s，。,;；|“”\"'「」『』]{2,20})|"
                        r"版权(?:均|皆)?(?:属|归|属于)([^\s，。,;；“”\"'「」『』]{2,20}?)所有|"
                        r"本文为([^\s，。,;；“”\"'「」『』]{2,20}?)原创|扫码关注([^\s，。,;；“”\"'「」『』]{2,20}?)(?:微信)?公众号")
#: Company-form words dropped from an owner's name ("Lantau Business Daily Ltd." is the outlet Lantau Business Daily).
_CORPORATE_SUFFIX = re.compile(r"(?:\s+(?:Ltd|Limited|Inc|LLC|Pte|PLC|Corp|Co)\.?)+$")
_WIRE_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]*\b\w+\.? \d{1,2} \(([A-Z][\w ]{1,30})\)\s*[-–—]", re.M)
#: Lines of at most this many words count as boilerplate-like for outlet inference.
SHORT_LINE_WORDS = 12


def load_outlets(path: Path | None = None) -> OutletMatcher:
    """Known outlets (``data/reference/outlets.csv``: outlet, aliases ...) as one matcher.

    Names match case-sensitively as whole words; straight and curly apostrophes are equivalent.
    """
    path = Path(path or paths.OUTLETS_CSV)
    key = str(path)
    if key not in _OUTLETS_CACHE:
        names: dict[str, str] = {}
        if path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    for name in [row["outlet"], *(row.get("aliases") or "").split(";")]:
                        if name.strip():
                            names[name.strip().replace("’", "'")] = row["outlet"]
        alts = "|".join(re.escape(n).replace("'", "['’]") for n in sorted(names, key=len, reverse=True))
        pattern = re.compile(r"(?<![\w])(?:" + alts + r")(?![\w])") if names else None
        _OUTLETS_CACHE[key] = OutletMatcher(pattern, names)
    return _OUTLETS_CACHE[key]


def outlet_text(record: dict) -> str:
    """What :func:`infer_outlet` reads of a record: its header line ("2022年07月21日 20:15 来源：东方数字时报"), title
    and body."""
    return "\n".join((record.get("published_raw") or "", record.get("title") or "", record["body"]))


def infer_outlet(text: str, *, outlets: OutletMatcher | None = None) -> str:
    """Name the outlet a text comes from, where the text names it.

    Known outlets (``data/reference/outlets.csv``) are counted; a mention on a boilerplate-like
    line (short, or with a copyright, newsletter, app, dateline or credit cue) counts three
    times, and one there decides.  Otherwise the owner the site states wins over a known outlet
    only cited in prose: a copyright line (the owner after or before the cue, company forms such
    as "Ltd." dropped), a wire dateline ``(Name) -``, ``来源：Name`` or ``版权均属Name所有``, the
    site's prompts among the last lines ("More from Name:", "Download the Name app").  Then the
    cited outlet; ``"unknown"`` when nothing names one.
    """
    outlets = load_outlets() if outlets is None else outlets
    scores: dict[str, int] = {}
    if outlets.pattern is not None:
        for m in outlets.pattern.finditer(text):
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            line = text[start: end if end >= 0 else len(text)]
            weight = 3 if len(line.split()) <= SHORT_LINE_WORDS or _SIGNATURE.search(line) else 1
            outlet = outlets.names[m.group(0).replace("’", "'")]
            scores[outlet] = scores.get(outlet, 0) + weight
    best = max(scores.items(), key=lambda kv: kv[1]) if scores else None
    if best and best[1] >= 3:  # named on a boilerplate-like line at least once
        return best[0]
    # an owner the site states (copyright line, wire dateline, its own prompts) before a known outlet cited in prose
    # ("according to the official Xinhua news agency" in an article of another outlet)
    m = (_COPYRIGHT_OWNER.search(text) or _OWNER_BEFORE_RIGHTS.search(text) or _WIRE_DATELINE.search(text)
         or _ZH_SOURCE.search(text))
    if m is None:  # the site's own prompts among the last lines: "More from X:", "Download the X app"
        tail = "\n".join(text.rstrip().split("\n")[-TAIL_LINES:])
        m = _SITE_PROMPT.search(tail)
    if m:
        name = re.split(r"\.\s|,|\s+all rights|\s+-", next(filter(None, m.groups())), flags=re.I)[0].strip(" .,")
        name = _CORPORATE_SUFFIX.sub("", name).strip(" .,")
        if name:
            return outlets.names.get(name.replace("’", "'"), name)
    return best[0] if best else UNKNOWN_OUTLET


# --------------------------------------------------------------------------- readers
def _pick(record: dict, fields: Iterable[str]) -> str:
    lower = {str(k).strip().lower(): v for k, v in record.items()}
    for f in fields:
        v = lower.get(f)
        if v is not None and not (isinstance(v, float) and v != v) and str(v).strip():
            return str(v).strip()
    return ""


def _record_to_article(record: dict) -> dict:
    """One JSONL/CSV record -> article fields (raises Skip when it has no text)."""
    if not isinstance(record, dict):
        raise Skip(f"record is a {type(record).__name__}, not an object")
    text = _pick(record, TEXT_FIELDS)
    if not text:
        raise Skip("record has no text field (looked for: " + ", ".join(TEXT_FIELDS) + ")")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    title, published_raw = _pick(record, TITLE_FIELDS), _pick(record, PUBLISHED_FIELDS)
    if not title and not published_raw:
        art = split_header(text)  # the text may carry its own sample-format header
    else:
        art = {"title": title, "body": _normalise_body(text), "published": "",
               "published_raw": published_raw, "warning": ""}
        if published_raw:
            ts = parse_timestamp(published_raw)
            art["published"] = ts.iso if ts else ""
            art["warning"] = ts.warning if ts else f"published value not understood: {published_raw[:80]!r}"
        else:
            art["warning"] = "record has no published field"
    art["outlet"] = _pick(record, OUTLET_FIELDS)
    art["url"] = _pick(record, URL_FIELDS)
    art["record_id"] = _pick(record, ID_FIELDS)
    return art


def _read_text_file(data: bytes) -> Iterator[dict]:
    text, enc = decode_bytes(data)
    art = split_header(text)
    if not art["body"].strip() and not art["title"]:
        raise Skip("no article text after the header")
    art["encoding"] = enc
    yield art


def _read_jsonl(data: bytes) -> Iterator[dict]:
    text, enc = decode_bytes(data)
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            art = _record_to_article(json.loads(line))
        except json.JSONDecodeError as exc:
            yield {"skip": f"line {lineno}: invalid JSON ({exc.msg})"}
            continue
        except Skip as exc:
            yield {"skip": f"line {lineno}: {exc}"}
            continue
        art.update(encoding=enc, record_no=lineno)
        yield art


def _read_json(data: bytes) -> Iterator[dict]:
    text, enc = decode_bytes(data)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Skip(f"invalid JSON ({exc.msg} at line {exc.lineno})") from None
    records = obj if isinstance(obj, list) else [obj]
    for i, rec in enumerate(records, start=1):
        try:
            art = _record_to_article(rec)
        except Skip as exc:
            yield {"skip": f"record {i}: {exc}"}
            continue
        art.update(encoding=enc, record_no=i)
        yield art


def _read_csv(data: bytes, delimiter: str) -> Iterator[dict]:
    text, enc = decode_bytes(data)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise Skip(f"unreadable CSV ({exc})") from None
    if not any(f in fields for f in TEXT_FIELDS):
        raise Skip("CSV has no text column (looked for: " + ", ".join(TEXT_FIELDS) + ")")
    rowno = 1
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield {"skip": f"row {rowno + 1}: unreadable CSV ({exc})"}
            break
        rowno += 1
        try:
            art = _record_to_article(rec)
        except Skip as exc:
            yield {"skip": f"row {rowno}: {exc}"}
            continue
        art.update(encoding=enc, record_no=rowno)
        yield art


_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: Meta names that give the publication time, in order of trust.
_META_DATE_NAMES = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                    "dc.date.issued", "dc.date", "date")
_JSON_LD = re.compile(r"<script[^>]+type=[\"']application/ld\+json[\"'][^>]*>(.*?)</script>", re.I | re.S)
_ARTICLE = re.compile(r"<article\b.*?</article>", re.I | re.S)
_TIME_TAG = re.compile(r"<time[^>]+datetime=[\"']([^\"']+)[\"']", re.I)


def _html_published(html: str) -> str:
    """The page's own publication time: JSON-LD ``datePublished`` of its article, a publication-time meta tag
    (attributes in any order), else a ``<time datetime>`` inside ``<article>``.  Not the first ``<time>`` on the
    page, which is often a news ticker's."""
    for block in _JSON_LD.findall(html):
        try:
            data = json.loads(block)
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        items += [g for d in items if isinstance(d, dict) for g in d.get("@graph", []) if isinstance(g, dict)]
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("datePublished"), str) and item["datePublished"].strip():
                return item["datePublished"].strip()
    found = {}
    for tag in _META_TAG.findall(html):
        attrs = {k.lower(): (a if a is not None and a != "" else b) for k, a, b in _ATTRIBUTE.findall(tag)}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key in _META_DATE_NAMES and attrs.get("content", "").strip():
            found.setdefault(key, attrs["content"].strip())
    for key in _META_DATE_NAMES:
        if key in found:
            return found[key]
    article = _ARTICLE.search(html)
    m = _TIME_TAG.search(article.group(0)) if article else None
    return m.group(1) if m else ""


def _read_html(data: bytes) -> Iterator[dict]:
    import trafilatura

    html, enc = decode_bytes(data)
    result = trafilatura.extract(html, output_format="json", with_metadata=True,
                                 include_comments=False, favor_recall=True)
    if not result:
        raise Skip("HTML: trafilatura found no main text")
    meta = json.loads(result)
    text = (meta.get("text") or "").strip()
    if not text:
        raise Skip("HTML: trafilatura found no main text")
    published_raw = _html_published(html) or meta.get("date") or ""
    ts = parse_timestamp(published_raw) if published_raw else None
    warning = "" if ts else ("HTML has no publication date" if not published_raw
                             else f"published value not understood: {published_raw[:80]!r}")
    if not _HTML_END.search(html[-2000:]):
        warning = "; ".join(filter(None, [warning, "HTML looks truncated (no closing </body> or </html>): text may be cut"]))
    title = (meta.get("title") or "").strip()
    paragraphs = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if paragraphs and title and _same_words(paragraphs[0], title):
        paragraphs = paragraphs[1:]  # the headline, which trafilatura repeats as the text's first line
    yield {"title": title, "body": "\n\n".join(paragraphs),
           "published": ts.iso if ts else "", "published_raw": published_raw,
           "warning": warning, "outlet": _html_outlet(html, meta, title),
           "url": (meta.get("source") or meta.get("url") or "").strip(), "encoding": enc}


def _same_words(a: str, b: str) -> bool:
    return a.casefold().split() == b.casefold().split()


_HTML_END = re.compile(r"</(?:body|html)\s*>", re.I)
_OG_SITE_NAME = re.compile(r"""<meta[^>]+property=["']og:site_name["'][^>]+content=["']([^"']+)["']""", re.I)
_TITLE_TAG = re.compile(r"<title[^>]*>([^<]+)</title>", re.I)
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:]\s+")
#: A part of ``<title>`` longer than this (words) is not taken for the site's name.
MAX_SITE_NAME_WORDS = 5


def _html_outlet(html: str, meta: dict, title: str) -> str:
    """The site's name: trafilatura's, ``og:site_name``, the part of ``<title>`` that is not the headline
    ("Headline | Outlet", "Outlet - Section"), else the host name."""
    name = meta.get("sitename") or ""
    if not name:
        m = _OG_SITE_NAME.search(html)
        name = html_unescape(m.group(1)) if m else ""
    m = _TITLE_TAG.search(html) if not name else None
    parts = [p.strip() for p in _TITLE_SEPARATOR.split(html_unescape(m.group(1)).strip())] if m else []
    if len(parts) > 1:
        others = [p for p in parts if not _same_words(p, title)]
        # with the headline among the parts the site is the last other one; without it, the first ("Site - Tech")
        candidate = (others[-1] if others else "") if len(others) < len(parts) else parts[0]
        if 0 < len(candidate.split()) <= MAX_SITE_NAME_WORDS:
            name = candidate
    return (name or meta.get("source-hostname") or meta.get("hostname") or "").strip()


# --------------------------------------------------------------------------- corpus
def _reader_for(path: Path):
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return _read_jsonl, True
    if suffix in JSON_SUFFIXES:
        return _read_json, True
    if suffix in CSV_SUFFIXES:
        return (lambda data: _read_csv(data, "\t" if suffix == ".tsv" else ",")), True
    if suffix in HTML_SUFFIXES:
        return _read_html, False
    return _read_text_file, False


def list_files(root: Path) -> list[Path]:
    """Every file under ``root`` (recursively, hidden ones included), in a stable order."""
    return sorted((p for p in root.rglob("*") if p.is_file() or p.is_symlink()),
                  key=lambda p: p.relative_to(root).as_posix())


def read_manifest(root: Path) -> tuple[dict[str, dict], list[dict]]:
    """``manifest.csv`` -> {relative file path: {outlet, url, published}} and report rows."""
    path = root / MANIFEST_NAME
    report: list[dict] = []
    if not path.is_file():
        return {}, report
    try:
        text, _ = decode_bytes(path.read_bytes())
        rows = list(csv.DictReader(io.StringIO(text)))
    except (Skip, csv.Error) as exc:
        report.append({"path": MANIFEST_NAME, "status": schema.WARNING,
                       "reason": f"manifest.csv not used: {exc}"})
        return {}, report
    manifest = {}
    for row in rows:
        row = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k}
        name = row.get("file") or row.get("path") or row.get("filename")
        if name:
            manifest[Path(name).as_posix()] = row
    return manifest, report


def make_article_ids(paths_: list[str]) -> dict[str, str]:
    """Map relative file path -> article_id: the file stem, or the relative path without its
    suffix where two files share a stem."""
    stems: dict[str, int] = {}
    for p in paths_:
        stems[Path(p).stem] = stems.get(Path(p).stem, 0) + 1
    return {p: (Path(p).stem if stems[Path(p).stem] == 1 else Path(p).with_suffix("").as_posix())
            for p in paths_}


def load_corpus(path: str | Path, *, max_bytes: int = MAX_BYTES_DEFAULT,
                max_table_bytes: int = MAX_TABLE_BYTES_DEFAULT, keep_duplicates: bool = False,
                outlets_csv: str | Path | None = None, progress: bool = False) -> Corpus:
    """Load every article under ``path`` (a folder, or a single file).

    Returns a :class:`Corpus` with ``articles`` (columns ``schema.ARTICLE_COLUMNS``, one row per
    article, in path order) and ``report`` (``path, status, reason``): every file that was not
    loaded is there with status ``skipped``; articles loaded with a problem are there with status
    ``warning``.  An article whose body is identical to an earlier one is skipped as a
    duplicate unless ``keep_duplicates``.  Raises :class:`CorpusError` for a missing path or a
    folder with no files.

    Two steps, which ``helpers.pipeline`` also runs separately (per file in parallel, cached by
    content hash): :func:`read_file` for each file, then :func:`assemble_corpus`.
    """
    root, files = corpus_files(path)
    rel = [f.relative_to(root).as_posix() for f in files]
    iterator = zip(files, rel)
    if progress:
        from tqdm.auto import tqdm
        iterator = tqdm(iterator, total=len(files), desc="loading", unit="file")
    records = [read_file(f, r, max_bytes=max_bytes, max_table_bytes=max_table_bytes) for f, r in iterator]
    return assemble_corpus(root, rel, records, keep_duplicates=keep_duplicates, outlets_csv=outlets_csv)


def corpus_files(path: str | Path) -> tuple[Path, list[Path]]:
    """(root folder, files to read) for a corpus folder or a single file; :class:`CorpusError` if
    there is nothing to read."""
    root = Path(path).expanduser()
    if not root.exists():
        raise CorpusError(f"corpus folder not found: {root}")
    if root.is_file():
        files, root = [root], root.parent
    else:
        files = list_files(root)
    if not files:
        raise CorpusError(f"corpus folder is empty: {root}")
    return root, files


#: Fields of a parsed record (what :func:`read_file` returns per article or skipped record).
RECORD_FIELDS = ("skip", "title", "body", "published", "published_raw", "warning", "outlet", "url", "encoding",
                 "record_no", "record_id", "inferred_outlet")


def read_file(f: Path, rel: str, *, max_bytes: int = MAX_BYTES_DEFAULT,
              max_table_bytes: int = MAX_TABLE_BYTES_DEFAULT, data: bytes | None = None) -> list[dict]:
    """Parse one file into records, never raising: article dicts (``RECORD_FIELDS``), and
    ``{"skip": reason}`` for a record or a whole file that cannot be loaded.  The result depends
    only on the file's bytes, its suffix and the size limits (``helpers.pipeline`` caches it by
    content hash); ``data`` are the bytes when the caller has already read them."""
    if rel == MANIFEST_NAME:
        return [{"skip": "manifest (metadata for other files)"}]
    out: list[dict] = []
    try:
        for art in _load_file(f, max_bytes=max_bytes, max_table_bytes=max_table_bytes, data=data):
            out.append(art)
    except Skip as exc:
        out.append({"skip": str(exc)})
    except (OSError, MemoryError) as exc:
        out.append({"skip": f"cannot read: {exc}"})
    except Exception as exc:  # a reader bug must not stop the corpus: report it instead
        out.append({"skip": f"unexpected error ({type(exc).__name__}: {exc})"})
    return out


def assemble_corpus(root: Path, rel: list[str], records: list[list[dict]], *, keep_duplicates: bool = False,
                    outlets_csv: str | Path | None = None) -> Corpus:
    """Build the :class:`Corpus` from each file's records (:func:`read_file`, in ``rel`` order):
    article ids and duplicates (:func:`plan_corpus`), then ``manifest.csv`` overrides and outlets
    per article (:func:`finish_article`)."""
    manifest, manifest_report = read_manifest(root)
    outlets = load_outlets(Path(outlets_csv) if outlets_csv else None)
    plan = plan_corpus(rel, [[record_meta(a) for a in recs] for recs in records], keep_duplicates=keep_duplicates)
    rows = [finish_article(records[f][seq], aid, rel[f], manifest, outlets)
            for f, seq, aid, skip in plan if aid is not None]
    articles = pd.DataFrame(rows, columns=schema.ARTICLE_COLUMNS)
    articles["n_chars"] = articles["n_chars"].astype("int64")
    return Corpus(articles=articles, report=load_report(rel, plan, articles["warning"].tolist(), manifest, manifest_report))


def record_meta(art: dict) -> dict:
    """What :func:`plan_corpus` needs of a parsed record: skip reason, body hash, record number and id."""
    if art.get("skip") is not None:
        return {"skip": art["skip"]}
    return {"skip": None, "digest": hashlib.sha1(art["body"].strip().encode("utf-8")).hexdigest(),
            "record_no": art.get("record_no"), "record_id": art.get("record_id")}


def plan_corpus(rel: list[str], metas: list[list[dict]], *, keep_duplicates: bool = False) -> list[tuple]:
    """Decide, from the records' :func:`record_meta` only, which records become articles and their
    ids: ``[(file index, record index, article_id or None, skip reason or None), ...]`` in file order.
    An article whose body repeats an earlier one is skipped as a duplicate (unless
    ``keep_duplicates``); record ids repeated across files are prefixed with their file path."""
    ids = make_article_ids(rel)
    plan: list[list] = []
    seen_bodies: dict[str, str] = {}
    for f, (r, file_metas) in enumerate(zip(rel, metas)):
        for seq, meta in enumerate(file_metas):
            if meta.get("skip") is not None:
                plan.append([f, seq, None, meta["skip"]])
                continue
            aid = ids[r] if meta.get("record_no") is None else (meta.get("record_id") or f"{ids[r]}:{meta['record_no']}")
            if meta["digest"] in seen_bodies and not keep_duplicates:
                plan.append([f, seq, None, f"duplicate: same body as {seen_bodies[meta['digest']]}"
                             + (f" (record {meta['record_no']})" if meta.get("record_no") is not None else "")])
                continue
            seen_bodies.setdefault(meta["digest"], aid)
            plan.append([f, seq, aid, None])
    counts: dict[str, int] = {}
    for entry in plan:
        if entry[2] is not None:
            counts[entry[2]] = counts.get(entry[2], 0) + 1
    for entry in plan:  # record ids repeated across files: make them unique, deterministically
        if entry[2] is not None and counts[entry[2]] > 1:
            entry[2] = re.sub(r"\.[^./]+$", "", rel[entry[0]]) + ":" + entry[2]
    return [tuple(e) for e in plan]


def load_report(rel: list[str], plan: list[tuple], warnings: list[str], manifest: dict[str, dict],
                manifest_report: list[dict]) -> pd.DataFrame:
    """The load report in file order: skipped records and files, articles loaded with a warning
    (``warnings``: the articles' warning column, in plan order), manifest problems."""
    report = list(manifest_report)
    article_no = 0
    for f, seq, aid, skip in plan:
        if aid is None:
            report.append({"path": rel[f], "status": schema.SKIPPED, "reason": skip})
            continue
        if warnings[article_no]:
            report.append({"path": rel[f], "status": schema.WARNING, "reason": warnings[article_no]})
        article_no += 1
    for name in sorted(set(manifest) - set(rel)):
        report.append({"path": name, "status": schema.WARNING, "reason": "listed in manifest.csv but no such file"})
    return pd.DataFrame(report, columns=schema.REPORT_COLUMNS)


def _load_file(f: Path, *, max_bytes: int, max_table_bytes: int, data: bytes | None = None) -> Iterator[dict]:
    reader, is_table = _reader_for(f)
    if f.is_symlink() and not f.exists():
        raise Skip("broken symbolic link")
    size = f.stat().st_size if data is None else len(data)
    limit = max_table_bytes if is_table else max_bytes
    if size > limit:
        raise Skip(f"file too large ({size:,} bytes > limit {limit:,}; raise max_bytes to load it)")
    if size == 0:
        raise Skip("empty file")
    if data is None:
        data = f.read_bytes()
    yielded = False
    for art in reader(data):
        yielded = True
        yield art
    if not yielded:
        raise Skip("no records in file")


def finish_article(art: dict, aid: str, rel: str, manifest: dict[str, dict], outlets) -> dict:
    """One article row (``schema.ARTICLE_COLUMNS``) from a parsed record and its planned id, with
    ``manifest.csv`` overrides and the outlet inferred where nothing names it."""
    man = manifest.get(rel)
    row = {
        "article_id": aid, "path": rel, "outlet": art.get("outlet", ""),
        "published": art.get("published", ""), "published_raw": art.get("published_raw", ""),
        "title": art.get("title", ""), "body": art["body"], "n_chars": len(art["body"]),
        "encoding": art.get("encoding", ""), "url": art.get("url", ""), "warning": art.get("warning", ""),
    }
    if man:
        if man.get("outlet"):
            row["outlet"] = man["outlet"]
        if man.get("url"):
            row["url"] = man["url"]
        if man.get("published"):
            ts = parse_timestamp(man["published"])
            row["published_raw"] = man["published"]
            row["published"] = ts.iso if ts else ""
            row["warning"] = "" if ts else f"manifest published value not understood: {man['published'][:80]!r}"
    if not row["outlet"]:
        row["outlet"] = art.get("inferred_outlet") or infer_outlet(outlet_text(art), outlets=outlets)
    return row


def load_articles(path: str | Path = paths.SAMPLE_CORPUS_DIR, **options) -> pd.DataFrame:
    """Load a corpus folder and return its articles (see :func:`load_corpus` for ``options``).

    Columns: article_id, path, outlet, published, published_raw, title, body, n_chars,
    encoding, url, warning.  The load report (path, status, reason) is attached as
    ``articles.attrs["report"]``; use :func:`load_corpus` to get it as a proper return value.
    """
    corpus = load_corpus(path, **options)
    corpus.articles.attrs["report"] = corpus.report
    return corpus.articles
