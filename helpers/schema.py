"""Column names of every table the pipeline returns, in one place.

The export command writes these columns, in this order; README.md documents them.
"""
from __future__ import annotations

# articles: one row per loaded article (helpers.corpus.load_articles)
ARTICLE_COLUMNS = [
    "article_id",     # file stem (unique within the corpus; see corpus.make_article_ids)
    "path",           # file path relative to the corpus folder, POSIX separators
    "outlet",         # from manifest.csv, else inferred from the text, else "unknown"
    "published",      # ISO 8601 as the source states it (+HH:MM only when it gives a zone)
    "published_raw",  # the timestamp text as found
    "title",
    "body",           # text after the header, paragraphs separated by blank lines
    "n_chars",        # len(body)
    "encoding",       # encoding the file was decoded with
    "url",            # from the record, the HTML or manifest.csv; empty if unknown
    "warning",        # why a field could not be read (article still loaded); empty if none
]

# load report: one row per file (or record) that was not loaded, and per load warning
REPORT_COLUMNS = ["path", "status", "reason"]
SKIPPED = "skipped"
WARNING = "warning"
SKIPPED_COLUMNS = ["path", "reason"]

# export: articles.csv drops the long text columns
EXPORT_ARTICLE_COLUMNS = [
    "article_id", "path", "outlet", "published", "title", "n_chars", "encoding",
    "published_raw", "url", "warning", "content_chars", "boilerplate_chars", "boilerplate_ratio",
]

# segments: one row per paragraph (helpers.segment.label_paragraphs)
SEGMENT_COLUMNS = ["article_id", "para_no", "text", "label", "kind", "reason", "score", "n_chars"]
EXPORT_SEGMENT_COLUMNS = ["article_id", "para_no", "label", "kind", "reason", "n_chars", "text", "score"]

# mentions: one row per entity mention (helpers.entities.extract_mentions)
MENTION_COLUMNS = ["article_id", "para_no", "start", "end", "surface", "entity", "entity_type", "matched_by"]

# dates: one row per date expression (helpers.dates.extract_dates)
DATE_COLUMNS = ["article_id", "para_no", "start", "end", "surface", "value", "precision", "start_date", "end_date", "rule"]

# events: one row per (sentence, acting agency) (helpers.events.extract_events)
EVENT_COLUMNS = ["article_id", "date", "precision", "agency", "companies", "action_type", "amount_cny", "sentence",
                 "para_no", "date_surface"]
EXPORT_EVENT_COLUMNS = ["article_id", "date", "precision", "agency", "companies", "action_type", "amount_cny", "sentence"]
