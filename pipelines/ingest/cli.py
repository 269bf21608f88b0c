"""Commands ``ingest``, ``status``, ``check`` and ``rejects`` (registered in
pipelines/__main__.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines import settings
from pipelines.warehouse import connect_read_only
from pipelines.warehouse.building import WarehouseBusy

from .check import check_export, format_check
from .config import ConfigError, load_source_configs
from .reports import format_table, load_status, rejected_rows
from .run import exports_dir, ingest_files, stale_files

SUMMARY_HEADERS = [
    "file",
    "centre",
    "kind",
    "read",
    "loaded",
    "filtered",
    "rejected",
    "seconds",
    "status",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    ingest = subparsers.add_parser(
        "ingest",
        help="load centre exports into the warehouse",
        description="Load every export the source configs point at, or the given files.",
    )
    ingest.add_argument("files", nargs="*", type=Path, help="export files (default: all)")
    _add_paths(ingest)
    _add_exports_dir(ingest)
    ingest.add_argument("--centre", help="only this centre's files")
    ingest.add_argument(
        "--reload",
        action="store_true",
        help="load the files again even if their bytes already loaded, "
        "replacing the rows of their earlier loads (after a config "
        "change)",
    )
    ingest.add_argument(
        "--stale",
        action="store_true",
        help="with --reload: the files whose config changed since they loaded (see status)",
    )
    ingest.set_defaults(handler=run_ingest)

    status = subparsers.add_parser("status", help="what is loaded, freshness per centre")
    _add_paths(status)
    _add_exports_dir(status)
    status.set_defaults(handler=run_status)

    check = subparsers.add_parser(
        "check",
        help="dry-run one export against its config (writes nothing)",
        description="What ingest would do with the file: rows that would load, be "
        "filtered or rejected (top reasons), and which metrics it can feed.",
    )
    check.add_argument("file", type=Path)
    check.add_argument(
        "--centre", help="the centre the file is from (when several configs' patterns could match)"
    )
    check.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help=f"config folder (default: {settings.config_dir()})",
    )
    _add_exports_dir(check)
    check.set_defaults(handler=run_check)

    rejects = subparsers.add_parser("rejects", help="show or export rejected rows")
    _add_paths(rejects)
    rejects.add_argument("--centre", help="only this centre id")
    rejects.add_argument("--load-id", type=int, help="only this load")
    rejects.add_argument("--csv", type=Path, help="write the rows to this CSV file")
    rejects.set_defaults(handler=run_rejects)


def _add_exports_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--exports-dir",
        type=Path,
        default=None,
        help=f"where config patterns are resolved (default: {exports_dir()})",
    )


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help=f"config folder (default: {settings.config_dir()})",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help=f"warehouse file (default: {settings.warehouse_path()})",
    )


def _stale_paths(args: argparse.Namespace) -> list[Path]:
    config_dir = args.config_dir or settings.config_dir()
    with connect_read_only(args.warehouse or settings.warehouse_path()) as con:
        stale = stale_files(con, load_source_configs(config_dir), args.exports_dir or exports_dir())
    return [s.file for s in stale if args.centre in (None, s.centre_id)]


def run_ingest(args: argparse.Namespace) -> int:
    if args.stale and not args.reload:
        print("error: --stale goes with --reload", file=sys.stderr)
        return 2
    try:
        files = args.files or None
        if args.stale:
            files = _stale_paths(args)
            if not files:
                print("No stale files: every loaded file matches its current config.")
                return 0
        report = ingest_files(
            files,
            config_dir=args.config_dir,
            warehouse=args.warehouse,
            exports_root=args.exports_dir,
            progress=True,
            reload=args.reload,
            centre=args.centre,
        )
    except (ConfigError, WarehouseBusy, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rows = [
        (
            r.file.name,
            r.centre_id,
            r.kind,
            r.rows_read,
            r.rows_loaded,
            r.rows_filtered,
            r.rows_rejected,
            f"{r.seconds:.2f}",
            r.status,
        )
        for r in report.results
    ]
    print(format_table(SUMMARY_HEADERS, rows))
    for result in report.results:
        if result.message and result.status != "skipped":
            print(
                f"{result.status}: {result.file.name} ({result.kind}): {result.message}",
                file=sys.stderr if result.status == "failed" else sys.stdout,
            )
    if not report.results:
        print("No export files found: check the patterns in the source configs and --exports-dir.")
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
        try:
            stale = stale_files(
                con,
                load_source_configs(args.config_dir or settings.config_dir()),
                args.exports_dir or exports_dir(),
            )
        except ConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    if stale:
        print(
            f"\n{len(stale)} file(s) loaded under another config; reload them with "
            "`python -m pipelines ingest --reload --stale`:"
        )
        print(
            format_table(
                ["file", "centre", "kinds", "why"],
                [(s.file, s.centre_id, ", ".join(s.kinds), s.why) for s in stale],
            )
        )
    return 0


def run_check(args: argparse.Namespace) -> int:
    try:
        report = check_export(args.file, args.centre, args.config_dir, args.exports_dir)
    except (ConfigError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_check(report))
    return 1 if report.would_fail else 0


def run_rejects(args: argparse.Namespace) -> int:
    try:
        con = connect_read_only(args.warehouse or settings.warehouse_path())
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with con:
        rows = rejected_rows(con, args.centre, args.load_id)
        if args.csv:
            # written by pandas: the reader's DuckDB has no file access (connect_read_only)
            rows.df().to_csv(args.csv, index=False)
            count = con.execute("SELECT count(*) FROM rejects").fetchone()[0]
            print(f"wrote rejected rows to {args.csv} ({count} in the warehouse overall)")
        else:
            shown = rows.project("load_id, centre_id, kind, row_number, column_name, reason")
            print(format_table(shown.columns, shown.fetchall()))
    return 0
