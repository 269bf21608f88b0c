"""QA evaluations of one centre: its own QA team's sample and, on vendors, the
client's (Northwind's) sample of the same contacts population.

Section scores scatter around the team's level for the period; the overall score is
their mean; a critical (compliance) fail drops the compliance section.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.samplegen import calendar
from pipelines.samplegen.profiles import QA_SECTIONS, CentreProfile, QaLevel

SECTION_OFFSET = {
    "accuracy": 0.0,
    "empathy": -2.0,
    "brand": -1.0,
    "compliance": 3.0,
    "process": 0.0,
}
OWN, CLIENT = "own", "client"
EVALUATORS_PER_TEAM = 6


def _evaluations(
    sample: pd.DataFrame, level: QaLevel, org: str, rng: np.random.Generator
) -> pd.DataFrame:
    m = len(sample)
    peak = sample["peak"].to_numpy()
    mean = np.where(peak, level.peak_mean, level.mean)
    critical = rng.random(m) < np.where(peak, level.peak_critical_fail, level.critical_fail)
    sections = {
        section: np.clip(np.rint(rng.normal(mean + SECTION_OFFSET[section], 8.0, m)), 20, 100)
        for section in QA_SECTIONS
    }
    sections["compliance"] = np.where(critical, rng.integers(0, 40, m), sections["compliance"])
    overall = np.round(np.mean(np.vstack(list(sections.values())), axis=0), 1)
    # Evaluated from two hours to four days after the contact.
    evaluated_at = sample["started_at"].to_numpy() + rng.integers(2 * 3600, 4 * calendar.DAY_S, m)
    return pd.DataFrame(
        {
            "contact_no": sample["contact_no"].to_numpy(),
            "agent": sample["agent"].to_numpy(),
            "org": org,
            "evaluator": rng.integers(0, EVALUATORS_PER_TEAM, m),
            "evaluated_at": evaluated_at,
            "score": overall,
            "critical_fail": critical,
            **{section: values.astype(np.int64) for section, values in sections.items()},
        }
    )


def centre_qa(
    contacts: pd.DataFrame,
    profile: CentreProfile,
    window: calendar.Window,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Evaluations of answered contacts made before the window's end, in evaluation-time
    order (``eval_no`` 0..n-1)."""
    answered = contacts[contacts["answered"]]
    own_pick = rng.random(len(answered)) < profile.own_qa_share
    client_pick = rng.random(len(answered)) < profile.client_qa_share
    parts = [_evaluations(answered[own_pick], profile.own_qa, OWN, rng)]
    if profile.client_qa is not None:
        parts.append(_evaluations(answered[client_pick], profile.client_qa, CLIENT, rng))
    evaluations = pd.concat(parts, ignore_index=True)
    evaluations = evaluations[evaluations["evaluated_at"] < window.end]
    evaluations = evaluations.sort_values(
        ["evaluated_at", "contact_no"], kind="stable", ignore_index=True
    )
    evaluations.insert(0, "eval_no", np.arange(len(evaluations), dtype=np.int64))
    return evaluations
