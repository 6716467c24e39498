"""Date resolution and event extraction accuracy on the held-out evaluation set, next to dateparser.

    .venv/bin/python benchmarks/eval_dates_events.py [--eval-dir tests/eval] [--show-errors] [--no-baseline]

Gold (written and annotated independently of helpers/, never used to tune the rules):
tests/eval/*_dates.csv (article_id, surface, occurrence, value, precision) and
tests/eval/*_events.csv (article_id, date, agency, ...).

Dates.  Each gold expression is located in the article body (the ``occurrence``-th time its
surface appears).  A predicted expression *covers* it when their spans overlap.
  recall-side accuracy  = gold expressions covered by a prediction with the same value and precision / all gold
  precision-side accuracy = predictions (in content paragraphs) overlapping a gold expression with the
                            same value and precision / all predictions
Baseline, measured side by side: dateparser.search_dates on the same content paragraphs with the
publication date as RELATIVE_BASE; its results are day-precise datetimes.
Events.  Set of (article_id, date, agency) from extract_events against the gold set; F1.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

import pandas as pd

from helpers import load_corpus, paths
from helpers.dates import extract_dates, outlet_timezones, publication_anchor
from helpers.entities import extract_mentions
from helpers.events import extract_events
from helpers.segment import label_paragraphs


def body_offsets(articles: pd.DataFrame, segments: pd.DataFrame) -> dict[tuple[str, int], int]:
    """(article_id, para_no) -> offset of the paragraph in the article body."""
    bodies = dict(zip(articles["article_id"], articles["body"]))
    out, pos = {}, {}
    for aid, para_no, text in zip(segments["article_id"], segments["para_no"], segments["text"]):
        body = bodies[aid]
        i = body.find(text, pos.get(aid, 0))
        if i < 0:
            i = body.find(text.split(" ")[0], pos.get(aid, 0))
        out[(aid, para_no)] = max(i, 0)
        pos[aid] = max(i, 0) + len(text)
    return out


def gold_spans(gold: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    bodies = dict(zip(articles["article_id"], articles["body"]))
    starts = []
    for aid, surface, occ in zip(gold["article_id"], gold["surface"], gold["occurrence"].astype(int)):
        body, i = bodies.get(aid, ""), -1
        for _ in range(occ):
            i = body.find(surface, i + 1)
            if i < 0:
                break
        starts.append(i)
    out = gold.assign(g_start=starts)
    out["g_end"] = out["g_start"] + out["surface"].str.len()
    return out


def score_dates(gold: pd.DataFrame, pred: pd.DataFrame) -> dict:
    """pred columns: article_id, b_start, b_end, value, precision, surface."""
    ok_gold, _used = 0, 0
    errors = []
    pred_ok = [False] * len(pred)
    pred_hits = [False] * len(pred)
    by_article = {a: g for a, g in pred.reset_index(drop=True).groupby("article_id")}
    for r in gold.itertuples():
        cands = by_article.get(r.article_id)
        hit = None
        if cands is not None and r.g_start >= 0:
            over = cands[(cands["b_start"] < r.g_end) & (cands["b_end"] > r.g_start)]
            for idx, c in over.iterrows():
                pred_hits[idx] = True
                if c["value"] == r.value and c["precision"] == r.precision:
                    pred_ok[idx] = True
                    hit = c
            if hit is None and not over.empty:
                c = over.iloc[0]
                errors.append((r.article_id, r.surface, f"gold {r.value}/{r.precision}", f"got {c['value']}/{c['precision']} ({c['surface']})"))
        if hit is not None:
            ok_gold += 1
        elif cands is None or r.g_start < 0 or cands[(cands["b_start"] < r.g_end) & (cands["b_end"] > r.g_start)].empty:
            errors.append((r.article_id, r.surface, f"gold {r.value}/{r.precision}", "missed"))
    for idx, c in pred.reset_index(drop=True).iterrows():
        if not pred_hits[idx]:
            errors.append((c["article_id"], c["surface"], "not a gold date", f"got {c['value']}/{c['precision']}"))
    return {"gold_right": round(ok_gold / len(gold), 3), "output_right": round(sum(pred_ok) / max(1, len(pred)), 3),
            "n_gold": len(gold), "n_pred": len(pred), "errors": errors}


def dateparser_predictions(articles, content, offsets):
    from dateparser.search import search_dates

    zones = outlet_timezones()
    anchors = {a: publication_anchor(p, o, zones) for a, p, o in zip(articles.article_id, articles.published, articles.outlet)}
    rows = []
    for aid, para_no, text in zip(content.article_id, content.para_no, content.text):
        base = datetime.combine(anchors[aid], datetime.min.time())
        found = search_dates(text, settings={"RELATIVE_BASE": base}, languages=["en", "zh"]) or []
        pos = 0
        for surface, when in found:
            i = text.find(surface, pos)
            if i < 0:
                continue
            pos = i + len(surface)
            b = offsets[(aid, para_no)] + i
            rows.append((aid, b, b + len(surface), when.date().isoformat(), "day", surface))
    return pd.DataFrame(rows, columns=["article_id", "b_start", "b_end", "value", "precision", "surface"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval-dir", type=Path, default=paths.PROJECT_ROOT / "tests" / "eval")
    ap.add_argument("--articles", type=Path, help="article folder (default: EVAL_DIR/articles); only the annotated "
                                                  "articles are scored")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--no-references", action="store_true",
                    help="extract_events(references=False): only agencies named in the sentence act (the convention "
                         "of tests/eval's eva and evb sets)")
    args = ap.parse_args(argv)
    corpus_articles = load_corpus(args.articles or args.eval_dir / "articles").articles
    segments = label_paragraphs(corpus_articles)  # labelled with the whole folder (repetition needs it)
    annotated = set(pd.concat([pd.read_csv(p, dtype=str) for p in sorted(args.eval_dir.glob("*_dates.csv"))]).article_id)
    articles = corpus_articles[corpus_articles.article_id.isin(annotated)]
    segments = segments[segments.article_id.isin(annotated)]
    content = segments[segments.label == "content"]
    offsets = body_offsets(articles, segments)
    gold = gold_spans(pd.concat([pd.read_csv(p, dtype=str) for p in sorted(args.eval_dir.glob("*_dates.csv"))]), articles)
    t0 = time.perf_counter()
    dates = extract_dates(segments, articles)
    t_ours = time.perf_counter() - t0
    pred = dates.assign(b_start=[offsets[(a, p)] + s for a, p, s in zip(dates.article_id, dates.para_no, dates.start)])
    pred["b_end"] = pred["b_start"] + (pred["end"] - pred["start"])
    ours = score_dates(gold, pred)
    print(f"dates: {len(gold)} gold expressions in {gold.article_id.nunique()} articles")
    print(f"  helpers.dates     gold right {ours['gold_right']:.3f}   output right {ours['output_right']:.3f}   "
          f"({ours['n_pred']} predicted; {len(articles) / t_ours:,.0f} articles/s)")
    if not args.no_baseline:
        t0 = time.perf_counter()
        base = dateparser_predictions(articles, content, offsets)
        t_base = time.perf_counter() - t0
        b = score_dates(gold, base)
        print(f"  dateparser        gold right {b['gold_right']:.3f}   output right {b['output_right']:.3f}   "
              f"({b['n_pred']} predicted; {len(articles) / t_base:,.1f} articles/s)")
    mentions = extract_mentions(segments)
    events = extract_events(segments, mentions, dates, references=not args.no_references)
    gold_events = pd.concat([pd.read_csv(p, dtype=str) for p in sorted(args.eval_dir.glob("*_events.csv"))])
    g = set(zip(gold_events.article_id, gold_events.date, gold_events.agency))
    p = set(zip(events.article_id, events.date, events.agency))
    tp = len(g & p)
    precision, recall = tp / max(1, len(p)), tp / max(1, len(g))
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    print(f"events (article, date, agency): precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} "
          f"({len(p)} predicted, {len(g)} gold)")
    if args.show_errors:
        for e in ours["errors"]:
            print("  date  ", *e)
        for x in sorted(p - g):
            print("  event extra ", x)
        for x in sorted(g - p):
            print("  event missed", x)
    return 0


if __name__ == "__main__":
    sys.exit(main())
