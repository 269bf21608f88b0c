"""One ingest run: find the files, load each into a building copy, publish it."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import duckdb
from tqdm import tqdm

from pipelines import settings
from pipelines.metrics.summaries import build_summaries, summary_info
from pipelines.warehouse import create_schema
from pipelines.warehouse.building import BuildingCopy, write_lock

from .config import ExportSpec, SourceConfig, load_ingest_settings, load_source_configs
from .load import KIND_ORDER, KindResult, LoadOptions, file_sha256, load_file, record_failure
from .salt_guard import SaltMismatch, check_salt
from .scratch import scratch_database, scratch_path

DEFAULT_EXPORTS_DIR = settings.REPO_ROOT / "sample_data" / "exports"
# DuckDB's own budget for a run (it spills sorts and joins to disk beyond it); its default,
# 80 % of RAM, let the summary build's window sort reach 3.3 GB at 10 M contacts
MEMORY_LIMIT = "1GB"


def exports_dir() -> Path:
    """Where export patterns are resolved: CC_EXPORTS_DIR, else sample_data/exports."""
    return Path(os.environ.get("CC_EXPORTS_DIR", DEFAULT_EXPORTS_DIR))


@dataclass
class RunReport:
    results: list[KindResult] = field(default_factory=list)
    warehouse: Path | None = None
    published: bool = False
    summaries_s: float = 0.0  # rebuilding the metric layer's day-level summary tables

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.results)


@dataclass(frozen=True)
class FileJob:
    path: Path
    config: SourceConfig | None
    spec: ExportSpec | None
    problem: str | None = None
    captures: dict[str, str] = field(default_factory=dict)  # the pattern's {placeholders}


def _pattern_matches(path: Path, root: Path, spec: ExportSpec) -> dict[str, str] | None:
    """The placeholders' values when the file matches the export's pattern, else None."""
    try:
        relative = PurePath(path.resolve().relative_to(root.resolve()))
    except ValueError:
        relative = PurePath(path)  # outside the root: match the path's tail
    if not relative.match(spec.glob):
        return None
    return spec.captures(relative.as_posix())


def match_file(
    path: Path, configs: list[SourceConfig], root: Path, centre: str | None = None
) -> FileJob:
    """The config and export spec whose pattern matches the file (exactly one)."""
    matches = [
        (config, spec, captures)
        for config in configs
        for spec in config.exports
        if (centre is None or config.centre.id == centre)
        and (captures := _pattern_matches(path, root, spec)) is not None
    ]
    if len(matches) == 1:
        config, spec, captures = matches[0]
        return FileJob(path, config, spec, captures=captures)
    if not matches:
        return FileJob(
            path,
            None,
            None,
            f"{path}: no source config matches this file (unknown centre); add a "
            f"source config with a matching pattern under sources/",
        )
    where = ", ".join(s.where for _, s in matches)
    return FileJob(
        path,
        None,
        None,
        f"{path}: several source configs match ({where}); make their patterns distinct",
    )


def discover_files(configs: list[SourceConfig], root: Path) -> list[FileJob]:
    jobs = {}
    for config in configs:
        for spec in config.exports:
            for path in sorted(root.glob(spec.glob)):
                captures = spec.captures(path.relative_to(root).as_posix())
                if path.is_file() and captures is not None:
                    jobs.setdefault(path, FileJob(path, config, spec, captures=captures))
    return list(jobs.values())


def _job_order(job: FileJob) -> tuple:
    first_kind = min((KIND_ORDER.index(k) for k in job.spec.kinds), default=0) if job.spec else 0
    return (first_kind, str(job.path))  # contacts before surveys: unknown-contact counts


def refresh_centres(con: duckdb.DuckDBPyConnection, configs: list[SourceConfig]) -> None:
    con.execute("DELETE FROM centres")
    for config in configs:
        c = config.centre
        con.execute(
            "INSERT INTO centres VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [c.id, c.name, c.sourcing, c.vendor, c.shore, c.country, c.timezone],
        )


def ingest_files(
    files: list[Path] | None = None,
    *,
    config_dir: Path | None = None,
    warehouse: Path | None = None,
    exports_root: Path | None = None,
    progress: bool = False,
    reload: bool = False,
    centre: str | None = None,
) -> RunReport:
    """Load the given files (default: every file the configs' patterns match, or only
    ``centre``'s). ``reload``: load them again even when their bytes already loaded,
    replacing the rows of their earlier loads (after a config change).

    Raises ConfigError for an invalid source config, WarehouseBusy when another run
    is writing and SaltMismatch when the warehouse was built with another salt; file
    problems are reported per file in the returned RunReport.
    """
    config_dir = Path(config_dir or settings.config_dir())
    warehouse = Path(warehouse or settings.warehouse_path())
    root = Path(exports_root or exports_dir())
    configs = load_source_configs(config_dir)
    options = LoadOptions(
        salt=settings.customer_salt(config_dir),
        guards=load_ingest_settings(config_dir),
        reload=reload,
    )
    if files is None:
        jobs = discover_files(configs, root)
        if centre is not None:
            jobs = [job for job in jobs if job.config.centre.id == centre]
    else:
        jobs = [match_file(Path(f), configs, root, centre) for f in files]
    jobs.sort(key=_job_order)

    report = RunReport(warehouse=warehouse)
    with write_lock(warehouse):
        building = BuildingCopy(warehouse)
        con = duckdb.connect(str(building.prepare()), config={"memory_limit": MEMORY_LIMIT})
        try:
            create_schema(con)
            try:
                salt_recorded = check_salt(con, options.salt, warehouse)
            except SaltMismatch:
                con.close()
                building.discard()
                raise
            before = con.execute("SELECT list(c ORDER BY centre_id) FROM centres AS c").fetchone()[
                0
            ]
            refresh_centres(con, configs)
            after = con.execute("SELECT list(c ORDER BY centre_id) FROM centres AS c").fetchone()[0]
            with scratch_database(con, scratch_path(warehouse)):
                for job in tqdm(jobs, desc="ingest", unit="file", disable=not progress):
                    report.results += _run_job(con, job, options)
            changed = (
                salt_recorded
                or before != after
                or any(r.status != "skipped" for r in report.results)
            )
            # the metric layer's day-level cells, for the settings the app will read with
            metric_settings = settings.load_metric_settings(config_dir)
            if changed or summary_info(con, metric_settings) is None:
                started = time.perf_counter()
                build_summaries(con, metric_settings)
                report.summaries_s = time.perf_counter() - started
                changed = True
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if changed or not warehouse.exists():
            building.publish()
            report.published = True
        else:
            building.discard()
    return report


def _run_job(
    con: duckdb.DuckDBPyConnection, job: FileJob, options: LoadOptions
) -> list[KindResult]:
    started = time.time()
    if job.problem or not job.path.is_file():
        message = job.problem or f"{job.path}: no such file"
        sha = file_sha256(job.path) if job.path.is_file() else ""
        con.execute("BEGIN TRANSACTION")
        results = record_failure(con, job.path, sha, None, ["unknown"], message, started)
        con.execute("COMMIT")
        return results
    return load_file(con, job.path, job.config, job.spec, options, job.captures)


@dataclass(frozen=True)
class StaleFile:
    file: Path
    centre_id: str
    kinds: tuple[str, ...]
    why: str


def stale_files(
    con: duckdb.DuckDBPyConnection, configs: list[SourceConfig], root: Path
) -> list[StaleFile]:
    """Files whose rows loaded under another version of their export's config."""
    loaded = con.execute(
        "SELECT file_name, centre_id, list(DISTINCT kind ORDER BY kind), "
        "list(DISTINCT coalesce(config_sha256, '')) FROM loads WHERE status = 'loaded' "
        "GROUP BY ALL ORDER BY file_name"
    ).fetchall()
    stale = []
    for file_name, centre_id, kinds, hashes in loaded:
        job = match_file(Path(file_name), configs, root, centre_id)
        if job.spec is None:
            why = "no export of its centre's config matches it now"
        elif "" in hashes:
            why = "loaded before config versions were recorded"
        elif hashes != [job.spec.config_sha256]:
            why = f"{job.spec.where} changed since it loaded"
        else:
            continue
        stale.append(StaleFile(Path(file_name), centre_id, tuple(kinds), why))
    return stale
