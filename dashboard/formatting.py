"""Numbers and colours for people: one place so every page formats alike."""

from __future__ import annotations

import math

# Okabe-Ito, a colour-blind-safe palette. In-house centres take the blues, vendors the
# warm and green hues, so the two are told apart at a glance on every chart.
IN_HOUSE_COLOURS = ["#0072B2", "#56B4E9", "#264F73"]
VENDOR_COLOURS = ["#E69F00", "#D55E00", "#009E73", "#CC79A7", "#F0E442", "#8C6D1F", "#999999"]
BASELINE_COLOUR = "#444444"
# Shore groups mix in-house and vendor centres, so they take their own hues, in this order.
SHORE_COLOURS = ["#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
SHORE_ORDER = ["onshore", "nearshore", "offshore"]
MIXED_COLOUR = "#999999"


def centre_colours(groups: list[tuple[str, str]]) -> dict[str, str]:
    """Colour per group label; ``groups`` is [(label, sourcing)] in display order."""
    colours: dict[str, str] = {}
    in_house = vendor = 0
    for label, sourcing in groups:
        if sourcing == "in_house":
            colours[label] = IN_HOUSE_COLOURS[in_house % len(IN_HOUSE_COLOURS)]
            in_house += 1
        else:
            colours[label] = VENDOR_COLOURS[vendor % len(VENDOR_COLOURS)]
            vendor += 1
    return colours


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_duration(seconds: float | None) -> str:
    """Seconds as m:ss (or h:mm:ss), the way contact-centre people read durations."""
    if _missing(seconds):
        return "–"
    total = round(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_value(value: float | None, unit: str) -> str:
    """A metric value in its unit: 82.4%, 7:45, +23, 4.31, 1,204."""
    if _missing(value):
        return "–"
    if unit == "pct":
        return f"{value:.1f}%"
    if unit == "seconds":
        return format_duration(value)
    if unit == "nps":
        return f"{value:+.0f}"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "pts":  # a metric that is itself a difference (calibration gap)
        return f"{value:+.1f} pts"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def format_gap(gap: float | None, unit: str) -> str:
    """A signed difference in the metric's unit: +3.2 pts, -0:41, +1.5."""
    if _missing(gap):
        return "–"
    if unit in ("pct", "nps", "pts"):
        return f"{gap:+.1f} pts"
    if unit == "seconds":
        sign = "-" if gap < 0 else "+"
        return sign + format_duration(abs(gap))
    if unit == "count":
        return f"{gap:+,.0f}"
    return f"{gap:+.2f}"
