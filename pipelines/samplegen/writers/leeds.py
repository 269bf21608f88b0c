"""Northwind Leeds (in-house): tidy UTF-8 CSVs, contacts written one row per leg."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.samplegen import dirt
from pipelines.samplegen import textformat as fmt
from pipelines.samplegen.calendar import Window
from pipelines.samplegen.centre_data import CentreData, WrittenFile, export_path
from pipelines.samplegen.identities import email_address, phone_e164
from pipelines.samplegen.profiles import CHANNELS, QA_SECTIONS, REASONS
from pipelines.samplegen.qa import CLIENT
from pipelines.samplegen.sinks import CsvDialect, write_csv

DIALECT = CsvDialect(delimiter=",", encoding="utf-8")
ISO = "%Y-%m-%d %H:%M:%S"
QUEUE_GROUP = np.array(["BILLING", "BILLING", "ACCOUNTS", "TECH", "ACCOUNTS", "RETENTION"])
TRANSFER_QUEUE = np.array(
    [
        "LDS_BILLING_SPECIALIST",
        "LDS_BILLING_SPECIALIST",
        "LDS_ACCOUNTS_SPECIALIST",
        "LDS_TECH_2ND_LINE",
        "LDS_ACCOUNTS_SPECIALIST",
        "LDS_RETENTIONS",
    ]
)


def period_name(window: Window) -> str:
    """``20260525_20261122``: the window's days, in the file names."""
    return f"{window.first_day:%Y%m%d}_{window.last_day:%Y%m%d}"


def contact_ids(numbers: np.ndarray) -> pd.Series:
    return fmt.zero_padded(numbers, 8, "LDS-")


def agent_ids(numbers: np.ndarray) -> pd.Series:
    return fmt.zero_padded(np.asarray(numbers) + 1001, 4, "L")


def _split(
    total: np.ndarray, weight: np.ndarray, contact: np.ndarray, last_leg: np.ndarray
) -> np.ndarray:
    """Split each contact's whole-second ``total`` (repeated per leg row) over its legs in
    proportion to ``weight``; the legs sum back to the total exactly."""
    weight_sum = pd.Series(weight).groupby(contact).transform("sum").to_numpy()
    cumulative = pd.Series(weight).groupby(contact).cumsum().to_numpy() / weight_sum
    cumulative = np.where(last_leg, 1.0, cumulative)
    upto = np.floor(total * cumulative + 1e-9)
    before = np.where(np.r_[True, contact[1:] != contact[:-1]], 0.0, np.r_[0.0, upto[:-1]])
    return upto - before


def contacts_table(data: CentreData, rng: np.random.Generator) -> pd.DataFrame:
    c = data.contacts
    legs = c["legs"].to_numpy()
    row_contact = np.repeat(np.arange(len(c)), legs)
    leg = np.arange(len(row_contact)) - np.repeat(np.cumsum(legs) - legs, legs) + 1
    last_leg = leg == legs[row_contact]
    per_row = c.iloc[row_contact].reset_index(drop=True)
    weight = rng.uniform(0.5, 1.5, len(row_contact))
    talk = _split(per_row["talk_s"].to_numpy(), weight, row_contact, last_leg)
    hold = _split(per_row["hold_s"].to_numpy(), weight[::-1].copy(), row_contact, last_leg)
    wrap = _split(per_row["wrap_s"].to_numpy(), np.ones(len(row_contact)), row_contact, last_leg)
    # Later legs start when the previous leg's conversation ends, after a short queue.
    transfer_wait = np.where(leg > 1, rng.integers(3, 40, len(row_contact)), 0)
    spoken = pd.Series(talk + hold + transfer_wait).groupby(row_contact).cumsum().to_numpy()
    before = spoken - (talk + hold + transfer_wait)
    started = per_row["started_at"].to_numpy() + np.where(
        leg > 1, per_row["wait_s"].to_numpy() + before + transfer_wait, 0
    ).astype(np.int64)
    wait = np.where(leg > 1, transfer_wait, per_row["wait_s"].to_numpy())

    agents = data.profile.agents
    final_agent = per_row["agent"].to_numpy()
    other_agent = (final_agent + 1 + rng.integers(0, agents - 1, len(row_contact))) % agents
    agent = np.where(last_leg, final_agent, other_agent)

    channel = per_row["channel"].to_numpy()
    reason = per_row["reason"].to_numpy()
    channel_name = np.array(CHANNELS)[channel]
    first_queue = pd.Series(
        np.where(
            channel_name == "email",
            "LDS_EMAIL",
            "LDS_" + np.char.upper(channel_name) + "_" + QUEUE_GROUP[reason],
        )
    )
    queue = first_queue.where(leg == 1, pd.Series(TRANSFER_QUEUE[reason]))
    voice = channel == CHANNELS.index("voice")
    customer = per_row["customer"].to_numpy()
    answered = per_row["answered"].to_numpy()
    return pd.DataFrame(
        {
            "contact_id": contact_ids(per_row["contact_no"].to_numpy()),
            "leg": fmt.whole(leg),
            "channel": pd.Series(channel_name, dtype="str"),
            "queue": queue.astype("str"),
            "reason_code": pd.Series(np.array(REASONS)[reason], dtype="str"),
            "agent_id": fmt.blank_where(agent_ids(np.maximum(agent, 0)), ~answered),
            "customer_phone": fmt.blank_where(phone_e164(customer), ~voice),
            "customer_email": fmt.blank_where(email_address(customer), voice),
            "start_time": fmt.local_time(started, data.profile.timezone, ISO),
            "answered": fmt.flag(answered, "1", "0"),
            "abandoned": fmt.flag(per_row["abandoned"], "1", "0"),
            "wait_seconds": fmt.whole(wait),
            "talk_seconds": fmt.whole(talk),
            "hold_seconds": fmt.whole(hold),
            "wrap_seconds": fmt.whole(wrap),
            "complaint_flag": fmt.flag(per_row["complaint"].to_numpy() & last_leg, "1", "0"),
        }
    )


def surveys_table(data: CentreData) -> pd.DataFrame:
    s = data.surveys
    return pd.DataFrame(
        {
            "survey_id": fmt.zero_padded(s["survey_no"] + 1, 7, "SV"),
            "contact_id": contact_ids(s["contact_no"].to_numpy()),
            "response_time": fmt.local_time(s["responded_at"], data.profile.timezone, ISO),
            "csat_1_5": fmt.whole(s["csat_raw"]),
            "nps_0_10": fmt.whole(s["nps"]),
            "issue_resolved": fmt.flag(s["resolved"], "Y", "N"),
            "verbatim": s["comment"].astype("str").reset_index(drop=True),
        }
    )


def qa_table(data: CentreData) -> pd.DataFrame:
    q = data.qa[data.qa["org"] != CLIENT]  # Leeds has no client QA; own team only
    contact_no = q["contact_no"].to_numpy()
    return pd.DataFrame(
        {
            "eval_id": fmt.zero_padded(q["eval_no"] + 1, 6, "QA-"),
            "contact_id": contact_ids(contact_no),
            "agent_id": agent_ids(q["agent"].to_numpy()),
            "evaluator": fmt.zero_padded(q["evaluator"] + 1, 2, "LQA"),
            "eval_date": fmt.local_time(q["evaluated_at"], data.profile.timezone, "%Y-%m-%d"),
            "overall_score": fmt.one_decimal(q["score"]),
            "critical_fail": fmt.flag(q["critical_fail"], "1", "0"),
            **{("brand_voice" if s == "brand" else s): fmt.whole(q[s]) for s in QA_SECTIONS},
        }
    )


def write(data: CentreData, folder: Path, rng: np.random.Generator) -> list[WrittenFile]:
    cid = data.profile.centre_id
    period = period_name(data.window)
    contacts = contacts_table(data, rng)
    single_leg_answered = (
        (contacts["leg"] == "1").to_numpy()
        & np.repeat(data.contacts["legs"].to_numpy() == 1, data.contacts["legs"].to_numpy())
        & (contacts["answered"] == "1").to_numpy()
    )
    new_contact = dirt.fresh_id("contact_id", contact_ids)
    contacts, contact_dirt = dirt.inject(
        contacts,
        [
            dirt.Dirt(dirt.DUPLICATE, 3),
            dirt.Dirt(dirt.TOO_FEW_FIELDS, 2, new_contact, single_leg_answered, keep_fields=9),
            dirt.Dirt(
                dirt.BAD_DATE,
                2,
                dirt.then(new_contact, dirt.set_column("start_time", "2026-06-31 10:15:22")),
                single_leg_answered,
            ),
            dirt.Dirt(
                dirt.BAD_DURATION,
                2,
                dirt.then(new_contact, dirt.set_column("talk_seconds", "3O5")),
                single_leg_answered,
            ),
            dirt.Dirt(
                dirt.NEGATIVE_DURATION,
                2,
                dirt.then(new_contact, dirt.set_column("talk_seconds", "-35")),
                single_leg_answered,
            ),
        ],
        rng,
        fresh_start=len(data.contacts),
    )
    contacts_path = export_path(data.profile, f"leeds_contacts_{period}.csv")
    write_csv(folder / contacts_path, contacts, DIALECT)

    surveys = surveys_table(data)
    new_survey = dirt.fresh_id("survey_id", lambda n: fmt.zero_padded(n + 1, 7, "SV"))
    surveys, survey_dirt = dirt.inject(
        surveys,
        [
            dirt.Dirt(dirt.DUPLICATE, 1),
            dirt.Dirt(dirt.TOO_FEW_FIELDS, 1, new_survey, keep_fields=4),
            dirt.Dirt(
                dirt.BAD_DATE,
                1,
                dirt.then(new_survey, dirt.set_column("response_time", "2026-13-02 09:14:00")),
            ),
            dirt.Dirt(
                dirt.CSAT_OUT_OF_RANGE, 1, dirt.then(new_survey, dirt.set_column("csat_1_5", "6"))
            ),
            dirt.Dirt(
                dirt.NPS_OUT_OF_RANGE, 1, dirt.then(new_survey, dirt.set_column("nps_0_10", "11"))
            ),
            dirt.Dirt(
                dirt.UNKNOWN_CONTACT,
                2,
                dirt.then(new_survey, dirt.unknown_contact("contact_id", contact_ids)),
            ),
        ],
        rng,
        fresh_start=len(data.surveys),
    )
    surveys_path = export_path(data.profile, f"leeds_csat_{period}.csv")
    write_csv(folder / surveys_path, surveys, DIALECT)

    qa = qa_table(data)
    own_count = len(qa)
    new_eval = dirt.fresh_id("eval_id", lambda n: fmt.zero_padded(n + 1, 6, "QA-"))
    qa, qa_dirt = dirt.inject(
        qa,
        [
            dirt.Dirt(dirt.DUPLICATE, 1),
            dirt.Dirt(dirt.TOO_FEW_FIELDS, 1, new_eval, keep_fields=6),
            dirt.Dirt(
                dirt.BAD_DATE, 1, dirt.then(new_eval, dirt.set_column("eval_date", "2026-09-31"))
            ),
            dirt.Dirt(
                dirt.QA_OUT_OF_RANGE,
                1,
                dirt.then(new_eval, dirt.set_column("overall_score", "105.0")),
            ),
            dirt.Dirt(
                dirt.UNKNOWN_CONTACT,
                1,
                dirt.then(new_eval, dirt.unknown_contact("contact_id", contact_ids)),
            ),
        ],
        rng,
        fresh_start=len(data.qa),
    )
    qa_path = export_path(data.profile, f"leeds_qa_{period}.csv")
    write_csv(folder / qa_path, qa, DIALECT)

    return [
        WrittenFile(
            contacts_path,
            cid,
            ["contacts"],
            len(contacts),
            contact_dirt,
            {"contacts": len(data.contacts), "legs": int(data.contacts["legs"].sum())},
        ),
        WrittenFile(
            surveys_path,
            cid,
            ["surveys"],
            len(surveys),
            survey_dirt,
            {"surveys": len(data.surveys)},
        ),
        WrittenFile(qa_path, cid, ["qa"], len(qa), qa_dirt, {"qa_evaluations": own_count}),
    ]
