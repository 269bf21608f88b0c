"""Command ``seed-reviews`` (registered in pipelines/__main__.py): the demo's recorded
review meeting, in a demo deployment's empty store only (``make demo`` runs it)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines import settings
from pipelines.reviews.sample import SAMPLE_VENDOR, seed_sample_review
from pipelines.reviews.store import ReviewStore
from pipelines.warehouse import connect_read_only


def register(subparsers: argparse._SubParsersAction) -> None:
    seed = subparsers.add_parser(
        "seed-reviews",
        help="demo only: record the sample review meeting in an empty review store",
        description="In a demo deployment (settings.yaml: deployment: demo) whose "
        f"warehouse holds {SAMPLE_VENDOR}, records one earlier review meeting with its "
        "objectives and actions, if the review store has no meeting yet. Elsewhere it "
        "does nothing.",
    )
    seed.add_argument("--config-dir", type=Path, default=None, help="config folder")
    seed.add_argument("--warehouse", type=Path, default=None, help="the warehouse file")
    seed.add_argument("--reviews", type=Path, default=None, help="the review store file")
    seed.set_defaults(handler=run_seed)


def run_seed(args: argparse.Namespace) -> int:
    config = args.config_dir or settings.config_dir()
    if settings.deployment(config) != "demo":
        print("seed-reviews: not a demo deployment; nothing seeded")
        return 0
    warehouse = args.warehouse or settings.warehouse_path()
    if not warehouse.exists():
        print(f"seed-reviews: no warehouse at {warehouse}; load the exports first")
        return 1
    con = connect_read_only(warehouse)
    try:
        found = con.execute(
            "SELECT count(*) FROM centres WHERE vendor = ?", [SAMPLE_VENDOR]
        ).fetchone()[0]
    finally:
        con.close()
    if not found:
        print(f"seed-reviews: the warehouse holds no {SAMPLE_VENDOR} centre; nothing seeded")
        return 0
    store = ReviewStore(args.reviews or settings.reviews_path())
    meeting_id = seed_sample_review(store)
    if meeting_id is None:
        print(f"seed-reviews: {store.path} already holds meetings; left as it is")
    else:
        print(f"seed-reviews: recorded the sample review with {SAMPLE_VENDOR} in {store.path}")
    return 0
