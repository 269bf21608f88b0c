"""Commands ``ingest``, ``status`` and ``rejects`` (registered in pipelines/__main__.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines import settings
from pipelines.warehouse import connect_read_only
from pipelines.warehouse.building import WarehouseBusy

from .config import ConfigError
from .reports import format_table, load_status, rejected_rows
from .run import exports_dir, ingest_files

SUMMARY_HEADERS = ["file", "centre", "kind", "read", "loaded", "rejected", "seconds",
                   "status"]


def register(subparsers: argparse._SubParsersAction) -> None:
    ingest = subparsers.add_parser(
        "ingest", help="load centre exports into the warehouse",
        description="Load every export the source configs point at, or the given files.")
    ingest.add_argument("files", nargs="*", type=Path, help="export files (default: all)")
    _add_paths(ingest)
    ingest.add_argument("--exports-dir", type=Path, default=None,
                        help=f"where config patterns are resolved (default: {exports_dir()})")
    ingest.set_defaults(handler=run_ingest)

    status = subparsers.add_parser("status", help="what is loaded, freshness per centre")
    _add_paths(status)
    status.set_defaults(handler=run_status)

    rejects = subparsers.add_parser("rejects", help="show or export rejected rows")
    _add_paths(rejects)
    rejects.add_argument("--centre", help="only this centre id")
    rejects.add_argument("--load-id", type=int, help="only this load")
    rejects.add_argument("--csv", type=Path, help="write the rows to this CSV file")
    rejects.set_defaults(handler=run_rejects)


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config-dir", type=Path, default=None,
                        help=f"config folder (default: {settings.config_dir()})")
    parser.add_argument("--warehouse", type=Path, default=None,
                        help=f"warehouse file (default: {settings.warehouse_path()})")


def run_ingest(args: argparse.Namespace) -> int:
    try:
        report = ingest_files(args.files or None, config_dir=args.config_dir,
                              warehouse=args.warehouse, exports_root=args.exports_dir,
                              progress=True)
    except (ConfigError, WarehouseBusy, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rows = [(r.file.name, r.centre_id, r.kind, r.rows_read, r.rows_loaded, r.rows_rejected,
             f"{r.seconds:.2f}", r.status) for r in report.results]
    print(format_table(SUMMARY_HEADERS, rows))
    for result in report.results:
        if result.message and result.status != "skipped":
            print(f"{result.status}: {result.file.name} ({result.kind}): {result.message}",
                  file=sys.stderr if result.status == "failed" else sys.stdout)
    if not report.results:
        print("No export files found: check the patterns in the source configs and "
              "--exports-dir.")
    if report.summaries_s:
        print(f"rebuilt the metric summary tables in {report.summaries_s:.1f} s")
    return 1 if report.failed else 0


def run_status(args: argparse.Namespace) -> int:
    try:
        con = connect_read_only(args.warehouse or settings.warehouse_path())
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with con:
        status = load_status(con)
        print(format_table(status.columns, status.fetchall()))
    return 0


def run_rejects(args: argparse.Namespace) -> int:
    try:
        con = connect_read_only(args.warehouse or settings.warehouse_path())
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with con:
        rows = rejected_rows(con, args.centre, args.load_id)
        if args.csv:
            rows.to_csv(str(args.csv), header=True)
            count = con.execute("SELECT count(*) FROM rejects").fetchone()[0]
            print(f"wrote rejected rows to {args.csv} ({count} in the warehouse overall)")
        else:
            shown = rows.project("load_id, centre_id, kind, row_number, column_name, reason")
            print(format_table(shown.columns, shown.fetchall()))
    return 0
