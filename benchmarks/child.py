"""Child-process entry points: ``python -m benchmarks.child <step> request.json answer.json``.

Each step runs in its own process so its wall time and peak RSS are its own and
"cold" means a new process with a fresh DuckDB connection.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

from benchmarks.pages import AppCache, export_calls, find_defaults, page_calls
from benchmarks.raw_load import raw_load
from pipelines.ingest import ingest_files
from pipelines.metrics import load_targets
from pipelines.settings import load_metric_settings
from pipelines.warehouse import connect_read_only


def ingest_step(request: dict) -> dict:
    report = ingest_files(
        config_dir=Path(request["config_dir"]),
        warehouse=Path(request["warehouse"]),
        exports_root=Path(request["exports"]),
        progress=True,
    )
    exports = Path(request["exports"])
    return {
        "published": report.published,
        "summaries_s": report.summaries_s,
        "results": [
            {
                "file": str(r.file.relative_to(exports)),
                "centre_id": r.centre_id,
                "kind": r.kind,
                "status": r.status,
                "rows_read": r.rows_read,
                "rows_loaded": r.rows_loaded,
                "rows_rejected": r.rows_rejected,
                "seconds": r.seconds,
                "message": r.message,
            }
            for r in report.results
        ],
    }


def raw_step(request: dict) -> dict:
    return {
        "files": raw_load(
            Path(request["config_dir"]), Path(request["exports"]), Path(request["database"])
        )
    }


def queries_step(request: dict) -> dict:
    """One page's calls: first run on a fresh connection (cold), warm repeats that
    compute again (a new filter combination), then the same calls through the app's
    cached functions (a repeat view: the first call fills the cache, repeats hit it)."""
    config_dir = Path(request["config_dir"])
    os.environ["CC_CONFIG_DIR"] = str(config_dir)  # what the app's cached calls read
    os.environ["CC_WAREHOUSE"] = str(request["warehouse"])
    con = connect_read_only(Path(request["warehouse"]))
    defaults = find_defaults(
        con, load_metric_settings(config_dir), load_targets(config_dir / "targets.yaml")
    )
    calls = {**page_calls(defaults), **export_calls(defaults)}[request["page"]]

    def run_all(calls: dict) -> dict[str, float]:
        seconds = {}
        for name, call in calls.items():
            started = time.perf_counter()
            call(con)
            seconds[name] = time.perf_counter() - started
        return seconds

    cold = run_all(calls)
    warm_runs = [run_all(calls) for _ in range(request["repeats"])]
    answer = {
        "week": defaults.week.isoformat(),
        "vendor": defaults.first_vendor,
        "calls": [
            {
                "call": name,
                "cold_s": cold[name],
                "warm_median_s": statistics.median(r[name] for r in warm_runs),
            }
            for name in calls
        ],
        "cold_total_s": sum(cold.values()),
        "warm_median_total_s": statistics.median(sum(r.values()) for r in warm_runs),
    }
    from dashboard.connection import current_warehouse  # Streamlit: not in other steps

    app_pages = page_calls(defaults, AppCache(defaults, current_warehouse()))
    if request["page"] in app_pages:
        app_calls = app_pages[request["page"]]
        run_all(app_calls)  # fills the app's caches (and the connection's)
        cached_runs = [run_all(app_calls) for _ in range(request["repeats"])]
        answer["app_cached_median_total_s"] = statistics.median(
            sum(r.values()) for r in cached_runs
        )
    con.close()
    return answer


def apptest_step(request: dict) -> dict:
    """The default page's script run, as a first visitor triggers it (cold process)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(Path(request["app"])), default_timeout=request["timeout"])
    started = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - started
    return {
        "default_page_run_s": seconds,
        "title": [t.value for t in app.title],
        "exceptions": [str(getattr(e, "message", e)) for e in app.exception],
    }


STEPS = {"ingest": ingest_step, "raw": raw_step, "queries": queries_step, "apptest": apptest_step}


def own_peak_rss_mb() -> float | None:
    """VmHWM: this process's own peak RSS since exec. (``wait4``'s ru_maxrss also counts
    the parent's memory copied at fork, a floor of the harness's own size.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def main(argv: list[str]) -> int:
    step, request_path, answer_path = argv
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    answer = {**STEPS[step](request), "_peak_rss_mb": own_peak_rss_mb()}
    Path(answer_path).write_text(json.dumps(answer, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
