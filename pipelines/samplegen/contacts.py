"""Canonical contacts of one centre: arrivals, repeat contacts and outcomes, vectorised.

A centre's contacts are its *first contacts* (each from a new customer), the *repeat
contacts* some of those customers make 1-10 days later, and the repeat callers another
centre sends it (a vendor's customers who give up and call the in-house team). All
times are int64 epoch seconds, UTC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.samplegen import calendar
from pipelines.samplegen.formats import FormatSpec
from pipelines.samplegen.identities import CUSTOMERS_PER_CENTRE
from pipelines.samplegen.profiles import (
    CHANNEL_HANDLE_FACTOR,
    CHANNELS,
    REASON_HANDLE_FACTOR,
    REASONS,
    CentreProfile,
)

SPILL_COLUMNS = ["customer", "started_at", "reason"]


def first_contacts(
    profile: CentreProfile,
    centre_number: int,
    grid: calendar.HourGrid,
    scale: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Poisson arrivals per hour and channel; every first contact is a new customer."""
    starts, channels = [], []
    for code, channel in enumerate(CHANNELS):
        weekly = profile.weekly_contacts * profile.channel_mix[channel] * scale
        expected = calendar.expected_per_hour(grid, channel, weekly, profile.peak_multiplier)
        counts = rng.poisson(expected)
        starts.append(np.repeat(grid.start, counts) + rng.integers(0, 3600, counts.sum()))
        channels.append(np.full(counts.sum(), code, dtype=np.int8))
    started_at = np.concatenate(starts)
    total = len(started_at)
    if total >= CUSTOMERS_PER_CENTRE:
        raise ValueError(
            f"scale {scale} gives {total} customers at {profile.centre_id}; "
            f"at most {CUSTOMERS_PER_CENTRE - 1} fit: lower --scale"
        )
    reason_p = np.array([profile.reason_mix[reason] for reason in REASONS])
    return pd.DataFrame(
        {
            "customer": centre_number * CUSTOMERS_PER_CENTRE + np.arange(total, dtype=np.int64),
            "started_at": started_at,
            "channel": np.concatenate(channels),
            "reason": rng.choice(len(REASONS), size=total, p=reason_p / reason_p.sum()).astype(
                np.int8
            ),
            "repeat_of_earlier": False,
        }
    )


def repeat_contacts(
    first: pd.DataFrame,
    answered: np.ndarray,
    profile: CentreProfile,
    grid: calendar.HourGrid,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Repeat contacts of answered first contacts, and those that go to the partner
    in-house centre instead ("spill").

    Inside the 7-day window: 1-6 local days later at an opening-hours time (always less
    than 7 x 24 h later) or exactly 7 x 24 h later (the window's closed edge). Outside:
    8-10 local days later (always more than 7.5 x 24 h). The channel and reason stay.
    """
    draw = rng.random(len(first))
    within = answered & (draw < profile.repeat_share)
    exact_week = within & (draw < profile.exact_week_repeat_share)
    late = (
        answered
        & (draw >= profile.repeat_share)
        & (draw < profile.repeat_share + profile.late_repeat_share)
    )
    window = grid.window
    start_day = (first["started_at"].to_numpy() - window.start) // calendar.DAY_S
    # Days since the window's first UK midnight (a summer-time midnight): exact for live
    # contacts (08-20 h); a winter e-mail sent 23:00-24:00 counts as the next day, which
    # only moves its repeat a day later.
    later_days = np.where(late, rng.integers(8, 11, len(first)), rng.integers(1, 7, len(first)))
    follow = within | late
    started_at = np.where(
        exact_week,
        first["started_at"].to_numpy() + calendar.WEEK_S,
        calendar.random_open_second(rng, start_day + later_days, window),
    )
    follow &= started_at < window.end
    spill = within & follow & (rng.random(len(first)) < profile.spill_share)
    stay = follow & ~spill
    repeats = pd.DataFrame(
        {
            "customer": first["customer"].to_numpy()[stay],
            "started_at": started_at[stay],
            "channel": first["channel"].to_numpy()[stay],
            "reason": first["reason"].to_numpy()[stay],
            "repeat_of_earlier": True,
        }
    )
    spilled = pd.DataFrame(
        {
            "customer": first["customer"].to_numpy()[spill],
            "started_at": started_at[spill],
            "reason": first["reason"].to_numpy()[spill],
        }
    )
    return repeats, spilled


def spill_arrivals(spilled: pd.DataFrame) -> pd.DataFrame:
    """Another centre's repeat callers as contacts here: by phone, same reason."""
    return pd.DataFrame(
        {
            "customer": spilled["customer"].to_numpy(),
            "started_at": spilled["started_at"].to_numpy(),
            "channel": np.zeros(len(spilled), dtype=np.int8),  # voice
            "reason": spilled["reason"].to_numpy(),
            "repeat_of_earlier": True,
        }
    )


def _rounded(values: np.ndarray, resolution: float) -> np.ndarray:
    return np.round(values / resolution) * resolution


def draw_outcomes(
    arrivals: pd.DataFrame, profile: CentreProfile, spec: FormatSpec, rng: np.random.Generator
) -> pd.DataFrame:
    """Queue outcome, waits, handle times, transfers, complaints and agent per contact."""
    n = len(arrivals)
    channel = arrivals["channel"].to_numpy()
    live = channel != CHANNELS.index("email")
    peak = calendar.is_peak(arrivals["started_at"].to_numpy())
    repeat = arrivals["repeat_of_earlier"].to_numpy()

    draw = rng.random(n)
    long_share = np.where(peak, profile.peak_long_abandon_share, profile.long_abandon_share)
    short_abandon = live & (draw < profile.short_abandon_share)
    long_abandon = live & ~short_abandon & (draw < profile.short_abandon_share + long_share)
    abandoned = short_abandon | long_abandon
    answered = ~abandoned

    fast_share = np.where(peak, profile.peak_answered_fast_share, profile.answered_fast_share)
    fast = rng.random(n) < fast_share
    wait = np.select(
        [short_abandon, long_abandon, ~live, fast],
        [
            rng.uniform(0, 5, n),  # gave up within 5 s: a short abandon
            5 + rng.lognormal(np.log(35), 0.8, n),
            np.minimum(rng.lognormal(np.log(3 * 3600), 0.8, n), 20 * 3600),  # e-mail reply
            21 * rng.beta(1.3, 2.5, n),
        ],
        default=21 + rng.lognormal(np.log(45), 0.9, n),  # the long tail
    )
    # Answered within 20 s must stay <= 20 s after rounding; abandons keep >= 5 s.
    wait = np.where(fast & answered & live, np.minimum(wait, 20.0), wait)
    wait = _rounded(
        np.floor(wait / spec.duration_resolution) * spec.duration_resolution,
        spec.duration_resolution,
    )

    reason_factor = np.array([REASON_HANDLE_FACTOR[r] for r in REASONS])[arrivals["reason"]]
    channel_factor = np.array([CHANNEL_HANDLE_FACTOR[c] for c in CHANNELS])[channel]
    factor = reason_factor * channel_factor
    factor = factor / (factor[answered].mean() if answered.any() else 1.0)
    hold_mean = profile.hold_share * 50 * np.exp(0.7**2 / 2)
    talk_mean = profile.aht_s - hold_mean - profile.wrap_mean_s
    sigma = 0.5
    talk = np.maximum(talk_mean * factor * rng.lognormal(-(sigma**2) / 2, sigma, n), 15)
    hold = np.where(rng.random(n) < profile.hold_share, rng.lognormal(np.log(50), 0.7, n), 0.0)
    wrap = rng.gamma(4.0, profile.wrap_mean_s / 4.0, n)
    talk, hold, wrap = (
        np.where(answered, _rounded(x, spec.duration_resolution), 0.0) for x in (talk, hold, wrap)
    )

    transferred = answered & (rng.random(n) < profile.transfer_share)
    complaint_share = profile.complaint_share * np.where(repeat, 1.8, 1.0)
    return arrivals.assign(
        answered=answered,
        abandoned=abandoned,
        wait_s=wait,
        talk_s=talk,
        hold_s=hold,
        wrap_s=wrap,
        transferred=transferred,
        legs=np.where(transferred, 2 + (rng.random(n) < 0.15), 1).astype(np.int8),
        complaint=answered & (rng.random(n) < complaint_share),
        agent=np.where(answered, rng.integers(0, profile.agents, n), -1),
        peak=peak,
    )


def centre_contacts(
    profile: CentreProfile,
    spec: FormatSpec,
    centre_number: int,
    grid: calendar.HourGrid,
    scale: float,
    incoming_spill: pd.DataFrame,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All contacts of one centre in start order (``contact_no`` 0..n-1), and the
    repeat callers it sends to its partner centre."""
    first = draw_outcomes(
        first_contacts(profile, centre_number, grid, scale, rng), profile, spec, rng
    )
    repeats, spilled = repeat_contacts(first, first["answered"].to_numpy(), profile, grid, rng)
    later = pd.concat([repeats, spill_arrivals(incoming_spill)], ignore_index=True)
    contacts = pd.concat([first, draw_outcomes(later, profile, spec, rng)], ignore_index=True)
    contacts = contacts.sort_values("started_at", kind="stable", ignore_index=True)
    contacts.insert(0, "contact_no", np.arange(len(contacts), dtype=np.int64))
    return contacts, spilled
