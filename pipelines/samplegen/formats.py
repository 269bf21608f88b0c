"""What each export format fixes before any file is written: the CSAT scale the
centre asks on, the resolution of its durations and the language of its comments."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormatSpec:
    csat_lo: int
    csat_hi: int
    duration_resolution: float  # seconds: 1 (whole seconds) or 0.1 (Lisbon)
    comment_language: str  # key into comments.COMMENTS
    survey_by_ivr: bool  # post-call IVR survey minutes after the call (Manila)


FORMAT_SPECS = {
    "leeds": FormatSpec(1, 5, 1.0, "en", survey_by_ivr=False),
    "glasgow": FormatSpec(1, 10, 1.0, "en", survey_by_ivr=False),
    "lisbon": FormatSpec(0, 10, 0.1, "lisbon", survey_by_ivr=False),
    "manila": FormatSpec(1, 5, 1.0, "en", survey_by_ivr=True),
}
