"""Each vendor's user, signed in, sees nothing of another centre but anonymised
aggregates: no other vendor's name, centre id or name, agent id or comment on any page
(AppTest, every element's text, tables and chart data)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.roles import Viewer
from pipelines.metrics.summaries import build_summaries
from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings
from tests.dashboard.conftest import APP

VENDORS = ["Pacific Reach BPO", "Claremont Contact", "Atlântico Serviços"]
PAGES = [
    ("overview", {}),
    ("compare", {"breakdown": "contact_reason"}),
    ("compare", {"group_by": "vendor", "breakdown": "channel", "by_agent": "1"}),
    ("partner_review", {}),
    ("drilldown", {"metric": "csat_pct"}),
    ("drilldown", {"metric": "csat_pct", "centre": "peer_1"}),
    ("calibration", {}),
]


@pytest.fixture(scope="module")
def marked(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample warehouse with a marker naming its centre in every comment, so a
    comment seen can be traced to the centre it came from."""
    path = tmp_path_factory.mktemp("marked") / "warehouse.duckdb"
    shutil.copy(sample_warehouse, path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE surveys SET comment = comment || ' zq' || centre_id || 'qz'")
        build_summaries(con, load_metric_settings(DEFAULT_CONFIG_DIR))
    return path


def forbidden_words(warehouse: Path, vendor: str) -> set[str]:
    """Every other centre's id and name, other vendors' names, agent ids and comment
    markers."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        others = con.execute(
            "SELECT centre_id, name, vendor FROM centres WHERE vendor IS DISTINCT FROM $vendor",
            {"vendor": vendor},
        ).fetchall()
        agents = con.execute(
            "SELECT DISTINCT agent_id FROM contacts JOIN centres USING (centre_id) "
            "WHERE vendor IS DISTINCT FROM $vendor AND agent_id IS NOT NULL",
            {"vendor": vendor},
        ).fetchall()
    words = {f"zq{centre_id}qz" for centre_id, _, _ in others}
    words |= {word for row in others for word in row if word}
    return words | {agent for (agent,) in agents}


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def page_text(at: AppTest) -> str:
    """Everything the page holds: element values and labels, table cells, and each
    element's message (chart specs and their data included)."""
    parts = []
    for node in _nodes(at._tree):
        for attribute in ("value", "label", "options"):
            value = getattr(node, attribute, None)
            if value is not None and not callable(value):
                parts.append(str(value))
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
    for frame in at.dataframe:
        parts.append(frame.value.astype(str).to_csv())
    return "\n".join(parts)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_vendor_sees_only_its_own_and_anonymised_peers(marked, monkeypatch, vendor):
    monkeypatch.setenv("CC_WAREHOUSE", str(marked))
    viewer = Viewer(email="user@vendor.example", role="vendor", vendor_id=vendor)
    monkeypatch.setattr("dashboard.sign_in.gate", lambda: viewer)
    forbidden = forbidden_words(marked, vendor)
    own_marker_seen = False
    for page, params in PAGES:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        at.switch_page(f"screens/{page}.py")
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        text = page_text(at)
        leaked = sorted(word for word in forbidden if word in text)
        assert leaked == [], f"{vendor} on {page} {params}: {leaked[:10]}"
        own_marker_seen |= "zq" in text
    assert own_marker_seen, "no comment of the vendor's own was shown anywhere"


def test_a_vendor_has_no_data_page(marked, monkeypatch):
    monkeypatch.setenv("CC_WAREHOUSE", str(marked))
    viewer = Viewer(email="user@vendor.example", role="vendor", vendor_id=VENDORS[0])
    monkeypatch.setattr("dashboard.sign_in.gate", lambda: viewer)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    with pytest.raises(Exception, match="data"):
        at.switch_page("screens/data.py")
        at.run()
