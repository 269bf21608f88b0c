"""Loading one export file into the (building) warehouse in one transaction.

Per file: skip when the same bytes (sha256) already loaded; else stage the rows once,
check each kind the file feeds, replace rows by key, insert rejects and one ``loads``
row per kind, and commit. Any file-level problem rolls everything back and records a
``failed`` loads row instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .config import ExportSpec, SourceConfig
from .identifiers import hashed_sql
from .readers import FileProblem, StagedFile, stage_file
from .scratch import SCRATCH
from .sql_text import SqlParams, execute, quote_ident
from .validate import KindValidator

KIND_ORDER = ("contacts", "surveys", "qa")


@dataclass
class KindResult:
    file: Path
    centre_id: str | None
    kind: str
    status: str            # loaded | skipped | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    seconds: float = 0.0
    message: str = ""
    load_id: int | None = None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]


def record_failure(con: duckdb.DuckDBPyConnection, path: Path, sha: str,
                   centre_id: str | None, kinds: list[str], message: str,
                   started: float) -> list[KindResult]:
    results = []
    for kind in kinds:
        load_id = next_load_id(con)
        con.execute(
            "INSERT INTO loads VALUES ($id, $file, $sha, $centre, $kind, 0, 0, 0, "
            "to_timestamp($started)::TIMESTAMP, now()::TIMESTAMP, 'failed', $message)",
            {"id": load_id, "file": str(path), "sha": sha, "centre": centre_id, "kind": kind,
             "started": started, "message": message})
        results.append(KindResult(path, centre_id, kind, "failed", message=message,
                                  load_id=load_id, seconds=time.time() - started))
    return results


def _raw_row_sql(spec: ExportSpec, staged: StagedFile, params: SqlParams, salt: str) -> str:
    """JSON of the source row with identifier columns replaced by their hash."""
    identifier_types = {i.column: i.type for i in spec.identifiers}
    pairs = []
    for column in staged.columns:
        value = f"s.{quote_ident(column)}"
        if column in identifier_types:
            value = hashed_sql(value, identifier_types[column], params, salt,
                               spec.default_country_code)
        pairs.append(f"{params.add(column)}, {value}")
    return f"json_object({', '.join(pairs)})"


def _malformed_row_sql(spec: ExportSpec, staged: StagedFile, params: SqlParams,
                       salt: str) -> str:
    """JSON of a row that did not split into the header's fields.

    Its fields may be shifted, so besides the identifier positions every field that looks
    like an e-mail address or a phone number is hashed too.
    """
    positions = {staged.columns.index(i.column) + 1: i.type for i in spec.identifiers}
    cases = " ".join(
        f"WHEN i = {position} THEN {hashed_sql('f', kind, params, salt, spec.default_country_code)}"
        for position, kind in positions.items())
    looks_private = ("(f LIKE '%@%' OR (regexp_full_match(trim(f), '[+(0-9][0-9 ()+.-]*') "
                     "AND length(regexp_replace(f, '[^0-9]', '', 'g')) >= 9))")
    return (f"to_json({{'fields': list_transform(string_split(raw_line, "
            f"{params.add(spec.delimiter)}), lambda f, i: CASE {cases} WHEN {looks_private} "
            f"THEN sha256({salt} || ':unknown:' || trim(f)) ELSE f END)}})")


def _insert_records_sql(kind: str, validator: KindValidator, params: SqlParams) -> list[str]:
    """Statements replacing the kind's rows by key and inserting the checked good rows."""
    mapping = validator.mapping
    good = f"(SELECT * FROM checked_{kind} WHERE len(errors) = 0)"
    if kind == "contacts":
        columns = ["channel", "queue", "contact_reason", "agent_id", "customer_key",
                   "started_at", "answered", "abandoned", "wait_s", "talk_s", "hold_s",
                   "wrap_s", "transferred", "complaint"]
        if mapping.legs:
            legs = mapping.legs

            def combine(column: str) -> str:
                value = f"v_{column}"
                if column == "transferred" and legs.transferred_when_several_legs:
                    return "count(*) > 1"
                if column in legs.summed:
                    return f"sum({value})"
                if column in legs.any_leg:
                    return f"bool_or({value})"
                if column in legs.last_leg:
                    return f"arg_max_null({value}, v_leg)"
                return f"arg_min_null({value}, v_leg)"

            source = ("(SELECT v_contact_id, "
                      + ", ".join(f"{combine(c)} AS v_{c}" for c in columns)
                      + f" FROM {good} GROUP BY v_contact_id)")
        else:
            source = good
        return [
            f"DELETE FROM contacts WHERE centre_id = $centre AND contact_id IN "
            f"(SELECT v_contact_id FROM {good})",
            "INSERT INTO contacts SELECT $centre, v_contact_id, "
            + ", ".join(f"v_{c}" for c in columns) + f", $load_id FROM {source}",
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
            f"FROM {good} WHERE v_section_{s} IS NOT NULL" for s in sections)
        statements.append(f"INSERT INTO qa_sections SELECT $centre, v_evaluation_id, "
                          f"section, score FROM ({unpivoted})")
    return statements


def _check_kind(con: duckdb.DuckDBPyConnection, config: SourceConfig, spec: ExportSpec,
                kind: str, staged: StagedFile, salt: str) -> tuple[KindValidator, SqlParams]:
    """Create ``checked_<kind>``: converted values and errors per row."""
    params = SqlParams()
    validator = KindValidator(spec, spec.kinds[kind], config.centre.timezone, salt, params,
                              staged)
    for statement in validator.create_checked_sql():
        execute(con, statement, params.values)
    if whole_contacts := validator.reject_whole_contacts_sql():
        con.execute(whole_contacts)
    return validator, params


def _reject_across_kinds(con: duckdb.DuckDBPyConnection, kinds: list[str]) -> None:
    """A row of a file feeding several kinds is one record of the export: when its part
    for one kind is rejected, its other parts are rejected too (a call row whose survey
    answer is corrupt is not trusted for the call either)."""
    failing = " UNION ALL ".join(
        f"SELECT _ord, {_sql_literal(kind)} AS kind, errors[1].reason AS reason "
        f"FROM checked_{kind} WHERE len(errors) > 0" for kind in kinds)
    con.execute(f"CREATE OR REPLACE TEMP TABLE failing_rows AS "
                f"SELECT _ord, arg_min(kind, kind) AS kind, arg_min(reason, kind) AS reason "
                f"FROM ({failing}) GROUP BY _ord")
    for kind in kinds:
        con.execute(
            f"UPDATE checked_{kind} AS c SET errors = [{{'column': NULL, 'reason': "
            f"'rejected with the row''s ' || f.kind || ' part: ' || f.reason}}] "
            f"FROM failing_rows AS f WHERE c._ord = f._ord AND len(c.errors) = 0")
    con.execute("DROP TABLE failing_rows")


def _sql_literal(word: str) -> str:
    if not word.isidentifier():
        raise ValueError(f"not a plain word: {word!r}")
    return f"'{word}'"


def _store_kind(con: duckdb.DuckDBPyConnection, path: Path, sha: str, config: SourceConfig,
                spec: ExportSpec, kind: str, staged: StagedFile, salt: str,
                validator: KindValidator, params: SqlParams, take_malformed: bool,
                started: float) -> KindResult:
    """Replace the kind's rows by key, insert its rejects and its loads row."""
    load_id = next_load_id(con)
    statements = _insert_records_sql(kind, validator, params)
    values = {**params.values, "centre": config.centre.id, "load_id": load_id}
    for statement in statements:
        execute(con, statement, values)

    reject_params = SqlParams()
    salt_param = reject_params.add(salt)
    raw_row = _raw_row_sql(spec, staged, reject_params, salt_param)
    execute(
        con, f"""INSERT INTO rejects
        SELECT $load_id, {staged.data_row_sql('c._ord')}, c.e."column", c.e.reason, {raw_row}
        FROM (SELECT _ord, unnest(errors) AS e FROM checked_{kind}
              WHERE len(errors) > 0) AS c JOIN staged AS s USING (_ord)""",
        {**reject_params.values, "load_id": load_id})
    malformed = 0
    if take_malformed and staged.malformed_rows:
        malformed_params = SqlParams()
        salt_param = malformed_params.add(salt)
        execute(
            con, f"INSERT INTO rejects SELECT $load_id, _cc_row, column_name, reason, "
            f"{_malformed_row_sql(spec, staged, malformed_params, salt_param)} FROM malformed",
            {**malformed_params.values, "load_id": load_id})
        malformed = staged.malformed_rows

    read, loaded, rejected = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE len(errors) = 0), "
        f"count(*) FILTER (WHERE len(errors) > 0) FROM checked_{kind}").fetchone()
    notes = []
    if spec.kinds[kind].legs:
        contacts = con.execute("SELECT count(DISTINCT v_contact_id) FROM "
                               "checked_contacts WHERE len(errors) = 0").fetchone()[0]
        notes.append(f"{loaded} legs collapsed into {contacts} contacts")
    if kind == "surveys":
        unknown = con.execute(
            "SELECT count(*) FROM checked_surveys AS s WHERE len(errors) = 0 "
            "AND NOT EXISTS (SELECT 1 FROM contacts AS c WHERE c.centre_id = $centre "
            "AND c.contact_id = s.v_contact_id)", {"centre": config.centre.id}).fetchone()[0]
        if unknown:
            notes.append(f"{unknown} surveys name no loaded contact (reason: unknown)")
    message = "; ".join(notes)
    read, rejected = read + malformed, rejected + malformed
    con.execute(
        "INSERT INTO loads VALUES ($id, $file, $sha, $centre, $kind, $read, $loaded, "
        "$rejected, to_timestamp($started)::TIMESTAMP, now()::TIMESTAMP, 'loaded', $message)",
        {"id": load_id, "file": str(path), "sha": sha, "centre": config.centre.id,
         "kind": kind, "read": read, "loaded": loaded, "rejected": rejected,
         "started": started, "message": message or None})
    return KindResult(path, config.centre.id, kind, "loaded", read, loaded, rejected,
                      time.time() - started, message, load_id)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.TransactionException):  # problem before BEGIN
        con.execute("ROLLBACK")


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Free the temp tables of the previous file."""
    con.execute("DROP VIEW IF EXISTS staged")
    con.execute(f"DROP TABLE IF EXISTS {SCRATCH}.staged_raw")
    for table in ("checked_contacts", "checked_surveys", "checked_qa", "malformed",
                  "csv_reject_errors", "csv_reject_scans"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def load_file(con: duckdb.DuckDBPyConnection, path: Path, config: SourceConfig,
              spec: ExportSpec, salt: str) -> list[KindResult]:
    """Load one file (all the kinds it feeds) in one transaction."""
    started = time.time()
    kinds = [k for k in KIND_ORDER if k in spec.kinds]
    sha = file_sha256(path)
    already = con.execute(
        "SELECT count(DISTINCT kind) FROM loads WHERE sha256 = $sha AND centre_id = $centre "
        "AND status = 'loaded' AND list_contains($kinds, kind)",
        {"sha": sha, "centre": config.centre.id, "kinds": kinds}).fetchone()[0]
    if already == len(kinds):
        return [KindResult(path, config.centre.id, k, "skipped",
                           message="same content (sha256) already loaded",
                           seconds=time.time() - started) for k in kinds]
    try:
        # Staging and checking write scratch and temp tables only, outside the
        # transaction: there the staged rowids are the file order from 0 (inside one they
        # are transaction-local), and a transaction may write one database only. The
        # transaction then holds every change to the warehouse.
        staged = stage_file(con, path, spec)
        checked = {kind: _check_kind(con, config, spec, kind, staged, salt) for kind in kinds}
        if len(kinds) > 1:
            _reject_across_kinds(con, kinds)
        con.execute("BEGIN TRANSACTION")
        results = [
            _store_kind(con, path, sha, config, spec, kind, staged, salt, *checked[kind],
                        take_malformed=(position == 0), started=started)
            for position, kind in enumerate(kinds)
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
    results = record_failure(con, path, sha, config.centre.id, kinds, message, started)
    con.execute("COMMIT")
    return results
