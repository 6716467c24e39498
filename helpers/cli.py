"""Command line: ``python -m helpers export CORPUS_DIR --out OUT_DIR``."""
from __future__ import annotations

import argparse
import sys

from .corpus import MAX_BYTES_DEFAULT, CorpusError
from .export import export_tables


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m helpers",
                                     description="techreg-notebooks helpers: run the pipeline on a corpus folder.")
    sub = parser.add_subparsers(dest="command", required=True)
    exp = sub.add_parser("export", help="write the pipeline's tables as CSV files")
    exp.add_argument("corpus_dir", help="folder of articles (.txt, .jsonl, .csv, .html ...)")
    exp.add_argument("--out", required=True, help="folder to write the CSV files into")
    exp.add_argument("--max-bytes", type=int, default=MAX_BYTES_DEFAULT,
                     help=f"largest single-article file to read (default {MAX_BYTES_DEFAULT:,})")
    exp.add_argument("--keep-duplicates", action="store_true",
                     help="keep articles whose body repeats an earlier one (default: report them as skipped)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "export":
        try:
            written = export_tables(args.corpus_dir, args.out, max_bytes=args.max_bytes,
                                    keep_duplicates=args.keep_duplicates)
        except CorpusError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for name, path in written.items():
            print(f"wrote {path}")
    return 0
