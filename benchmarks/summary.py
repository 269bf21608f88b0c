"""Turn raw step answers into the figures the targets are judged on."""

from __future__ import annotations

from benchmarks.raw_load import RAW_FORMATS

TARGET_INGEST_RATIO = 1.5
TARGET_PEAK_RSS_MB = 2048
TARGET_COLD_S = 1.0
TARGET_WARM_S = 0.1
DASHBOARD_PAGES = ("overview", "compare", "partner review", "qa calibration", "data")


def file_format(name: str) -> str:
    for extension in ("csv.gz", "csv", "xlsx", "parquet"):
        if name.endswith("." + extension):
            return extension
    raise ValueError(f"{name}: unknown export format")


def pipeline_seconds_by_file(results: list[dict]) -> dict[str, float]:
    """A multi-kind file reports its whole time on each kind: take it once."""
    by_file: dict[str, float] = {}
    for result in results:
        by_file[result["file"]] = max(by_file.get(result["file"], 0.0), result["seconds"])
    return by_file


def by_format(seconds_by_file: dict[str, float]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for name, seconds in seconds_by_file.items():
        totals[file_format(name)] = totals.get(file_format(name), 0.0) + seconds
    return totals


def ingestion_summary(pipeline: dict, raw: dict) -> dict:
    """Pipeline v. raw DuckDB on the same CSV/CSV.GZ/Parquet files; XLSX apart."""
    pipeline_by_format = by_format(pipeline_seconds_by_file(pipeline["answer"]["results"]))
    raw_by_format = by_format({f["file"]: f["seconds"] for f in raw["answer"]["files"]})
    # the summary tables are built once after all files: counted on the pipeline side
    # in full, though they also cover the XLSX rows
    summaries_s = pipeline["answer"].get("summaries_s", 0.0)
    comparable = sum(s for f, s in pipeline_by_format.items() if f in RAW_FORMATS) + summaries_s
    raw_total = sum(raw_by_format.values())
    results = pipeline["answer"]["results"]
    return {
        "pipeline": {
            "wall_s": pipeline["wall_s"],
            "peak_rss_mb": pipeline["peak_rss_mb"],
            "seconds_by_format": pipeline_by_format,
            "summaries_s": summaries_s,
            "rows_loaded": {
                kind: sum(r["rows_loaded"] for r in results if r["kind"] == kind)
                for kind in sorted({r["kind"] for r in results})
            },
            "rows_rejected": sum(r["rows_rejected"] for r in results),
            "failed_files": sorted({r["file"] for r in results if r["status"] == "failed"}),
        },
        "raw_duckdb": {
            "wall_s": raw["wall_s"],
            "peak_rss_mb": raw["peak_rss_mb"],
            "seconds_by_format": raw_by_format,
            "rows": sum(f["rows"] for f in raw["answer"]["files"]),
        },
        "comparable_pipeline_s": comparable,
        "comparable_raw_s": raw_total,
        "ratio": comparable / raw_total if raw_total else None,
        "xlsx_pipeline_s": pipeline_by_format.get("xlsx", 0.0),
        "per_file": {
            "pipeline": pipeline_seconds_by_file(results),
            "raw_duckdb": {f["file"]: f["seconds"] for f in raw["answer"]["files"]},
        },
    }


def _check(name: str, target: str, measured: float | None, limit: float, unit: str) -> dict:
    return {
        "check": name,
        "target": target,
        "measured": measured,
        "unit": unit,
        "met": measured is not None and measured <= limit,
    }


def target_checks(ingestion: dict, queries: dict) -> list[dict]:
    checks = [
        _check(
            "ingestion time / raw DuckDB load (CSV, CSV.GZ, Parquet)",
            f"<= {TARGET_INGEST_RATIO}x",
            ingestion["ratio"],
            TARGET_INGEST_RATIO,
            "x",
        ),
        _check(
            "ingestion peak RSS",
            f"<= {TARGET_PEAK_RSS_MB} MB",
            ingestion["pipeline"]["peak_rss_mb"],
            TARGET_PEAK_RSS_MB,
            "MB",
        ),
    ]
    for page in DASHBOARD_PAGES:
        if page not in queries:
            continue
        checks.append(
            _check(
                f"{page}: page queries, cold",
                f"<= {TARGET_COLD_S} s",
                queries[page]["cold_total_s"],
                TARGET_COLD_S,
                "s",
            )
        )
        checks.append(
            _check(
                f"{page}: page queries, warm (recomputed) median",
                f"<= {TARGET_WARM_S} s",
                queries[page]["warm_median_total_s"],
                TARGET_WARM_S,
                "s",
            )
        )
        if "app_cached_median_total_s" in queries[page]:
            checks.append(
                _check(
                    f"{page}: page queries, warm (app cache) median",
                    f"<= {TARGET_WARM_S} s",
                    queries[page]["app_cached_median_total_s"],
                    TARGET_WARM_S,
                    "s",
                )
            )
    return checks
