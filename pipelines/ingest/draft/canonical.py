"""Groups of canonical fields the draft treats alike."""

from __future__ import annotations

FLAG_FIELDS = ("answered", "abandoned", "transferred", "complaint", "resolved",
               "critical_fail")
DURATION_FIELDS = ("wait_s", "talk_s", "hold_s", "wrap_s")
ID_FIELDS = ("contact_id", "survey_id", "evaluation_id")
