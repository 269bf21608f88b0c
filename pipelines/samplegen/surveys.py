"""Post-contact survey answers of one centre, on its own CSAT scale.

Satisfaction (top quarter of the scale, METRICS.md ``csat_pct``) depends on the contact
reason, the centre, the peak, repeat contacts, complaints and whether the customer comes
back within a week (unresolved); NPS, "resolved" and the comment follow the CSAT answer.
Whether a customer answers at all can depend on that too
(``CentreProfile.followed_response_factor``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.samplegen import calendar
from pipelines.samplegen.comments import pick_comments, sentiment_of
from pipelines.samplegen.formats import FormatSpec
from pipelines.samplegen.profiles import CHANNELS, REASON_SATISFACTION, REASONS, CentreProfile

COMMENT_SHARE = 0.45
# A customer whose issue was not resolved (they come back within a week) is less often
# satisfied; at some centres they also answer the survey less often, which flatters CSAT.
UNRESOLVED_PENALTY = 0.15


def satisfied_threshold(spec: FormatSpec) -> float:
    return spec.csat_lo + 0.75 * (spec.csat_hi - spec.csat_lo)


def raw_csat(
    satisfied: np.ndarray, delighted: np.ndarray, spec: FormatSpec, rng: np.random.Generator
) -> np.ndarray:
    """An answer on the scale [lo, hi]: the top value when delighted, another top-quarter
    value when satisfied, else a lower value (middle values likelier than the bottom)."""
    values = np.arange(spec.csat_lo, spec.csat_hi + 1)
    threshold = satisfied_threshold(spec)
    top_quarter = values[(values >= threshold) & (values < spec.csat_hi)]
    below = values[values < threshold]
    below_weight = np.linspace(1.0, 3.0, len(below))
    n = len(satisfied)
    return np.select(
        [delighted, satisfied],
        [spec.csat_hi, rng.choice(top_quarter, n)],
        rng.choice(below, n, p=below_weight / below_weight.sum()),
    ).astype(np.int64)


def _followed_within_a_week(contacts: pd.DataFrame) -> np.ndarray:
    """Per contact: the same customer contacts this centre again within 7 days (the
    issue was not resolved), in the contacts' own order."""
    order = np.lexsort((contacts["started_at"].to_numpy(), contacts["customer"].to_numpy()))
    customer = contacts["customer"].to_numpy()[order]
    started = contacts["started_at"].to_numpy()[order]
    followed_sorted = np.zeros(len(order), dtype=bool)
    followed_sorted[:-1] = (customer[1:] == customer[:-1]) & (
        started[1:] - started[:-1] <= calendar.WEEK_S
    )
    followed = np.empty(len(order), dtype=bool)
    followed[order] = followed_sorted
    return followed


def centre_surveys(
    contacts: pd.DataFrame,
    profile: CentreProfile,
    spec: FormatSpec,
    window: calendar.Window,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Survey responses before the window's end in response-time order
    (``survey_no`` 0..n-1)."""
    n = len(contacts)
    channel = contacts["channel"].to_numpy()
    followed = _followed_within_a_week(contacts)
    response_share = (
        profile.survey_response_share
        * np.where(channel == CHANNELS.index("email"), 0.7, 1.0)
        * np.where(followed, profile.followed_response_factor, 1.0)
    )
    responds = contacts["answered"].to_numpy() & (rng.random(n) < response_share)
    sample = contacts[responds]
    m = len(sample)
    peak = sample["peak"].to_numpy()

    base = np.array([REASON_SATISFACTION[r] for r in REASONS])[sample["reason"].to_numpy()]
    offset = np.where(peak, profile.peak_satisfaction_offset, profile.satisfaction_offset)
    p_satisfied = np.clip(
        base
        + offset
        - 0.05 * sample["repeat_of_earlier"].to_numpy()
        # centred, so the centre's CSAT level stays what its profile says
        - UNRESOLVED_PENALTY * (followed[responds] - followed[contacts["answered"]].mean())
        - 0.25 * sample["complaint"].to_numpy(),
        0.02,
        0.98,
    )
    satisfied = rng.random(m) < p_satisfied
    delighted = satisfied & (rng.random(m) < profile.delight_share)
    csat_raw = raw_csat(satisfied, delighted, spec, rng)
    normalised = 1 + 4 * (csat_raw - spec.csat_lo) / (spec.csat_hi - spec.csat_lo)
    nps = np.clip(np.rint(rng.normal(2.3 * normalised - 1.4, 1.2, m)), 0, 10).astype(np.int64)
    resolved = rng.random(m) < np.where(
        satisfied, profile.resolved_if_satisfied, profile.resolved_if_not
    )

    handled_until = (
        sample["started_at"] + sample["wait_s"] + sample["talk_s"] + sample["hold_s"]
    ).to_numpy()
    delay = (
        rng.uniform(60, 240, m)
        if spec.survey_by_ivr
        else 600 + np.minimum(rng.exponential(4 * 3600, m), 3 * 86_400)
    )
    # Survey times are written to the minute: floor, then never before the contact.
    responded_at = (np.ceil(handled_until + delay).astype(np.int64) // 60) * 60
    comment = pick_comments(sentiment_of(normalised, satisfied), spec.comment_language, rng)
    comment = comment.where(rng.random(m) < COMMENT_SHARE, "")
    surveys = pd.DataFrame(
        {
            "contact_no": sample["contact_no"].to_numpy(),
            "responded_at": responded_at,
            "csat_raw": csat_raw,
            "nps": nps,
            "resolved": resolved,
            "comment": comment.to_numpy(),
        }
    )
    surveys = surveys[surveys["responded_at"] < window.end]
    surveys = surveys.sort_values(["responded_at", "contact_no"], kind="stable", ignore_index=True)
    surveys.insert(0, "survey_no", np.arange(len(surveys), dtype=np.int64))
    return surveys
