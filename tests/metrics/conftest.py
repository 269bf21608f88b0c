"""Fixtures for metric-layer tests: an in-memory warehouse and row builders."""

from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pandas as pd
import pytest

from pipelines.metrics import drilldowns, long_table, periods, summaries
from pipelines.settings import MetricSettings
from pipelines.warehouse import create_schema

SAMPLE_CENTRES = [
    ("leeds", "Northwind Leeds", "in_house", None, "onshore", "GB", "Europe/London"),
    (
        "glasgow",
        "Claremont Glasgow",
        "vendor",
        "Claremont Contact",
        "onshore",
        "GB",
        "Europe/London",
    ),
    (
        "lisbon",
        "Atlântico Lisbon",
        "vendor",
        "Atlântico Serviços",
        "nearshore",
        "PT",
        "Europe/Lisbon",
    ),
    (
        "manila",
        "Pacific Reach Manila",
        "vendor",
        "Pacific Reach BPO",
        "offshore",
        "PH",
        "Asia/Manila",
    ),
]


def ts(text: str) -> dt.datetime:
    """A naive UTC timestamp from 'YYYY-MM-DD HH:MM[:SS]'."""
    return dt.datetime.fromisoformat(text)


class Warehouse:
    """Inserts hand-made canonical rows; every field not given takes a plain default."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._ids = itertools.count(1)

    def contact(
        self,
        centre: str,
        started_at: str,
        *,
        contact_id: str | None = None,
        channel: str = "voice",
        queue: str | None = "general",
        reason: str = "billing_query",
        agent: str | None = "a1",
        customer: str | None = None,
        answered: bool = True,
        abandoned: bool = False,
        wait_s: float | None = 10.0,
        talk_s: float | None = 200.0,
        hold_s: float | None = 0.0,
        wrap_s: float | None = 0.0,
        transferred: bool = False,
        complaint: bool = False,
    ) -> str:
        contact_id = contact_id or f"c{next(self._ids)}"
        self.con.execute(
            "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            [
                centre,
                contact_id,
                channel,
                queue,
                reason,
                agent,
                customer,
                ts(started_at),
                answered,
                abandoned,
                wait_s,
                talk_s,
                hold_s,
                wrap_s,
                transferred,
                complaint,
            ],
        )
        return contact_id

    def survey(
        self,
        centre: str,
        responded_at: str,
        *,
        contact_id: str | None = None,
        csat_raw: float | None = None,
        scale: tuple[float, float] = (1, 5),
        nps: int | None = None,
        resolved: bool | None = None,
        comment: str | None = None,
        survey_id: str | None = None,
    ) -> str:
        survey_id = survey_id or f"s{next(self._ids)}"
        lo, hi = scale
        csat = None if csat_raw is None else 1 + 4 * (csat_raw - lo) / (hi - lo)
        self.con.execute(
            "INSERT INTO surveys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            [
                centre,
                survey_id,
                contact_id,
                ts(responded_at),
                csat_raw,
                None if csat_raw is None else lo,
                None if csat_raw is None else hi,
                csat,
                nps,
                resolved,
                comment,
            ],
        )
        return survey_id

    def qa(
        self,
        centre: str,
        evaluated_at: str,
        score: float,
        *,
        critical: bool = False,
        org: str = "own",
        contact_id: str | None = None,
        agent: str | None = "a1",
        sections: dict[str, float] | None = None,
    ) -> str:
        evaluation_id = f"e{next(self._ids)}"
        self.con.execute(
            "INSERT INTO qa_evaluations VALUES (?, ?, ?, ?, 'qa1', ?, ?, ?, ?, 1)",
            [centre, evaluation_id, contact_id, agent, org, ts(evaluated_at), score, critical],
        )
        for section, section_score in (sections or {}).items():
            self.con.execute(
                "INSERT INTO qa_sections VALUES (?, ?, ?, ?)",
                [centre, evaluation_id, section, section_score],
            )
        return evaluation_id

    def agent(self, centre: str, agent_id: str, hired_on: str, left_on: str | None = None) -> None:
        """One employment spell of the roster (dates 'YYYY-MM-DD')."""
        self.con.execute(
            "INSERT INTO agents VALUES (?, ?, ?, ?, 1)",
            [
                centre,
                agent_id,
                dt.date.fromisoformat(hired_on),
                None if left_on is None else dt.date.fromisoformat(left_on),
            ],
        )

    def staff_survey(
        self, centre: str, responded_at: str, enps: int | None, *, agent: str | None = None
    ) -> str:
        response_id = f"r{next(self._ids)}"
        self.con.execute(
            "INSERT INTO staff_surveys VALUES (?, ?, ?, ?, ?, 1)",
            [centre, response_id, agent, ts(responded_at), enps],
        )
        return response_id


@pytest.fixture(autouse=True, params=["raw", "summaries"])
def summary_route(request, monkeypatch) -> str:
    """Every metric test runs twice: straight over the canonical tables, and over the
    day-level summary tables (pipelines/metrics/summaries.py) built from the same rows
    right before each metric call, as ingestion builds them after each run."""
    real = summaries.summary_info

    def raw_route(con, settings):
        return None

    def summary_route(con, settings):
        info = real(con, settings)
        if info is None:
            try:
                summaries.build_summaries(con, settings)
            except duckdb.InvalidInputException:  # a read-only file written by the test
                return None
            info = real(con, settings)
        return info

    route = raw_route if request.param == "raw" else summary_route
    for module in (long_table, drilldowns, periods):
        monkeypatch.setattr(module, "summary_info", route)
    return request.param


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    create_schema(connection)
    connection.executemany("INSERT INTO centres VALUES (?, ?, ?, ?, ?, ?, ?)", SAMPLE_CENTRES)
    yield connection
    connection.close()


@pytest.fixture
def wh(con: duckdb.DuckDBPyConnection) -> Warehouse:
    return Warehouse(con)


@pytest.fixture
def settings() -> MetricSettings:
    """UTC reporting, min_sample 2 so small hand-made samples can be significant."""
    return MetricSettings(min_sample=2)


def pick_row(
    table: pd.DataFrame,
    metric: str,
    centre_id: str,
    period_start: str | None = None,
    breakdown_value: str | None = None,
) -> pd.Series:
    """The one long-table row for a metric and group (and period / breakdown value)."""
    rows = table[(table["metric"] == metric) & (table["centre_id"] == centre_id)]
    if period_start is not None:
        rows = rows[rows["period_start"] == dt.date.fromisoformat(period_start)]
    if breakdown_value is not None:
        rows = rows[rows["breakdown_value"] == breakdown_value]
    assert len(rows) == 1, f"expected one row for {metric}/{centre_id}, got {len(rows)}"
    return rows.iloc[0]


@pytest.fixture
def pick():
    return pick_row
