"""Pacific Reach Manila (offshore vendor): one US-format CSV with the post-call survey
on the call's own row (Asia/Manila time, 12-hour clock), and a typed Parquet QA file
from Pacific Reach's and Northwind's teams."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.samplegen import dirt
from pipelines.samplegen import textformat as fmt
from pipelines.samplegen.calendar import Window
from pipelines.samplegen.centre_data import CentreData, WrittenFile, export_path
from pipelines.samplegen.identities import phone_spelling
from pipelines.samplegen.profiles import QA_SECTIONS
from pipelines.samplegen.qa import CLIENT
from pipelines.samplegen.sinks import FIELD_COUNT, CsvDialect, write_csv, write_parquet

DIALECT = CsvDialect(delimiter=",", encoding="utf-8")
MEDIA = np.array(["VOICE", "CHAT", "EMAIL"])
DISPOSITION = np.array(["BILLING", "PAYMENT", "ACCT_UPDATE", "TECH_FAULT", "MOVE", "CANCEL"])
QUEUE_GROUP = np.array(["BILLING", "BILLING", "ACCOUNTS", "TECH", "ACCOUNTS", "RETENTION"])
OWN_EVALUATORS = np.array(
    ["PRQA-Santos", "PRQA-Reyes", "PRQA-Cruz", "PRQA-Bautista", "PRQA-Garcia", "PRQA-Mendoza"]
)
CLIENT_EVALUATORS = np.array(
    ["NWQA-Patel", "NWQA-Shah", "NWQA-Hughes", "NWQA-Morgan", "NWQA-Lloyd", "NWQA-Price"]
)


def period_name(window: Window) -> str:
    """``20260525-20261122``: the window's days, in the file names."""
    return f"{window.first_day:%Y%m%d}-{window.last_day:%Y%m%d}"


def call_ids(numbers: np.ndarray) -> pd.Series:
    return fmt.zero_padded(np.asarray(numbers) + 8_800_000_000, 10)


def agents(numbers: np.ndarray) -> pd.Series:
    return fmt.zero_padded(np.asarray(numbers) + 10_001, 5, "PR")


def calls_table(data: CentreData, rng: np.random.Generator) -> pd.DataFrame:
    c = data.contacts
    tz = data.profile.timezone
    answered = c["answered"].to_numpy()
    channel = c["channel"].to_numpy()
    reason = c["reason"].to_numpy()
    # The survey answered about a call sits on the call's row (at most one per call).
    s = data.surveys.set_index("contact_no").reindex(c["contact_no"])
    surveyed = s["survey_no"].notna().to_numpy()
    survey_no = s["survey_no"].fillna(0).to_numpy(np.int64)
    responded_at = s["responded_at"].fillna(0).to_numpy(np.int64)
    return pd.DataFrame(
        {
            "Call ID": call_ids(c["contact_no"]),
            "Media": pd.Series(MEDIA[channel], dtype="str"),
            "Queue Name": pd.Series(
                "NWE_UK_" + MEDIA[channel] + "_" + QUEUE_GROUP[reason], dtype="str"
            ),
            "Disposition": pd.Series(DISPOSITION[reason], dtype="str"),
            "Agent": fmt.blank_where(agents(np.maximum(c["agent"], 0)), ~answered),
            "ANI": phone_spelling(c["customer"].to_numpy(), rng.integers(3, 5, len(c))),
            "Start": fmt.local_time(c["started_at"], tz, "%m/%d/%Y %I:%M:%S %p"),
            "Handled": fmt.flag(answered, "TRUE", "FALSE"),
            "Abandoned": fmt.flag(c["abandoned"], "TRUE", "FALSE"),
            "Queue Time": fmt.clock_duration(c["wait_s"]),
            "Talk Time": fmt.clock_duration(c["talk_s"]),
            "Hold Time": fmt.clock_duration(c["hold_s"]),
            "ACW": fmt.clock_duration(c["wrap_s"]),
            "Transfer": fmt.flag(c["transferred"], "TRUE", "FALSE"),
            "Complaint": fmt.flag(c["complaint"], "TRUE", "FALSE"),
            "Survey ID": fmt.blank_where(fmt.zero_padded(survey_no + 1, 7, "PRS"), ~surveyed),
            "Survey Time": fmt.blank_where(
                fmt.local_time(responded_at, tz, "%m/%d/%Y %I:%M %p"), ~surveyed
            ),
            "CSAT": fmt.blank_where(fmt.whole(s["csat_raw"].fillna(0)), ~surveyed),
            "NPS": fmt.blank_where(fmt.whole(s["nps"].fillna(0)), ~surveyed),
            "FCR": fmt.blank_where(
                fmt.flag(s["resolved"].fillna(False).astype(bool), "Y", "N"), ~surveyed
            ),
            "Survey Comment": s["comment"].fillna("").astype("str").reset_index(drop=True),
        }
    )


def qa_table(data: CentreData) -> pd.DataFrame:
    q = data.qa
    client = (q["org"] == CLIENT).to_numpy()
    evaluated_on = (
        pd.Series(fmt.local_time(q["evaluated_at"], data.profile.timezone, "%Y-%m-%d"))
        .astype("datetime64[s]")
        .dt.date
    )
    return pd.DataFrame(
        {
            "evaluation_id": fmt.zero_padded(q["eval_no"] + 1, 7, "PRQA"),
            "call_id": call_ids(q["contact_no"]),
            "agent": agents(q["agent"]),
            "evaluator": np.where(
                client, CLIENT_EVALUATORS[q["evaluator"]], OWN_EVALUATORS[q["evaluator"]]
            ),
            "evaluator_company": np.where(client, "Northwind", "Pacific Reach"),
            "evaluated_on": evaluated_on.to_numpy(),
            "score": q["score"].to_numpy(float),
            "auto_fail": q["critical_fail"].to_numpy(bool),
            **{section: q[section].to_numpy(float) for section in QA_SECTIONS},
        }
    )


QA_SCHEMA = pa.schema(
    [
        ("evaluation_id", pa.string()),
        ("call_id", pa.string()),
        ("agent", pa.string()),
        ("evaluator", pa.string()),
        ("evaluator_company", pa.string()),
        ("evaluated_on", pa.date32()),
        ("score", pa.float64()),
        ("auto_fail", pa.bool_()),
        *[(section, pa.float64()) for section in QA_SECTIONS],
    ]
)


def write(data: CentreData, folder: Path, rng: np.random.Generator) -> list[WrittenFile]:
    cid = data.profile.centre_id
    period = period_name(data.window)
    calls = calls_table(data, rng)
    answered = (calls["Handled"] == "TRUE").to_numpy()
    unsurveyed = answered & (calls["Survey ID"] == "").to_numpy()
    surveyed = (calls["Survey ID"] != "").to_numpy()
    new_call = dirt.fresh_id("Call ID", call_ids)
    # Broken survey answers come on new calls with new survey ids, so they add records.
    new_call_and_survey = dirt.then(
        new_call,
        dirt.fresh_id(
            "Survey ID",
            lambda n: fmt.zero_padded(n - len(data.contacts) + len(data.surveys) + 1, 7, "PRS"),
        ),
    )
    calls, call_dirt = dirt.inject(
        calls,
        [
            dirt.Dirt(dirt.DUPLICATE, 3),
            dirt.Dirt(dirt.TOO_FEW_FIELDS, 2, new_call, unsurveyed, keep_fields=12),
            dirt.Dirt(
                dirt.BAD_DATE,
                2,
                dirt.then(new_call, dirt.set_column("Start", "06/31/2026 10:15:22 AM")),
                unsurveyed,
            ),
            dirt.Dirt(
                dirt.BAD_DURATION,
                2,
                dirt.then(new_call, dirt.set_column("Talk Time", "0:O5:12")),
                unsurveyed,
            ),
            dirt.Dirt(
                dirt.NEGATIVE_DURATION,
                2,
                dirt.then(new_call, dirt.set_column("ACW", "-0:00:35")),
                unsurveyed,
            ),
            dirt.Dirt(
                dirt.CSAT_OUT_OF_RANGE,
                1,
                dirt.then(new_call_and_survey, dirt.set_column("CSAT", "6")),
                surveyed,
            ),
            dirt.Dirt(
                dirt.NPS_OUT_OF_RANGE,
                1,
                dirt.then(new_call_and_survey, dirt.set_column("NPS", "11")),
                surveyed,
            ),
        ],
        rng,
        fresh_start=len(data.contacts),
    )
    calls_path = export_path(data.profile, f"PR_NorthwindEnergy_calls_{period}.csv")
    write_csv(folder / calls_path, calls, DIALECT)

    qa = qa_table(data)
    qa_clean = {
        "qa_evaluations": len(data.qa),
        "own": int((data.qa["org"] != CLIENT).sum()),
        "client": int((data.qa["org"] == CLIENT).sum()),
    }
    new_eval = dirt.fresh_id("evaluation_id", lambda n: fmt.zero_padded(n + 1, 7, "PRQA"))
    qa, qa_dirt = dirt.inject(
        qa,
        [
            dirt.Dirt(dirt.DUPLICATE, 2),
            dirt.Dirt(
                dirt.QA_OUT_OF_RANGE, 2, dirt.then(new_eval, dirt.set_column("score", 105.0))
            ),
            dirt.Dirt(
                dirt.UNKNOWN_CONTACT,
                1,
                dirt.then(new_eval, dirt.unknown_contact("call_id", call_ids)),
            ),
        ],
        rng,
        fresh_start=len(data.qa),
    )
    qa_path = export_path(data.profile, f"PR_NorthwindEnergy_QA_{period}.parquet")
    write_parquet(
        folder / qa_path,
        pa.Table.from_pandas(qa.drop(columns=FIELD_COUNT), schema=QA_SCHEMA, preserve_index=False),
    )

    surveys_in_calls = len(data.surveys)
    return [
        WrittenFile(
            calls_path,
            cid,
            ["contacts", "surveys"],
            len(calls),
            call_dirt,
            {"contacts": len(data.contacts), "surveys": surveys_in_calls},
        ),
        WrittenFile(qa_path, cid, ["qa"], len(qa), qa_dirt, qa_clean),
    ]
