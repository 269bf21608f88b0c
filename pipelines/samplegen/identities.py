"""Customers' phone numbers and e-mail addresses, derived from a customer number.

Every customer number maps to exactly one UK mobile number and one e-mail address
(both bijective in the number), so the same customer is recognisable across centres
and two different customers never share an identifier. Centre ``k`` numbers its own
customers from ``k * CUSTOMERS_PER_CENTRE``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CUSTOMERS_PER_CENTRE = 10_000_000
_PHONE_SPACE = 500_000_000  # 5 second digits x 10**8 subscriber numbers
_PHONE_MULTIPLIER = 2_654_435_761  # odd and not a multiple of 5: a bijection mod 5e8
_PHONE_SECOND_DIGITS = np.array([7, 4, 5, 8, 9])

FIRST_NAMES = np.array(
    [
        "amelia",
        "oliver",
        "isla",
        "harry",
        "ava",
        "jack",
        "mia",
        "george",
        "emily",
        "noah",
        "grace",
        "leo",
        "sophie",
        "arthur",
        "freya",
        "oscar",
        "ella",
        "charlie",
        "lily",
        "james",
        "chloe",
        "thomas",
        "ruby",
        "william",
        "evie",
        "jacob",
        "priya",
        "mohammed",
        "aisha",
        "callum",
        "niamh",
        "rhys",
        "siobhan",
        "kwame",
        "zofia",
        "tomasz",
        "fiona",
        "euan",
        "megan",
        "dylan",
    ]
)
LAST_NAMES = np.array(
    [
        "smith",
        "jones",
        "taylor",
        "brown",
        "williams",
        "wilson",
        "johnson",
        "davies",
        "robinson",
        "wright",
        "thompson",
        "evans",
        "walker",
        "white",
        "roberts",
        "green",
        "hall",
        "wood",
        "jackson",
        "clarke",
        "patel",
        "khan",
        "lewis",
        "james",
        "phillips",
        "mason",
        "mitchell",
        "rose",
        "davis",
        "rodriguez",
        "cox",
        "alexander",
        "macdonald",
        "campbell",
        "stewart",
        "murray",
        "kaur",
        "nowak",
        "okafor",
        "oconnor",
    ]
)
EMAIL_DOMAINS = np.array(["example.co.uk", "example.com", "example.net", "example.org"])


def _scramble(customer: np.ndarray) -> np.ndarray:
    return (customer.astype(np.int64) * _PHONE_MULTIPLIER + 12_345) % _PHONE_SPACE


def national_number(customer: np.ndarray) -> pd.Series:
    """The ten-digit UK mobile number without the trunk 0, e.g. ``7700900123``."""
    scrambled = _scramble(customer)
    second_digit = _PHONE_SECOND_DIGITS[scrambled // 100_000_000]
    number = 7_000_000_000 + second_digit * 100_000_000 + scrambled % 100_000_000
    return pd.Series(number).astype(str)


def phone_e164(customer: np.ndarray) -> pd.Series:
    return "+44" + national_number(customer)


def phone_spelling(customer: np.ndarray, spelling: np.ndarray) -> pd.Series:
    """The number as people type it; ``spelling`` picks, per row:
    0 ``07700 900123``, 1 ``+44 7700 900123``, 2 ``(0)7700-900-123``,
    3 ``+447700900123``, 4 ``447700900123``."""
    nsn = national_number(customer)
    head, middle, tail = nsn.str.slice(0, 4), nsn.str.slice(4, 7), nsn.str.slice(7)
    variants = [
        "0" + head + " " + middle + tail,
        "+44 " + head + " " + middle + tail,
        "(0)" + head + "-" + middle + "-" + tail,
        "+44" + nsn,
        "44" + nsn,
    ]
    result = variants[0].copy()
    for code, variant in enumerate(variants[1:], start=1):
        result = result.where(spelling != code, variant)
    return result


def email_address(customer: np.ndarray) -> pd.Series:
    """A tidy lower-case address, e.g. ``amelia.smith312@example.co.uk``."""
    scrambled = _scramble(customer)
    first = FIRST_NAMES[scrambled % len(FIRST_NAMES)]
    rest = scrambled // len(FIRST_NAMES)
    last = LAST_NAMES[rest % len(LAST_NAMES)]
    number = rest // len(LAST_NAMES)
    separator = np.where(scrambled % 3 == 0, "_", ".")
    domain = EMAIL_DOMAINS[(customer // 7) % len(EMAIL_DOMAINS)]
    return (
        pd.Series(first)
        + pd.Series(separator)
        + pd.Series(last)
        + pd.Series(number).astype(str)
        + "@"
        + pd.Series(domain)
    )


def messy_email(customer: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Addresses as typed into a vendor's CRM: some capitalised, some upper-case,
    some with stray spaces around them."""
    tidy = email_address(customer)
    case = rng.choice(3, size=len(customer), p=[0.6, 0.3, 0.1])
    capitalised = tidy.str.title()
    cased = tidy.where(case != 1, capitalised).where(case != 2, tidy.str.upper())
    spaces = rng.choice(4, size=len(customer), p=[0.8, 0.08, 0.08, 0.04])
    return (
        cased.where(spaces != 1, " " + cased)
        .where(spaces != 2, cased + "  ")
        .where(spaces != 3, " " + cased + " ")
    )
