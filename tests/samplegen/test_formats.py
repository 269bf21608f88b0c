"""Each committed file is written exactly as docs/SAMPLE_DATA.md documents it; read back
with plain csv / gzip / openpyxl / pyarrow, independently of the generator."""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

LEEDS = "leeds/leeds_contacts_20260525_20261122.csv"
GLASGOW_XLSX = "glasgow/Claremont_Interactions_2026-05-25_to_2026-11-22.xlsx"
LISBON_GZ = "lisbon/atlantico_contactos_20260525_20261122.csv.gz"
MANILA_CALLS = "manila/PR_NorthwindEnergy_calls_20260525-20261122.csv"


def csv_rows(raw: bytes, encoding: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode(encoding), newline=""), delimiter=delimiter))


def data_rows_matching(rows: list[list[str]], width: int) -> list[list[str]]:
    return [row for row in rows[1:] if len(row) == width]


def test_every_documented_file_exists_and_nothing_else(exports: Path, manifest: dict):
    on_disk = sorted(str(p.relative_to(exports)) for p in exports.rglob("*") if p.is_file())
    assert on_disk == sorted([*manifest["files"], "MANIFEST.json"])
    # 11 exports, two vendors' KPI reports, and each centre's roster and staff pulse
    assert len(manifest["files"]) == 21
    total_bytes = sum(p.stat().st_size for p in exports.rglob("*") if p.is_file())
    assert total_bytes <= 15 * 1024 * 1024


def test_leeds_contacts_one_row_per_leg(exports: Path):
    rows = csv_rows((exports / LEEDS).read_bytes(), "utf-8", ",")
    assert rows[0] == [
        "contact_id",
        "leg",
        "channel",
        "queue",
        "reason_code",
        "agent_id",
        "customer_phone",
        "customer_email",
        "start_time",
        "answered",
        "abandoned",
        "wait_seconds",
        "talk_seconds",
        "hold_seconds",
        "wrap_seconds",
        "complaint_flag",
    ]
    frame = pd.DataFrame(data_rows_matching(rows, 16), columns=rows[0]).drop_duplicates()
    assert set(frame.channel) == {"voice", "chat", "email"}
    assert set(frame.answered) == {"1", "0"} and set(frame.complaint_flag) == {"1", "0"}
    assert set(frame.reason_code) == {
        "billing_query",
        "payment",
        "account_update",
        "technical_fault",
        "moving_home",
        "cancellation",
    }
    legs = frame.groupby("contact_id").leg.agg(lambda legs: sorted(legs.astype(int)))
    multi = legs[legs.map(len) > 1]
    assert len(multi) > 500
    assert all(found == list(range(1, len(found) + 1)) for found in multi)
    # Later legs start later than leg 1 and go to another queue and agent.
    transferred = frame[frame.contact_id.isin(multi.index)].drop_duplicates()
    first = transferred[transferred.leg == "1"].set_index("contact_id")
    second = transferred[transferred.leg == "2"].set_index("contact_id")
    assert (second.start_time > first.loc[second.index].start_time).mean() > 0.99
    assert (second.queue != first.loc[second.index].queue).all()
    voice = frame[frame.channel == "voice"]
    assert voice.customer_phone.str.fullmatch(r"\+447\d{9}").all()
    assert (voice.customer_email == "").all()
    assert frame[frame.channel != "voice"].customer_email.str.contains("@").all()
    assert frame.start_time.str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").mean() > 0.999
    assert frame.wait_seconds.str.fullmatch(r"\d+").mean() > 0.999


def test_glasgow_workbook_title_rows_and_uk_formats(exports: Path):
    workbook = openpyxl.load_workbook(exports / GLASGOW_XLSX, read_only=True)
    assert workbook.sheetnames == ["Interactions"]
    rows = list(workbook["Interactions"].iter_rows(values_only=True))
    assert rows[0][0].startswith("Claremont Contact") and rows[1][0].startswith("Period")
    header = list(rows[2])
    assert header == [
        "Interaction ID",
        "Channel",
        "Skill",
        "Contact Reason",
        "Advisor",
        "Customer Tel",
        "Start Date",
        "Start Time",
        "Queue Time",
        "Talk Time",
        "Hold Time",
        "Wrap Time",
        "Answered?",
        "Abandoned?",
        "Transferred?",
        "Complaint?",
    ]
    frame = pd.DataFrame(rows[3:], columns=header)
    frame = frame[frame["Complaint?"].notna()]  # dirt rows cut short
    assert set(frame.Channel) == {"Phone", "Webchat", "Email"}
    assert set(frame["Contact Reason"]) == {
        "Bill query",
        "Payment",
        "Change of details",
        "Fault",
        "Home move",
        "Leaving",
    }
    assert set(frame["Answered?"]) == {"Yes", "No"}
    assert frame["Start Date"].str.fullmatch(r"\d\d/\d\d/2026").all()
    assert (frame["Start Date"].str.slice(3, 5) == "11").any()  # dd/mm: November exists
    assert frame["Talk Time"].str.fullmatch(r"-?\d+:[0-5O]\d:\d\d").all()
    spellings = {
        r"07\d{3} \d{6}": "spaced national",
        r"\+44 7\d{3} \d{6}": "spaced international",
        r"\(0\)7\d{3}-\d{3}-\d{3}": "bracketed trunk zero",
    }
    tels = frame["Customer Tel"]
    for pattern in spellings:
        assert tels.str.fullmatch(pattern).sum() > 1000, spellings[pattern]
    assert tels.str.fullmatch("|".join(spellings)).all()
    with zipfile.ZipFile(exports / GLASGOW_XLSX) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "2026-11-23T06:00:00Z" in core


def test_glasgow_csv_bom_and_ten_point_scale(exports: Path):
    raw = (exports / "glasgow/Claremont_CSAT_2026-05-25_to_2026-11-22.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(raw[3:], "utf-8", ",")
    assert rows[0] == [
        "Survey Ref",
        "Interaction ID",
        "Completed",
        "Satisfaction",
        "Likelihood to recommend",
        "Resolved?",
        "Comments",
    ]
    frame = pd.DataFrame(data_rows_matching(rows, 7), columns=rows[0])
    scores = pd.to_numeric(frame.Satisfaction)
    assert scores.min() == 1 and scores[scores <= 10].max() == 10
    assert set(frame["Resolved?"]) == {"yes", "no"}
    assert frame.Completed.str.fullmatch(r"\d\d/\d\d/2026 \d\d:\d\d").mean() > 0.999
    comments = frame.Comments[frame.Comments != ""]
    assert {"=", "+", "-", "@"} <= set(comments.str[0])
    assert comments.str.contains(",").any() and comments.str.contains('"').any()
    qa = pd.read_csv(exports / "glasgow/Claremont_QA_2026-05-25_to_2026-11-22.csv", dtype=str)
    assert set(qa["Scored By"]) == {"Claremont QA", "Northwind QA"}


def test_lisbon_latin1_semicolons_decimal_commas(exports: Path):
    raw = (exports / LISBON_GZ).read_bytes()
    assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\x00\x00\x00\x00"  # gzip, mtime 0
    text = gzip.decompress(raw)
    with pytest.raises(UnicodeDecodeError):
        text.decode("utf-8")  # Latin-1, not UTF-8
    rows = csv_rows(text, "latin-1", ";")
    assert rows[0][:4] == ["ID_Contacto", "Canal", "Fila", "Motivo"]
    assert rows[0][-1] == "Reclamação"
    frame = pd.DataFrame(data_rows_matching(rows, 15), columns=rows[0])
    assert set(frame.Motivo) == {
        "Faturação",
        "Pagamento",
        "Alteração de dados",
        "Avaria",
        "Mudança de casa",
        "Cancelamento",
    }
    assert set(frame.Canal) == {"Telefone", "Chat", "Email"}
    for flag in ("Atendida", "Abandonada", "Transferida", "Reclamação"):
        assert set(frame[flag]) == {"S", "N"}, flag
    assert frame.Tempo_Espera.str.fullmatch(r"\d+,\d").all()
    assert frame.Data_Hora.str.fullmatch(r"\d\d-\d\d-2026 \d\d:\d\d:\d\d").mean() > 0.999
    emails = frame.Email_Cliente
    assert (emails != emails.str.strip()).sum() > 100  # stray spaces
    assert (emails.str.strip() != emails.str.strip().str.lower()).sum() > 1000  # mixed case
    surveys = pd.read_csv(
        exports / "lisbon/atlantico_inqueritos_20260525_20261122.csv",
        sep=";",
        encoding="latin-1",
        dtype=str,
        keep_default_na=False,
    )
    assert pd.to_numeric(surveys.Satisfacao_0_10).min() == 0
    assert surveys.Comentario.str.contains("[^\\x00-\\x7f]", regex=True).sum() > 20
    qa = pd.read_csv(
        exports / "lisbon/atlantico_qualidade_20260525_20261122.csv",
        sep=";",
        encoding="latin-1",
        dtype=str,
        keep_default_na=False,
    )
    assert set(qa.Equipa) == {"Atlantico", "Northwind"}
    assert qa.Pontuacao.str.fullmatch(r"\d+,\d").mean() > 0.99


def test_manila_calls_carry_the_survey_on_the_same_row(exports: Path):
    rows = csv_rows((exports / MANILA_CALLS).read_bytes(), "utf-8", ",")
    assert len(rows[0]) == 21 and rows[0][15:] == [
        "Survey ID",
        "Survey Time",
        "CSAT",
        "NPS",
        "FCR",
        "Survey Comment",
    ]
    frame = pd.DataFrame(data_rows_matching(rows, 21), columns=rows[0])
    surveyed = frame[frame["Survey ID"] != ""]
    assert 0.12 < len(surveyed) / (frame.Handled == "TRUE").sum() < 0.22
    assert (frame[frame["Survey ID"] == ""][["Survey Time", "CSAT", "NPS", "FCR"]] == "").all(
        axis=None
    )
    assert set(surveyed.FCR) == {"Y", "N"}
    assert set(frame.Handled) == {"TRUE", "FALSE"} and set(frame.Media) == {
        "VOICE",
        "CHAT",
        "EMAIL",
    }
    assert frame.Start.str.fullmatch(r"\d\d/\d\d/2026 \d\d:\d\d:\d\d [AP]M").mean() > 0.999
    assert surveyed["Survey Time"].str.fullmatch(r"\d\d/\d\d/2026 \d\d:\d\d [AP]M").all()
    assert frame.ANI.str.fullmatch(r"\+?447\d{9}").all()
    assert frame.ANI.str.startswith("+").mean() == pytest.approx(0.5, abs=0.05)
    # The shift runs on UK hours: 15:00-03:00 in Manila (UTC+8, no DST).
    hour = pd.to_datetime(frame.Start, format="%m/%d/%Y %I:%M:%S %p", errors="coerce").dt.hour
    live = frame.Media != "EMAIL"
    assert set(hour[live].dropna().astype(int)) <= {15, 16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 2, 3}


def test_manila_qa_parquet_types(exports: Path):
    table = pq.read_table(exports / "manila/PR_NorthwindEnergy_QA_20260525-20261122.parquet")
    types = {field.name: str(field.type) for field in table.schema}
    assert types == {
        "evaluation_id": "string",
        "call_id": "string",
        "agent": "string",
        "evaluator": "string",
        "evaluator_company": "string",
        "evaluated_on": "date32[day]",
        "score": "double",
        "auto_fail": "bool",
        "accuracy": "double",
        "empathy": "double",
        "brand": "double",
        "compliance": "double",
        "process": "double",
    }
    assert set(table.column("evaluator_company").to_pylist()) == {"Pacific Reach", "Northwind"}


def test_local_times_follow_the_dst_change(committed):
    """Exactly-7-day repeats that straddle 25 Oct read one hour short on a UK/Lisbon
    clock, but are exactly 168 h apart once converted to UTC."""
    week = pd.Timedelta(days=7)
    straddling = 0
    for centre in ("leeds", "glasgow", "lisbon"):
        contacts = committed[centre]["contacts"].sort_values(["customer", "started_at"])
        gap = contacts.groupby("customer").started_at.diff()
        exact = contacts[gap == week]
        before = exact.started_at - week
        straddling += (
            (before < pd.Timestamp("2026-10-25 01:00"))
            & (exact.started_at >= pd.Timestamp("2026-10-25 01:00"))
        ).sum()
    assert straddling >= 1


def test_dirt_counts_match_the_manifest(exports: Path, manifest: dict):
    for path, entry in manifest["files"].items():
        if entry["kinds"] == ["reported"]:  # 20 figures: their flattery is the story
            assert entry["dirt"] == {} and entry["clean_rows"] == entry["rows"] == 20, path
            continue
        if entry["kinds"] in (["roster"], ["staff_surveys"]):  # small HR files, named dirt
            assert entry["clean_rows"] == entry["rows"] - sum(entry["dirt"].values()), path
            assert set(entry["dirt"]) <= {"duplicate_row", "left_before_hired", "enps_out_of_range"}
            continue
        assert 0 < sum(entry["dirt"].values()) < 0.005 * entry["rows"], path
        assert entry["clean_rows"] == entry["rows"] - sum(entry["dirt"].values())
        if path.endswith(".csv"):
            encoding = "latin-1" if path.startswith("lisbon") else "utf-8-sig"
            delimiter = ";" if path.startswith("lisbon") else ","
            rows = csv_rows((exports / path).read_bytes(), encoding, delimiter)
            assert len(rows) - 1 == entry["rows"], path
            short = sum(len(row) < len(rows[0]) for row in rows[1:])
            assert short == entry["dirt"].get("too_few_fields", 0), path
            body = [tuple(row) for row in rows[1:]]
            assert len(body) - len(set(body)) == entry["dirt"]["duplicate"], path
    # Claremont's roster repeats every 25th advisor's row: rows 1, 26, 51, 76 of 79
    roster = "glasgow/Claremont_Advisor_Roster_2026-11-22.csv"
    rows = csv_rows((exports / roster).read_bytes(), "utf-8", ",")
    body = [tuple(row) for row in rows[1:]]
    assert len(body) - len(set(body)) == manifest["files"][roster]["dirt"]["duplicate_row"] == 4
    leeds = csv_rows((exports / LEEDS).read_bytes(), "utf-8", ",")
    talk = [row[12] for row in leeds[1:] if len(row) > 12]
    assert sum(value == "-35" for value in talk) == 2
    assert sum(bool(re.search("[A-Za-z]", value)) for value in talk) == 2


def test_vendor_kpi_reports(exports: Path):
    """Claremont's Excel KPI report (a title row, Month | KPI | Target | Actual, labels,
    Jun-26 months, % values, m:ss AHT) and Atlântico's semicolon CSV (2026-06 months,
    Portuguese labels in Latin-1, decimal commas)."""
    sheet = openpyxl.load_workbook(
        exports / "glasgow" / "Claremont_KPI_Report_2026-06_to_2026-10.xlsx", read_only=True
    )["KPI Report"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Claremont Contact - Northwind Energy - Monthly KPI Report")
    assert rows[1] == ("Month", "KPI", "Target", "Actual")
    assert len(rows) == 2 + 5 * 4  # June to October, four KPIs each
    assert rows[2][:3] == ("Jun-26", "CSAT %", "78%")
    assert {r[0] for r in rows[2:]} == {"Jun-26", "Jul-26", "Aug-26", "Sep-26", "Oct-26"}
    assert {r[1] for r in rows[2:]} == {"CSAT %", "Service Level (80/20)", "AHT (mm:ss)", "FCR"}
    for month, kpi, _, actual in rows[2:]:
        pattern = r"\d+:\d\d" if kpi == "AHT (mm:ss)" else r"\d+\.\d%"
        assert re.fullmatch(pattern, actual), (month, kpi, actual)
    lisbon = exports / "lisbon" / "atlantico_indicadores_202606_202610.csv"
    table = csv_rows(lisbon.read_bytes(), "latin-1", ";")
    assert table[0] == ["Mes", "Indicador", "Valor"]
    assert len(table) == 1 + 20
    assert table[1][:2] == ["2026-06", "Satisfação (%)"]
    assert all(re.fullmatch(r"\d+,\d", row[2]) for row in table[1:])
