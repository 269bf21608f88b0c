"""Agent experience on the pages: the Compare page's "Staff before customers" chart and
the scorecard's people rows show the metric layer's numbers."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pyarrow as pa
import pytest

from dashboard.formatting import format_value
from tests.dashboard.conftest import metric_layer

LATEST_WEEK = date(2026, 11, 16)  # the sample's last week
SPAN_START = LATEST_WEEK - timedelta(weeks=12)  # the pages' default 13 weeks
PEOPLE = ("headcount", "attrition_pct", "tenure_median_days", "new_hire_contact_pct", "enps")


def _staff_chart_rows(at) -> list[dict]:
    """The data rows (sent beside the spec, as Arrow) of the chart whose x is the
    new-hire share."""
    for element in at.main:
        if element.type != "vega_lite_chart":
            continue
        spec = json.loads(element.proto.spec)
        layers = spec.get("layer", [spec])
        if layers[0].get("encoding", {}).get("x", {}).get("field") == "new_hire_contact_pct":
            (dataset,) = element.proto.datasets
            table = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            return table.to_dict("records")
    raise AssertionError("no new-hire v. CSAT chart on the page")


def test_compare_plots_new_hire_share_against_csat_from_the_metric_layer(app, sample_warehouse):
    at = app("compare")
    assert "Staff before customers" in [h.value for h in at.header]
    expected = metric_layer(
        sample_warehouse,
        grain="range",
        start=SPAN_START,
        end=LATEST_WEEK + timedelta(days=6),
        metrics=("csat_pct", "new_hire_contact_pct", "attrition_pct", "tenure_median_days"),
    ).pivot_table(index="centre_name", columns="metric", values="value")
    rows = {row["centre_name"]: row for row in _staff_chart_rows(at)}
    assert set(rows) == set(expected.index)
    for centre, row in rows.items():
        for metric in ("new_hire_contact_pct", "csat_pct", "attrition_pct"):
            assert row[metric] == pytest.approx(expected.loc[centre, metric])
        tenure = format_value(expected.loc[centre, "tenure_median_days"], "count")
        assert row["tenure_text"] == f"{tenure} days"
    # the story: Manila has the most new-hire contacts and the lowest CSAT
    manila = rows["Pacific Reach Manila"]
    assert manila["new_hire_contact_pct"] == max(r["new_hire_contact_pct"] for r in rows.values())
    assert manila["csat_pct"] == min(r["csat_pct"] for r in rows.values())


def test_the_scorecard_shows_the_people_rows_with_the_metric_layers_values(app, sample_warehouse):
    at = app(weeks="13", week=LATEST_WEEK.isoformat())
    html = next(m.value for m in at.markdown if 'class="scorecard"' in m.value)
    week = metric_layer(
        sample_warehouse,
        grain="week",
        start=LATEST_WEEK,
        end=LATEST_WEEK + timedelta(days=6),
        metrics=PEOPLE,
    )
    for name in ("Headcount", "Attrition % (annualised)", "Median tenure (days)", "eNPS"):
        assert name in html
    manila = week[week["centre_id"] == "manila"].set_index("metric")
    # the cells read as format_value writes the layer's values
    assert format_value(manila.loc["headcount", "value"], "count") in html
    assert format_value(manila.loc["attrition_pct", "value"], "pct") in html
    assert format_value(manila.loc["enps", "value"], "nps") in html
