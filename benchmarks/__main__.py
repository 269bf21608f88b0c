"""``python -m benchmarks [--scale S] [--centres 10] [--weeks 52] [--out benchmarks/results]
[--keep]``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import shutil
import sys
import time
from pathlib import Path

from tqdm import tqdm

from benchmarks import dataset, machine, report
from benchmarks.app_start import measure_app_start
from benchmarks.measure import ChildFailed, run_child
from benchmarks.summary import ingestion_summary, target_checks
from pipelines.settings import REPO_ROOT

# 10 centres x 52 weeks at scale 1 hold 273,753 contacts, 40,785 surveys and 26,375 QA
# evaluations (scale 2: 547,550 / 81,951 / 52,855, linear); 38 gives ~10.4 M contacts,
# ~1.55 M surveys, ~1.0 M evaluations (targets: 10 M, 1 M, 250 k).
FULL_SCALE = 38.0
FULL_CENTRES = 10
WEEKS = 52  # ISO weeks up to Sun 2026-11-22 (docs/SAMPLE_DATA.md)
PAGES = (
    "overview",
    "compare",
    "compare: by-agent toggle",
    "partner review",
    "qa calibration",
    "data",
    "export csv",
    "export xlsx",
    "export parquet",
    "export: scorecard xlsx download",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Generate a scaled dataset, time ingestion v. raw DuckDB, the metric "
        "queries of every page and export, and app start; write the results.",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=FULL_SCALE,
        help=f"generator volume multiplier (default {FULL_SCALE:g}: >= 10 M "
        "contacts with 10 centres)",
    )
    parser.add_argument("--centres", type=int, default=FULL_CENTRES)
    parser.add_argument(
        "--weeks",
        type=int,
        default=WEEKS,
        help=f"ISO weeks of data, ending Sun 2026-11-22 (default {WEEKS})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "benchmarks" / "results",
        help="folder for latest.json (default benchmarks/results)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=REPO_ROOT / "benchmarks" / "data",
        help="work folder for exports, configs, warehouses (gitignored)",
    )
    parser.add_argument(
        "--docs",
        type=Path,
        default=REPO_ROOT / "docs" / "PERFORMANCE.md",
        help="markdown report to regenerate",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the work folder (dataset and warehouse) afterwards",
    )
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="reuse exports already in the work folder for this scale",
    )
    parser.add_argument("--repeats", type=int, default=5, help="warm repeats per page")
    parser.add_argument("--skip-app", action="store_true", help="skip the app start step")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: regenerate --docs from <out>/latest.json "
        "(after editing benchmarks/findings.md)",
    )
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.centres < 1 or args.repeats < 1 or args.weeks < 1:
        parser.error("--scale must be above 0, --centres, --weeks and --repeats at least 1")
    return args


def step(message: str) -> None:
    tqdm.write(f"[bench {dt.datetime.now():%H:%M:%S}] {message}")


def prepare_data(args: argparse.Namespace, exports: Path) -> tuple[dict, float]:
    manifest_path = exports / "MANIFEST.json"
    if args.reuse_data and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if dataset.manifest_matches(manifest, args.scale, args.centres, args.weeks):
            step("reusing the generated exports")
            return manifest, 0.0
    if exports.exists():
        shutil.rmtree(exports)
    started = time.perf_counter()
    bar = tqdm(total=args.centres, desc="generate", unit="centre")

    def progress(message: str) -> None:
        bar.update(1)
        bar.set_postfix_str(message[:60])

    manifest = dataset.generate(exports, args.scale, args.centres, progress, args.weeks)
    bar.close()
    return manifest, time.perf_counter() - started


def run(args: argparse.Namespace) -> dict:
    work = args.work
    exports, config_dir = work / "exports", work / "config"
    warehouse, raw_db = work / "warehouse.duckdb", work / "raw.duckdb"
    work.mkdir(parents=True, exist_ok=True)
    started_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")

    step(
        f"1/5 generating scale {args.scale:g}, {args.centres} centres, {args.weeks} weeks "
        f"into {exports}"
    )
    manifest, generate_s = prepare_data(args, exports)
    totals = dataset.manifest_totals(manifest, exports)
    dataset.write_config_dir(config_dir, totals["centres"])

    step("2/5 ingestion through the pipeline (child process)")
    for stale in (warehouse, raw_db):
        stale.unlink(missing_ok=True)
    pipeline = run_child(
        "ingest", {"config_dir": config_dir, "warehouse": warehouse, "exports": exports}
    )
    step("2/5 raw DuckDB load of the same files (child process)")
    raw = run_child("raw", {"config_dir": config_dir, "exports": exports, "database": raw_db})
    raw_db.unlink(missing_ok=True)
    ingestion = ingestion_summary(pipeline.__dict__, raw.__dict__)

    step("3/5 metric-layer queries per page and export (a new process each)")
    queries = {}
    for page in tqdm(PAGES, desc="queries", unit="page"):
        child = run_child(
            "queries",
            {
                "config_dir": config_dir,
                "warehouse": warehouse,
                "page": page,
                "repeats": args.repeats,
            },
        )
        queries[page] = {
            **child.answer,
            "process_wall_s": child.wall_s,
            "peak_rss_mb": child.peak_rss_mb,
        }

    app = None
    if not args.skip_app:
        step("4/5 app start against the benchmark warehouse")
        app = measure_app_start(warehouse, config_dir)

    step("5/5 writing results")
    command = (
        "python -m benchmarks"
        + (
            ""
            if (args.scale, args.centres) == (FULL_SCALE, FULL_CENTRES)
            else f" --scale {args.scale:g} --centres {args.centres}"
        )
        + ("" if args.weeks == WEEKS else f" --weeks {args.weeks}")
    )
    results = {
        "run": {
            "started_at": started_at,
            "scale": args.scale,
            "centres": args.centres,
            "weeks": args.weeks,
            "repeats": args.repeats,
            "command": command,
            "full_scale": (
                totals["contacts"] >= 10_000_000 and args.centres >= 10 and args.weeks >= WEEKS
            ),
            "argv": shlex.join(sys.argv),
        },
        "machine": machine.describe(),
        "dataset": {**totals, "generate_s": generate_s},
        "ingestion": ingestion,
        "queries": queries,
        "app": app,
        "targets": target_checks(ingestion, queries),
    }
    report.write_json(results, args.out / "latest.json")
    report.write_markdown(results, args.docs)
    if not args.keep:
        shutil.rmtree(work)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report_only:
        latest = args.out / "latest.json"
        if not latest.exists():
            print(f"bench: no {latest}; run the benchmark first", file=sys.stderr)
            return 1
        report.write_markdown(json.loads(latest.read_text(encoding="utf-8")), args.docs)
        print(f"wrote {args.docs}")
        return 0
    try:
        results = run(args)
    except (ChildFailed, RuntimeError, ValueError) as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    for check in results["targets"]:
        tqdm.write(
            f"{'met   ' if check['met'] else 'MISSED'} {check['check']}: "
            f"{check['measured']} {check['unit']} (target {check['target']})"
        )
    print(f"wrote {args.out / 'latest.json'} and {args.docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
