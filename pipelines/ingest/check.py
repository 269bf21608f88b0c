"""``check``: a dry run of one file against its source config; it writes nothing.

The file is staged and checked by the same code as a load (``load.check_file``), in a
private in-memory DuckDB with a scratch file in a temporary folder, so what it reports is
what ``ingest`` would do: rows that would load, be filtered and be rejected (top reasons
with an example row each), whether the file would fail as a whole, and which metrics of
METRICS.md its rows can feed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import settings

from .config import KEY_COLUMN, REPORTED, ROSTER, load_ingest_settings, load_source_configs
from .load import LoadOptions, check_file, drop_staging, top_reject_reasons
from .readers import FileProblem
from .run import exports_dir, match_file
from .scratch import scratch_database

# metric -> the canonical inputs its population needs (beyond the record itself)
METRIC_INPUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "contacts": {
        "contacts": (),
        "abandon_pct": (),
        "aht_s": ("talk_s",),
        "asa_s": ("wait_s",),
        "service_level_pct": ("wait_s",),
        "transfer_pct": ("transferred",),
        "complaint_pct": ("complaint",),
        "fcr_repeat_pct": ("customer_key",),
    },
    "surveys": {
        "csat_pct": ("csat",),
        "csat_mean": ("csat",),
        "delight_pct": ("csat",),
        "nps": ("nps",),
        "fcr_survey_pct": ("resolved",),
    },
    "qa": {"qa_score": (), "qa_pass_pct": (), "qa_critical_fail_pct": ()},
    # the roster's metrics; new_hire_contact_pct also needs the contacts' agent_id
    ROSTER: {
        "headcount": (),
        "attrition_pct": (),
        "tenure_median_days": (),
        "new_hire_contact_pct": (),
    },
    "staff_surveys": {"enps": ("enps",)},
}


@dataclass
class KindCheck:
    kind: str
    read: int
    loads: int
    filtered: int
    rejected: int
    records: int  # contacts after collapsing legs; else = loads
    top_reasons: list[tuple]  # (column, rows, example row, example reason)
    supported: dict[str, int]  # metric -> rows with its inputs
    unsupported: dict[str, str]  # metric -> why not


@dataclass
class CheckReport:
    file: Path
    centre_id: str | None
    export: str | None  # the config entry, e.g. sources/acme.yaml: exports[0]
    problem: str | None = None  # the file cannot load at all
    kinds: list[KindCheck] = field(default_factory=list)
    max_reject_pct: float = 50.0

    @property
    def would_fail(self) -> bool:
        return self.problem is not None or any(
            k.read and k.rejected * 100 > self.max_reject_pct * (k.read - k.filtered)
            for k in self.kinds
        )


def _supported_metrics(
    con: duckdb.DuckDBPyConnection, kind: str, provided: set[str]
) -> tuple[dict[str, int], dict[str, str]]:
    supported, unsupported = {}, {}
    if kind == REPORTED:  # the figures the file states, per metric
        rows = con.execute(
            "SELECT v_metric, count(*) FROM checked_reported WHERE len(errors) = 0 "
            "GROUP BY v_metric ORDER BY v_metric"
        ).fetchall()
        return dict(rows), unsupported
    for metric, inputs in METRIC_INPUTS[kind].items():
        missing = [c for c in inputs if c not in provided and c != "customer_key"]
        if missing:
            unsupported[metric] = f"{', '.join(missing)} not mapped"
            continue
        condition = " AND ".join(f"v_{c} IS NOT NULL" for c in inputs) or "true"
        rows = con.execute(
            f"SELECT count(*) FILTER (WHERE {condition}) FROM checked_{kind} WHERE len(errors) = 0"
        ).fetchone()[0]
        if rows:
            supported[metric] = rows
        else:
            unsupported[metric] = f"{', '.join(inputs)} empty on every row that would load"
    return supported, unsupported


def check_export(
    path: Path,
    centre: str | None = None,
    config_dir: Path | None = None,
    exports_root: Path | None = None,
) -> CheckReport:
    """What ``ingest`` would do with the file; raises ConfigError for a bad config."""
    config_dir = Path(config_dir or settings.config_dir())
    configs = load_source_configs(config_dir)
    job = match_file(Path(path), configs, Path(exports_root or exports_dir()), centre)
    if job.problem or not Path(path).is_file():
        return CheckReport(Path(path), centre, None, job.problem or f"{path}: no such file")
    guards = load_ingest_settings(config_dir)
    options = LoadOptions(salt=settings.customer_salt(config_dir), guards=guards)
    report = CheckReport(
        job.path,
        job.config.centre.id,
        job.spec.where,
        max_reject_pct=job.spec.max_reject_pct
        if job.spec.max_reject_pct is not None
        else guards.max_reject_pct,
    )
    with (
        tempfile.TemporaryDirectory() as folder,
        duckdb.connect() as con,
        scratch_database(con, Path(folder) / "check.scratch"),
    ):
        try:
            staged, checked = check_file(con, job.path, job.config, job.spec, options, job.captures)
        except (FileProblem, ValueError, OSError, duckdb.Error) as problem:
            report.problem = str(problem)
            return report
        for position, result in enumerate(checked):
            kind = result.kind
            malformed = staged.malformed_rows if position == 0 else 0
            read, loads, rejected = con.execute(
                f"SELECT count(*), count(*) FILTER (WHERE len(errors) = 0), "
                f"count(*) FILTER (WHERE len(errors) > 0) FROM checked_{kind}"
            ).fetchone()
            records = (
                loads
                if kind in (REPORTED, ROSTER)
                else con.execute(
                    f"SELECT count(DISTINCT v_{KEY_COLUMN[kind]}) FROM checked_{kind} "
                    "WHERE len(errors) = 0"
                ).fetchone()[0]
            )
            mapping = job.spec.kinds[kind]
            provided = mapping.provided | ({"customer_key"} if job.spec.identifiers else set())
            supported, unsupported = _supported_metrics(con, kind, provided)
            report.kinds.append(
                KindCheck(
                    kind,
                    read + malformed + result.filtered,
                    loads,
                    result.filtered,
                    rejected + malformed,
                    records,
                    top_reject_reasons(con, kind, staged, malformed, limit=5),
                    supported,
                    unsupported,
                )
            )
        drop_staging(con)
    return report


def format_check(report: CheckReport) -> str:
    """The report as the terminal shows it."""
    lines = [f"{report.file}"]
    if report.export:
        lines.append(f"  config: {report.export} (centre {report.centre_id})")
    if report.problem:
        lines.append(f"  the file cannot load: {report.problem}")
        return "\n".join(lines)
    for kind in report.kinds:
        collapsed = (
            f" ({kind.records} contacts after collapsing legs)"
            if kind.records != kind.loads
            else ""
        )
        lines.append(
            f"  {kind.kind}: {kind.read} rows read, {kind.loads} would load"
            f"{collapsed}, {kind.filtered} filtered, {kind.rejected} rejected"
        )
        for column, rows, row, reason in kind.top_reasons:
            where = f" [{column}]" if column else ""
            lines.append(f"    {rows} rejected{where}, e.g. row {row}: {reason}")
        if kind.supported:
            lines.append(
                "    feeds: "
                + ", ".join(f"{metric} ({rows})" for metric, rows in kind.supported.items())
            )
        if kind.unsupported:
            lines.append(
                "    no data for: "
                + "; ".join(f"{metric} ({why})" for metric, why in kind.unsupported.items())
            )
    if report.would_fail:
        lines.append(
            f"  the file would FAIL as a whole: more than max_reject_pct "
            f"({report.max_reject_pct:g} %) of its rows rejected"
        )
    else:
        lines.append("  nothing was written; run `python -m pipelines ingest FILE` to load it")
    return "\n".join(lines)
