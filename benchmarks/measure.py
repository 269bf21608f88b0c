"""Run one benchmark step in a child process: its wall time, peak RSS and JSON answer.

Peak RSS is the child's own VmHWM, read by the child at its end; ``os.wait4``'s
ru_maxrss (exactly that child, unlike ``RUSAGE_CHILDREN``) is the fallback, but on Linux
it also counts the parent's memory at fork, so it never drops below the harness's size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pipelines.settings import REPO_ROOT


@dataclass(frozen=True)
class ChildRun:
    wall_s: float
    peak_rss_mb: float
    answer: dict


class ChildFailed(RuntimeError):
    pass


def run_child(step: str, arguments: dict, env: dict[str, str] | None = None) -> ChildRun:
    """``python -m benchmarks.child <step>`` with ``arguments`` as JSON; its answer back."""
    with tempfile.TemporaryDirectory(prefix="bench_child_") as scratch:
        request, answer = Path(scratch) / "request.json", Path(scratch) / "answer.json"
        request.write_text(json.dumps(arguments, default=str), encoding="utf-8")
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.child", step, str(request), str(answer)],
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
        if child.returncode != 0 or not answer.exists():
            raise ChildFailed(
                f"benchmark step {step!r} failed with exit code "
                f"{child.returncode}; see its output above"
            )
        result = json.loads(answer.read_text(encoding="utf-8"))
    own_peak = result.pop("_peak_rss_mb", None)
    return ChildRun(
        wall_s=wall,
        answer=result,
        peak_rss_mb=own_peak if own_peak is not None else usage.ru_maxrss / 1024,
    )
