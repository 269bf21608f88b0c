"""The sidebar filters, kept in the URL so a copied link reproduces the view.

URL keys: ``week`` (Monday, ISO date), ``weeks`` (span), ``centre``, ``channel``,
``reason`` (repeatable) and ``baseline``. Unknown values in a link are dropped with a
notice rather than failing the page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import streamlit as st

from dashboard.lookups import Dimensions
from pipelines import settings
from pipelines.ingest.config import load_ingest_settings
from pipelines.metrics import MetricQuery

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


def _parse_week(text: str | None, weeks: list[date]) -> date | None:
    try:
        candidate = monday(date.fromisoformat(text)) if text else None
    except ValueError:
        return None
    return candidate if candidate in weeks else None


def _init_state(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _known(values: list[str], allowed: set[str], label: str) -> list[str]:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        st.sidebar.caption(f"Ignored unknown {label} in the link: {', '.join(unknown)}")
    return [value for value in values if value in allowed]


def sidebar_filters(dims: Dimensions, default_span: int = 13) -> Filters:
    """Draw the shared filters in the sidebar and mirror them into the URL."""
    params = st.query_params
    weeks = available_weeks(dims)
    centre_names = {centre.centre_id: centre.name for centre in dims.centres}

    # First run of a session: seed the widgets from the link (or defaults).
    _init_state("f_week", _parse_week(params.get("week"), weeks) or weeks[0])
    span = params.get("weeks")
    _init_state("f_span", int(span) if span in {str(s) for s in SPANS} else default_span)
    _init_state("f_centres", _known(params.get_all("centre"), set(centre_names), "centres"))
    _init_state("f_channels", _known(params.get_all("channel"), set(dims.channels), "channels"))
    _init_state("f_reasons", _known(params.get_all("reason"), set(dims.reasons), "reasons"))
    baseline = params.get("baseline", IN_HOUSE_BASELINE)
    _init_state("f_baseline", baseline if baseline in centre_names else IN_HOUSE_BASELINE)

    sidebar = st.sidebar
    sidebar.header("Filters")
    sidebar.selectbox(
        "Week",
        weeks,
        key="f_week",
        format_func=lambda d: f"{d:%d %b %Y} – {d + timedelta(days=6):%d %b} (W{d:%V})",
    )
    sidebar.selectbox("History", list(SPANS), key="f_span", format_func=SPANS.get)
    sidebar.multiselect(
        "Centres", list(centre_names), key="f_centres", format_func=centre_names.get,
        placeholder="All centres",
    )
    sidebar.multiselect("Channels", list(dims.channels), key="f_channels",
                        placeholder="All channels")
    sidebar.multiselect("Contact reasons", list(dims.reasons), key="f_reasons",
                        format_func=reason_label, placeholder="All reasons")
    sidebar.selectbox(
        "Baseline",
        [IN_HOUSE_BASELINE, *centre_names],
        key="f_baseline",
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
