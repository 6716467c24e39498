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
    exp.add_argument("--workers", type=int, default=1, help="processes to use (0: every core); same output")
    exp.add_argument("--no-cache", action="store_true", help="recompute everything and do not write the cache (.cache/)")
    exp.add_argument("--scheduler", help="run on Dask: a dask.distributed scheduler address (tcp://host:8786), "
                     "or 'local' for a local cluster with --workers workers")
    exp.add_argument("--quiet", action="store_true", help="no progress bars")
    rep = sub.add_parser("report", help="run every notebook headless and write notebooks, HTML and figures to reports/")
    rep.add_argument("--corpus", help="folder of articles (default: the sample corpus)")
    rep.add_argument("--since", help="first publication date, ISO (e.g. 2021-01-01)")
    rep.add_argument("--until", help="last publication date, ISO")
    rep.add_argument("--outlet", action="append", help="keep this outlet (repeat for several)")
    rep.add_argument("--out", help="output folder (default: reports/)")
    rep.add_argument("--cell-timeout", type=float, default=None,
                     help="seconds a cell may run before its notebook counts as failed (default: 3 hours)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "export":
        progress = not args.quiet and sys.stderr.isatty()
        try:
            if args.scheduler:
                from distributed import Client, LocalCluster

                cluster = (LocalCluster(n_workers=args.workers or None, threads_per_worker=1, dashboard_address=None)
                           if args.scheduler == "local" else None)
                with Client(cluster or args.scheduler) as client:
                    written = export_tables(args.corpus_dir, args.out, engine="dask", client=client, progress=progress,
                                            max_bytes=args.max_bytes, keep_duplicates=args.keep_duplicates)
                if cluster is not None:
                    cluster.close()
            else:
                written = export_tables(args.corpus_dir, args.out, cache=not args.no_cache, workers=args.workers,
                                        progress=progress, max_bytes=args.max_bytes,
                                        keep_duplicates=args.keep_duplicates)
        except CorpusError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("interrupted: nothing written to the cache was left half-done", file=sys.stderr)
            return 130
        for name, path in written.items():
            print(f"wrote {path}")
    elif args.command == "report":
        from .report import run_reports

        extra = {"cell_timeout": args.cell_timeout} if args.cell_timeout else {}
        table = run_reports(args.corpus, since=args.since, until=args.until, outlets=args.outlet, out_dir=args.out,
                            **extra)
        for row in table.itertuples():
            where = f" (cell {row.cell}: {row.error})" if row.status != "ok" else ""
            print(f"{row.notebook}: {row.status} in {row.seconds} s{where}")
        return 0 if (table["status"] == "ok").all() else 1
    return 0
