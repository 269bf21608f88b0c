"""``python -m pipelines generate-samples``: regenerate the sample exports."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipelines.samplegen.calendar import DEFAULT_WEEKS, LAST_DAY
from pipelines.samplegen.generator import DEFAULT_SEED, generate_samples
from pipelines.settings import REPO_ROOT

DEFAULT_OUT = REPO_ROOT / "sample_data" / "exports"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate-samples",
        help="write the seeded sample exports of docs/SAMPLE_DATA.md",
        description="Write every sample centre's export files and MANIFEST.json. The same "
        "seed, scale, centres and weeks give byte-identical files.",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: sample_data/exports)"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="volume multiplier; 1 gives ~55k contacts, 100 gives ~5.5M",
    )
    parser.add_argument(
        "--centres",
        type=int,
        default=4,
        help="number of centres; beyond 4 the formats repeat as "
        "leeds_2, glasgow_2, ... (default: 4)",
    )
    parser.add_argument(
        "--weeks",
        type=int,
        default=DEFAULT_WEEKS,
        help=f"ISO weeks covered, ending on Sunday {LAST_DAY} (default: {DEFAULT_WEEKS})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        content = generate_samples(
            args.out,
            seed=args.seed,
            scale=args.scale,
            centres=args.centres,
            weeks=args.weeks,
            progress=lambda message: print(
                f"[{time.perf_counter() - started:6.1f}s] {message}", flush=True
            ),
        )
    except ValueError as error:
        print(f"generate-samples: {error}")
        return 2
    print(
        f"Wrote {len(content['files'])} files and MANIFEST.json to {args.out} "
        f"in {time.perf_counter() - started:.1f}s"
    )
    return 0
