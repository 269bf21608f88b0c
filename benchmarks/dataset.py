"""Step 1: the scaled dataset and a config folder whose sources cover every centre."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from pipelines.samplegen import generate_samples
from pipelines.samplegen.calendar import export_window
from pipelines.settings import DEFAULT_CONFIG_DIR

BASE_CENTRES = ("leeds", "glasgow", "lisbon", "manila")
EXTENSIONS = (".csv.gz", ".csv", ".xlsx", ".parquet")
CENTRE_ID = re.compile(r"^(leeds|glasgow|lisbon|manila)(?:_(\d+))?$")


def generate(out: Path, scale: float, centres: int, progress, weeks: int) -> dict:
    """Write ``weeks`` ISO weeks of exports and MANIFEST.json into ``out``; return the
    manifest."""
    out.mkdir(parents=True, exist_ok=True)
    return generate_samples(out, scale=scale, centres=centres, progress=progress, weeks=weeks)


def manifest_matches(manifest: dict, scale: float, centres: int, weeks: int) -> bool:
    """Whether exports already generated (their MANIFEST.json) are the ones asked for."""
    generator, window = manifest.get("generator", {}), manifest.get("window", {})
    return (generator.get("scale"), generator.get("centres"), window.get("first_day")) == (
        scale,
        centres,
        export_window(weeks).first_day.isoformat(),
    )


def clone_pattern(pattern: str, base_id: str, new_id: str) -> str:
    """``glasgow/Claremont_QA_*.csv`` -> ``glasgow_2/Claremont_QA_*_glasgow_2.csv``.

    The generator puts an extra centre in its own folder with the id before the
    extension (docs/SAMPLE_DATA.md).
    """
    folder, _, name = pattern.partition("/")
    if folder != base_id:
        raise ValueError(f"sample pattern {pattern!r} does not start with {base_id}/")
    extension = next((e for e in EXTENSIONS if name.endswith(e)), None)
    if extension is None:
        raise ValueError(f"sample pattern {pattern!r} has none of the extensions {EXTENSIONS}")
    return f"{new_id}/{name[: -len(extension)]}_{new_id}{extension}"


def clone_source(config: dict, new_id: str, round_number: int) -> dict:
    """A copy of a sample source config for the extra centre ``new_id``."""
    base_id = config["centre"]["id"]
    centre = {
        **config["centre"],
        "id": new_id,
        "name": f"{config['centre']['name']} {round_number}",
    }
    exports = [
        {**spec, "pattern": clone_pattern(spec["pattern"], base_id, new_id)}
        for spec in config["exports"]
    ]
    return {**config, "centre": centre, "exports": exports}


def write_config_dir(
    target: Path, centre_ids: list[str], sample_config: Path = DEFAULT_CONFIG_DIR
) -> Path:
    """settings.yaml and targets.yaml copied, one source YAML per centre id."""
    sources = target / "sources"
    if target.exists():
        shutil.rmtree(target)
    sources.mkdir(parents=True)
    for name in ("settings.yaml", "targets.yaml"):
        shutil.copy(sample_config / name, target / name)
    for centre_id in centre_ids:
        match = CENTRE_ID.match(centre_id)
        if match is None:
            raise ValueError(f"centre id {centre_id!r} is not a sample centre or a copy of one")
        base_id, round_number = match.group(1), int(match.group(2) or 1)
        base_path = sample_config / "sources" / f"{base_id}.yaml"
        if round_number == 1:
            shutil.copy(base_path, sources / base_path.name)
            continue
        config = yaml.safe_load(base_path.read_text(encoding="utf-8"))
        with (sources / f"{centre_id}.yaml").open("w", encoding="utf-8") as handle:
            yaml.safe_dump(
                clone_source(config, centre_id, round_number),
                handle,
                allow_unicode=True,
                sort_keys=False,
            )
    return target


def manifest_totals(manifest: dict, exports: Path) -> dict:
    """Clean records per canonical kind, the data files by format and their size."""
    totals = {"contacts": 0, "surveys": 0, "qa_evaluations": 0}
    formats: dict[str, int] = {}
    bytes_total = sum((exports / name).stat().st_size for name in manifest["files"])
    for entry in manifest["files"].values():
        for kind in totals:
            totals[kind] += entry["records"].get(kind, 0)
    for name in manifest["files"]:
        extension = next(e for e in EXTENSIONS if name.endswith(e))
        formats[extension.lstrip(".")] = formats.get(extension.lstrip("."), 0) + 1
    return {
        **totals,
        "files_by_format": formats,
        "bytes": bytes_total,
        "centres": sorted({e["centre_id"] for e in manifest["files"].values()}),
    }
