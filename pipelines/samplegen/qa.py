"""QA evaluations of one centre: its own QA team's sample and, on vendors, the
client's (Northwind's) sample.

Most of the client's sample re-scores contacts the vendor's team has already scored
(calibration pairs, as real client QA teams do), the rest are contacts only the client
scored. A contact has one true quality per section; each team's score is that quality
moved by the team's own level (``QaLevel.mean``: a generous team scores higher) plus its
evaluator's noise, so the two scores of a pair agree as closely as real double-scoring
does and a generous vendor shows as a calibration gap. A few contacts are scored twice by
the vendor's team (a re-score by a second evaluator). A critical (compliance) fail drops
the compliance section; both teams see the same contacts' failings, the stricter one more.
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
QUALITY_SD = 7.0  # spread of a contact's true section quality
EVALUATOR_SD = 4.0  # one evaluator's noise on one section
CALIBRATION_SHARE = 0.8  # of the client's sample, contacts the vendor also scored
RESCORE_SHARE = 0.01  # of the vendor's sample, scored a second time


def _evaluations(
    sample: pd.DataFrame,
    quality: dict[str, np.ndarray],
    failing: np.ndarray,
    level: QaLevel,
    org: str,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One team's evaluations of ``sample``; ``quality`` (per section) and ``failing``
    (a uniform draw: below the team's critical-fail rate is a fail) are the contacts'."""
    m = len(sample)
    peak = sample["peak"].to_numpy()
    mean = np.where(peak, level.peak_mean, level.mean)
    critical = failing < np.where(peak, level.peak_critical_fail, level.critical_fail)
    sections = {
        section: np.clip(
            np.rint(
                mean + SECTION_OFFSET[section] + quality[section] + rng.normal(0, EVALUATOR_SD, m)
            ),
            20,
            100,
        )
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
    n = len(answered)
    quality = {section: rng.normal(0, QUALITY_SD, n) for section in QA_SECTIONS}
    failing = rng.random(n)
    own_pick = rng.random(n) < profile.own_qa_share
    rescore = own_pick & (rng.random(n) < RESCORE_SHARE)
    paired = own_pick & (
        rng.random(n) < CALIBRATION_SHARE * profile.client_qa_share / profile.own_qa_share
    )
    client_only = ~own_pick & (
        rng.random(n)
        < (1 - CALIBRATION_SHARE) * profile.client_qa_share / (1 - profile.own_qa_share)
    )

    def team(pick: np.ndarray, level: QaLevel, org: str) -> pd.DataFrame:
        chosen = {section: values[pick] for section, values in quality.items()}
        return _evaluations(answered[pick], chosen, failing[pick], level, org, rng)

    parts = [team(own_pick, profile.own_qa, OWN), team(rescore, profile.own_qa, OWN)]
    if profile.client_qa is not None:
        parts.append(team(paired | client_only, profile.client_qa, CLIENT))
    evaluations = pd.concat(parts, ignore_index=True)
    evaluations = evaluations[evaluations["evaluated_at"] < window.end]
    evaluations = evaluations.sort_values(
        ["evaluated_at", "contact_no"], kind="stable", ignore_index=True
    )
    evaluations.insert(0, "eval_no", np.arange(len(evaluations), dtype=np.int64))
    return evaluations
