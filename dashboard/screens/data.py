"""Data: what is loaded, how fresh it is, what was rejected and why, what metrics mean."""

import streamlit as st

from dashboard import context
from dashboard.connection import cursor
from dashboard.freshness import show_data_status
from dashboard.lookups import loads_ledger
from dashboard.plain import md_text
from dashboard.view import rejected_by_row, show_table
from pipelines.export.tables import frame_csv_bytes
from pipelines.export.workbook import definitions_frame
from pipelines.ingest.reports import load_status, rejected_rows

# Human column names (the frames keep their own), in the order shown.
LEDGER_COLUMNS = {
    "started_at": st.column_config.DatetimeColumn("Loaded at", format="D MMM YYYY, HH:mm:ss"),
    "centre": "Centre",
    "kind": "Kind",
    "file": "File",
    "status": "Status",
    "rows_read": st.column_config.NumberColumn("Rows read", format="%d"),
    "rows_loaded": st.column_config.NumberColumn("Rows loaded", format="%d"),
    "rows_rejected": st.column_config.NumberColumn("Rows rejected", format="%d"),
    "message": "Message",
    "finished_at": st.column_config.DatetimeColumn("Finished at", format="D MMM YYYY, HH:mm:ss"),
    "load_id": st.column_config.NumberColumn("Load", format="%d"),
    "sha256": "File SHA-256",
}
REJECT_COLUMNS = {
    "centre": "Centre",
    "kind": "Kind",
    "file_name": "File",
    "row_number": st.column_config.NumberColumn(
        "Row", format="%d", help="Data row of the file, from 1"
    ),
    "reason": st.column_config.TextColumn("Reasons", width="large"),
    "raw_row": "Row as read",
    "load_id": st.column_config.NumberColumn("Load", format="%d"),
}
DEFINITION_COLUMNS = {
    "metric": "Metric id",
    "name": "Name",
    "family": "Family",
    "unit": "Unit",
    "better when": "Better when",
    "definition": "Definition",
    "population": "Population",
}


ctx = context.current()

st.title("Data")
st.caption(f"Warehouse `{ctx.warehouse.path}` (read-only). All times are UTC.")

st.header("Freshness")
show_data_status(ctx.warehouse, ctx.dims, ctx.settings.reporting_timezone)
freshness = load_status(cursor(ctx.warehouse)).df()
names = {c.centre_id: c.name for c in ctx.dims.centres}
freshness["latest_file"] = freshness["latest_file"].str.extract(r"([^/\\]+)$", expand=False)
freshness["centre_id"] = freshness["centre_id"].map(names).fillna(freshness["centre_id"])
st.dataframe(
    freshness,
    hide_index=True,
    width="stretch",
    column_config={
        "centre_id": "Centre",
        "kind": "Kind",
        "latest_file": "Latest file",
        "latest_load_at": st.column_config.DatetimeColumn("Loaded at", format="D MMM YYYY, HH:mm"),
        "latest_record_at": st.column_config.DatetimeColumn(
            "Latest record", format="D MMM YYYY, HH:mm"
        ),
        "record_rows": st.column_config.NumberColumn("Rows held", format="%d"),
        "rows_rejected": st.column_config.NumberColumn("Rows rejected", format="%d"),
        "failed_loads": st.column_config.NumberColumn("Failed loads", format="%d"),
    },
)
for record in freshness[freshness["record_rows"] == 0].itertuples():
    st.warning(f"No {record.kind} loaded for {md_text(record.centre_id)}.")

st.header("Loads")
centre_names = {c.centre_id: c.name for c in ctx.dims.centres}
ledger = loads_ledger(ctx.warehouse)
ledger = ledger.assign(centre=ledger["centre_id"].map(centre_names).fillna(ledger["centre_id"]))
failed = ledger[ledger["status"] == "failed"]
if not failed.empty:
    st.error(
        f"{len(failed)} load(s) failed; the warehouse was left unchanged by each. "
        "See the message column."
    )
show_table(ledger, LEDGER_COLUMNS, "loads")

st.header("Rejected rows")
st.caption(
    "Rows kept aside at ingestion, each once with every problem found in it "
    "(column: reason). Customer identifiers in the raw rows are already hashed."
)
rejects = rejected_by_row(rejected_rows(cursor(ctx.warehouse)).df())
rejects = rejects.assign(centre=rejects["centre_id"].map(centre_names).fillna(rejects["centre_id"]))
left, middle, right = st.columns(3)
centres = left.multiselect(
    "Centre",
    sorted(rejects["centre_id"].dropna().unique()),
    format_func=lambda c: centre_names.get(c, c),
    key="rejects_centre",
    placeholder="All centres",
)
kinds = middle.multiselect(
    "Kind", sorted(rejects["kind"].unique()), key="rejects_kind", placeholder="All kinds"
)
search = right.text_input("Reason contains", key="rejects_reason")
shown = rejects
if centres:
    shown = shown[shown["centre_id"].isin(centres)]
if kinds:
    shown = shown[shown["kind"].isin(kinds)]
if search:
    shown = shown[shown["reason"].str.contains(search, case=False, regex=False)]
if rejects.empty:
    st.success("No rejected rows: every row of every loaded file passed validation.")
else:
    st.write(f"{len(shown):,} of {len(rejects):,} rejected rows")
show_table(shown, REJECT_COLUMNS, "rejected rows")
st.download_button(
    "Download these rejected rows (CSV)",
    data=frame_csv_bytes(shown.drop(columns="centre")),
    file_name="rejected_rows.csv",
    mime="text/csv",
)

st.header("Metric definitions")
st.caption("The metric contract every number on these pages follows.")
show_table(definitions_frame(), DEFINITION_COLUMNS, "metrics")
