"""Draws the partner review's "Contract" section (content: dashboard/contract_view.py)."""

from __future__ import annotations

import streamlit as st

from dashboard.contract_charts import LEGEND_TEXT, PAGE_HEIGHT
from dashboard.contract_view import HEADING, ContractView
from dashboard.plain import APP_TEXT_LIMIT, md_text
from pipelines.metrics.contract_config import CONTRACTS_FILE, Contracts, load_contracts
from pipelines.settings import MetricSettings, config_dir


def load() -> tuple[Contracts, str | None]:
    """The contracts of the config folder, or none and what is wrong with the file (the
    rest of the review still draws)."""
    try:
        return load_contracts(config_dir() / CONTRACTS_FILE), None
    except ValueError as error:
        return Contracts(), str(error)


def draw(view: ContractView | None, problem: str | None, settings: MetricSettings) -> None:
    st.header(HEADING)
    if problem is not None:
        st.error(md_text(f"{problem}. Fix {CONTRACTS_FILE} (docs/CONTRACTS.md)."))
        return
    if view is None:
        st.caption(f"No contract for this vendor in {CONTRACTS_FILE} (docs/CONTRACTS.md).")
        return
    st.markdown(md_text(view.summary, limit=APP_TEXT_LIMIT))
    if view.hinging_payments:
        st.warning(
            md_text(
                f"{view.hinge_text}: the interval of the value lies across the "
                "target, or the sample is too small to tell.",
                limit=APP_TEXT_LIMIT,
            )
        )
    st.subheader(f"In force: {md_text(view.in_force)}")
    st.dataframe(
        view.in_force_months.display(),
        hide_index=True,
        height="content",
        width="stretch",
        column_config={
            **_right(view.in_force_months.numeric_columns()),
            "As written": st.column_config.Column(width="small"),
        },
    )
    st.caption(
        "As written: the point value against the target. With confidence: met or missed "
        f"only when the whole {settings.confidence:.0%} interval lies on one side of the "
        f"target, otherwise inconclusive; too few: fewer than {settings.min_sample} in the "
        "sample. Only confident outcomes pay or charge with confidence. Prov.: the repeat "
        "window of the month is still open. Whole calendar months, all channels and "
        "reasons: the sidebar's filters do not apply to a contract."
    )
    st.dataframe(
        view.in_force_totals.display(),
        hide_index=True,
        height="content",
        column_config=_right(view.in_force_totals.numeric_columns()),
    )
    st.subheader("What each style would have paid over the same months")
    st.caption(f"Per month, one bar per contract style. {LEGEND_TEXT}")
    st.altair_chart(view.chart, width="content", height=PAGE_HEIGHT)
    st.dataframe(
        view.styles.display(),
        hide_index=True,
        height="content",
        width="stretch",
        column_config=_right(view.styles.numeric_columns()),
    )
    with st.expander("Contract terms of each style"):
        st.dataframe(view.terms.display(), hide_index=True, height="content")


def _right(columns) -> dict:
    return {c: st.column_config.Column(alignment="right") for c in columns}
