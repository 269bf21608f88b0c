"""The vendors' own monthly KPI reports (the ``reported`` export kind).

Two vendors send one: **Claremont Glasgow** an Excel report ("Month | KPI | Target |
Actual", a title row, labels such as "CSAT %", months like ``Jun-26``, values with ``%``
and ``m:ss``) whose CSAT flatters the centre (the true value + 6 points) and whose
service level in the peak months claims the 80 % it did not reach; **Atlântico Lisbon**
an honest semicolon CSV in Portuguese with decimal commas.

The true figures are computed here from the generator's canonical frames with the rules
of METRICS.md, over calendar months in ``REPORTING_TIMEZONE`` (the sample deployment's
reporting zone, sample_data/config/settings.yaml, which is also both vendors' local
month), for every **complete** month of the window only: the window starts on Monday
25 May and ends on Sunday 22 November, so May and November are partial and a vendor
reports neither (November's report would come in December). tests/samplegen/
test_story.py checks them against the ingested warehouse.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.samplegen import calendar
from pipelines.samplegen.centre_data import CentreData, WrittenFile, export_path
from pipelines.samplegen.profiles import CHANNELS
from pipelines.samplegen.sinks import CsvDialect, write_csv, write_xlsx

REPORTING_TIMEZONE = "Europe/London"
SERVICE_LEVEL_THRESHOLD_S = 20  # METRICS.md defaults, as the sample settings.yaml
SHORT_ABANDON_S = 5
FLATTERY_POINTS = 6.0  # Claremont's CSAT claim above the truth
PEAK_CLAIMS = (80.4, 81.2)  # Claremont's service level in its peak months, in turn


@dataclass(frozen=True)
class MonthFigures:
    month: dt.date  # first day
    csat_pct: float
    service_level_pct: float
    aht_s: float
    fcr_survey_pct: float


def full_months(window: calendar.Window) -> list[dt.date]:
    """First days of the calendar months lying wholly inside the window."""
    months = []
    month = window.first_day.replace(day=1)
    if month < window.first_day:
        month = _next_month(month)
    while _next_month(month) - dt.timedelta(days=1) <= window.last_day:
        months.append(month)
        month = _next_month(month)
    return months


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _local_month(epoch_seconds: np.ndarray) -> np.ndarray:
    """The first day of each instant's calendar month in the reporting zone."""
    local = pd.to_datetime(epoch_seconds, unit="s", utc=True).tz_convert(REPORTING_TIMEZONE)
    return np.array([dt.date(t.year, t.month, 1) for t in local])


def true_figures(data: CentreData) -> list[MonthFigures]:
    """The month's csat_pct, service_level_pct, aht_s and fcr_survey_pct by METRICS.md."""
    contacts, surveys, spec = data.contacts, data.surveys, data.spec
    contact_month = _local_month(contacts["started_at"].to_numpy())
    survey_month = _local_month(surveys["responded_at"].to_numpy())
    answered = contacts["answered"].to_numpy()
    abandoned = contacts["abandoned"].to_numpy()
    wait = contacts["wait_s"].to_numpy()
    live = np.isin(
        contacts["channel"].to_numpy(), [CHANNELS.index("voice"), CHANNELS.index("chat")]
    )
    offered = live & (answered | (abandoned & (wait >= SHORT_ABANDON_S)))
    in_time = offered & answered & (wait <= SERVICE_LEVEL_THRESHOLD_S)
    handle = (contacts["talk_s"] + contacts["hold_s"] + contacts["wrap_s"]).to_numpy()
    csat = surveys["csat_raw"].to_numpy(dtype=float)
    has_csat = ~np.isnan(csat)
    satisfied = has_csat & (csat >= spec.csat_lo + 0.75 * (spec.csat_hi - spec.csat_lo))
    resolved = surveys["resolved"].to_numpy()
    figures = []
    for month in full_months(data.window):
        c, s = contact_month == month, survey_month == month
        figures.append(
            MonthFigures(
                month,
                csat_pct=100 * satisfied[s].sum() / has_csat[s].sum(),
                service_level_pct=100 * in_time[c].sum() / offered[c].sum(),
                aht_s=float(handle[c & answered].mean()),
                fcr_survey_pct=100 * resolved[s].mean(),
            )
        )
    return figures


def _peak_months(months: list[dt.date]) -> list[dt.date]:
    first = dt.date.fromisoformat(calendar.PEAK_FIRST_DAY)
    last = dt.date.fromisoformat(calendar.PEAK_LAST_DAY)
    return [m for m in months if m <= last and _next_month(m) > first]


def claremont_claims(figures: list[MonthFigures]) -> list[MonthFigures]:
    """What Claremont reports: CSAT + 6 points every month; in the peak months a service
    level of at least 80 %; AHT and FCR as they were."""
    peak = _peak_months([f.month for f in figures])
    claims = []
    for f in figures:
        level = f.service_level_pct
        if f.month in peak:
            level = max(level, PEAK_CLAIMS[peak.index(f.month) % len(PEAK_CLAIMS)])
        claims.append(
            MonthFigures(
                f.month, min(f.csat_pct + FLATTERY_POINTS, 99.0), level, f.aht_s, f.fcr_survey_pct
            )
        )
    return claims


def _pct(value: float, decimal: str = ".") -> str:
    return f"{value:.1f}".replace(".", decimal)


def _mmss(seconds: float) -> str:
    whole = int(math.floor(seconds + 0.5))
    return f"{whole // 60}:{whole % 60:02d}"


def write_claremont(data: CentreData, folder: Path) -> list[WrittenFile]:
    claims = claremont_claims(true_figures(data))
    if not claims:
        return []
    rows = []
    for f in claims:
        month = f.month.strftime("%b-%y")  # Jun-26
        rows += [
            (month, "CSAT %", "78%", f"{_pct(f.csat_pct)}%"),
            (month, "Service Level (80/20)", "80%", f"{_pct(f.service_level_pct)}%"),
            (month, "AHT (mm:ss)", "8:00", _mmss(f.aht_s)),
            (month, "FCR", "75%", f"{_pct(f.fcr_survey_pct)}%"),
        ]
    table = pd.DataFrame(rows, columns=["Month", "KPI", "Target", "Actual"])
    first, last = claims[0].month, claims[-1].month
    path = export_path(data.profile, f"Claremont_KPI_Report_{first:%Y-%m}_to_{last:%Y-%m}.xlsx")
    title = (
        f"Claremont Contact - Northwind Energy - Monthly KPI Report {first:%b %Y} to {last:%b %Y}"
    )
    write_xlsx(folder / path, table, "KPI Report", [title])
    return [_written(path, data, len(table), sheets=1)]


def write_atlantico(data: CentreData, folder: Path) -> list[WrittenFile]:
    figures = true_figures(data)
    if not figures:
        return []
    rows = []
    for f in figures:
        month = f"{f.month:%Y-%m}"
        rows += [
            (month, "Satisfação (%)", _pct(f.csat_pct, ",")),
            (month, "Nível de serviço (%)", _pct(f.service_level_pct, ",")),
            (month, "TMA (seg)", _pct(f.aht_s, ",")),
            (month, "Resolução no primeiro contacto (%)", _pct(f.fcr_survey_pct, ",")),
        ]
    table = pd.DataFrame(rows, columns=["Mes", "Indicador", "Valor"])
    first, last = figures[0].month, figures[-1].month
    path = export_path(data.profile, f"atlantico_indicadores_{first:%Y%m}_{last:%Y%m}.csv")
    write_csv(folder / path, table, CsvDialect(delimiter=";", encoding="latin-1"))
    return [_written(path, data, len(table))]


def _written(path: str, data: CentreData, rows: int, sheets: int | None = None) -> WrittenFile:
    return WrittenFile(
        path=path,
        centre_id=data.profile.centre_id,
        kinds=["reported"],
        rows=rows,
        dirt={},
        records={"reported_figures": rows},
        sheets=sheets,
    )


# export format -> the vendor's report writer (Leeds is in-house, Manila sends none)
REPORT_WRITERS = {"glasgow": write_claremont, "lisbon": write_atlantico}


def write_reports(data: CentreData, folder: Path) -> list[WrittenFile]:
    writer = REPORT_WRITERS.get(data.profile.export_format)
    return writer(data, folder) if writer else []
