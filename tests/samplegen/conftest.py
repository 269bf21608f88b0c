"""Independent readers of the committed sample exports.

They read each file the way the format is *documented* (docs/SAMPLE_DATA.md) with
plain pandas / openpyxl / pyarrow, using none of the generator's code, and turn it into
one simple frame per kind for the story checks. Dirt rows are dropped the blunt way
(anything that does not parse or is out of range, exact duplicates).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
EXPORTS = REPO / "sample_data" / "exports"
REASONS = [
    "billing_query",
    "payment",
    "account_update",
    "technical_fault",
    "moving_home",
    "cancellation",
]
CENTRE_TZ = {
    "leeds": "Europe/London",
    "glasgow": "Europe/London",
    "lisbon": "Europe/Lisbon",
    "manila": "Asia/Manila",
}
SCALES = {"leeds": (1, 5), "glasgow": (1, 10), "lisbon": (0, 10), "manila": (1, 5)}


def to_utc(local: pd.Series, tz: str) -> pd.Series:
    """Naive local wall-clock times to naive UTC; ambiguous / skipped times become NaT."""
    aware = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    return aware.dt.tz_convert("UTC").dt.tz_localize(None)


def hms_seconds(text: pd.Series) -> pd.Series:
    parts = text.str.extract(r"^(\d+):(\d\d):(\d\d)$").astype(float)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def comma_number(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")


def phone_key(text: pd.Series) -> pd.Series:
    digits = text.str.replace(r"\D", "", regex=True)
    national = digits.str.replace(r"^44", "", regex=True).str.replace(r"^0", "", regex=True)
    return "p:" + national


def email_key(text: pd.Series) -> pd.Series:
    return "e:" + text.str.strip().str.lower()


def read_text_csv(path: Path, **options) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **options)


def _finish_contacts(frame: pd.DataFrame, centre: str) -> pd.DataFrame:
    frame = frame.assign(centre=centre, handle_s=frame.talk_s + frame.hold_s + frame.wrap_s)
    ok = (
        frame.started_at.notna()
        & frame[["wait_s", "talk_s", "hold_s", "wrap_s"]].notna().all(axis=1)
        & (frame[["wait_s", "talk_s", "hold_s", "wrap_s"]] >= 0).all(axis=1)
    )
    return frame[ok].reset_index(drop=True)


def read_leeds(folder: Path) -> dict[str, pd.DataFrame]:
    raw = read_text_csv(folder / "leeds" / "leeds_contacts_20260525_20261122.csv")
    raw = raw.drop_duplicates()
    raw = raw.assign(
        leg=pd.to_numeric(raw.leg),
        started_local=pd.to_datetime(raw.start_time, format="%Y-%m-%d %H:%M:%S", errors="coerce"),
        **{
            f"{d}_s": pd.to_numeric(raw[f"{d}_seconds"], errors="coerce")
            for d in ("wait", "talk", "hold", "wrap")
        },
    )
    bad = (
        raw.started_local.isna()
        | raw[["talk_s", "hold_s", "wrap_s"]].isna().any(axis=1)
        | (raw[["talk_s", "hold_s", "wrap_s"]] < 0).any(axis=1)
        | (raw.complaint_flag == "")
    )
    raw = raw[~bad.groupby(raw.contact_id).transform("any")].sort_values(["contact_id", "leg"])
    grouped = raw.groupby("contact_id", sort=False)
    first = grouped.first()
    contacts = pd.DataFrame(
        {
            "contact_id": first.index,
            "channel": first.channel.to_numpy(),
            "reason": first.reason_code.to_numpy(),
            "customer": np.where(
                first.customer_phone != "",
                phone_key(first.customer_phone),
                email_key(first.customer_email),
            ),
            "started_at": to_utc(first.started_local, CENTRE_TZ["leeds"]).to_numpy(),
            "answered": (first.answered == "1").to_numpy(),
            "abandoned": (first.abandoned == "1").to_numpy(),
            "wait_s": first.wait_s.to_numpy(),
            "talk_s": grouped.talk_s.sum().to_numpy(),
            "hold_s": grouped.hold_s.sum().to_numpy(),
            "wrap_s": grouped.wrap_s.sum().to_numpy(),
            "transferred": (grouped.size() > 1).to_numpy(),
            "complaint": grouped.complaint_flag.agg(lambda f: (f == "1").any()).to_numpy(),
        }
    )
    surveys_raw = read_text_csv(folder / "leeds" / "leeds_csat_20260525_20261122.csv")
    surveys = pd.DataFrame(
        {
            "contact_id": surveys_raw.contact_id,
            "responded_at": to_utc(
                pd.to_datetime(
                    surveys_raw.response_time, format="%Y-%m-%d %H:%M:%S", errors="coerce"
                ),
                CENTRE_TZ["leeds"],
            ),
            "csat_raw": pd.to_numeric(surveys_raw.csat_1_5, errors="coerce"),
            "nps": pd.to_numeric(surveys_raw.nps_0_10, errors="coerce"),
            "resolved": surveys_raw.issue_resolved == "Y",
        }
    )
    qa_raw = read_text_csv(folder / "leeds" / "leeds_qa_20260525_20261122.csv")
    qa = pd.DataFrame(
        {
            "contact_id": qa_raw.contact_id,
            "org": "own",
            "evaluated_at": pd.to_datetime(qa_raw.eval_date, format="%Y-%m-%d", errors="coerce"),
            "score": pd.to_numeric(qa_raw.overall_score, errors="coerce"),
        }
    )
    return {"contacts": _finish_contacts(contacts, "leeds"), "surveys": surveys, "qa": qa}


GLASGOW_REASONS = dict(
    zip(
        ["Bill query", "Payment", "Change of details", "Fault", "Home move", "Leaving"],
        REASONS,
        strict=True,
    )
)


def read_glasgow(folder: Path) -> dict[str, pd.DataFrame]:
    base = folder / "glasgow"
    raw = pd.read_excel(
        base / "Claremont_Interactions_2026-05-25_to_2026-11-22.xlsx",
        sheet_name="Interactions",
        skiprows=2,
        dtype=str,
        engine="openpyxl",
    ).fillna("")
    raw = raw.drop_duplicates()
    local = pd.to_datetime(
        raw["Start Date"] + " " + raw["Start Time"], format="%d/%m/%Y %H:%M:%S", errors="coerce"
    )
    contacts = pd.DataFrame(
        {
            "contact_id": raw["Interaction ID"],
            "channel": raw["Channel"].map({"Phone": "voice", "Webchat": "chat", "Email": "email"}),
            "reason": raw["Contact Reason"].map(GLASGOW_REASONS),
            "customer": phone_key(raw["Customer Tel"]),
            "started_at": to_utc(local, CENTRE_TZ["glasgow"]),
            "answered": raw["Answered?"] == "Yes",
            "abandoned": raw["Abandoned?"] == "Yes",
            "wait_s": hms_seconds(raw["Queue Time"]),
            "talk_s": hms_seconds(raw["Talk Time"]),
            "hold_s": hms_seconds(raw["Hold Time"]),
            "wrap_s": hms_seconds(raw["Wrap Time"]),
            "transferred": raw["Transferred?"] == "Yes",
            "complaint": raw["Complaint?"] == "Yes",
        }
    )
    csat = read_text_csv(base / "Claremont_CSAT_2026-05-25_to_2026-11-22.csv", encoding="utf-8-sig")
    surveys = pd.DataFrame(
        {
            "contact_id": csat["Interaction ID"],
            "responded_at": to_utc(
                pd.to_datetime(csat["Completed"], format="%d/%m/%Y %H:%M", errors="coerce"),
                CENTRE_TZ["glasgow"],
            ),
            "csat_raw": pd.to_numeric(csat["Satisfaction"], errors="coerce"),
            "nps": pd.to_numeric(csat["Likelihood to recommend"], errors="coerce"),
            "resolved": csat["Resolved?"] == "yes",
        }
    )
    qa_raw = read_text_csv(base / "Claremont_QA_2026-05-25_to_2026-11-22.csv")
    qa = pd.DataFrame(
        {
            "contact_id": qa_raw["Interaction ID"],
            "org": np.where(qa_raw["Scored By"] == "Northwind QA", "client", "own"),
            "evaluated_at": pd.to_datetime(qa_raw["Date"], format="%d/%m/%Y", errors="coerce"),
            "score": pd.to_numeric(qa_raw["Total %"], errors="coerce"),
        }
    )
    return {"contacts": _finish_contacts(contacts, "glasgow"), "surveys": surveys, "qa": qa}


LISBON_REASONS = dict(
    zip(
        [
            "Faturação",
            "Pagamento",
            "Alteração de dados",
            "Avaria",
            "Mudança de casa",
            "Cancelamento",
        ],
        REASONS,
        strict=True,
    )
)


def read_lisbon(folder: Path) -> dict[str, pd.DataFrame]:
    base = folder / "lisbon"
    raw = read_text_csv(
        base / "atlantico_contactos_20260525_20261122.csv.gz",
        sep=";",
        encoding="latin-1",
        compression="gzip",
    ).drop_duplicates()
    local = pd.to_datetime(raw["Data_Hora"], format="%d-%m-%Y %H:%M:%S", errors="coerce")
    contacts = pd.DataFrame(
        {
            "contact_id": raw["ID_Contacto"],
            "channel": raw["Canal"].map({"Telefone": "voice", "Chat": "chat", "Email": "email"}),
            "reason": raw["Motivo"].map(LISBON_REASONS),
            "customer": email_key(raw["Email_Cliente"]),
            "started_at": to_utc(local, CENTRE_TZ["lisbon"]),
            "answered": raw["Atendida"] == "S",
            "abandoned": raw["Abandonada"] == "S",
            "wait_s": comma_number(raw["Tempo_Espera"]),
            "talk_s": comma_number(raw["Tempo_Conversa"]),
            "hold_s": comma_number(raw["Tempo_Espera_Hold"]),
            "wrap_s": comma_number(raw["Tempo_Pos_Chamada"]),
            "transferred": raw["Transferida"] == "S",
            "complaint": raw["Reclamação"] == "S",
        }
    )
    inq = read_text_csv(
        base / "atlantico_inqueritos_20260525_20261122.csv", sep=";", encoding="latin-1"
    )
    surveys = pd.DataFrame(
        {
            "contact_id": inq["ID_Contacto"],
            "responded_at": to_utc(
                pd.to_datetime(inq["Data_Resposta"], format="%d-%m-%Y %H:%M", errors="coerce"),
                CENTRE_TZ["lisbon"],
            ),
            "csat_raw": pd.to_numeric(inq["Satisfacao_0_10"], errors="coerce"),
            "nps": pd.to_numeric(inq["Recomendacao_0_10"], errors="coerce"),
            "resolved": inq["Resolvido"] == "S",
        }
    )
    qual = read_text_csv(
        base / "atlantico_qualidade_20260525_20261122.csv", sep=";", encoding="latin-1"
    )
    qa = pd.DataFrame(
        {
            "contact_id": qual["ID_Contacto"],
            "org": np.where(qual["Equipa"] == "Northwind", "client", "own"),
            "evaluated_at": pd.to_datetime(qual["Data"], format="%d-%m-%Y", errors="coerce"),
            "score": comma_number(qual["Pontuacao"]),
        }
    )
    return {"contacts": _finish_contacts(contacts, "lisbon"), "surveys": surveys, "qa": qa}


MANILA_REASONS = dict(
    zip(["BILLING", "PAYMENT", "ACCT_UPDATE", "TECH_FAULT", "MOVE", "CANCEL"], REASONS, strict=True)
)


def read_manila(folder: Path) -> dict[str, pd.DataFrame]:
    base = folder / "manila"
    raw = read_text_csv(base / "PR_NorthwindEnergy_calls_20260525-20261122.csv")
    raw = raw.drop_duplicates()
    local = pd.to_datetime(raw["Start"], format="%m/%d/%Y %I:%M:%S %p", errors="coerce")
    contacts = pd.DataFrame(
        {
            "contact_id": raw["Call ID"],
            "channel": raw["Media"].str.lower(),
            "reason": raw["Disposition"].map(MANILA_REASONS),
            "customer": phone_key(raw["ANI"]),
            "started_at": to_utc(local, CENTRE_TZ["manila"]),
            "answered": raw["Handled"] == "TRUE",
            "abandoned": raw["Abandoned"] == "TRUE",
            "wait_s": hms_seconds(raw["Queue Time"]),
            "talk_s": hms_seconds(raw["Talk Time"]),
            "hold_s": hms_seconds(raw["Hold Time"]),
            "wrap_s": hms_seconds(raw["ACW"]),
            "transferred": raw["Transfer"] == "TRUE",
            "complaint": raw["Complaint"] == "TRUE",
        }
    )
    with_survey = raw[raw["Survey ID"] != ""]
    surveys = pd.DataFrame(
        {
            "contact_id": with_survey["Call ID"],
            "responded_at": to_utc(
                pd.to_datetime(
                    with_survey["Survey Time"], format="%m/%d/%Y %I:%M %p", errors="coerce"
                ),
                CENTRE_TZ["manila"],
            ),
            "csat_raw": pd.to_numeric(with_survey["CSAT"], errors="coerce"),
            "nps": pd.to_numeric(with_survey["NPS"], errors="coerce"),
            "resolved": with_survey["FCR"] == "Y",
        }
    )
    qa_raw = pd.read_parquet(base / "PR_NorthwindEnergy_QA_20260525-20261122.parquet")
    qa_raw = qa_raw.drop_duplicates()
    qa = pd.DataFrame(
        {
            "contact_id": qa_raw["call_id"],
            "org": np.where(qa_raw["evaluator_company"] == "Northwind", "client", "own"),
            "evaluated_at": pd.to_datetime(qa_raw["evaluated_on"]),
            "score": qa_raw["score"],
        }
    )
    return {"contacts": _finish_contacts(contacts, "manila"), "surveys": surveys, "qa": qa}


READERS = {
    "leeds": read_leeds,
    "glasgow": read_glasgow,
    "lisbon": read_lisbon,
    "manila": read_manila,
}


def read_all(folder: Path) -> dict[str, dict[str, pd.DataFrame]]:
    """Per centre: contacts, surveys (in range, linked to a known contact, with the
    contact's reason) and QA (in range); all deduplicated."""
    result = {}
    for centre, reader in READERS.items():
        frames = reader(folder)
        contacts = frames["contacts"].drop_duplicates("contact_id")
        lo, hi = SCALES[centre]
        surveys = frames["surveys"].drop_duplicates()
        surveys = surveys[
            surveys.csat_raw.between(lo, hi)
            & surveys.nps.between(0, 10)
            & surveys.responded_at.notna()
        ]
        surveys = surveys.merge(
            contacts[["contact_id", "reason", "started_at"]], on="contact_id", how="inner"
        )
        qa = frames["qa"].drop_duplicates()
        qa = qa[qa.score.between(0, 100) & qa.evaluated_at.notna()]
        result[centre] = {"contacts": contacts, "surveys": surveys, "qa": qa}
    return result


@pytest.fixture(scope="session")
def exports() -> Path:
    return EXPORTS


@pytest.fixture(scope="session")
def committed() -> dict[str, dict[str, pd.DataFrame]]:
    return read_all(EXPORTS)


@pytest.fixture(scope="session")
def manifest() -> dict:
    return json.loads((EXPORTS / "MANIFEST.json").read_text(encoding="utf-8"))
