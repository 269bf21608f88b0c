"""Claremont Glasgow (onshore vendor): an Excel interactions report with two title rows,
UK dates, H:MM:SS durations and its own reason words; CSAT on 1-10 in a UTF-8 CSV with
BOM; QA from both Claremont's and Northwind's teams."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.samplegen import dirt
from pipelines.samplegen import textformat as fmt
from pipelines.samplegen.centre_data import CentreData, WrittenFile, export_path
from pipelines.samplegen.identities import phone_spelling
from pipelines.samplegen.profiles import QA_SECTIONS
from pipelines.samplegen.qa import CLIENT
from pipelines.samplegen.sinks import CsvDialect, write_csv, write_xlsx

CSV_DIALECT = CsvDialect(delimiter=",", encoding="utf-8", bom=True, line_end="\r\n")
PERIOD = "2026-05-25_to_2026-11-22"
CHANNEL_WORDS = np.array(["Phone", "Webchat", "Email"])
REASON_WORDS = np.array(["Bill query", "Payment", "Change of details", "Fault", "Home move",
                         "Leaving"])
SKILL_WORDS = np.array(["NWE Billing", "NWE Billing", "NWE Account Care", "NWE Tech Support",
                        "NWE Account Care", "NWE Retention"])
OWN_EVALUATORS = np.array(["K. Fraser", "M. Reid", "A. Buchanan", "S. Boyle", "J. McLeod",
                           "L. Grant"])
CLIENT_EVALUATORS = np.array(["N. Patel", "R. Shah", "E. Hughes", "D. Morgan", "C. Lloyd",
                              "H. Price"])
TITLE_ROWS = [
    "Claremont Contact - Interactions report - Client: Northwind Energy",
    "Period: 25/05/2026 to 22/11/2026    Generated: 23/11/2026 06:00",
]


def interaction_ids(numbers: np.ndarray) -> pd.Series:
    return fmt.zero_padded(np.asarray(numbers) + 4_000_000, 7, "INT")


def advisors(numbers: np.ndarray) -> pd.Series:
    return fmt.zero_padded(np.asarray(numbers) + 201, 4, "CLM")


def interactions_table(data: CentreData, rng: np.random.Generator) -> pd.DataFrame:
    c = data.contacts
    tz = data.profile.timezone
    answered = c["answered"].to_numpy()
    channel = c["channel"].to_numpy()
    reason = c["reason"].to_numpy()
    skill = pd.Series(SKILL_WORDS[reason]).where(channel != 2, "NWE Email")
    return pd.DataFrame({
        "Interaction ID": interaction_ids(c["contact_no"]),
        "Channel": pd.Series(CHANNEL_WORDS[channel], dtype="str"),
        "Skill": skill.astype("str"),
        "Contact Reason": pd.Series(REASON_WORDS[reason], dtype="str"),
        "Advisor": fmt.blank_where(advisors(np.maximum(c["agent"], 0)), ~answered),
        "Customer Tel": phone_spelling(c["customer"].to_numpy(), rng.integers(0, 3, len(c))),
        "Start Date": fmt.local_time(c["started_at"], tz, "%d/%m/%Y"),
        "Start Time": fmt.local_time(c["started_at"], tz, "%H:%M:%S"),
        "Queue Time": fmt.clock_duration(c["wait_s"]),
        "Talk Time": fmt.clock_duration(c["talk_s"]),
        "Hold Time": fmt.clock_duration(c["hold_s"]),
        "Wrap Time": fmt.clock_duration(c["wrap_s"]),
        "Answered?": fmt.flag(answered, "Yes", "No"),
        "Abandoned?": fmt.flag(c["abandoned"], "Yes", "No"),
        "Transferred?": fmt.flag(c["transferred"], "Yes", "No"),
        "Complaint?": fmt.flag(c["complaint"], "Yes", "No"),
    })


def csat_table(data: CentreData) -> pd.DataFrame:
    s = data.surveys
    return pd.DataFrame({
        "Survey Ref": fmt.zero_padded(s["survey_no"] + 1, 6, "SR"),
        "Interaction ID": interaction_ids(s["contact_no"]),
        "Completed": fmt.local_time(s["responded_at"], data.profile.timezone, "%d/%m/%Y %H:%M"),
        "Satisfaction": fmt.whole(s["csat_raw"]),
        "Likelihood to recommend": fmt.whole(s["nps"]),
        "Resolved?": fmt.flag(s["resolved"], "yes", "no"),
        "Comments": s["comment"].astype("str").reset_index(drop=True),
    })


def qa_table(data: CentreData) -> pd.DataFrame:
    q = data.qa
    client = (q["org"] == CLIENT).to_numpy()
    evaluator = np.where(client, CLIENT_EVALUATORS[q["evaluator"]],
                         OWN_EVALUATORS[q["evaluator"]])
    return pd.DataFrame({
        "Evaluation": fmt.zero_padded(q["eval_no"] + 1, 6, "EV"),
        "Interaction ID": interaction_ids(q["contact_no"]),
        "Advisor": advisors(q["agent"]),
        "Scored By": fmt.flag(client, "Northwind QA", "Claremont QA"),
        "Evaluator": pd.Series(evaluator, dtype="str"),
        "Date": fmt.local_time(q["evaluated_at"], data.profile.timezone, "%d/%m/%Y"),
        "Total %": fmt.one_decimal(q["score"]),
        "Critical Fail": fmt.flag(q["critical_fail"], "Yes", "No"),
        **{section.title(): fmt.whole(q[section]) for section in QA_SECTIONS},
    })


def write(data: CentreData, folder: Path, rng: np.random.Generator) -> list[WrittenFile]:
    cid = data.profile.centre_id
    interactions = interactions_table(data, rng)
    answered = (interactions["Answered?"] == "Yes").to_numpy()
    new_interaction = dirt.fresh_id("Interaction ID", interaction_ids)
    interactions, interaction_dirt = dirt.inject(interactions, [
        dirt.Dirt(dirt.DUPLICATE, 3),
        dirt.Dirt(dirt.TOO_FEW_FIELDS, 2, new_interaction, answered, keep_fields=8),
        dirt.Dirt(dirt.BAD_DATE, 2, dirt.then(new_interaction, dirt.set_column(
            "Start Date", "31/06/2026")), answered),
        dirt.Dirt(dirt.BAD_DURATION, 2, dirt.then(new_interaction, dirt.set_column(
            "Talk Time", "0:O5:12")), answered),
        dirt.Dirt(dirt.NEGATIVE_DURATION, 2, dirt.then(new_interaction, dirt.set_column(
            "Hold Time", "-0:00:35")), answered),
    ], rng, fresh_start=len(data.contacts))
    interactions_path = export_path(data.profile, f"Claremont_Interactions_{PERIOD}.xlsx")
    sheets = write_xlsx(folder / interactions_path, interactions, "Interactions", TITLE_ROWS)

    csat = csat_table(data)
    new_survey = dirt.fresh_id("Survey Ref", lambda n: fmt.zero_padded(n + 1, 6, "SR"))
    csat, csat_dirt = dirt.inject(csat, [
        dirt.Dirt(dirt.DUPLICATE, 1),
        dirt.Dirt(dirt.TOO_FEW_FIELDS, 1, new_survey, keep_fields=4),
        dirt.Dirt(dirt.BAD_DATE, 1, dirt.then(new_survey, dirt.set_column(
            "Completed", "32/07/2026 14:05"))),
        dirt.Dirt(dirt.CSAT_OUT_OF_RANGE, 1, dirt.then(new_survey, dirt.set_column(
            "Satisfaction", "11"))),
        dirt.Dirt(dirt.NPS_OUT_OF_RANGE, 1, dirt.then(new_survey, dirt.set_column(
            "Likelihood to recommend", "11"))),
        dirt.Dirt(dirt.UNKNOWN_CONTACT, 2, dirt.then(
            new_survey, dirt.unknown_contact("Interaction ID", interaction_ids))),
    ], rng, fresh_start=len(data.surveys))
    csat_path = export_path(data.profile, f"Claremont_CSAT_{PERIOD}.csv")
    write_csv(folder / csat_path, csat, CSV_DIALECT)

    qa = qa_table(data)
    new_eval = dirt.fresh_id("Evaluation", lambda n: fmt.zero_padded(n + 1, 6, "EV"))
    qa_clean = {"qa_evaluations": len(data.qa),
                "own": int((data.qa["org"] != CLIENT).sum()),
                "client": int((data.qa["org"] == CLIENT).sum())}
    qa, qa_dirt = dirt.inject(qa, [
        dirt.Dirt(dirt.DUPLICATE, 1),
        dirt.Dirt(dirt.TOO_FEW_FIELDS, 1, new_eval, keep_fields=7),
        dirt.Dirt(dirt.BAD_DATE, 1, dirt.then(new_eval, dirt.set_column("Date", "2026-08-14"))),
        dirt.Dirt(dirt.QA_OUT_OF_RANGE, 1, dirt.then(new_eval, dirt.set_column(
            "Total %", "105.0"))),
        dirt.Dirt(dirt.UNKNOWN_CONTACT, 1, dirt.then(
            new_eval, dirt.unknown_contact("Interaction ID", interaction_ids))),
    ], rng, fresh_start=len(data.qa))
    qa_path = export_path(data.profile, f"Claremont_QA_{PERIOD}.csv")
    write_csv(folder / qa_path, qa, CsvDialect(delimiter=",", encoding="utf-8", line_end="\r\n"))

    return [
        WrittenFile(interactions_path, cid, ["contacts"], len(interactions), interaction_dirt,
                    {"contacts": len(data.contacts)}, sheets=sheets),
        WrittenFile(csat_path, cid, ["surveys"], len(csat), csat_dirt,
                    {"surveys": len(data.surveys)}),
        WrittenFile(qa_path, cid, ["qa"], len(qa), qa_dirt, qa_clean),
    ]
