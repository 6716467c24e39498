"""Entity recognition accuracy on the held-out evaluation set, next to a plain baseline.

    .venv/bin/python benchmarks/eval_entities.py [--eval-dir tests/eval]

The evaluation set (tests/eval/articles/, gold in tests/eval/*_entities.csv: article_id, entity)
was written and annotated by separate helpers that never saw helpers/; it was not used while
writing the matching rules.  Per article, the set of canonical entities named in content
paragraphs is compared with the gold set; precision and recall are micro-averaged over
(article, entity) pairs.

Baseline, measured side by side on the same content paragraphs: exact whole-word, case-sensitive
matching of every canonical name, alias and Chinese name of the shared reference gazetteer
(../shared/reference/entities.csv), one regex per alias, no boilerplate-free context rules.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from helpers import load_corpus, paths
from helpers.entities import extract_mentions
from helpers.segment import label_paragraphs


def baseline_sets(segments: pd.DataFrame, reference: Path) -> dict[str, set[str]]:
    table = pd.read_csv(reference, dtype=str, keep_default_na=False)
    patterns = []
    for row in table.to_dict("records"):
        forms = [row["canonical_name"]] + row["abbreviations_and_aliases"].split(";") + row["chinese_name"].split(";")
        for form in filter(None, (f.strip() for f in forms)):
            boundary = "" if re.search(r"[\u4e00-\u9fff]", form) else r"\b"
            patterns.append((re.compile(boundary + re.escape(form) + boundary), row["canonical_name"]))
    found: dict[str, set[str]] = {}
    for aid, text in zip(segments["article_id"], segments["text"]):
        for pat, name in patterns:
            if pat.search(text):
                found.setdefault(aid, set()).add(name)
    return found


def score(gold: dict[str, set[str]], pred: dict[str, set[str]]) -> dict:
    tp = fp = fn = 0
    errors = []
    for aid in sorted(gold):
        g, p = gold[aid], pred.get(aid, set())
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
        errors += [(aid, "extra", e) for e in sorted(p - g)] + [(aid, "missed", e) for e in sorted(g - p)]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "tp": tp, "fp": fp, "fn": fn, "errors": errors}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval-dir", type=Path, default=paths.PROJECT_ROOT / "tests" / "eval")
    ap.add_argument("--reference", type=Path, default=paths.PROJECT_ROOT.parent / "shared" / "reference" / "entities.csv")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args(argv)
    corpus = load_corpus(args.eval_dir / "articles")
    segments = label_paragraphs(corpus.articles)
    content = segments[segments["label"] == "content"]
    gold_rows = pd.concat([pd.read_csv(p, dtype=str) for p in sorted(args.eval_dir.glob("*_entities.csv"))])
    gold = gold_rows.groupby("article_id")["entity"].agg(set).to_dict()
    mentions = extract_mentions(segments)
    ours = mentions.groupby("article_id")["entity"].agg(set).to_dict()
    results = {"helpers.entities": score(gold, ours)}
    if args.reference.exists():
        results["baseline (exact aliases)"] = score(gold, baseline_sets(content, args.reference))
    print(f"{len(gold)} articles, {sum(len(v) for v in gold.values())} gold (article, entity) pairs")
    for name, r in results.items():
        print(f"{name:28s} precision {r['precision']:.3f}  recall {r['recall']:.3f}  (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")
    if args.show_errors:
        for aid, kind, entity in results["helpers.entities"]["errors"]:
            print(f"  {kind:6s} {aid}: {entity}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
