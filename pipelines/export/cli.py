"""``python -m pipelines export``: write the metric tables for analysts."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pipelines.export.reconciliation import write_reconciliation
from pipelines.export.tables import FORMATS, write_exports
from pipelines.metrics import MetricQuery, load_targets, metric_table
from pipelines.metrics.catalogue import validate_metric_ids
from pipelines.metrics.query import BREAKDOWNS, GRAINS, GROUP_BYS, IN_HOUSE_BASELINE
from pipelines.metrics.reconciliation import reconciliation
from pipelines.settings import config_dir, load_metric_settings, warehouse_path
from pipelines.warehouse import connect_read_only

DEFAULT_OUT_DIR = Path("exports")
TABLES = ("metrics", "reconciliation")
# options of the metrics table that do not apply to the reconciliation (whole centres,
# the figures' own periods)
NOT_FOR_RECONCILIATION = {
    "grain": "--grain",
    "group_by": "--group-by",
    "channels": "--channel",
    "queues": "--queue",
    "reasons": "--reason",
    "breakdown": "--breakdown",
    "qa_evaluator_org": "--qa-evaluator-org",
    "baseline": "--baseline",
}


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-28"
        ) from error


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the metric comparison tables (long and wide) as CSV, XLSX, Parquet",
        description="Write the long metric table and the wide human table from the "
        "warehouse (opened read-only), or with --table reconciliation the vendors' "
        "reported figures beside the computed ones. Dates are inclusive, in the "
        "reporting time zone of settings.yaml.",
    )
    parser.add_argument(
        "--table",
        choices=TABLES,
        default="metrics",
        help="metrics (long and wide, default) or reconciliation (reported v. computed; "
        "--start/--end choose the figures by period start, --centre and --metric filter)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT_DIR, help="output folder (default: exports/)"
    )
    parser.add_argument(
        "--format",
        dest="formats",
        nargs="+",
        choices=FORMATS,
        default=list(FORMATS),
        help="one or more formats (default: all)",
    )
    parser.add_argument("--grain", choices=GRAINS, default="week")
    parser.add_argument("--start", type=_date, help="first day, YYYY-MM-DD (default: data)")
    parser.add_argument("--end", type=_date, help="last day, YYYY-MM-DD (default: data)")
    parser.add_argument("--group-by", choices=GROUP_BYS, default="centre")
    parser.add_argument("--centre", dest="centres", nargs="+", default=[], metavar="ID")
    parser.add_argument("--channel", dest="channels", nargs="+", default=[])
    parser.add_argument("--queue", dest="queues", nargs="+", default=[])
    parser.add_argument("--reason", dest="reasons", nargs="+", default=[])
    parser.add_argument("--breakdown", choices=BREAKDOWNS)
    parser.add_argument("--qa-evaluator-org", choices=("own", "client"))
    parser.add_argument("--metric", dest="metrics", nargs="+", default=[], metavar="ID")
    parser.add_argument(
        "--baseline",
        default=IN_HOUSE_BASELINE,
        help="'in_house' (all in-house centres pooled), a group key or a centre id",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        help="DuckDB file (default: CC_WAREHOUSE or warehouse/contact_centre.duckdb)",
    )
    parser.add_argument(
        "--config-dir",
        type=Path,
        help="folder with settings.yaml and "
        "targets.yaml (default: CC_CONFIG_DIR or sample_data/config)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.table == "reconciliation":
        return run_reconciliation(args)
    directory = args.config_dir or config_dir()
    try:
        settings = load_metric_settings(directory)
        targets = load_targets(directory)
        query = MetricQuery(
            grain=args.grain,
            start=args.start,
            end=args.end,
            group_by=args.group_by,
            centres=tuple(args.centres),
            channels=tuple(args.channels),
            queues=tuple(args.queues),
            contact_reasons=tuple(args.reasons),
            baseline=args.baseline,
            breakdown=args.breakdown,
            qa_evaluator_org=args.qa_evaluator_org,
            metrics=tuple(args.metrics),
        )
        con = connect_read_only(args.warehouse or warehouse_path())
    except (ValueError, FileNotFoundError) as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    try:
        long = metric_table(con, query, settings, targets)
    except ValueError as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    finally:
        con.close()
    if long.empty:
        print(
            "export: no data in the warehouse for this selection; nothing written", file=sys.stderr
        )
        return 1
    written = write_exports(long, args.out, tuple(args.formats), show_progress=not args.quiet)
    for path in written:
        print(path)
    return 0


def run_reconciliation(args: argparse.Namespace) -> int:
    """``--table reconciliation``: one row per reported figure (docs/METRIC_LAYER.md)."""
    defaults = {"grain": "week", "group_by": "centre", "baseline": IN_HOUSE_BASELINE}
    given = [
        flag
        for name, flag in NOT_FOR_RECONCILIATION.items()
        if getattr(args, name) not in (None, [], defaults.get(name))
    ]
    if given:
        print(
            f"export: {', '.join(given)} do(es) not apply to --table reconciliation "
            "(figures are whole centres over their own periods)",
            file=sys.stderr,
        )
        return 2
    directory = args.config_dir or config_dir()
    try:
        settings = load_metric_settings(directory)
        targets = load_targets(directory)
        validate_metric_ids(args.metrics)
        if args.start and args.end and args.start > args.end:
            raise ValueError(f"--start {args.start} is after --end {args.end}")
        con = connect_read_only(args.warehouse or warehouse_path())
    except (ValueError, FileNotFoundError) as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    try:
        table = reconciliation(
            con, settings, targets, centre_ids=args.centres, start=args.start, end=args.end
        )
    except ValueError as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    finally:
        con.close()
    if args.metrics:
        table = table[table["metric"].isin(args.metrics)].reset_index(drop=True)
    if table.empty:
        print("export: no reported figures for this selection; nothing written", file=sys.stderr)
        return 1
    written = write_reconciliation(
        table, args.out, tuple(args.formats), show_progress=not args.quiet
    )
    for path in written:
        print(path)
    return 0
