"""``python -m pipelines review-pack``: one vendor's review pack (HTML and Excel) for a
period, the same files as the Partner review page's downloads, for a scheduler."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from pipelines.export.cli import _date
from pipelines.metrics import load_targets
from pipelines.metrics.contract_config import load_contracts
from pipelines.reviews.store import ReviewStore
from pipelines.settings import config_dir, load_metric_settings, reviews_path, warehouse_path
from pipelines.warehouse import connect_read_only

VENDORS_SQL = """
SELECT DISTINCT vendor FROM centres
WHERE sourcing = 'vendor' AND vendor IS NOT NULL
ORDER BY vendor
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "review-pack",
        help="write one vendor's partner-review pack (HTML and Excel) for a period",
        description="Write the Partner review page's pack for one vendor: a self-contained "
        "HTML file (prints on A4) and an Excel workbook, named "
        "review_<vendor>_<start>_<end>. The warehouse is opened read-only; dates are "
        "inclusive, in the reporting time zone of settings.yaml (docs/REVIEW_PACKS.md).",
    )
    parser.add_argument("--vendor", required=True, metavar="ID", help="the centres' vendor")
    parser.add_argument("--start", required=True, type=_date, help="first day, YYYY-MM-DD")
    parser.add_argument("--end", required=True, type=_date, help="last day, YYYY-MM-DD")
    parser.add_argument("--out", required=True, type=Path, help="output folder (created)")
    parser.add_argument(
        "--anonymise-peers",
        action="store_true",
        help="the vendor's own view: other centres as 'Peer n' / 'Client in-house', "
        "their comments unreachable (to send to the vendor); without it every centre "
        "is named (internal use)",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        help="DuckDB file (default: CC_WAREHOUSE or warehouse/contact_centre.duckdb)",
    )
    parser.add_argument(
        "--config-dir",
        type=Path,
        help="folder with settings.yaml and targets.yaml "
        "(default: CC_CONFIG_DIR or sample_data/config)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.start > args.end:
        return _refuse(f"--start {args.start} is after --end {args.end}")
    directory = args.config_dir or config_dir()
    try:
        settings = load_metric_settings(directory)
        targets = load_targets(directory)
        load_contracts(directory)  # a malformed contracts.yaml is refused before any work
        con = connect_read_only(args.warehouse or warehouse_path())
    except (ValueError, FileNotFoundError) as error:
        return _refuse(str(error))
    try:
        vendors = [vendor for (vendor,) in con.execute(VENDORS_SQL).fetchall()]
        if args.vendor not in vendors:
            return _refuse(
                f"no vendor {args.vendor!r} in the centres table; "
                f"vendors: {', '.join(vendors) or 'none loaded'}"
            )
        written = write_pack(con, args, settings, targets, directory)
    except ValueError as error:
        return _refuse(str(error))
    finally:
        con.close()
    if not written:
        print(
            f"review-pack: no data for {args.vendor} from {args.start} to {args.end}; "
            "nothing written",
            file=sys.stderr,
        )
        return 1
    for path in written:
        print(path)
    return 0


def _refuse(message: str) -> int:
    print(f"review-pack: {message}", file=sys.stderr)
    return 2


def last_review_on(store_path: Path, vendor: str, by: date) -> date | None:
    """The day of the last review meeting with ``vendor`` held by ``by`` (the page's
    rule); None without a store or a meeting."""
    if not store_path.exists():
        return None
    held = [m.held_on for m in ReviewStore(store_path).meetings(vendor) if m.held_on <= by]
    return held[0] if held else None


def write_pack(con, args: argparse.Namespace, settings, targets, directory: Path) -> list[Path]:
    """The pack's two files in ``args.out``; none when the vendor has no data."""
    partner_pack, lookups, reason_labels, baseline_label, review_meetings = _dashboard_modules()
    scope = args.vendor if args.anonymise_peers else None
    dims = lookups.dimensions_of(con, settings, scope)
    request = partner_pack.ReviewRequest(
        args.vendor,
        args.start,
        args.end,
        baseline_name=baseline_label(partner_pack.IN_HOUSE_BASELINE, dims),
        vendor_scope=scope,
        last_review_on=last_review_on(reviews_path(args.warehouse), args.vendor, args.end),
    )
    names = reason_labels(directory)
    review = partner_pack.build_review(
        partner_pack.Reader.direct(con, settings, targets),
        request,
        dims,
        settings,
        lambda code: names.get(code, code.replace("_", " ").capitalize()),
        load_contracts(directory),
    )
    if review is None:
        return []
    # the page's opening section: the last review's objectives (dashboard/review_meetings.py)
    last_review = review_meetings.pack_section_of(
        con, reviews_path(args.warehouse), args.vendor, settings, scope
    )
    pack = review.pack(settings.reporting_timezone, [last_review])
    args.out.mkdir(parents=True, exist_ok=True)
    stem = partner_pack.pack_file_stem(args.vendor, args.start, args.end)
    html, workbook = args.out / f"{stem}.html", args.out / f"{stem}.xlsx"
    html.write_bytes(pack.to_html())
    workbook.write_bytes(pack.to_xlsx())
    return [html, workbook]


def _dashboard_modules():
    """The dashboard's pack modules, imported without Streamlit's warnings: their
    neighbours declare Streamlit caches, which warn outside a running app. Nothing here
    calls Streamlit."""
    from streamlit.logger import get_logger

    get_logger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    from dashboard import lookups, partner_pack, review_meetings
    from dashboard.filters import _reason_labels
    from dashboard.view import baseline_label

    return partner_pack, lookups, _reason_labels, baseline_label, review_meetings
