"""Entry point: ``streamlit run dashboard/app.py``.

Draws what every page shares (the sign-in gate, navigation, the empty states, the
sidebar filters) and runs the selected page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import context  # noqa: E402
from dashboard.connection import current_warehouse  # noqa: E402
from dashboard.filters import sidebar_filters  # noqa: E402
from dashboard.freshness import show_data_status  # noqa: E402
from dashboard.lookups import dimensions  # noqa: E402
from dashboard.sign_in import gate, refuse_unknown_vendor, show_viewer  # noqa: E402
from pipelines.settings import load_metric_settings, warehouse_path  # noqa: E402

PAGES_DIR = Path(__file__).parent / "screens"

# a local image: a :material/...: page icon makes the browser fetch it from Google's servers
st.set_page_config(
    page_title="Contact-centre performance",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
)
# Deployments with [auth] in secrets.toml: signed-in users with a role only (None: demo)
viewer = gate()

pages = {
    "Performance": [
        st.Page(
            PAGES_DIR / "overview.py",
            title="Weekly overview",
            icon=":material/dashboard:",
            default=True,
        ),
        st.Page(PAGES_DIR / "compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page(
            PAGES_DIR / "partner_review.py", title="Partner review", icon=":material/handshake:"
        ),
        st.Page(
            PAGES_DIR / "drilldown.py",
            title="Drill-down",
            url_path="drilldown",
            icon=":material/troubleshoot:",
        ),
        st.Page(
            PAGES_DIR / "calibration.py",
            title="QA calibration",
            url_path="calibration",
            icon=":material/balance:",
        ),
    ],
    "Analysts": [st.Page(PAGES_DIR / "data.py", title="Data", icon=":material/database:")],
}
# A vendor's user sees its own centres and anonymised peers; the loads ledger and the
# rejected rows of every centre (the Data page) are not theirs to see.
vendor_scope = viewer.vendor_id if viewer is not None and viewer.role == "vendor" else None
if vendor_scope is not None:
    del pages["Analysts"]
selected = st.navigation(pages)
show_viewer(viewer)

warehouse = current_warehouse()
if warehouse is None:
    st.title("Contact-centre performance")
    st.info(
        f"No warehouse yet at `{warehouse_path()}`.\n\n"
        "Load the centres' exports first, then reload this page:\n\n"
        "```bash\npython -m pipelines ingest          # everything the source configs point at\n"
        "make demo                             # or: the sample exports, then this app\n```"
    )
    st.stop()

settings = load_metric_settings()
dims = dimensions(warehouse, settings, vendor_scope)
refuse_unknown_vendor(viewer, {centre.vendor for centre in dims.centres if centre.vendor})
if dims.first_day is None:
    st.title("Contact-centre performance")
    st.info(
        "The warehouse holds no contacts yet. Load a contacts export with "
        "`python -m pipelines ingest`; the **Data** page shows what was loaded or rejected."
    )
    if selected.title != "Data":
        st.stop()

uses_filters = selected.title != "Data" and dims.first_day is not None
filters = sidebar_filters(dims) if uses_filters else None
if filters is not None:  # is the data complete? on every page, under the filters
    show_data_status(
        warehouse,
        dims,
        settings.reporting_timezone,
        period=(filters.week, filters.end),
        centres=filters.centres,
        where=st.sidebar,
        details=False,
    )
context.publish(context.PageContext(warehouse, settings, dims, filters, viewer))
selected.run()
