"""Money: the ``money:<ISO code>`` unit (an amount, "£5,000", "-£5,000") and the
``gap:money:<ISO code>`` unit (a signed amount earned, "+£2,000", "-£5,000"), as text
for the pack and the screen and as Excel number formats for the workbooks.

Whole amounts show no decimals, others two; currencies without a symbol here are
written with their code ("CHF 1,500").
"""

from __future__ import annotations

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
MONEY = "money:"
SIGNED_MONEY = "gap:money:"


def is_money(unit: str | None) -> bool:
    return isinstance(unit, str) and (unit.startswith(MONEY) or unit.startswith(SIGNED_MONEY))


def money_unit(currency: str, signed: bool = False) -> str:
    return f"{SIGNED_MONEY if signed else MONEY}{currency}"


def _parts(unit: str) -> tuple[str, bool]:
    signed = unit.startswith(SIGNED_MONEY)
    return unit.removeprefix(SIGNED_MONEY if signed else MONEY), signed


def _prefix(currency: str) -> str:
    return SYMBOLS.get(currency, f"{currency} ")


def money_text(value: float, unit: str) -> str:
    """``value`` in a money unit: "£5,000", "-£5,000"; signed: "+£2,000", "£0"."""
    currency, signed = _parts(unit)
    digits = f"{abs(value):,.0f}" if float(value).is_integer() else f"{abs(value):,.2f}"
    sign = "-" if value < 0 else "+" if signed and value > 0 else ""
    return f"{sign}{_prefix(currency)}{digits}"


def money_number_format(value: float, unit: str) -> str:
    """The Excel number format writing ``value`` as ``money_text`` does."""
    currency, signed = _parts(unit)
    prefix = _prefix(currency).replace('"', "")
    digits = "#,##0" if float(value).is_integer() else "#,##0.00"
    amount = f'"{prefix}"{digits}'
    return f"{'+' if signed else ''}{amount};-{amount};{amount}"
