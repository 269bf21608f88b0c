"""Claremont Glasgow (onshore vendor): an Excel interactions report with two title rows,
UK dates, H:MM:SS durations and its own reason words; CSAT on 1-10 in a UTF-8 CSV with
BOM; QA from both Claremont's and Northwind's teams."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.samplegen import dirt
from pipelines.samplegen import textformat as fmt
from pipelines.samplegen.calendar import Window
from pipelines.samplegen.centre_data import CentreData, WrittenFile, export_path
from pipelines.samplegen.file_split import periods_that_fit, row_days
from pipelines.samplegen.identities import phone_spelling
from pipelines.samplegen.profiles import QA_SECTIONS
from pipelines.samplegen.qa import CLIENT
from pipelines.samplegen.sinks import EXCEL_MAX_ROWS, CsvDialect, write_csv, write_xlsx

CSV_DIALECT = CsvDialect(delimiter=",", encoding="utf-8", bom=True, line_end="\r\n")
CHANNEL_WORDS = np.array(["Phone", "Webchat", "Email"])
REASON_WORDS = np.array(
    ["Bill query", "Payment", "Change of details", "Fault", "Home move", "Leaving"]
)
SKILL_WORDS = np.array(
    [
        "NWE Billing",
        "NWE Billing",
        "NWE Account Care",
        "NWE Tech Support",
        "NWE Account Care",
        "NWE Retention",
    ]
)
OWN_EVALUATORS = np.array(
    ["K. Fraser", "M. Reid", "A. Buchanan", "S. Boyle", "J. McLeod", "L. Grant"]
)
CLIENT_EVALUATORS = np.array(
    ["N. Patel", "R. Shah", "E. Hughes", "D. Morgan", "C. Lloyd", "H. Price"]
)
REPORT_TITLE = "Claremont Contact - Interactions report - Client: Northwind Energy"
GENERATED = "23/11/2026 06:00"  # the Monday morning after the window
SHEET = "Interactions"
# Data rows per workbook (below two title rows and the header); beyond it the report
# comes as one workbook per month, or per ISO week.
SHEET_ROWS = EXCEL_MAX_ROWS - 3


def period_name(first_day: dt.date, last_day: dt.date) -> str:
    """``2026-05-25_to_2026-11-22``: the days a file covers, in its name."""
    return f"{first_day:%Y-%m-%d}_to_{last_day:%Y-%m-%d}"


def title_rows(first_day: dt.date, last_day: dt.date) -> list[str]:
    return [
        REPORT_TITLE,
        f"Period: {first_day:%d/%m/%Y} to {last_day:%d/%m/%Y}    Generated: {GENERATED}",
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
    return pd.DataFrame(
        {
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
        }
    )


def csat_table(data: CentreData) -> pd.DataFrame:
    s = data.surveys
    return pd.DataFrame(
        {
            "Survey Ref": fmt.zero_padded(s["survey_no"] + 1, 6, "SR"),
            "Interaction ID": interaction_ids(s["contact_no"]),
            "Completed": fmt.local_time(s["responded_at"], data.profile.timezone, "%d/%m/%Y %H:%M"),
            "Satisfaction": fmt.whole(s["csat_raw"]),
            "Likelihood to recommend": fmt.whole(s["nps"]),
            "Resolved?": fmt.flag(s["resolved"], "yes", "no"),
            "Comments": s["comment"].astype("str").reset_index(drop=True),
        }
    )


def qa_table(data: CentreData) -> pd.DataFrame:
    q = data.qa
    client = (q["org"] == CLIENT).to_numpy()
    evaluator = np.where(client, CLIENT_EVALUATORS[q["evaluator"]], OWN_EVALUATORS[q["evaluator"]])
    return pd.DataFrame(
        {
            "Evaluation": fmt.zero_padded(q["eval_no"] + 1, 6, "EV"),
            "Interaction ID": interaction_ids(q["contact_no"]),
            "Advisor": advisors(q["agent"]),
            "Scored By": fmt.flag(client, "Northwind QA", "Claremont QA"),
            "Evaluator": pd.Series(evaluator, dtype="str"),
            "Date": fmt.local_time(q["evaluated_at"], data.profile.timezone, "%d/%m/%Y"),
            "Total %": fmt.one_decimal(q["score"]),
            "Critical Fail": fmt.flag(q["critical_fail"], "Yes", "No"),
            **{section.title(): fmt.whole(q[section]) for section in QA_SECTIONS},
        }
    )


def write(data: CentreData, folder: Path, rng: np.random.Generator) -> list[WrittenFile]:
    cid = data.profile.centre_id
    interactions = interactions_table(data, rng)
    answered = (interactions["Answered?"] == "Yes").to_numpy()
    new_interaction = dirt.fresh_id("Interaction ID", interaction_ids)
    interactions, _, interaction_dirt = dirt.inject_marked(
        interactions,
        [
            dirt.Dirt(dirt.DUPLICATE, 3),
            dirt.Dirt(dirt.TOO_FEW_FIELDS, 2, new_interaction, answered, keep_fields=8),
            dirt.Dirt(
                dirt.BAD_DATE,
                2,
                dirt.then(new_interaction, dirt.set_column("Start Date", "31/06/2026")),
                answered,
            ),
            dirt.Dirt(
                dirt.BAD_DURATION,
                2,
                dirt.then(new_interaction, dirt.set_column("Talk Time", "0:O5:12")),
                answered,
            ),
            dirt.Dirt(
                dirt.NEGATIVE_DURATION,
                2,
                dirt.then(new_interaction, dirt.set_column("Hold Time", "-0:00:35")),
                answered,
            ),
        ],
        rng,
        fresh_start=len(data.contacts),
    )
    workbooks = write_interactions(data, folder, interactions, interaction_dirt)
    period = period_name(data.window.first_day, data.window.last_day)

    csat = csat_table(data)
    new_survey = dirt.fresh_id("Survey Ref", lambda n: fmt.zero_padded(n + 1, 6, "SR"))
    csat, csat_dirt = dirt.inject(
        csat,
        [
            dirt.Dirt(dirt.DUPLICATE, 1),
            dirt.Dirt(dirt.TOO_FEW_FIELDS, 1, new_survey, keep_fields=4),
            dirt.Dirt(
                dirt.BAD_DATE,
                1,
                dirt.then(new_survey, dirt.set_column("Completed", "32/07/2026 14:05")),
            ),
            dirt.Dirt(
                dirt.CSAT_OUT_OF_RANGE,
                1,
                dirt.then(new_survey, dirt.set_column("Satisfaction", "11")),
            ),
            dirt.Dirt(
                dirt.NPS_OUT_OF_RANGE,
                1,
                dirt.then(new_survey, dirt.set_column("Likelihood to recommend", "11")),
            ),
            dirt.Dirt(
                dirt.UNKNOWN_CONTACT,
                2,
                dirt.then(new_survey, dirt.unknown_contact("Interaction ID", interaction_ids)),
            ),
        ],
        rng,
        fresh_start=len(data.surveys),
    )
    csat_path = export_path(data.profile, f"Claremont_CSAT_{period}.csv")
    write_csv(folder / csat_path, csat, CSV_DIALECT)

    qa = qa_table(data)
    new_eval = dirt.fresh_id("Evaluation", lambda n: fmt.zero_padded(n + 1, 6, "EV"))
    qa_clean = {
        "qa_evaluations": len(data.qa),
        "own": int((data.qa["org"] != CLIENT).sum()),
        "client": int((data.qa["org"] == CLIENT).sum()),
    }
    qa, qa_dirt = dirt.inject(
        qa,
        [
            dirt.Dirt(dirt.DUPLICATE, 1),
            dirt.Dirt(dirt.TOO_FEW_FIELDS, 1, new_eval, keep_fields=7),
            dirt.Dirt(dirt.BAD_DATE, 1, dirt.then(new_eval, dirt.set_column("Date", "2026-08-14"))),
            dirt.Dirt(
                dirt.QA_OUT_OF_RANGE, 1, dirt.then(new_eval, dirt.set_column("Total %", "105.0"))
            ),
            dirt.Dirt(
                dirt.UNKNOWN_CONTACT,
                1,
                dirt.then(new_eval, dirt.unknown_contact("Interaction ID", interaction_ids)),
            ),
        ],
        rng,
        fresh_start=len(data.qa),
    )
    qa_path = export_path(data.profile, f"Claremont_QA_{period}.csv")
    write_csv(folder / qa_path, qa, CsvDialect(delimiter=",", encoding="utf-8", line_end="\r\n"))

    return [
        *workbooks,
        WrittenFile(
            csat_path, cid, ["surveys"], len(csat), csat_dirt, {"surveys": len(data.surveys)}
        ),
        WrittenFile(qa_path, cid, ["qa"], len(qa), qa_dirt, qa_clean),
    ]


def write_interactions(
    data: CentreData, folder: Path, interactions: pd.DataFrame, dirt_kind: np.ndarray
) -> list[WrittenFile]:
    """One workbook for the window, or one per month (week) when it would not fit on a
    sheet. Every clean row is one contact, so a file's contacts = rows - dirt rows."""
    window: Window = data.window
    days = row_days(interactions["Start Date"], "%d/%m/%Y")
    written = []
    for period in periods_that_fit(days, window, SHEET_ROWS):
        path = export_path(
            data.profile,
            f"Claremont_Interactions_{period_name(period.first_day, period.last_day)}.xlsx",
        )
        write_xlsx(
            folder / path,
            interactions.iloc[period.rows],
            SHEET,
            title_rows(period.first_day, period.last_day),
        )
        kinds, counts = np.unique(dirt_kind[period.rows], return_counts=True)
        file_dirt = {str(k): int(n) for k, n in zip(kinds, counts, strict=True) if k}
        written.append(
            WrittenFile(
                path,
                data.profile.centre_id,
                ["contacts"],
                len(period.rows),
                file_dirt,
                {"contacts": len(period.rows) - sum(file_dirt.values())},
                sheets=1,
            )
        )
    return written
