"""Command line: ``python -m pipelines <command> --help``.

Each command module defines ``register(subparsers)``, which adds its sub-parser(s) and
sets ``handler`` (a function taking the parsed args and returning an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = [
    "pipelines.samplegen.cli",
    "pipelines.ingest.cli",
    "pipelines.ingest.draft_cli",
    "pipelines.export.cli",
    "pipelines.export.review_pack_cli",
    "pipelines.reviews.cli",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines",
        description="Load contact-centre exports into the warehouse and export metrics.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="command")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
