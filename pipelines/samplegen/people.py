"""The centres' agents: who held each seat when, and the staff's monthly pulse survey.

The contact simulation hands each answered contact to one of ``profile.agents`` seats.
Here each seat is held by a succession of people: an incumbent hired before the window
(tenure drawn from the centre's attrition rate) and, each time one leaves, a new hire
from the next day. Every contact is then handed to the person holding its seat on the
contact's local day, so the agents the contacts name are exactly the roster's, and a new
hire's contacts fall in their first days. One Leeds agent who left comes back to another
seat later (a rehire: a second employment spell under the same id).

The story (docs/SAMPLE_DATA.md): Pacific Reach Manila loses its agents fastest, so the
most of its contacts are handled by agents in their first 90 days; Leeds keeps its staff
longest. Each centre's own random stream (seed, centre number, PEOPLE_STREAM) drives
this, so the other files' draws do not change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.samplegen.calendar import Window
from pipelines.samplegen.profiles import CentreProfile

PEOPLE_STREAM = 7  # the SeedSequence entropy word after (seed, centre number)
MAX_TENURE_DAYS = 12 * 365  # no incumbent hired before late 2014
REHIRE_STORY = (40, 100)  # Leeds: days in the window until seats 0 and 1 change hands


@dataclass(frozen=True)
class PeopleStyle:
    annual_attrition: float  # leavers a year per seat
    promoter_share: float  # of pulse answers (9-10)
    detractor_share: float  # (0-6)
    response_share: float  # of employed agents answering each month's pulse


# by export format (a benchmark copy of a centre behaves like its original)
STYLES = {
    "leeds": PeopleStyle(0.12, 0.46, 0.18, 0.70),
    "glasgow": PeopleStyle(0.38, 0.34, 0.30, 0.55),
    "lisbon": PeopleStyle(0.26, 0.40, 0.24, 0.60),
    "manila": PeopleStyle(0.95, 0.22, 0.47, 0.50),
}
PULSE_DAY = 15  # each month's pulse survey opens on the 15th (or the next weekday)


@dataclass(frozen=True)
class People:
    roster: pd.DataFrame  # person, hired_on, left_on (NaT while employed): one row a spell
    pulse: pd.DataFrame  # person, responded_at (epoch s, UTC), enps


def _local_days(epoch_s: np.ndarray, timezone: str) -> np.ndarray:
    local = pd.to_datetime(epoch_s, unit="s", utc=True).tz_convert(timezone)
    return np.asarray(local.tz_localize(None).normalize().date)


def _seat_spells(
    seats: int, style: PeopleStyle, window: Window, rehire: bool, rng: np.random.Generator
) -> pd.DataFrame:
    """seat, person, hired_on, left_on: the seats' holders from before the window to
    its end (left_on None while employed)."""
    daily = style.annual_attrition / 365
    rows = []
    next_person = seats
    leavers: list[tuple[int, dt.date]] = []  # (person, left_on), for the one rehire
    rehired = not rehire
    # the rehire, scripted: seat 0's holder leaves on the window's 40th day and comes
    # back on the 101st to seat 1, whose holder leaves the day before
    scripted = {0: REHIRE_STORY[0], 1: REHIRE_STORY[1]} if rehire else {}
    for seat in range(seats):
        tenure = min(int(rng.exponential(1 / daily)), MAX_TENURE_DAYS)
        person, hired = seat, window.first_day - dt.timedelta(days=tenure)
        while True:
            stays = int(rng.geometric(daily))  # days until the holder's last day
            stays = scripted.pop(seat, stays)
            left = max(hired, window.first_day) + dt.timedelta(days=stays - 1)
            if left >= window.last_day:
                rows.append((seat, person, hired, None))
                break
            rows.append((seat, person, hired, left))
            leavers.append((person, left))
            hired = left + dt.timedelta(days=1)
            earlier = [p for p, day in leavers if (hired - day).days > 30 and p != person]
            if not rehired and earlier:
                person, rehired = earlier[0], True  # a former agent comes back
            else:
                person, next_person = next_person, next_person + 1
    return pd.DataFrame(rows, columns=["seat", "person", "hired_on", "left_on"])


def hand_contacts_to_people(
    contacts: pd.DataFrame,
    profile: CentreProfile,
    window: Window,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(contacts with ``agent`` the person holding the seat that day, the seat spells)."""
    style = STYLES[profile.export_format]
    spells = _seat_spells(profile.agents, style, window, profile.export_format == "leeds", rng)
    seat = contacts["agent"].to_numpy()
    days = _local_days(contacts["started_at"].to_numpy(), profile.timezone)
    person = np.full(len(contacts), -1, dtype=np.int64)
    for number, held in spells.groupby("seat", sort=True):
        mine = seat == number
        starts = np.array(held["hired_on"].tolist(), dtype="datetime64[D]")
        index = np.searchsorted(starts, days[mine].astype("datetime64[D]"), side="right") - 1
        person[mine] = held["person"].to_numpy()[np.maximum(index, 0)]
    return contacts.assign(agent=np.where(seat >= 0, person, -1)), spells


def pulse_days(window: Window) -> list[dt.date]:
    """Each month's pulse day inside the window: the 15th, or the Monday after."""
    days = []
    month = window.first_day.replace(day=1)
    while month <= window.last_day:
        day = month.replace(day=PULSE_DAY)
        day += dt.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)
        if window.first_day <= day <= window.last_day:
            days.append(day)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return days


def _answers(style: PeopleStyle, n: int, rng: np.random.Generator) -> np.ndarray:
    category = rng.random(n)
    promoter = category < style.promoter_share
    detractor = category >= 1 - style.detractor_share
    return np.where(
        promoter,
        rng.integers(9, 11, n),
        np.where(detractor, rng.choice([2, 3, 4, 5, 5, 6, 6, 6], n), rng.integers(7, 9, n)),
    )


def centre_people(
    contacts: pd.DataFrame,
    profile: CentreProfile,
    window: Window,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, People]:
    """The contacts handed to people, and the roster (one row per spell) and pulse."""
    contacts, spells = hand_contacts_to_people(contacts, profile, window, rng)
    roster = spells.drop(columns="seat").sort_values(
        ["person", "hired_on"], kind="stable", ignore_index=True
    )
    style = STYLES[profile.export_format]
    answers = []
    for day in pulse_days(window):
        employed = roster[
            (roster["hired_on"] <= day)
            & roster["left_on"].map(lambda left, d=day: left is None or left >= d)
        ]
        responding = employed[rng.random(len(employed)) < style.response_share]
        local = pd.Timestamp(day) + pd.to_timedelta(
            rng.integers(9 * 3600, 17 * 3600, len(responding)), unit="s"
        )
        utc = local.tz_localize(profile.timezone).tz_convert("UTC").tz_localize(None)
        epoch = (utc - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)
        answers.append(
            pd.DataFrame(
                {
                    "person": responding["person"].to_numpy(),
                    "responded_at": np.asarray(epoch),
                    "enps": _answers(style, len(responding), rng),
                }
            )
        )
    pulse = pd.concat(answers, ignore_index=True).sort_values(
        ["responded_at", "person"], kind="stable", ignore_index=True
    )
    return contacts, People(roster, pulse)
