"""The four sample centres and the levels that make the story of docs/SAMPLE_DATA.md.

A profile holds only behaviour (volumes, mixes, handle times, satisfaction, QA levels);
how a centre writes its files is chosen by ``export_format`` (one writer per format).
Extra benchmark centres (``--centres N`` with N > 4) reuse the four profiles round-robin.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

REASONS = (
    "billing_query",
    "payment",
    "account_update",
    "technical_fault",
    "moving_home",
    "cancellation",
)
CHANNELS = ("voice", "chat", "email")
QA_SECTIONS = ("accuracy", "empathy", "brand", "compliance", "process")

# Probability that a response is "satisfied" (top quarter of the scale), by reason, for a
# centre with offset 0. Easy reasons (payment, account update, moving home) score high,
# hard ones (technical faults, cancellations) low.
REASON_SATISFACTION = {
    "billing_query": 0.76,
    "payment": 0.88,
    "account_update": 0.90,
    "technical_fault": 0.62,
    "moving_home": 0.86,
    "cancellation": 0.56,
}
# Handle-time factor by reason (hard reasons take longer) and by channel.
REASON_HANDLE_FACTOR = {
    "billing_query": 1.0,
    "payment": 0.7,
    "account_update": 0.75,
    "technical_fault": 1.4,
    "moving_home": 0.9,
    "cancellation": 1.25,
}
CHANNEL_HANDLE_FACTOR = {"voice": 1.0, "chat": 1.2, "email": 0.8}


@dataclass(frozen=True)
class QaLevel:
    """Mean section score, its spread and the critical-fail rate of one QA team."""

    mean: float
    peak_mean: float
    critical_fail: float
    peak_critical_fail: float


@dataclass(frozen=True)
class CentreProfile:
    centre_id: str
    export_format: str  # 'leeds' | 'glasgow' | 'lisbon' | 'manila'
    timezone: str
    weekly_contacts: float  # first contacts per week outside the peak, at scale 1
    peak_multiplier: float  # volume factor in the peak weeks
    channel_mix: dict[str, float]
    reason_mix: dict[str, float]
    aht_s: float  # target mean of talk + hold + wrap over answered contacts
    wrap_mean_s: float
    hold_share: float  # share of answered contacts with some hold time
    answered_fast_share: float  # share of answered real-time contacts waiting <= 20 s
    peak_answered_fast_share: float
    short_abandon_share: float  # of real-time contacts
    long_abandon_share: float
    peak_long_abandon_share: float
    transfer_share: float  # of answered contacts
    complaint_share: float  # of answered contacts
    satisfaction_offset: float  # added to REASON_SATISFACTION
    peak_satisfaction_offset: float
    delight_share: float  # P(top of the scale | satisfied)
    resolved_if_satisfied: float
    resolved_if_not: float
    survey_response_share: float  # of answered contacts
    repeat_share: float  # of answered first contacts followed within 7 days
    late_repeat_share: float  # followed 8-10 days later (outside the window)
    exact_week_repeat_share: float  # followed exactly 7 days later (inside the window)
    spill_share: float  # share of the repeats that go to the partner in-house centre
    own_qa_share: float  # of answered contacts
    client_qa_share: float  # Northwind's sample; 0 for in-house centres
    own_qa: QaLevel
    client_qa: QaLevel | None
    agents: int
    # P(survey answered | the customer comes back within a week) / P(answered otherwise)
    followed_response_factor: float = 1.0

    @property
    def is_vendor(self) -> bool:
        return self.client_qa is not None


_STANDARD_CHANNELS = {"voice": 0.70, "chat": 0.20, "email": 0.10}

LEEDS = CentreProfile(
    centre_id="leeds",
    export_format="leeds",
    timezone="Europe/London",
    weekly_contacts=430,
    peak_multiplier=1.25,
    channel_mix=_STANDARD_CHANNELS,
    reason_mix={
        "billing_query": 0.25,
        "payment": 0.18,
        "account_update": 0.15,
        "technical_fault": 0.20,
        "moving_home": 0.12,
        "cancellation": 0.10,
    },
    aht_s=480,
    wrap_mean_s=55,
    hold_share=0.35,
    answered_fast_share=0.835,
    peak_answered_fast_share=0.80,
    short_abandon_share=0.03,
    long_abandon_share=0.04,
    peak_long_abandon_share=0.05,
    transfer_share=0.10,
    complaint_share=0.02,
    satisfaction_offset=0.05,
    peak_satisfaction_offset=0.04,
    delight_share=0.55,
    resolved_if_satisfied=0.90,
    resolved_if_not=0.40,
    survey_response_share=0.16,
    repeat_share=0.185,
    late_repeat_share=0.04,
    exact_week_repeat_share=0.004,
    spill_share=0.0,
    own_qa_share=0.09,
    client_qa_share=0.0,
    own_qa=QaLevel(mean=86, peak_mean=85, critical_fail=0.02, peak_critical_fail=0.02),
    client_qa=None,
    agents=60,
)

GLASGOW = CentreProfile(
    centre_id="glasgow",
    export_format="glasgow",
    timezone="Europe/London",
    weekly_contacts=380,
    peak_multiplier=2.7,
    channel_mix=_STANDARD_CHANNELS,
    reason_mix={
        "billing_query": 0.22,
        "payment": 0.07,
        "account_update": 0.06,
        "technical_fault": 0.35,
        "moving_home": 0.06,
        "cancellation": 0.24,
    },
    aht_s=450,
    wrap_mean_s=50,
    hold_share=0.35,
    answered_fast_share=0.815,
    peak_answered_fast_share=0.66,
    short_abandon_share=0.03,
    long_abandon_share=0.04,
    peak_long_abandon_share=0.09,
    transfer_share=0.09,
    complaint_share=0.025,
    satisfaction_offset=0.08,
    peak_satisfaction_offset=-0.06,
    delight_share=0.50,
    resolved_if_satisfied=0.88,
    resolved_if_not=0.38,
    survey_response_share=0.16,
    repeat_share=0.19,
    late_repeat_share=0.04,
    exact_week_repeat_share=0.004,
    spill_share=0.0,
    own_qa_share=0.085,
    client_qa_share=0.03,
    own_qa=QaLevel(mean=85, peak_mean=77, critical_fail=0.03, peak_critical_fail=0.07),
    client_qa=QaLevel(mean=83, peak_mean=75, critical_fail=0.04, peak_critical_fail=0.08),
    agents=70,
)

LISBON = CentreProfile(
    centre_id="lisbon",
    export_format="lisbon",
    timezone="Europe/Lisbon",
    weekly_contacts=380,
    peak_multiplier=1.22,
    channel_mix={"voice": 0.60, "chat": 0.28, "email": 0.12},
    reason_mix={
        "billing_query": 0.14,
        "payment": 0.25,
        "account_update": 0.30,
        "technical_fault": 0.05,
        "moving_home": 0.21,
        "cancellation": 0.05,
    },
    aht_s=420,
    wrap_mean_s=45,
    hold_share=0.30,
    answered_fast_share=0.855,
    peak_answered_fast_share=0.83,
    short_abandon_share=0.03,
    long_abandon_share=0.04,
    peak_long_abandon_share=0.05,
    transfer_share=0.08,
    complaint_share=0.03,
    satisfaction_offset=-0.02,
    peak_satisfaction_offset=-0.03,
    delight_share=0.45,
    resolved_if_satisfied=0.87,
    resolved_if_not=0.36,
    survey_response_share=0.16,
    repeat_share=0.18,
    late_repeat_share=0.04,
    exact_week_repeat_share=0.004,
    spill_share=0.0,
    own_qa_share=0.09,
    client_qa_share=0.035,
    own_qa=QaLevel(mean=84, peak_mean=83, critical_fail=0.03, peak_critical_fail=0.03),
    client_qa=QaLevel(mean=81, peak_mean=80, critical_fail=0.04, peak_critical_fail=0.04),
    agents=45,
    # unhappy customers who call back rarely answer Atlântico's survey: CSAT flatters it
    followed_response_factor=0.35,
)

MANILA = CentreProfile(
    centre_id="manila",
    export_format="manila",
    timezone="Asia/Manila",
    weekly_contacts=420,
    peak_multiplier=1.3,
    channel_mix={"voice": 0.75, "chat": 0.17, "email": 0.08},
    reason_mix=LEEDS.reason_mix,
    aht_s=330,
    wrap_mean_s=25,
    hold_share=0.25,
    answered_fast_share=0.94,
    peak_answered_fast_share=0.92,
    short_abandon_share=0.03,
    long_abandon_share=0.03,
    peak_long_abandon_share=0.035,
    transfer_share=0.05,
    complaint_share=0.07,
    satisfaction_offset=-0.15,
    peak_satisfaction_offset=-0.17,
    delight_share=0.30,
    resolved_if_satisfied=0.75,
    resolved_if_not=0.25,
    survey_response_share=0.18,
    repeat_share=0.39,
    late_repeat_share=0.04,
    exact_week_repeat_share=0.004,
    spill_share=0.30,
    own_qa_share=0.07,
    client_qa_share=0.03,
    own_qa=QaLevel(mean=91, peak_mean=91, critical_fail=0.01, peak_critical_fail=0.01),
    client_qa=QaLevel(mean=76, peak_mean=75, critical_fail=0.07, peak_critical_fail=0.08),
    agents=80,
)

BASE_PROFILES = (LEEDS, GLASGOW, LISBON, MANILA)
MAX_CENTRES = 48  # customer numbering reserves 10 M customers per centre (identities.py)


def centre_profiles(count: int) -> list[CentreProfile]:
    """The four sample centres, then copies of them round-robin (``glasgow_2`` ...)."""
    if not 1 <= count <= MAX_CENTRES:
        raise ValueError(f"--centres must be between 1 and {MAX_CENTRES}, got {count}")
    profiles = []
    for number in range(count):
        base = BASE_PROFILES[number % len(BASE_PROFILES)]
        round_number = number // len(BASE_PROFILES) + 1
        centre_id = base.centre_id if round_number == 1 else f"{base.centre_id}_{round_number}"
        profiles.append(replace(base, centre_id=centre_id))
    return profiles


def spill_partner(profiles: list[CentreProfile], source: CentreProfile) -> CentreProfile | None:
    """The in-house centre that catches a vendor's repeat callers: the Leeds-format
    centre of the same round (``manila_2`` spills to ``leeds_2``), if it exists."""
    suffix = source.centre_id[len(source.export_format) :]
    for profile in profiles:
        if profile.export_format == "leeds" and profile.centre_id == "leeds" + suffix:
            return profile
    return None
