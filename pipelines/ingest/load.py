"""Loading one export file into the (building) warehouse in one transaction.

Per file: skip when the same bytes (sha256) already loaded; else stage the rows once,
check each kind the file feeds, replace rows by key, insert rejects and one ``loads``
row per kind, and commit. Any file-level problem rolls everything back and records a
``failed`` loads row instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .config import REPORTED, ROSTER, STAFF_SURVEYS, ExportSpec, IngestSettings, SourceConfig
from .identifiers import hashed_columns
from .keyed_hash import HmacKey
from .masking import MASKS, masked_sql
from .people import RosterValidator, insert_roster_sql, insert_staff_surveys_sql
from .readers import FileProblem, StagedFile, stage_file
from .reported import ReportedValidator, insert_reported_sql
from .scratch import SCRATCH
from .sql_text import SqlParams, execute, quote_ident, shown_value_sql
from .validate import FileContext, KindValidator

KIND_ORDER = ("contacts", "surveys", "qa", REPORTED, ROSTER, STAFF_SURVEYS)
# kind -> the canonical table its rows go to (qa also writes qa_sections)
KIND_TABLES = {
    "contacts": "contacts",
    "surveys": "surveys",
    "qa": "qa_evaluations",
    REPORTED: "reported_figures",
    ROSTER: "agents",
    STAFF_SURVEYS: "staff_surveys",
}


@dataclass
class KindResult:
    file: Path
    centre_id: str | None
    kind: str
    status: str  # loaded | skipped | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    seconds: float = 0.0
    message: str = ""
    load_id: int | None = None
    rows_filtered: int = 0


@dataclass(frozen=True)
class LoadOptions:
    """How a run loads each file."""

    salt: str
    guards: IngestSettings = field(default_factory=IngestSettings)
    reload: bool = False  # load again even when the same bytes loaded, replacing them
    now_utc: dt.datetime = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None)
    )

    @property
    def key(self) -> HmacKey:
        """The salt as an HMAC key (keyed_hash.py)."""
        return HmacKey.from_salt(self.salt)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]


LOADS_COLUMNS = (
    "load_id, file_name, sha256, centre_id, kind, rows_read, rows_loaded, "
    "rows_rejected, rows_filtered, started_at, finished_at, status, message, "
    "config_sha256"
)


def record_failure(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha: str,
    centre_id: str | None,
    kinds: list[str],
    message: str,
    started: float,
    config_sha256: str | None = None,
) -> list[KindResult]:
    results = []
    for kind in kinds:
        load_id = next_load_id(con)
        con.execute(
            f"INSERT INTO loads ({LOADS_COLUMNS}) VALUES ($id, $file, $sha, $centre, $kind, "
            "0, 0, 0, 0, to_timestamp($started)::TIMESTAMP, now()::TIMESTAMP, 'failed', "
            "$message, $config)",
            {
                "id": load_id,
                "file": str(path),
                "sha": sha,
                "centre": centre_id,
                "kind": kind,
                "started": started,
                "message": message,
                "config": config_sha256,
            },
        )
        results.append(
            KindResult(
                path,
                centre_id,
                kind,
                "failed",
                message=message,
                load_id=load_id,
                seconds=time.time() - started,
            )
        )
    return results


def _raw_row_sql(spec: ExportSpec, staged: StagedFile, params: SqlParams) -> str:
    """JSON of the staged source row: identifier columns hold their hash already (staging
    hashed them), the other values have identifier-like tokens masked."""
    hashed = hashed_columns(spec.identifiers)
    pairs = []
    for column in staged.columns:
        value = f"s.{quote_ident(column)}"
        if column not in hashed:
            value = shown_value_sql(masked_sql(value))
        pairs.append(f"{params.add(column)}, {value}")
    return f"json_object({', '.join(pairs)})"


def _malformed_row_sql(spec: ExportSpec, staged: StagedFile, params: SqlParams) -> str:
    """JSON of a row that did not split into the header's fields.

    Its text had phone- and e-mail-like tokens masked when it was read (readers.py); its
    fields may be shifted, so a field at an identifier column's position is shown as
    ``[phone]``, ``[e-mail]`` or ``[account]`` too (an account number has no shape to
    recognise).
    """
    positions = {
        staged.columns.index(column) + 1: kind
        for column, kind in hashed_columns(spec.identifiers).items()
    }
    cases = " ".join(
        f"WHEN i = {position} AND trim(f) <> '' THEN {params.add(MASKS[kind])}"
        for position, kind in positions.items()
    )
    shown = f"CASE {cases} ELSE f END" if cases else "f"
    return (
        f"to_json({{'fields': list_transform(string_split(raw_line, "
        f"{params.add(spec.delimiter)}), lambda f, i: {shown})}})"
    )


# legs rule -> the aggregate combining a column's leg values (legs in v_leg order)
LEG_AGGREGATES = {
    "first_leg": "arg_min_null({value}, v_leg)",
    "last_leg": "arg_max_null({value}, v_leg)",
    "answering_leg": "arg_min_null({value}, v_leg) FILTER (WHERE v_answered)",
    "sum": "sum({value})",
    "max": "max({value})",
    "union": "any_value(u.union_talk_s)",
    "any": "bool_or({value})",
    "all": "bool_and({value})",
}


def _collapsed_legs_sql(legs, columns: list[str], good: str) -> str:
    """One row per contact from its legs, each column by its rule (docs/SOURCE_CONFIG.md).

    Legs are in v_leg order (the leg number, or start order for ``order_by``). With
    ``union: [talk_s]`` each leg talks over [start + wait, start + wait + talk]; the
    contact's talk is the total length of the union of those intervals, so overlapping
    hop records count once: islands of overlapping intervals, each max(end) - min(start).
    """

    def combine(column: str) -> str:
        if column == "transferred" and legs.transferred_when_several_legs:
            return "count(*) > 1"
        return LEG_AGGREGATES[legs.rule(column)].format(value=f"v_{column}")

    union = ""
    if "union" in legs.rules.values():
        union = f"""
        LEFT JOIN (
            SELECT v_contact_id, sum(island_end - island_start) AS union_talk_s
            FROM (SELECT v_contact_id, island, min(s) AS island_start, max(e) AS island_end
                  FROM (SELECT *, sum(CASE WHEN reach IS NULL OR s > reach THEN 1 ELSE 0 END)
                                  OVER (PARTITION BY v_contact_id ORDER BY s, v_leg) AS island
                        FROM (SELECT v_contact_id, v_leg, s, e,
                                     max(e) OVER (PARTITION BY v_contact_id ORDER BY s, v_leg
                                                  ROWS BETWEEN UNBOUNDED PRECEDING
                                                  AND 1 PRECEDING) AS reach
                              FROM (SELECT v_contact_id, v_leg,
                                           epoch(v_started_at) + coalesce(v_wait_s, 0) AS s,
                                           epoch(v_started_at) + coalesce(v_wait_s, 0)
                                               + v_talk_s AS e
                                    FROM {good} WHERE v_talk_s IS NOT NULL)))
                  GROUP BY ALL)
            GROUP BY v_contact_id) AS u USING (v_contact_id)"""
    return (
        "(SELECT v_contact_id, "
        + ", ".join(f"{combine(c)} AS v_{c}" for c in columns)
        + f" FROM {good} AS g{union} GROUP BY v_contact_id)"
    )


def _insert_records_sql(kind: str, validator: KindValidator, params: SqlParams) -> list[str]:
    """Statements replacing the kind's rows by key and inserting the checked good rows."""
    mapping = validator.mapping
    good = f"(SELECT * FROM checked_{kind} WHERE len(errors) = 0)"
    if kind == REPORTED:
        return insert_reported_sql()
    if kind == ROSTER:
        return insert_roster_sql()
    if kind == STAFF_SURVEYS:
        return insert_staff_surveys_sql()
    if kind == "contacts":
        columns = [
            "channel",
            "queue",
            "contact_reason",
            "agent_id",
            "customer_key",
            "started_at",
            "answered",
            "abandoned",
            "wait_s",
            "talk_s",
            "hold_s",
            "wrap_s",
            "transferred",
            "complaint",
        ]
        source = _collapsed_legs_sql(mapping.legs, columns, good) if mapping.legs else good
        return [
            f"DELETE FROM contacts WHERE centre_id = $centre AND contact_id IN "
            f"(SELECT v_contact_id FROM {good})",
            "INSERT INTO contacts SELECT $centre, v_contact_id, "
            + ", ".join(f"v_{c}" for c in columns)
            + f", $load_id FROM {source}",
        ]
    if kind == "surveys":
        lo, hi = mapping.csat_scale or (None, None)
        lo_p, hi_p = params.add(lo), params.add(hi)
        return [
            f"DELETE FROM surveys WHERE centre_id = $centre AND survey_id IN "
            f"(SELECT v_survey_id FROM {good})",
            f"INSERT INTO surveys SELECT $centre, v_survey_id, v_contact_id, v_responded_at, "
            f"v_csat, CASE WHEN v_csat IS NOT NULL THEN {lo_p} END, "
            f"CASE WHEN v_csat IS NOT NULL THEN {hi_p} END, "
            f"1 + 4 * (v_csat - {lo_p}) / ({hi_p} - {lo_p}), CAST(v_nps AS INTEGER), "
            f"v_resolved, v_comment, $load_id FROM {good}",
        ]
    sections = list(mapping.sections)
    statements = [
        f"DELETE FROM qa_sections WHERE centre_id = $centre AND evaluation_id IN "
        f"(SELECT v_evaluation_id FROM {good})",
        f"DELETE FROM qa_evaluations WHERE centre_id = $centre AND evaluation_id IN "
        f"(SELECT v_evaluation_id FROM {good})",
        f"INSERT INTO qa_evaluations SELECT $centre, v_evaluation_id, v_contact_id, "
        f"v_agent_id, v_evaluator_id, v_evaluator_org, v_evaluated_at, v_score_pct, "
        f"v_critical_fail, $load_id FROM {good}",
    ]
    if sections:
        unpivoted = " UNION ALL ".join(
            f"SELECT v_evaluation_id, {params.add(s)} AS section, v_section_{s} AS score "
            f"FROM {good} WHERE v_section_{s} IS NOT NULL"
            for s in sections
        )
        statements.append(
            f"INSERT INTO qa_sections SELECT $centre, v_evaluation_id, "
            f"section, score FROM ({unpivoted})"
        )
    return statements


@dataclass
class CheckedKind:
    """One kind of a staged file, checked: ``checked_<kind>`` holds its rows."""

    kind: str
    validator: KindValidator
    params: SqlParams
    filtered: int


def _check_kind(
    con: duckdb.DuckDBPyConnection,
    config: SourceConfig,
    spec: ExportSpec,
    kind: str,
    staged: StagedFile,
    options: LoadOptions,
    context: FileContext,
) -> CheckedKind:
    """Create ``checked_<kind>``: converted values and errors per row."""
    params = SqlParams()
    validator_class = {REPORTED: ReportedValidator, ROSTER: RosterValidator}.get(
        kind, KindValidator
    )
    validator = validator_class(
        spec, spec.kinds[kind], config.centre.timezone, options.key, params, staged, context
    )
    has_cell_problems = con.execute("SELECT count(*) > 0 FROM cell_problems").fetchone()[0]
    for statement in validator.create_checked_sql(has_cell_problems):
        execute(con, statement, params.values)
    if whole_contacts := validator.reject_whole_contacts_sql():
        con.execute(whole_contacts)
    filtered = 0
    if count_sql := validator.filtered_count_sql():
        filtered = con.execute(count_sql).fetchone()[0]
    return CheckedKind(kind, validator, params, filtered)


def _reject_across_kinds(con: duckdb.DuckDBPyConnection, kinds: list[str]) -> None:
    """A row of a file feeding several kinds is one record of the export: when its part
    for one kind is rejected, its other parts are rejected too (a call row whose survey
    answer is corrupt is not trusted for the call either)."""
    failing = " UNION ALL ".join(
        f"SELECT _ord, {_sql_literal(kind)} AS kind, errors[1].reason AS reason "
        f"FROM checked_{kind} WHERE len(errors) > 0"
        for kind in kinds
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE failing_rows AS "
        f"SELECT _ord, arg_min(kind, kind) AS kind, arg_min(reason, kind) AS reason "
        f"FROM ({failing}) GROUP BY _ord"
    )
    for kind in kinds:
        con.execute(
            f"UPDATE checked_{kind} AS c SET errors = [{{'column': NULL, 'reason': "
            f"'rejected with the row''s ' || f.kind || ' part: ' || f.reason}}] "
            f"FROM failing_rows AS f WHERE c._ord = f._ord AND len(c.errors) = 0"
        )
    con.execute("DROP TABLE failing_rows")


def _sql_literal(word: str) -> str:
    if not word.isidentifier():
        raise ValueError(f"not a plain word: {word!r}")
    return f"'{word}'"


def _replace_earlier_loads_sql(kind: str) -> list[str]:
    """``--reload``: the rows, rejects and ledger status of this file's earlier loads."""
    table = KIND_TABLES[kind]
    earlier = (
        "(SELECT load_id FROM loads WHERE centre_id = $centre AND kind = $kind "
        "AND status = 'loaded' AND (sha256 = $sha OR file_name = $file))"
    )
    statements = []
    if kind == "qa":
        statements.append(
            "DELETE FROM qa_sections WHERE centre_id = $centre AND evaluation_id IN "
            f"(SELECT evaluation_id FROM qa_evaluations WHERE load_id IN {earlier})"
        )
    # (reported figures may be a sibling centre's: the load id alone says whose they are)
    own = "" if kind == REPORTED else "centre_id = $centre AND "
    return statements + [
        f"DELETE FROM {table} WHERE {own}load_id IN {earlier}",
        f"DELETE FROM rejects WHERE load_id IN {earlier}",
        f"UPDATE loads SET status = 'replaced' WHERE load_id IN {earlier}",
    ]


def _kind_counts(con: duckdb.DuckDBPyConnection, kind: str, malformed: int) -> tuple[int, int, int]:
    """(read, loaded, rejected) of a checked kind; malformed rows count as read, rejected."""
    read, loaded, rejected = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE len(errors) = 0), "
        f"count(*) FILTER (WHERE len(errors) > 0) FROM checked_{kind}"
    ).fetchone()
    return read + malformed, loaded, rejected + malformed


def top_reject_reasons(
    con: duckdb.DuckDBPyConnection, kind: str, staged: StagedFile, malformed: int, limit: int = 3
) -> list[tuple]:
    """(column, rows, example row, example reason) of the kind's most common reasons;
    reasons differing only in the quoted value count as one."""
    malformed_rows = (
        "UNION ALL SELECT _cc_row, column_name, reason FROM malformed" if malformed else ""
    )
    return con.execute(f"""
        WITH reasons AS (
            SELECT {staged.data_row_sql("_ord")} AS row, e."column" AS column_name,
                   e.reason AS reason
            FROM (SELECT _ord, unnest(errors) AS e FROM checked_{kind} WHERE len(errors) > 0)
            {malformed_rows}
        )
        SELECT column_name, count(DISTINCT row) AS rows, min(row),
               {masked_sql("arg_min(reason, row)")}
        FROM reasons
        GROUP BY column_name, regexp_replace(reason, '''[^'']*''', '', 'g')
        ORDER BY rows DESC, min(row) LIMIT {int(limit)}""").fetchall()


def describe_reasons(top: list[tuple]) -> str:
    return "; ".join(
        f"{count} row{'s' if count > 1 else ''}"
        + (f" in column '{column}'" if column else "")
        + f", e.g. row {row}: {reason}"
        for column, count, row, reason in top
    )


def check_reject_share(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: str,
    staged: StagedFile,
    malformed: int,
    max_reject_pct: float,
) -> None:
    """Raise FileProblem when more than ``max_reject_pct`` of the kind's rows are rejected,
    naming the top reasons with an example row each."""
    read, _, rejected = _kind_counts(con, kind, malformed)
    if not read or rejected * 100 <= max_reject_pct * read:
        return
    reasons = describe_reasons(top_reject_reasons(con, kind, staged, malformed))
    raise FileProblem(
        f"{path}: {rejected} of {read} {kind} rows ({100 * rejected / read:.1f} %) would be "
        f"rejected, more than max_reject_pct ({max_reject_pct:g} %): nothing from this file "
        f"was loaded. Top reasons: {reasons}. Fix the config (python -m pipelines check "
        "shows what would load) or ask the centre for a corrected file."
    )


def _store_kind(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha: str,
    config: SourceConfig,
    spec: ExportSpec,
    staged: StagedFile,
    checked: CheckedKind,
    options: LoadOptions,
    take_malformed: bool,
    started: float,
) -> KindResult:
    """Replace the kind's rows by key, insert its rejects and its loads row."""
    kind = checked.kind
    load_id = next_load_id(con)
    statements = _insert_records_sql(kind, checked.validator, checked.params)
    if options.reload:
        statements = _replace_earlier_loads_sql(kind) + statements
    values = {
        **checked.params.values,
        "centre": config.centre.id,
        "load_id": load_id,
        "kind": kind,
        "sha": sha,
        "file": str(path),
    }
    for statement in statements:
        execute(con, statement, values)

    reject_params = SqlParams()
    raw_row = _raw_row_sql(spec, staged, reject_params)
    execute(
        con,
        f"""INSERT INTO rejects
        SELECT $load_id, {staged.data_row_sql("c._ord")}, c.e."column",
               {masked_sql("c.e.reason")}, {raw_row}
        FROM (SELECT _ord, unnest(errors) AS e FROM checked_{kind}
              WHERE len(errors) > 0) AS c JOIN staged AS s USING (_ord)""",
        {**reject_params.values, "load_id": load_id},
    )
    malformed = staged.malformed_rows if take_malformed else 0
    if malformed:
        malformed_params = SqlParams()
        execute(
            con,
            f"INSERT INTO rejects SELECT $load_id, _cc_row, column_name, {masked_sql('reason')}, "
            f"{_malformed_row_sql(spec, staged, malformed_params)} FROM malformed",
            {**malformed_params.values, "load_id": load_id},
        )

    read, loaded, rejected = _kind_counts(con, kind, malformed)
    read += checked.filtered  # read = loaded + filtered + rejected
    notes = []
    if spec.kinds[kind].legs:
        contacts = con.execute(
            "SELECT count(DISTINCT v_contact_id) FROM checked_contacts WHERE len(errors) = 0"
        ).fetchone()[0]
        notes.append(f"{loaded} legs collapsed into {contacts} contacts")
    if kind == "surveys":
        unknown = con.execute(
            "SELECT count(*) FROM checked_surveys AS s WHERE len(errors) = 0 "
            "AND NOT EXISTS (SELECT 1 FROM contacts AS c WHERE c.centre_id = $centre "
            "AND c.contact_id = s.v_contact_id)",
            {"centre": config.centre.id},
        ).fetchone()[0]
        if unknown:
            notes.append(f"{unknown} surveys name no loaded contact (reason: unknown)")
    if checked.filtered:
        notes.append(f"{checked.filtered} rows left out by the row filters")
    message = "; ".join(notes)
    con.execute(
        f"INSERT INTO loads ({LOADS_COLUMNS}) VALUES ($id, $file, $sha, $centre, $kind, "
        "$read, $loaded, $rejected, $filtered, to_timestamp($started)::TIMESTAMP, "
        "now()::TIMESTAMP, 'loaded', $message, $config)",
        {
            "id": load_id,
            "file": str(path),
            "sha": sha,
            "centre": config.centre.id,
            "kind": kind,
            "read": read,
            "loaded": loaded,
            "rejected": rejected,
            "filtered": checked.filtered,
            "started": started,
            "message": message or None,
            "config": spec.config_sha256,
        },
    )
    return KindResult(
        path,
        config.centre.id,
        kind,
        "loaded",
        read,
        loaded,
        rejected,
        time.time() - started,
        message,
        load_id,
        checked.filtered,
    )


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.TransactionException):  # problem before BEGIN
        con.execute("ROLLBACK")


STAGING_TABLES = (
    "checked_contacts",
    "checked_surveys",
    "checked_qa",
    "checked_reported",
    "checked_roster",
    "checked_staff_surveys",
    "malformed",
    "cell_problems",
    "csv_reject_errors",
    "csv_reject_scans",
)


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Free the temp tables of the previous file."""
    con.execute("DROP VIEW IF EXISTS staged")
    con.execute(f"DROP TABLE IF EXISTS {SCRATCH}.staged_raw")
    for table in STAGING_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")


def check_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    config: SourceConfig,
    spec: ExportSpec,
    options: LoadOptions,
    captures: dict[str, str] | None = None,
) -> tuple[StagedFile, list[CheckedKind]]:
    """Stage the file and check every kind it feeds (temp tables only, no warehouse
    change); raises FileProblem when it cannot load at all."""
    staged = stage_file(con, path, spec, options.key)
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS cell_problems "
        "(_ord BIGINT, column_name VARCHAR, reason VARCHAR)"
    )
    context = FileContext(
        file_name=path.name, captures=captures or {}, guards=options.guards, now_utc=options.now_utc
    )
    kinds = [k for k in KIND_ORDER if k in spec.kinds]
    checked = [_check_kind(con, config, spec, kind, staged, options, context) for kind in kinds]
    if len(kinds) > 1:
        _reject_across_kinds(con, kinds)
    return staged, checked


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    config: SourceConfig,
    spec: ExportSpec,
    options: LoadOptions,
    captures: dict[str, str] | None = None,
) -> list[KindResult]:
    """Load one file (all the kinds it feeds) in one transaction."""
    started = time.time()
    kinds = [k for k in KIND_ORDER if k in spec.kinds]
    sha = file_sha256(path)
    already = con.execute(
        "SELECT count(DISTINCT kind) FROM loads WHERE sha256 = $sha AND centre_id = $centre "
        "AND status = 'loaded' AND list_contains($kinds, kind)",
        {"sha": sha, "centre": config.centre.id, "kinds": kinds},
    ).fetchone()[0]
    if already == len(kinds) and not options.reload:
        return [
            KindResult(
                path,
                config.centre.id,
                k,
                "skipped",
                message="same content (sha256) already loaded",
                seconds=time.time() - started,
            )
            for k in kinds
        ]
    max_reject_pct = (
        spec.max_reject_pct if spec.max_reject_pct is not None else options.guards.max_reject_pct
    )
    try:
        # Staging and checking write scratch and temp tables only, outside the
        # transaction: there the staged rowids are the file order from 0 (inside one they
        # are transaction-local), and a transaction may write one database only. The
        # transaction then holds every change to the warehouse.
        staged, checked = check_file(con, path, config, spec, options, captures)
        for position, kind in enumerate(checked):
            check_reject_share(
                con,
                path,
                kind.kind,
                staged,
                staged.malformed_rows if position == 0 else 0,
                max_reject_pct,
            )
        con.execute("BEGIN TRANSACTION")
        results = [
            _store_kind(
                con,
                path,
                sha,
                config,
                spec,
                staged,
                kind,
                options,
                take_malformed=(position == 0),
                started=started,
            )
            for position, kind in enumerate(checked)
        ]
        con.execute("COMMIT")
        for result in results:  # the file's time, its commit included
            result.seconds = time.time() - started
        return results
    except FileProblem as problem:
        _rollback(con)
        message = str(problem)
    except duckdb.Error as error:
        _rollback(con)
        message = f"{path}: loading failed in the database: {error}"
    except (OSError, ValueError, KeyError, EOFError) as error:  # e.g. a corrupt XLSX/gzip
        _rollback(con)
        message = f"{path}: cannot read the file ({type(error).__name__}: {error})"
    finally:
        drop_staging(con)
    con.execute("BEGIN TRANSACTION")
    results = record_failure(
        con, path, sha, config.centre.id, kinds, message, started, spec.config_sha256
    )
    con.execute("COMMIT")
    return results
