"""Customer identifiers: phone, e-mail and account columns (``customer_identifiers``) and
the country calling code of numbers written without one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from .guess import ColumnGuess
from .render import Entry, Items, Raw
from .sample import Sample
from .vocabulary import has_words
from .wording import count_text, fill_in

_ONE_DIGIT = {"1", "7"}
_TWO_DIGITS = {
    "20",
    "27",
    "30",
    "31",
    "32",
    "33",
    "34",
    "36",
    "39",
    "40",
    "41",
    "43",
    "44",
    "45",
    "46",
    "47",
    "48",
    "49",
    "51",
    "52",
    "53",
    "54",
    "55",
    "56",
    "57",
    "58",
    "60",
    "61",
    "62",
    "63",
    "64",
    "65",
    "66",
    "81",
    "82",
    "84",
    "86",
    "90",
    "91",
    "92",
    "93",
    "94",
    "95",
    "98",
}
COUNTRY_OF_CODE = {
    "1": "US/CA",
    "7": "RU",
    "20": "EG",
    "27": "ZA",
    "30": "GR",
    "31": "NL",
    "32": "BE",
    "33": "FR",
    "34": "ES",
    "36": "HU",
    "39": "IT",
    "40": "RO",
    "41": "CH",
    "43": "AT",
    "44": "GB",
    "45": "DK",
    "46": "SE",
    "47": "NO",
    "48": "PL",
    "49": "DE",
    "52": "MX",
    "55": "BR",
    "57": "CO",
    "60": "MY",
    "61": "AU",
    "63": "PH",
    "64": "NZ",
    "65": "SG",
    "81": "JP",
    "82": "KR",
    "86": "CN",
    "90": "TR",
    "91": "IN",
    "212": "MA",
    "351": "PT",
    "353": "IE",
    "354": "IS",
    "356": "MT",
    "420": "CZ",
    "421": "SK",
}


def calling_code(digits: str) -> str:
    if digits[:1] in _ONE_DIGIT:
        return digits[:1]
    if digits[:2] in _TWO_DIGITS:
        return digits[:2]
    return digits[:3]


def guess_country_code(values: Iterable[str]) -> tuple[str | None, str]:
    """The country calling code most international numbers use (``+44``, ``0044``), or
    ``1`` for North American numbers written without it; None when the numbers do not
    say."""
    values = [v.strip() for v in values if v and v.strip()]
    codes: Counter[str] = Counter()
    for value in values:
        digits = re.sub(r"\D", "", value)
        if value.startswith("+"):
            codes[calling_code(digits)] += 1
        elif digits.startswith("00") and len(digits) > 9:
            codes[calling_code(digits[2:])] += 1
    if codes:
        code, count = codes.most_common(1)[0]
        country = COUNTRY_OF_CODE.get(code, "")
        return code, (
            f"{count_text(count)} of {count_text(len(values))} numbers are "
            f"international, {'most ' if len(codes) > 1 else ''}+{code}"
            + (f" ({country})" if country else "")
        )
    digits_all = [re.sub(r"\D", "", v) for v in values]
    if any(len(d) == 10 for d in digits_all) and all(
        len(d) == 10 or (len(d) == 11 and d.startswith("1")) for d in digits_all
    ):
        return "1", "10-digit numbers (and 11 digits starting 1): North American (+1)"
    return None, "no number carries an international prefix"


def identifier_entries(
    guesses: Sequence[ColumnGuess], used: set[str], sample: Sample
) -> list[Entry]:
    """customer_identifiers (phones, e-mail addresses, then account columns no field
    took) and, with phones, the default_country_code of numbers written without one."""
    phones = [g for g in guesses if g.type == "phone"]
    emails = [g for g in guesses if g.type == "email"]
    accounts = [
        g
        for g in guesses
        if has_words(g.name, "account")
        and g.name not in used
        and g.type in ("id", "integer", "code")
    ]
    items = Items()
    for g in phones:
        items.append(({"column": g.name, "type": Raw("phone")}, g.reason))
    for g in emails:
        items.append(({"column": g.name, "type": Raw("email")}, g.reason))
    for g in accounts:
        items.append(
            ({"column": g.name, "type": Raw("account")}, f"? the header says account: {g.reason}")
        )
    if not items:
        return [
            Entry(
                None,
                comment="no phone, e-mail or account column found: contacts get "
                "no customer_key (repeat-contact metrics stay empty)",
            )
        ]
    identifiers = Entry(
        "customer_identifiers",
        items,
        "the first non-empty one of a row becomes customer_key (hashed)",
    )
    if not phones:
        return [identifiers]
    values = [v for g in phones for v in sample.column(sample.header.index(g.name)) if v]
    code, why = guess_country_code(values)
    if code is None:  # both keys suggested, commented out until the code is filled in
        return [
            Entry(
                "customer_identifiers",
                items,
                "the first non-empty one of a row becomes customer_key",
                off=True,
            ),
            Entry(
                "default_country_code",
                fill_in("digits"),
                f"FILL IN, then remove the # of both keys: {why}",
                off=True,
            ),
        ]
    return [identifiers, Entry("default_country_code", code, why)]
