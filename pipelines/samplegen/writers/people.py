"""Each centre's HR roster and staff pulse survey, in its own style (the ``roster`` and
``staff_surveys`` export kinds).

- **Northwind Leeds**: tidy CSVs with ISO dates; "Active"/"Leaver"; a pulse export with
  response ids.
- **Claremont Glasgow**: a day-first CSV roster ("Current"/"Left", "N/A" for no leaving
  date) that repeats a few rows (HR exports do); an anonymous pulse (no response id, no
  agent: the config gives it a content key).
- **Atlântico Lisbon**: semicolon CSVs in Portuguese, dates ``dd-mm-yyyy``
  ("Ativo"/"Desligado").
- **Pacific Reach Manila**: an Excel HR headcount report (a title row, real date cells,
  "Active"/"Resigned", "N/A"), with one row whose separation date comes before its hire
  date; a US-style pulse CSV with one answer of 11.

The agent ids are the contacts exports' own (each writer's id function), so the roster
names exactly the agents the contacts do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from pipelines.samplegen import textformat as fmt
from pipelines.samplegen.centre_data import CentreData, WrittenFile, export_path
from pipelines.samplegen.people import People
from pipelines.samplegen.sinks import DOCUMENT_DATE, CsvDialect, write_csv
from pipelines.samplegen.writers import glasgow, leeds, lisbon, manila

AGENT_IDS: dict[str, Callable[[np.ndarray], pd.Series]] = {
    "leeds": leeds.agent_ids,
    "glasgow": glasgow.advisors,
    "lisbon": lisbon.agents,
    "manila": manila.agents,
}


def _dates(days: pd.Series, pattern: str, empty: str = "") -> pd.Series:
    return pd.Series(
        [empty if day is None else day.strftime(pattern) for day in days], dtype=object
    )


def _status(roster: pd.DataFrame, active: str, gone: str) -> pd.Series:
    return pd.Series(np.where(roster["left_on"].isna(), active, gone), dtype=object)


def _pulse_times(data: CentreData, people: People, pattern: str) -> pd.Series:
    return fmt.local_time(people.pulse["responded_at"].to_numpy(), data.profile.timezone, pattern)


def _written(
    path: str, data: CentreData, kind: str, rows: int, dirt: dict[str, int], records: int
) -> WrittenFile:
    table = "agents" if kind == "roster" else "staff_surveys"
    return WrittenFile(
        path=path,
        centre_id=data.profile.centre_id,
        kinds=[kind],
        rows=rows,
        dirt=dirt,
        records={table: records},
        sheets=1 if path.endswith(".xlsx") else None,
    )


def _stamp(data: CentreData) -> str:
    return f"{data.window.first_day:%Y%m%d}_{data.window.last_day:%Y%m%d}"


def write_leeds(data: CentreData, people: People, folder: Path) -> list[WrittenFile]:
    roster, ids = people.roster, AGENT_IDS["leeds"]
    table = pd.DataFrame(
        {
            "agent_id": ids(roster["person"].to_numpy()),
            "status": _status(roster, "Active", "Leaver"),
            "start_date": _dates(roster["hired_on"], "%Y-%m-%d"),
            "leave_date": _dates(roster["left_on"], "%Y-%m-%d"),
        }
    )
    roster_path = export_path(data.profile, f"leeds_hr_roster_{data.window.last_day:%Y%m%d}.csv")
    write_csv(folder / roster_path, table, CsvDialect())
    pulse = people.pulse
    answers = pd.DataFrame(
        {
            "response_id": fmt.zero_padded(np.arange(len(pulse)) + 1, 6, "LP-"),
            "agent_id": ids(pulse["person"].to_numpy()),
            "submitted_at": _pulse_times(data, people, "%Y-%m-%d %H:%M:%S"),
            "recommend_score": fmt.whole(pulse["enps"].to_numpy()),
        }
    )
    pulse_path = export_path(data.profile, f"leeds_staff_pulse_{_stamp(data)}.csv")
    write_csv(folder / pulse_path, answers, CsvDialect())
    return [
        _written(roster_path, data, "roster", len(table), {}, len(table)),
        _written(pulse_path, data, "staff_surveys", len(answers), {}, len(answers)),
    ]


def write_glasgow(data: CentreData, people: People, folder: Path) -> list[WrittenFile]:
    roster, ids = people.roster, AGENT_IDS["glasgow"]
    table = pd.DataFrame(
        {
            "Advisor": ids(roster["person"].to_numpy()),
            "Employment Status": _status(roster, "Current", "Left"),
            "Start Date": _dates(roster["hired_on"], "%d/%m/%Y"),
            "Leaving Date": _dates(roster["left_on"], "%d/%m/%Y", "N/A"),
        }
    )
    # the HR export repeats a few advisors' rows (every 25th): exact duplicates
    repeated = table.iloc[::25]
    table = pd.concat([table, repeated]).sort_index(kind="stable").reset_index(drop=True)
    roster_path = export_path(
        data.profile, f"Claremont_Advisor_Roster_{data.window.last_day:%Y-%m-%d}.csv"
    )
    write_csv(folder / roster_path, table, CsvDialect(line_end="\r\n"))
    answers = pd.DataFrame(
        {
            "Submitted": _pulse_times(data, people, "%d/%m/%Y %H:%M:%S"),
            "How likely are you to recommend Claremont as a place to work? (0-10)": fmt.whole(
                people.pulse["enps"].to_numpy()
            ),
        }
    ).drop_duplicates(ignore_index=True)  # anonymous: two equal answers would be one key
    pulse_path = export_path(
        data.profile,
        f"Claremont_Pulse_{data.window.first_day:%Y-%m-%d}_to_{data.window.last_day:%Y-%m-%d}.csv",
    )
    write_csv(folder / pulse_path, answers, CsvDialect(line_end="\r\n"))
    clean = len(table) - len(repeated)
    return [
        _written(roster_path, data, "roster", len(table), {"duplicate_row": len(repeated)}, clean),
        _written(pulse_path, data, "staff_surveys", len(answers), {}, len(answers)),
    ]


def write_lisbon(data: CentreData, people: People, folder: Path) -> list[WrittenFile]:
    roster, ids = people.roster, AGENT_IDS["lisbon"]
    table = pd.DataFrame(
        {
            "Agente": ids(roster["person"].to_numpy()),
            "Situação": _status(roster, "Ativo", "Desligado"),
            "Data de admissão": _dates(roster["hired_on"], "%d-%m-%Y"),
            "Data de saída": _dates(roster["left_on"], "%d-%m-%Y"),
        }
    )
    dialect = CsvDialect(delimiter=";")
    roster_path = export_path(data.profile, f"atlantico_agentes_{data.window.last_day:%Y%m%d}.csv")
    write_csv(folder / roster_path, table, dialect)
    pulse = people.pulse
    answers = pd.DataFrame(
        {
            "ID Resposta": fmt.zero_padded(np.arange(len(pulse)) + 1, 5, "CL"),
            "Agente": ids(pulse["person"].to_numpy()),
            "Data": _pulse_times(data, people, "%d-%m-%Y %H:%M"),
            "Recomendaria (0-10)": fmt.whole(pulse["enps"].to_numpy()),
        }
    )
    pulse_path = export_path(data.profile, f"atlantico_clima_{_stamp(data)}.csv")
    write_csv(folder / pulse_path, answers, dialect)
    return [
        _written(roster_path, data, "roster", len(table), {}, len(table)),
        _written(pulse_path, data, "staff_surveys", len(answers), {}, len(answers)),
    ]


def _write_hr_report(path: Path, roster: pd.DataFrame, ids: pd.Series, title: str) -> None:
    """Manila's Excel report: a title row, then typed date cells and "N/A" text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(path)
    workbook.set_properties({"created": DOCUMENT_DATE, "author": "Pacific Reach HRIS"})
    bold = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "dd-mmm-yyyy"})
    sheet = workbook.add_worksheet("Headcount")
    sheet.write_string(0, 0, title, bold)
    header = ["Employee No", "Employment Status", "Date Hired", "Date Separated"]
    for col, name in enumerate(header):
        sheet.write_string(1, col, name, bold)
    for offset, row in enumerate(roster.itertuples(index=False)):
        excel_row = 2 + offset
        sheet.write_string(excel_row, 0, ids.iloc[offset])
        sheet.write_string(excel_row, 1, row.status)
        sheet.write_datetime(excel_row, 2, pd.Timestamp(row.hired_on).to_pydatetime(), date)
        if row.left_on is None:
            sheet.write_string(excel_row, 3, "N/A")
        else:
            sheet.write_datetime(excel_row, 3, pd.Timestamp(row.left_on).to_pydatetime(), date)
    workbook.close()


def write_manila(data: CentreData, people: People, folder: Path) -> list[WrittenFile]:
    roster = people.roster.assign(
        status=np.where(people.roster["left_on"].isna(), "Active", "Resigned")
    )
    # one agent keyed in with the separation before the hire date (a typo in HR)
    broken = roster.iloc[[len(roster) // 2]].assign(
        person=people.roster["person"].max() + 1, status="Resigned"
    )
    broken["left_on"] = [day - dt.timedelta(days=40) for day in broken["hired_on"]]
    table = pd.concat([roster, broken], ignore_index=True)
    ids = AGENT_IDS["manila"](table["person"].to_numpy())
    roster_path = export_path(
        data.profile, f"PR_HR_Headcount_Report_{data.window.last_day:%Y%m%d}.xlsx"
    )
    _write_hr_report(
        folder / roster_path,
        table,
        ids,
        f"Pacific Reach BPO - Northwind Energy account - Headcount as of "
        f"{data.window.last_day:%d %b %Y}",
    )
    pulse = people.pulse
    answers = pd.DataFrame(
        {
            "ResponseID": fmt.zero_padded(np.arange(len(pulse)) + 1, 6, "PRP"),
            "EmpNo": AGENT_IDS["manila"](pulse["person"].to_numpy()),
            "Timestamp": _pulse_times(data, people, "%m/%d/%Y %I:%M %p"),
            "eNPS": fmt.whole(pulse["enps"].to_numpy()),
        }
    )
    bad = answers.iloc[[len(answers) // 3]].assign(ResponseID="PRP999999", eNPS="11")
    answers = pd.concat([answers, bad], ignore_index=True)
    pulse_path = export_path(data.profile, f"PR_eNPS_Pulse_{_stamp(data)}.csv")
    write_csv(folder / pulse_path, answers, CsvDialect())
    return [
        _written(roster_path, data, "roster", len(table), {"left_before_hired": 1}, len(roster)),
        _written(
            pulse_path, data, "staff_surveys", len(answers), {"enps_out_of_range": 1}, len(pulse)
        ),
    ]


PEOPLE_WRITERS = {
    "leeds": write_leeds,
    "glasgow": write_glasgow,
    "lisbon": write_lisbon,
    "manila": write_manila,
}


def write_people(data: CentreData, people: People, folder: Path) -> list[WrittenFile]:
    return PEOPLE_WRITERS[data.profile.export_format](data, people, folder)
