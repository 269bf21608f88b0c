"""Regenerating gives the committed files byte for byte; scale and centres behave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.__main__ import main
from pipelines.samplegen import generate_samples


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_regenerating_reproduces_every_committed_file(exports: Path, tmp_path: Path):
    assert main(["generate-samples", "--out", str(tmp_path)]) == 0
    committed, fresh = files_of(exports), files_of(tmp_path)
    assert sorted(fresh) == sorted(committed)
    changed = [name for name in committed if committed[name] != fresh[name]]
    assert changed == [], "committed sample exports are stale: run `make samples`"


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory) -> dict[float, dict]:
    runs = {}
    for scale in (0.05, 0.1):
        runs[scale] = generate_samples(tmp_path_factory.mktemp(f"scale{scale}"), scale=scale)
    return runs


def contacts_total(content: dict) -> int:
    return sum(entry["records"].get("contacts", 0) for entry in content["files"].values())


def test_scale_multiplies_volume(small_runs, manifest):
    full = contacts_total(manifest)
    # Poisson arrivals: 0.1 x ~56k = ~5.6k contacts, sd ~75; 5 % is over 3 sd.
    assert contacts_total(small_runs[0.1]) == pytest.approx(0.1 * full, rel=0.05)
    assert contacts_total(small_runs[0.05]) == pytest.approx(0.05 * full, rel=0.07)
    assert small_runs[0.1]["generator"]["scale"] == 0.1


def test_extra_centres_reuse_formats_without_touching_the_first_four(tmp_path: Path, small_runs):
    content = generate_samples(tmp_path, scale=0.05, centres=6)
    extra = sorted(path for path in content["files"] if path.split("/")[0].endswith("_2"))
    assert extra == [
        "glasgow_2/Claremont_Advisor_Roster_2026-11-22_glasgow_2.csv",
        "glasgow_2/Claremont_CSAT_2026-05-25_to_2026-11-22_glasgow_2.csv",
        "glasgow_2/Claremont_Interactions_2026-05-25_to_2026-11-22_glasgow_2.xlsx",
        "glasgow_2/Claremont_KPI_Report_2026-06_to_2026-10_glasgow_2.xlsx",
        "glasgow_2/Claremont_Pulse_2026-05-25_to_2026-11-22_glasgow_2.csv",
        "glasgow_2/Claremont_QA_2026-05-25_to_2026-11-22_glasgow_2.csv",
        "leeds_2/leeds_contacts_20260525_20261122_leeds_2.csv",
        "leeds_2/leeds_csat_20260525_20261122_leeds_2.csv",
        "leeds_2/leeds_hr_roster_20261122_leeds_2.csv",
        "leeds_2/leeds_qa_20260525_20261122_leeds_2.csv",
        "leeds_2/leeds_staff_pulse_20260525_20261122_leeds_2.csv",
    ]
    # Each centre has its own random stream: the first four are as in a 4-centre run.
    four = small_runs[0.05]["files"]
    for path, entry in four.items():
        assert content["files"][path]["sha256"] == entry["sha256"], path


def test_bad_arguments_are_reported(tmp_path: Path, capsys):
    assert main(["generate-samples", "--out", str(tmp_path), "--centres", "0"]) == 2
    assert "--centres must be between 1 and" in capsys.readouterr().out
    assert main(["generate-samples", "--out", str(tmp_path), "--scale", "0"]) == 2
    assert "--scale must be above 0" in capsys.readouterr().out
    assert (
        json.loads((Path(__file__).parents[2] / "sample_data/exports/MANIFEST.json").read_text())[
            "generator"
        ]["seed"]
        == 20261122
    )
