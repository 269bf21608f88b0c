"""The sidebar filters, kept in the URL so a copied link reproduces the view.

URL keys: ``week`` (Monday, ISO date), ``weeks`` (span), ``centre``, ``channel``,
``reason`` (repeatable) and ``baseline``. A value the page cannot show (an unknown
centre, a week without data, a span not offered) is dropped with a visible notice naming
it, rather than failing the page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import streamlit as st

from dashboard.lookups import Dimensions
from dashboard.plain import literal
from pipelines import settings
from pipelines.ingest.config import load_ingest_settings
from pipelines.metrics import MetricQuery
from pipelines.metrics.catalogue import HEADLINE_METRICS

SPANS = {1: "1 week", 4: "4 weeks", 13: "13 weeks", 26: "26 weeks", 52: "52 weeks"}
IN_HOUSE_BASELINE = "in_house"


@dataclass(frozen=True)
class Filters:
    week: date  # Monday of the selected week (reporting time zone)
    span_weeks: int  # weeks of history ending with the selected week
    centres: tuple[str, ...]  # empty = all
    channels: tuple[str, ...]
    reasons: tuple[str, ...]
    baseline: str  # "in_house" or a centre_id
    vendor_scope: str | None = None  # a vendor's view: every query anonymises the others

    @property
    def start(self) -> date:
        return self.week - timedelta(weeks=self.span_weeks - 1)

    @property
    def end(self) -> date:
        return self.week + timedelta(days=6)

    def query(self, **overrides: object) -> MetricQuery:
        """The metric-layer query for these filters: weekly over the span by default."""
        fields = {
            "grain": "week",
            "start": self.start,
            "end": self.end,
            "centres": self.centres,
            "channels": self.channels,
            "contact_reasons": self.reasons,
            "baseline": self.baseline,
            "vendor_scope": self.vendor_scope,
            "metrics": HEADLINE_METRICS,
        }
        fields.update(overrides)
        return MetricQuery(**fields)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def available_weeks(dims: Dimensions) -> list[date]:
    """Mondays of every week with data, newest first."""
    first, last = monday(dims.first_day), monday(dims.last_day)
    count = (last - first).days // 7 + 1
    return [last - timedelta(weeks=i) for i in range(count)]


@dataclass(frozen=True)
class IgnoredLink:
    """A value of a link that the page cannot show, and what it shows instead."""

    param: str
    values: tuple[str, ...]
    why: str  # e.g. "no such centre"
    instead: str  # e.g. "all centres"

    def text(self) -> str:
        """The notice, markdown-safe: the link's values are shown exactly as typed."""
        shown = ", ".join(literal(f"{self.param}={value}") for value in self.values)
        return f"Ignored {shown} in the link: {self.why}. Showing {self.instead}."


def show_ignored(ignored: list[IgnoredLink], where=st) -> None:
    """One visible notice per ignored link parameter (and a line in the sidebar)."""
    for item in ignored:
        where.warning(item.text(), icon=":material/link_off:")
    if ignored:
        st.sidebar.caption(
            "Ignored in the link: "
            + ", ".join(
                literal(f"{item.param}={value}") for item in ignored for value in item.values
            )
        )


def _day(day: date) -> str:
    return f"{day:%d %b %Y}"


def _parse_week(text: str | None, weeks: list[date]) -> tuple[date, IgnoredLink | None]:
    """The linked week's Monday, or the latest week and why the link's was not used."""
    latest = weeks[0]
    if text is None:
        return latest, None
    instead = f"the latest week, {_day(latest)}"
    try:
        candidate = monday(date.fromisoformat(text))
    except ValueError:
        return latest, IgnoredLink("week", (text,), "not a date (YYYY-MM-DD)", instead)
    if candidate not in weeks:
        why = (
            f"no data in the week of {_day(candidate)} (data from {_day(weeks[-1])} to "
            f"{_day(latest + timedelta(days=6))})"
        )
        return latest, IgnoredLink("week", (text,), why, instead)
    return candidate, None


def _parse_span(text: str | None, default_span: int) -> tuple[int, IgnoredLink | None]:
    if text is None:
        return default_span, None
    if text in {str(span) for span in SPANS}:
        return int(text), None
    why = f"history must be {', '.join(map(str, SPANS))} weeks"
    return default_span, IgnoredLink("weeks", (text,), why, SPANS[default_span])


def _init_state(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _known(
    param: str,
    values: list[str],
    allowed: list[str],
    what: str,
    everything: str,
    ignored: list[IgnoredLink],
    label=str,
) -> list[str]:
    """The link's values that exist (in link order, once each); the others noted."""
    unknown = tuple(dict.fromkeys(v for v in values if v not in allowed))
    kept = list(dict.fromkeys(v for v in values if v in allowed))
    if unknown:
        instead = everything if not kept else ", ".join(map(label, kept))
        ignored.append(IgnoredLink(param, unknown, f"no such {what}", instead))
    return kept


def linked_choice(
    param: str, options: list[str], default: str, what: str, label=str
) -> tuple[str, IgnoredLink | None]:
    """A page's own single choice from the link (``?param=value``), or ``default`` and
    why the link's value was not used."""
    value = st.query_params.get(param)
    if value is None or value in options:
        return (value or default), None
    return default, IgnoredLink(param, (value,), f"no such {what}", label(default))


def linked_flag(
    param: str, default: bool, instead: dict[bool, str]
) -> tuple[bool, IgnoredLink | None]:
    """An on/off choice from the link: 1/true/yes/on or 0/false/no/off."""
    value = st.query_params.get(param)
    if value is None:
        return default, None
    if value.lower() in {"1", "true", "yes", "on"}:
        return True, None
    if value.lower() in {"0", "false", "no", "off"}:
        return False, None
    return default, IgnoredLink(param, (value,), "not 1 or 0 (yes or no)", instead[default])


def read_link(dims: Dimensions, default_span: int = 13) -> tuple[dict, list[IgnoredLink]]:
    """The sidebar's widget values from the URL (defaults where absent or unusable)."""
    params = st.query_params
    weeks = available_weeks(dims)
    centre_names = {centre.centre_id: centre.name for centre in dims.centres}
    centre_ids = list(centre_names)
    ignored: list[IgnoredLink] = []
    week, problem = _parse_week(params.get("week"), weeks)
    ignored += [problem] if problem else []
    span, problem = _parse_span(params.get("weeks"), default_span)
    ignored += [problem] if problem else []
    values = {
        "f_week": week,
        "f_span": span,
        "f_centres": _known(
            "centre",
            params.get_all("centre"),
            centre_ids,
            "centre",
            "all centres",
            ignored,
            centre_names.get,
        ),
        "f_channels": _known(
            "channel",
            params.get_all("channel"),
            list(dims.channels),
            "channel",
            "all channels",
            ignored,
        ),
        "f_reasons": _known(
            "reason",
            params.get_all("reason"),
            list(dims.reasons),
            "contact reason",
            "all reasons",
            ignored,
            reason_label,
        ),
    }
    baseline = params.get("baseline", IN_HOUSE_BASELINE)
    if baseline != IN_HOUSE_BASELINE and baseline not in centre_ids:
        ignored.append(
            IgnoredLink("baseline", (baseline,), "no such centre", "gaps against in-house (pooled)")
        )
        baseline = IN_HOUSE_BASELINE
    values["f_baseline"] = baseline
    return values, ignored


def sidebar_filters(dims: Dimensions, default_span: int = 13) -> Filters:
    """Draw the shared filters in the sidebar and mirror them into the URL.

    On the first run of a session the widgets are seeded from the link; a value the
    link names but the warehouse lacks is ignored with a visible notice naming it. The
    widgets keep their values for the session, so a visit to the Data page (which has
    no sidebar filters, and whose URL has none) does not reset them.
    """
    weeks = available_weeks(dims)
    centre_names = {centre.centre_id: centre.name for centre in dims.centres}

    keys = ["f_week", "f_span", "f_centres", "f_channels", "f_reasons", "f_baseline"]
    if any(key not in st.session_state for key in keys):
        linked, ignored = read_link(dims, default_span)
        for key in keys:
            _init_state(key, linked[key])
        show_ignored(ignored)

    sidebar = st.sidebar
    sidebar.header("Filters")
    sidebar.selectbox(
        "Week",
        weeks,
        key="f_week",
        persist_state="session",
        format_func=lambda d: f"{d:%d %b %Y} – {d + timedelta(days=6):%d %b} (W{d:%V})",
    )
    sidebar.selectbox(
        "History", list(SPANS), key="f_span", persist_state="session", format_func=SPANS.get
    )
    sidebar.multiselect(
        "Centres",
        list(centre_names),
        key="f_centres",
        persist_state="session",
        format_func=centre_names.get,
        placeholder="All centres",
    )
    sidebar.multiselect(
        "Channels",
        list(dims.channels),
        key="f_channels",
        persist_state="session",
        placeholder="All channels",
    )
    sidebar.multiselect(
        "Contact reasons",
        list(dims.reasons),
        key="f_reasons",
        persist_state="session",
        format_func=reason_label,
        placeholder="All reasons",
    )
    sidebar.selectbox(
        "Baseline",
        [IN_HOUSE_BASELINE, *centre_names],
        key="f_baseline",
        persist_state="session",
        format_func=lambda b: "In-house (pooled)" if b == IN_HOUSE_BASELINE else centre_names[b],
        help="Gaps and significance are measured against this, for the same period and filters.",
    )

    filters = Filters(
        week=st.session_state.f_week,
        span_weeks=st.session_state.f_span,
        centres=tuple(st.session_state.f_centres),
        channels=tuple(st.session_state.f_channels),
        reasons=tuple(st.session_state.f_reasons),
        baseline=st.session_state.f_baseline,
        vendor_scope=dims.vendor_scope,
    )
    _write_url(filters)
    return filters


def _write_url(filters: Filters) -> None:
    wanted = {
        "week": filters.week.isoformat(),
        "weeks": str(filters.span_weeks),
        "centre": list(filters.centres),
        "channel": list(filters.channels),
        "reason": list(filters.reasons),
        "baseline": filters.baseline,
    }
    for key, value in wanted.items():
        if value in ([], None):
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get_all(key) != ([value] if isinstance(value, str) else value):
            st.query_params[key] = value


@functools.cache
def _reason_labels(config_dir: Path) -> dict[str, str]:
    return load_ingest_settings(config_dir).contact_reasons


def reason_label(code: str) -> str:
    """The deployment's label of a reason code (settings.yaml, ingest.contact_reasons)."""
    return _reason_labels(settings.config_dir()).get(code, code.replace("_", " ").capitalize())
