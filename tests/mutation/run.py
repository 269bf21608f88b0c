"""Mutation test: apply each mutant of mutants.py alone and check the suite fails.

    python tests/mutation/run.py [--tests PATH ...] [--only TEXT ...]

Works on a copy of the repository's tracked and new files (the working tree is never
touched, so a killed run leaves nothing behind). For each mutant it runs pytest with
``-x`` over the metric tests (the first failure is enough) and records killed (tests
failed), survived (tests passed) or invalid (pytest could not run: the mutant broke
more than a definition). Prints the score; exits 1 unless every mutant is killed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import MUTANTS, Mutant  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TESTS = ["tests/metrics", "tests/ingest/test_feed_freshness.py"]
PYTEST_FAILED = 1  # pytest's exit code when tests ran and some failed


def copy_repository(target: Path) -> None:
    listed = (
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def run_mutant(copy: Path, mutant: Mutant, tests: list[str]) -> tuple[str, float]:
    path = copy / mutant.file
    original = path.read_text(encoding="utf-8")
    if original.count(mutant.old) != 1:
        return "invalid", 0.0
    path.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
            cwd=copy,
            capture_output=True,
        )
    finally:
        path.write_text(original, encoding="utf-8")
    seconds = time.perf_counter() - started
    if result.returncode == PYTEST_FAILED:
        return "killed", seconds
    return ("survived" if result.returncode == 0 else "invalid"), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", nargs="+", default=DEFAULT_TESTS)
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        help="run the mutants whose name contains one of these texts",
    )
    args = parser.parse_args(argv)
    mutants = [m for m in MUTANTS if not args.only or any(text in m.name for text in args.only)]
    outcomes: dict[str, list[str]] = {"killed": [], "survived": [], "invalid": []}
    with tempfile.TemporaryDirectory(prefix="mutants-") as folder:
        copy = Path(folder)
        copy_repository(copy)
        for mutant in tqdm(mutants, desc="mutants", unit="mutant"):
            outcome, seconds = run_mutant(copy, mutant, args.tests)
            outcomes[outcome].append(mutant.name)
            tqdm.write(f"{outcome:8}  {seconds:5.1f} s  {mutant.name}  ({mutant.file})")
    killed = len(outcomes["killed"])
    print(
        f"\nmutation score: {killed} of {len(mutants)} killed "
        f"({100 * killed / max(len(mutants), 1):.0f} %)"
    )
    for outcome in ("survived", "invalid"):
        for name in outcomes[outcome]:
            print(f"  {outcome}: {name}")
    return 0 if killed == len(mutants) else 1


if __name__ == "__main__":
    sys.exit(main())
