"""``python -m pipelines export``: write the metric tables for analysts."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.export.contracts import write_contracts
from pipelines.export.reconciliation import write_reconciliation
from pipelines.export.tables import FORMATS, write_exports
from pipelines.metrics import MetricQuery, load_targets, metric_table
from pipelines.metrics.catalogue import validate_metric_ids
from pipelines.metrics.contract_config import load_contracts
from pipelines.metrics.contracts import contract_terms
from pipelines.metrics.query import BREAKDOWNS, GRAINS, GROUP_BYS, IN_HOUSE_BASELINE
from pipelines.metrics.reconciliation import reconciliation
from pipelines.settings import config_dir, load_metric_settings, warehouse_path
from pipelines.warehouse import connect_read_only

DEFAULT_OUT_DIR = Path("exports")
TABLES = ("metrics", "reconciliation", "contracts")
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
# ... nor to the contracts (whole vendors, whole calendar months, the contracts' metrics)
NOT_FOR_CONTRACTS = {**NOT_FOR_RECONCILIATION, "centres": "--centre", "metrics": "--metric"}
DEFAULTS = {"grain": "week", "group_by": "centre", "baseline": IN_HOUSE_BASELINE}


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
        help="metrics (long and wide, default), reconciliation (reported v. computed; "
        "--start/--end choose the figures by period start, --centre and --metric filter) "
        "or contracts (contracts.yaml per vendor, style, term and month: status as written "
        "and with confidence, amounts earned; --start/--end choose the calendar months, "
        "--vendor the vendors)",
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
        "--vendor",
        dest="vendors",
        nargs="+",
        default=[],
        metavar="NAME",
        help="--table contracts only: these vendors' contracts (default: every contract)",
    )
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
    if args.table == "contracts":
        return run_contracts(args)
    if args.vendors:
        print("export: --vendor applies to --table contracts only", file=sys.stderr)
        return 2
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
    except (ValueError, FileNotFoundError) as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    return _export(
        args,
        lambda con: metric_table(con, query, settings, targets),
        write_exports,
        "no data in the warehouse for this selection",
    )


def _export(
    args: argparse.Namespace,
    compute: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame],
    write: Callable[..., list[Path]],
    nothing: str,
) -> int:
    """Computes a table on the warehouse opened read-only and writes it in the chosen
    formats: exit 2 on a user error, 1 when there is nothing to write (``nothing`` says
    why), else 0 with the written paths printed."""
    try:
        con = connect_read_only(args.warehouse or warehouse_path())
    except (ValueError, FileNotFoundError) as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    try:
        table = compute(con)
    except ValueError as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    finally:
        con.close()
    if table.empty:
        print(f"export: {nothing}; nothing written", file=sys.stderr)
        return 1
    for path in write(table, args.out, tuple(args.formats), show_progress=not args.quiet):
        print(path)
    return 0


def run_reconciliation(args: argparse.Namespace) -> int:
    """``--table reconciliation``: one row per reported figure (docs/METRIC_LAYER.md)."""
    given = _given(args, NOT_FOR_RECONCILIATION)
    if args.vendors:
        given.append("--vendor")
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
    except (ValueError, FileNotFoundError) as error:
        print(f"export: {error}", file=sys.stderr)
        return 2

    def figures(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        table = reconciliation(
            con, settings, targets, centre_ids=args.centres, start=args.start, end=args.end
        )
        if args.metrics:
            table = table[table["metric"].isin(args.metrics)].reset_index(drop=True)
        return table

    return _export(args, figures, write_reconciliation, "no reported figures for this selection")


def _given(args: argparse.Namespace, options: dict[str, str]) -> list[str]:
    """The flags among ``options`` that the command line set to something not default."""
    return [
        flag
        for name, flag in options.items()
        if getattr(args, name) not in (None, [], DEFAULTS.get(name))
    ]


def run_contracts(args: argparse.Namespace) -> int:
    """``--table contracts``: per vendor, style, term and month (docs/CONTRACTS.md)."""
    given = _given(args, NOT_FOR_CONTRACTS)
    if given:
        print(
            f"export: {', '.join(given)} do(es) not apply to --table contracts (a contract "
            "covers a vendor's whole service over whole calendar months)",
            file=sys.stderr,
        )
        return 2
    directory = args.config_dir or config_dir()
    try:
        settings = load_metric_settings(directory)
        contracts = load_contracts(directory)
        if not contracts.vendors:
            raise ValueError(f"{directory / 'contracts.yaml'}: no contracts to export")
        if args.start and args.end and args.start > args.end:
            raise ValueError(f"--start {args.start} is after --end {args.end}")
    except (ValueError, FileNotFoundError) as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    return _export(
        args,
        lambda con: contract_terms(
            con, contracts, settings, vendors=args.vendors or None, start=args.start, end=args.end
        ),
        write_contracts,
        "no data in the warehouse for the contracts",
    )
