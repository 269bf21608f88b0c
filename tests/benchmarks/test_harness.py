"""A tiny run of the benchmark harness: well-formed results, no timing assertions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from benchmarks.__main__ import PAGES, main
from benchmarks.dataset import clone_pattern, manifest_matches, write_config_dir
from benchmarks.raw_load import RAW_FORMATS
from benchmarks.summary import ingestion_summary, pipeline_seconds_by_file


def test_clone_pattern_puts_the_id_in_folder_and_before_the_extension():
    assert (
        clone_pattern("lisbon/atlantico_contactos_*.csv.gz", "lisbon", "lisbon_2")
        == "lisbon_2/atlantico_contactos_*_lisbon_2.csv.gz"
    )
    assert (
        clone_pattern("manila/PR_NorthwindEnergy_QA_*.parquet", "manila", "manila_3")
        == "manila_3/PR_NorthwindEnergy_QA_*_manila_3.parquet"
    )
    with pytest.raises(ValueError, match="does not start with leeds/"):
        clone_pattern("glasgow/x_*.csv", "leeds", "leeds_2")


def test_config_dir_has_one_source_per_centre(tmp_path: Path):
    write_config_dir(tmp_path / "config", ["leeds", "glasgow_2"])
    clone = yaml.safe_load((tmp_path / "config/sources/glasgow_2.yaml").read_text())
    assert clone["centre"]["id"] == "glasgow_2"
    assert clone["centre"]["name"] == "Claremont Glasgow 2"
    assert clone["exports"][0]["pattern"] == "glasgow_2/Claremont_Interactions_*_glasgow_2.xlsx"
    assert sorted(p.name for p in (tmp_path / "config/sources").iterdir()) == [
        "glasgow_2.yaml",
        "leeds.yaml",
    ]
    assert (tmp_path / "config/settings.yaml").exists()


def test_ratio_counts_a_multi_kind_file_once_and_leaves_xlsx_out():
    # Manila's calls file loads contacts and surveys; each kind reports the file's 4 s.
    results = [
        {
            "file": "m/calls.csv",
            "kind": "contacts",
            "seconds": 4.0,
            "rows_loaded": 10,
            "rows_rejected": 1,
            "status": "loaded",
        },
        {
            "file": "m/calls.csv",
            "kind": "surveys",
            "seconds": 4.0,
            "rows_loaded": 3,
            "rows_rejected": 0,
            "status": "loaded",
        },
        {
            "file": "g/x.xlsx",
            "kind": "contacts",
            "seconds": 30.0,
            "rows_loaded": 5,
            "rows_rejected": 0,
            "status": "loaded",
        },
        {
            "file": "m/qa.parquet",
            "kind": "qa",
            "seconds": 2.0,
            "rows_loaded": 4,
            "rows_rejected": 0,
            "status": "loaded",
        },
    ]
    assert pipeline_seconds_by_file(results) == {
        "m/calls.csv": 4.0,
        "g/x.xlsx": 30.0,
        "m/qa.parquet": 2.0,
    }
    raw = {
        "wall_s": 5,
        "peak_rss_mb": 100,
        "answer": {
            "files": [
                {"file": "m/calls.csv", "format": "csv", "rows": 13, "seconds": 2.0},
                {"file": "m/qa.parquet", "format": "parquet", "rows": 4, "seconds": 1.0},
            ]
        },
    }
    summary = ingestion_summary(
        {"wall_s": 40, "peak_rss_mb": 300, "answer": {"results": results}}, raw
    )
    # (4 + 2) pipeline seconds on comparable files / (2 + 1) raw seconds = 2.0
    assert summary["ratio"] == pytest.approx(2.0)
    assert summary["xlsx_pipeline_s"] == 30.0
    assert summary["pipeline"]["rows_loaded"] == {"contacts": 15, "qa": 4, "surveys": 3}


def test_tiny_run_writes_well_formed_json_and_markdown(tmp_path: Path):
    out, docs = tmp_path / "results", tmp_path / "PERFORMANCE.md"
    # 4 weeks at scale 0.15 (~0.6 scale-weeks, like 26 weeks at 0.023): quick, yet every
    # centre's files keep data rows (an empty export fails ingestion, as it should).
    code = main(
        [
            "--scale",
            "0.15",
            "--centres",
            "5",
            "--weeks",
            "4",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
            "--docs",
            str(docs),
            "--repeats",
            "1",
            "--skip-app",
        ]
    )
    assert code == 0
    results = json.loads((out / "latest.json").read_text())
    assert set(results) == {"run", "machine", "dataset", "ingestion", "queries", "app", "targets"}
    assert results["run"]["full_scale"] is False and results["app"] is None
    assert results["run"]["weeks"] == 4
    assert results["dataset"]["centres"] == ["glasgow", "leeds", "leeds_2", "lisbon", "manila"]
    ingestion = results["ingestion"]
    assert ingestion["pipeline"]["failed_files"] == []
    # Leeds-format files count one loaded row per leg, so rows >= contact records.
    assert ingestion["pipeline"]["rows_loaded"]["contacts"] >= results["dataset"]["contacts"]
    assert "xlsx" not in ingestion["raw_duckdb"]["seconds_by_format"]
    pipeline = ingestion["pipeline"]
    # the ratio compares like with like: CSV/Parquet seconds plus the summary build
    comparable = sum(s for fmt, s in pipeline["seconds_by_format"].items() if fmt in RAW_FORMATS)
    assert ingestion["comparable_pipeline_s"] == pytest.approx(comparable + pipeline["summaries_s"])
    assert ingestion["ratio"] == pytest.approx(
        ingestion["comparable_pipeline_s"] / ingestion["comparable_raw_s"]
    )
    # built once, after the files: part of the run, not all of it
    assert 0 < pipeline["summaries_s"] < pipeline["wall_s"]
    # a measured process that imported DuckDB and pandas: tens of MB at least
    assert 50 < pipeline["peak_rss_mb"] < 24 * 1024
    assert list(results["queries"]) == list(PAGES)
    for page in results["queries"].values():
        assert page["calls"]
        assert page["cold_total_s"] == pytest.approx(sum(c["cold_s"] for c in page["calls"]))
    # the dashboard pages are also measured through the app's cached functions, which
    # answer from memory: faster than the same page's uncached first run
    for page in ("overview", "compare", "partner review", "data"):
        answer = results["queries"][page]
        assert answer["app_cached_median_total_s"] < answer["cold_total_s"]
    assert "app_cached_median_total_s" not in results["queries"]["export csv"]
    assert {c["check"].split(":")[0] for c in results["targets"]} >= {
        "overview",
        "compare",
        "partner review",
        "data",
    }
    text = docs.read_text()
    assert "REDUCED SCALE" in text and "## Targets" in text
    command = "python -m benchmarks --scale 0.15 --centres 5 --weeks 4"
    assert results["run"]["command"] == command and command in text
    assert not (tmp_path / "work").exists()  # removed without --keep


def test_reuse_needs_the_same_scale_centres_and_weeks():
    # 52 weeks up to Sun 2026-11-22 start on Mon 2025-11-24; 26 weeks on 2026-05-25.
    manifest = {
        "generator": {"seed": 20261122, "scale": 38.0, "centres": 10},
        "window": {"first_day": "2025-11-24", "last_day": "2026-11-22"},
    }
    assert manifest_matches(manifest, 38.0, 10, 52)
    assert not manifest_matches(manifest, 38.0, 10, 26)
    assert not manifest_matches(manifest, 37.0, 10, 52)
    assert not manifest_matches(manifest, 38.0, 9, 52)
    assert not manifest_matches({"generator": {"scale": 38.0, "centres": 10}}, 38.0, 10, 52)
