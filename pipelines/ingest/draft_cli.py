"""Command ``draft-config`` (registered in pipelines/__main__.py): a commented source
config proposal from one export file (see pipelines/ingest/draft/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines import settings

from .config import IDENTIFIER_RE
from .draft import SAMPLE_ROWS, DraftError, build_draft
from .run import exports_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    draft = subparsers.add_parser(
        "draft-config",
        help="propose a source config (YAML) for a new export file",
        description="Read an export (CSV, CSV.GZ, XLSX or Parquet, detected by content) "
        "and write a commented source config proposal: encoding, delimiter, "
        "header row, per-column formats, flag words, code maps, the key and "
        "the canonical fields it could place. Every guess says why; fill in "
        "the centre block, check the ? comments, then run `ingest`.",
    )
    draft.add_argument("file", type=Path, help="the export file")
    draft.add_argument(
        "--centre", metavar="ID", help="the centre id to write (else a placeholder to fill in)"
    )
    draft.add_argument("--out", type=Path, help="write the YAML here (default: stdout)")
    draft.add_argument(
        "--exports-dir",
        type=Path,
        default=None,
        help=f"the exports folder the pattern is relative to (default: {exports_dir()})",
    )
    draft.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="existing source configs whose value_maps suggest codes "
        f"(default: {settings.config_dir()})",
    )
    draft.add_argument(
        "--sample-rows",
        type=int,
        default=SAMPLE_ROWS,
        help=f"data rows read for format guessing (default: {SAMPLE_ROWS:,}); "
        "keys are checked over the whole file",
    )
    draft.set_defaults(handler=run_draft)


def run_draft(args: argparse.Namespace) -> int:
    if args.centre and not IDENTIFIER_RE.match(args.centre):
        print(
            f"error: --centre '{args.centre}' must be lower-case letters, digits and _",
            file=sys.stderr,
        )
        return 2
    if args.sample_rows < 1:
        print("error: --sample-rows must be at least 1", file=sys.stderr)
        return 2
    try:
        draft = build_draft(
            args.file,
            centre_id=args.centre,
            exports_root=args.exports_dir or exports_dir(),
            sample_rows=args.sample_rows,
            config_dir=args.config_dir or settings.config_dir(),
        )
    except DraftError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = draft.text
    if args.out:
        if args.out.exists() and args.out.resolve() == Path(args.file).resolve():
            print("error: --out is the export file itself", file=sys.stderr)
            return 2
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        kinds = ", ".join(draft.kinds)
        print(
            f"wrote {args.out}: {kinds} from {args.file.name} "
            f"({draft.total_rows:,} rows); fill in the centre block and check the ? "
            "comments",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return 0
