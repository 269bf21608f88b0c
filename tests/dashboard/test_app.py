"""Every page under Streamlit's AppTest, on the sample warehouse.

Numbers on screen are checked against the metric layer called directly with the same
filters, so a page can never drift from the contract.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.formatting import format_value
from pipelines.metrics import CATALOGUE
from pipelines.warehouse import create_schema
from tests.dashboard.conftest import APP, metric_layer

LATEST_WEEK = date(2026, 11, 16)  # the sample exports end on Sun 2026-11-22


def _scorecard_values(at) -> dict[str, list[str]]:
    """Metric name -> the displayed values, one per centre column, from the scorecard."""
    html = next(m.value for m in at.markdown if 'class="scorecard"' in m.value)
    rows = re.findall(r'<tr><td title="[^"]*">([^<]+)</td>(.*?)</tr>', html)
    return {name: re.findall(r'<div class="value">([^<]+)</div>', cells) for name, cells in rows}


def _expected(table: pd.DataFrame, metric: str) -> list[str]:
    rows = table[table["metric"] == metric]
    return [format_value(v, CATALOGUE[metric].unit) for v in rows["value"]]


def test_overview_shows_the_metric_layers_numbers_for_the_latest_week(app, sample_warehouse):
    at = app()
    assert at.title[0].value == "Weekly overview"
    assert "Week of Mon 16 Nov 2026" in at.caption[0].value

    expected = metric_layer(
        sample_warehouse, start=LATEST_WEEK, end=LATEST_WEEK + timedelta(days=6)
    )
    shown = _scorecard_values(at)
    for metric in ["csat_pct", "nps", "fcr_repeat_pct", "qa_score", "aht_s", "service_level_pct"]:
        assert shown[CATALOGUE[metric].name] == _expected(expected, metric), metric
    # In-house first, then vendors: the columns follow the metric layer's order.
    assert list(expected.drop_duplicates("centre_id")["centre_name"])[0] == "Northwind Leeds"


def test_overview_flags_the_fast_vendor_behind_in_house(app):
    at = app()
    flags = [e.value for e in at.error]
    assert any(f.startswith("**Pacific Reach Manila** is significantly behind") for f in flags)
    # the app's own list of gaps is escaped but never cut (a data value would be)
    (manila,) = [f for f in flags if "Pacific Reach Manila" in f]
    assert "[cut:" not in manila and "Complaint" in manila
    html = next(m.value for m in at.markdown if 'class="scorecard"' in m.value)
    assert "sig." in html and "provisional" in html


def test_url_parameters_choose_week_and_centres(app, sample_warehouse):
    at = app(week="2026-10-05", centre=["glasgow", "manila"], weeks="4")
    assert "Week of Mon 05 Oct 2026" in at.caption[0].value
    html = next(m.value for m in at.markdown if 'class="scorecard"' in m.value)
    assert "Claremont Glasgow" in html and "Pacific Reach Manila" in html
    assert "Northwind Leeds" not in html and "Atlântico Lisbon" not in html
    expected = metric_layer(
        sample_warehouse,
        start=date(2026, 10, 5),
        end=date(2026, 10, 11),
        centres=("glasgow", "manila"),
    )
    # the in-house baseline is hidden, so its own column comes first, then the two shown
    csat = expected[expected["metric"] == "csat_pct"]
    baseline = format_value(csat["baseline_value"].iloc[0], "pct")
    assert _scorecard_values(at)["CSAT %"] == [baseline, *_expected(expected, "csat_pct")]
    assert at.subheader[-1].value == "Customer metrics, last 4 weeks"


def test_changing_a_filter_updates_the_view_and_the_link(app):
    at = app()
    at.selectbox(key="f_week").set_value(date(2026, 9, 28)).run()
    assert "Week of Mon 28 Sep 2026" in at.caption[0].value
    assert at.query_params["week"] == "2026-09-28"
    at.selectbox(key="f_baseline").set_value("glasgow").run()
    assert "gaps against Claremont Glasgow" in at.caption[0].value
    assert at.query_params["baseline"] == "glasgow"


def test_unknown_link_values_are_ignored_with_a_notice(app):
    at = app(week="1999-01-04", centre=["atlantis"])
    assert "Week of Mon 16 Nov 2026" in at.caption[0].value
    assert any("atlantis" in c.value for c in at.sidebar.caption)


def test_compare_shows_raw_and_mix_adjusted_csat_from_themetric_layer(app, sample_warehouse):
    at = app("compare")
    assert at.title[0].value == "Compare"
    start = LATEST_WEEK - timedelta(weeks=12)
    expected = metric_layer(
        sample_warehouse, grain="range", start=start, end=LATEST_WEEK + timedelta(days=6)
    )
    mix = at.dataframe[0].value
    by_centre = expected.pivot_table(index="centre_name", columns="metric", values="value")
    for record in mix.itertuples(index=False):
        assert record[1] == pytest.approx(by_centre.loc[record[0], "csat_pct"])
        assert record[2] == pytest.approx(by_centre.loc[record[0], "csat_pct_adjusted"])
    # The story: Lisbon beats Glasgow on raw CSAT, Glasgow beats Lisbon once mix-adjusted.
    ranks = mix.set_index(mix.columns[0])
    assert ranks.loc["Atlântico Lisbon", "rank raw"] < ranks.loc["Claremont Glasgow", "rank raw"]
    assert (
        ranks.loc["Claremont Glasgow", "rank adjusted"]
        < ranks.loc["Atlântico Lisbon", "rank adjusted"]
    )


def test_compare_by_vendor_from_the_link(app):
    at = app("compare", group_by="vendor")
    groups = list(at.dataframe[0].value.iloc[:, 0])
    assert groups == ["In-house", "Atlântico Serviços", "Claremont Contact", "Pacific Reach BPO"]


@pytest.mark.parametrize(
    ("baseline", "group_by"), [("glasgow", "vendor"), ("leeds", "shore"), ("manila", "sourcing")]
)
def test_compare_groups_against_a_single_centre_baseline(app, baseline, group_by):
    # These links raised a ValueError: the sidebar offers centres as baselines, but the
    # metric layer only accepted a group key of the grouping.
    at = app("compare", baseline=baseline, group_by=group_by)
    centre_name = {
        "glasgow": "Claremont Glasgow",
        "leeds": "Northwind Leeds",
        "manila": "Pacific Reach Manila",
    }[baseline]
    assert f"gaps against {centre_name}" in at.caption[0].value
    assert not at.exception


def test_partner_review_scorecard_against_targets(app, sample_warehouse):
    at = app("partner_review", vendor="Pacific Reach BPO")
    assert at.title[0].value == "Partner review"
    assert at.selectbox(key="review_vendor").value == "Pacific Reach BPO"
    targets = at.dataframe[0].value.set_index("Metric")
    start = LATEST_WEEK - timedelta(weeks=12)
    expected = metric_layer(
        sample_warehouse,
        grain="range",
        group_by="vendor",
        start=start,
        end=LATEST_WEEK + timedelta(days=6),
    )
    vendor = expected[expected["centre_id"] == "Pacific Reach BPO"].set_index("metric")
    for metric in ["csat_pct", "fcr_repeat_pct", "aht_s"]:
        row = targets.loc[CATALOGUE[metric].name]
        assert row["Value"] == format_value(vendor.loc[metric, "value"], CATALOGUE[metric].unit)
        assert row["Status"].endswith(vendor.loc[metric, "status"])
    assert targets.loc["CSAT %", "Status"] == "✖ missed"
    assert [b.label for b in at.get("download_button")] == [
        "Review pack (HTML, opens offline)",
        "Tables (Excel)",
    ]
    # customers' comments are shown as plain text, never as markdown
    assert len(at.text) > 0
    assert not [m for m in at.markdown if m.value.startswith("> ")]


def test_data_page_lists_loads_rejects_and_definitions(app, sample_warehouse):
    at = app("data")
    assert at.title[0].value == "Data"
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    loads, rejects = con.execute(
        "SELECT (SELECT count(*) FROM loads), "
        # one rejected row, however many of its columns were at fault
        "(SELECT count(*) FROM (SELECT DISTINCT load_id, row_number FROM rejects))"
    ).fetchone()
    con.close()
    _as_of, freshness, ledger, rejected, definitions = (d.value for d in at.dataframe)
    assert len(ledger) == loads
    assert len(rejected) == rejects > 0
    # every centre sends a roster and staff surveys; two vendors their own figures
    assert set(freshness["kind"]) == {
        "contacts",
        "surveys",
        "qa",
        "reported",
        "roster",
        "staff_surveys",
    }
    assert list(definitions["metric"]) == list(CATALOGUE)

    at.multiselect(key="rejects_centre").set_value(["manila"]).run()
    assert set(at.dataframe[3].value["centre_id"]) == {"manila"}


def test_no_warehouse_says_how_to_load(app, monkeypatch, tmp_path):
    monkeypatch.setenv("CC_WAREHOUSE", str(tmp_path / "missing.duckdb"))
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "python -m pipelines ingest" in at.info[0].value


def test_empty_warehouse_explains_itself(monkeypatch, tmp_path):
    path = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(path))
    create_schema(con)
    con.close()
    monkeypatch.setenv("CC_WAREHOUSE", str(path))
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "no contacts yet" in at.info[0].value
    at.switch_page("screens/data.py").run()
    assert not at.exception
    assert at.title[-1].value == "Data"


def test_the_app_follows_a_warehouse_swapped_in_by_a_load(sample_warehouse, monkeypatch, tmp_path):
    import shutil

    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP

    live = tmp_path / "live.duckdb"
    shutil.copy(sample_warehouse, live)
    monkeypatch.setenv("CC_WAREHOUSE", str(live))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert "Pacific Reach Manila" in next(m.value for m in at.markdown if "scorecard" in m.value)

    # What ingestion does: build a new file beside the live one, then rename it over.
    building = tmp_path / "live.duckdb.building"
    shutil.copy(sample_warehouse, building)
    con = duckdb.connect(str(building))
    for table in ["contacts", "surveys", "qa_evaluations", "qa_sections", "centres"]:
        con.execute(f"DELETE FROM {table} WHERE centre_id = 'manila'")
    con.close()
    building.replace(live)

    at.run()
    assert not at.exception
    html = next(m.value for m in at.markdown if "scorecard" in m.value)
    assert "Pacific Reach Manila" not in html and "Northwind Leeds" in html


# ---------------------------------------------------------------- links and notices


@pytest.fixture
def link(sample_warehouse, monkeypatch):
    """Opens a page straight from a link, as a new browser session would (the ``app``
    fixture's runs start on the overview, whose run reads the sidebar's part of it)."""
    monkeypatch.setenv("CC_WAREHOUSE", str(sample_warehouse))

    def open_page(page: str, **query_params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in query_params.items():
            at.query_params[key] = value
        at.switch_page(f"screens/{page}.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_page


def test_compare_reads_its_own_choices_from_the_link_and_writes_them_back(link):
    at = link("compare", group_by="shore", breakdown="channel", metric="aht_s", by_agent="1")
    assert at.segmented_control(key="compare_group_by").value == "shore"
    assert at.segmented_control(key="compare_breakdown").value == "channel"
    assert at.selectbox(key="compare_metric").value == "aht_s"
    assert at.toggle(key="compare_by_agent").value is True
    assert not [w for w in at.main.warning if w.value.startswith("Ignored")]  # nothing ignored
    assert list(at.dataframe[0].value.iloc[:, 0]) == ["Onshore", "Nearshore", "Offshore"]

    at.selectbox(key="compare_metric").set_value("nps").run()
    assert at.query_params["metric"] == "nps"
    at.segmented_control(key="compare_breakdown").set_value("contact_reason").run()
    assert at.query_params["breakdown"] == "contact_reason"
    at.toggle(key="compare_by_agent").set_value(False).run()
    assert "by_agent" not in at.query_params
    assert (at.query_params["group_by"], at.query_params["metric"]) == ("shore", "nps")


@pytest.mark.parametrize(
    ("page", "param", "value", "notice"),
    [
        (
            "compare",
            "metric",
            "foo",
            "Ignored ` metric=foo ` in the link: no such metric for the breakdown. "
            "Showing CSAT % in the breakdown.",
        ),
        (
            "compare",
            "breakdown",
            "weather",
            "Ignored ` breakdown=weather ` in the link: no such breakdown. "
            "Showing the breakdown by contact reason.",
        ),
        (
            "compare",
            "group_by",
            "planet",
            "Ignored ` group_by=planet ` in the link: no such grouping. Showing by centre.",
        ),
        (
            "compare",
            "by_agent",
            "maybe",
            "Ignored ` by_agent=maybe ` in the link: not 1 or 0 (yes or no). "
            "Showing one bubble per group.",
        ),
        # the sample's data run from Mon 25 May to Sun 22 Nov 2026 (Europe/London)
        (
            "overview",
            "week",
            "1999-01-04",
            "Ignored ` week=1999-01-04 ` in the link: no data in the week of 04 Jan 1999 (data "
            "from 25 May 2026 to 22 Nov 2026). Showing the latest week, 16 Nov 2026.",
        ),
        (
            "compare",
            "week",
            "16/11/2026",
            "Ignored ` week=16/11/2026 ` in the link: not a date (YYYY-MM-DD). "
            "Showing the latest week, 16 Nov 2026.",
        ),
        (
            "overview",
            "weeks",
            "7",
            "Ignored ` weeks=7 ` in the link: history must be 1, 4, 13, 26, 52 weeks. "
            "Showing 13 weeks.",
        ),
        (
            "partner_review",
            "centre",
            "atlantis",
            "Ignored ` centre=atlantis ` in the link: no such centre. Showing all centres.",
        ),
        (
            "compare",
            "baseline",
            "nowhere",
            "Ignored ` baseline=nowhere ` in the link: no such centre. "
            "Showing gaps against in-house (pooled).",
        ),
        (
            "overview",
            "channel",
            "fax",
            "Ignored ` channel=fax ` in the link: no such channel. Showing all channels.",
        ),
    ],
)
def test_an_unusable_link_value_is_named_in_a_visible_notice(link, page, param, value, notice):
    at = link(page, **{param: value})
    # (other warnings, such as a vendor out of QA calibration, may stand beside it)
    assert [w.value for w in at.main.warning if w.value.startswith("Ignored")] == [notice]
    assert any(value in c.value for c in at.sidebar.caption)
    # ... and the page shows what the notice says instead.
    if param == "week":
        assert at.session_state["f_week"] == LATEST_WEEK
    if param == "metric":
        assert at.selectbox(key="compare_metric").value == "csat_pct"


def test_only_the_unknown_values_of_a_link_are_dropped(link):
    at = link("overview", centre=["manila", "atlantis", "manila"])
    assert at.session_state["f_centres"] == ["manila"]
    assert [w.value for w in at.main.warning if w.value.startswith("Ignored")] == [
        "Ignored ` centre=atlantis ` in the link: no such centre. Showing Pacific Reach Manila."
    ]
    assert at.query_params["centre"] == "manila"  # the URL now says what is shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("[x](http://evil.example)", "` metric=[x](http://evil.example) `"),
        ("**bold** :smile: -> $x$", "` metric=**bold** :smile: -> $x$ `"),
        ("a`b", "`` metric=a`b ``"),  # a longer fence around a backtick
        (":material/home:", "` metric=:material\u2060/home: `"),  # Streamlit rewrites this one
        ("line\nbreak", "` metric=line break `"),
    ],
)
def test_link_values_in_notices_are_plain_text(link, value, shown):
    at = link("compare", metric=value)
    (warning,) = [w for w in at.main.warning if w.value.startswith("Ignored")]
    assert warning.value.startswith(f"Ignored {shown} in the link")


# ---------------------------------------------------------------- legible charts and tables

# Okabe-Ito in dims order: the in-house centre takes the first blue, the vendors (by
# name: Atlântico, Claremont, Pacific Reach) the vendor hues in turn.
CENTRE_COLOURS = {
    "Northwind Leeds": "#0072B2",
    "Atlântico Lisbon": "#E69F00",
    "Claremont Glasgow": "#D55E00",
    "Pacific Reach Manila": "#009E73",
}


def _specs(at) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.main if e.type == "vega_lite_chart"]


def _colour_scales(node) -> dict[str, str]:
    """label -> colour of every colour/fill scale over group labels in a chart spec."""
    found = {}
    if isinstance(node, dict):
        for channel in ("color", "fill"):
            encoding = node.get(channel)
            if isinstance(encoding, dict) and encoding.get("field") == "centre_name":
                scale = encoding.get("scale", {})
                for label, colour in zip(
                    scale.get("domain", []), scale.get("range", []), strict=True
                ):
                    assert found.get(label, colour) == colour, label
                    found[label] = colour
        for child in node.values():
            found.update(_colour_scales(child))
    elif isinstance(node, list):
        for child in node:
            found.update(_colour_scales(child))
    return found


def _page_colours(at) -> dict[str, str]:
    colours = {}
    for spec in _specs(at):
        for label, colour in _colour_scales(spec).items():
            assert colours.setdefault(label, colour) == colour, label
    return colours


@pytest.mark.parametrize(
    ("page", "centres"),
    [
        ("compare", []),
        ("compare", ["manila"]),
        ("compare", ["glasgow", "lisbon"]),
        ("compare", ["lisbon", "leeds"]),
        ("overview", []),
        ("overview", ["manila"]),
        ("overview", ["glasgow", "manila"]),
    ],
)
def test_a_centre_keeps_its_colour_whatever_the_selection(link, page, centres):
    at = link(page, centre=centres) if centres else link(page)
    shown = _page_colours(at)
    assert shown, "no coloured chart"
    expected = {
        name: colour
        for name, colour in CENTRE_COLOURS.items()
        if not centres or name.split()[-1].lower() in centres
    }
    assert shown == expected


def test_groups_keep_their_colours_too(link):
    # A one-centre vendor looks like its centre; the in-house group like the in-house blue.
    by_vendor = _page_colours(link("compare", group_by="vendor"))
    assert by_vendor == {
        "In-house": "#0072B2",
        "Atlântico Serviços": "#E69F00",
        "Claremont Contact": "#D55E00",
        "Pacific Reach BPO": "#009E73",
    }
    assert _page_colours(link("compare", group_by="vendor", centre="manila")) == {
        "Pacific Reach BPO": "#009E73"
    }
    by_shore = _page_colours(link("compare", group_by="shore"))
    assert by_shore == {"Onshore": "#009E73", "Nearshore": "#E69F00", "Offshore": "#CC79A7"}
    assert _page_colours(link("compare", group_by="shore", centre="manila")) == {
        "Offshore": "#CC79A7"
    }
    assert _page_colours(link("compare", group_by="sourcing", centre="lisbon")) == {
        "Vendors": "#E69F00"
    }


def _svg_texts(chart) -> list[str]:
    import vl_convert

    svg = vl_convert.vegalite_to_svg(json.dumps(chart.to_dict(), default=str))
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _labelled(sample_warehouse, **fields) -> pd.DataFrame:
    from dashboard.queries import _labelled as labelled

    return labelled(metric_layer(sample_warehouse, **fields))


def test_duration_axes_read_m_ss_like_the_tables():
    import altair as alt

    from dashboard.charts import duration_label
    from dashboard.formatting import format_duration

    seconds = [9, 59.6, 61.2, 605, 3600, 3725.4]
    chart = (
        alt.Chart(pd.DataFrame({"s": seconds}))
        .mark_point()
        .encode(
            x=alt.X("s:Q", title=None, axis=alt.Axis(values=seconds, labelExpr=duration_label()))
        )
    )
    labels = _svg_texts(chart)
    assert labels == ["0:09", "1:00", "1:01", "10:05", "1:00:00", "1:02:05"]
    assert labels == [format_duration(s) for s in seconds]


def test_charts_show_durations_in_m_ss_and_tick_weeks_on_mondays(sample_warehouse):
    from dashboard.charts import interval_dots, trend_small_multiples

    start = LATEST_WEEK - timedelta(weeks=12)
    weekly = _labelled(
        sample_warehouse,
        start=start,
        end=LATEST_WEEK + timedelta(days=6),
        metrics=("csat_pct", "aht_s"),
    )
    texts = _svg_texts(trend_small_multiples(weekly, CENTRE_COLOURS))
    assert "AHT (m:ss)" in texts and "AHT (s)" not in texts
    durations = [t for t in texts if re.fullmatch(r"\d+:\d\d", t)]
    aht = weekly[weekly["metric"] == "aht_s"]
    assert len(durations) >= 3
    for label in durations:  # the ticks lie within the band drawn
        minutes, secs = map(int, label.split(":"))
        assert aht["ci_low"].min() - 60 <= 60 * minutes + secs <= aht["ci_high"].max() + 60
    weeks = [
        date(2026, *map(int, pd.Timestamp(f"{t} 2026").strftime("%m %d").split()))
        for t in texts
        if re.fullmatch(r"\d\d [A-Z][a-z]{2}", t)
    ]
    assert weeks and all(week.weekday() == 0 for week in weeks)
    assert LATEST_WEEK in weeks  # the selected week is always labelled
    assert all(start <= week <= LATEST_WEEK for week in weeks)

    whole = _labelled(
        sample_warehouse,
        grain="range",
        start=start,
        end=LATEST_WEEK + timedelta(days=6),
        metrics=("aht_s", "asa_s"),
    )
    texts = _svg_texts(interval_dots(whole, CENTRE_COLOURS))
    assert {"AHT (m:ss)", "ASA (m:ss)"} <= set(texts)
    numbers = [t for t in texts if re.fullmatch(r"[\d.,]+", t)]
    assert not numbers, numbers  # no tick in raw seconds


def test_the_heatmap_stays_legible_for_every_breakdown(link, sample_warehouse):
    from dashboard.charts import HEAT_ROW_PX, breakdown_heatmap

    for breakdown in ["channel", "contact_reason"]:
        at = link("compare", breakdown=breakdown, metric="aht_s")
        (heat,) = [s for s in _specs(at) if '"rect"' in json.dumps(s)]
        assert heat["height"] == {"step": HEAT_ROW_PX}  # however few rows there are
        rect, text = heat["layer"]
        assert rect["encoding"]["y"]["axis"]["labelLimit"] == 0  # names never cut
        assert rect["encoding"]["x"]["axis"]["labelLimit"] == 0
        assert text["encoding"]["color"]["condition"]["value"] == "white"

    start = LATEST_WEEK - timedelta(weeks=12)
    split = _labelled(
        sample_warehouse,
        grain="range",
        start=start,
        breakdown="channel",
        end=LATEST_WEEK + timedelta(days=6),
        metrics=("aht_s",),
    )
    split = split[split["n"] > 0].assign(category=lambda f: f["breakdown_value"])
    labels = list(CENTRE_COLOURS)
    texts = _svg_texts(breakdown_heatmap(split, labels, "aht_s", 30))
    # Every cell reads as the tables do (m:ss), and so does the colour legend.
    cells = Counter(format_value(v, "seconds") for v in split["value"])
    assert len(split) == 3 * 4 and not cells - Counter(texts)
    assert not [t for t in texts if re.fullmatch(r"[\d.,]+", t)]
    assert {"voice", "chat", "email", *labels} <= set(texts)


def test_data_page_tables_have_human_column_names_and_one_row_per_rejected_row(
    link, sample_warehouse
):
    at = link("data")
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    records, rows = con.execute(
        "SELECT count(*), count(DISTINCT (load_id, row_number)) FROM rejects"
    ).fetchone()
    con.close()
    assert records > rows  # some rows have several bad columns
    assert f"{rows:,} of {rows:,} rejected rows" in [m.value for m in at.markdown]
    frames = {tuple(d.value.columns): d for d in at.dataframe}
    ledger = next(d for cols, d in frames.items() if "rows_read" in cols)
    rejected = next(d for cols, d in frames.items() if "raw_row" in cols)
    for table, wanted in [
        (ledger, ["Loaded at", "Rows read", "File", "Rows rejected"]),
        (rejected, ["Centre", "File", "Row", "Reasons"]),
    ]:
        config = json.loads(table.proto.columns)
        labels = [config[c]["label"] for c in table.proto.column_order]
        assert set(wanted) <= set(labels)
        assert not [label for label in labels if "_" in label], labels
    value = rejected.value
    assert len(value) == rows
    assert not value.duplicated(["load_id", "row_number"]).any()
    # Claremont Glasgow's row 2977 lacks both its Answered? and Abandoned? flags.
    glasgow = value[(value["centre_id"] == "glasgow") & (value["row_number"] == 2977)]
    assert list(glasgow["reason"]) == [
        "Abandoned?: missing required value; Answered?: missing required value"
    ]


def test_a_long_table_says_how_many_rows_are_not_drawn():
    def page():
        import pandas as pd

        from dashboard.view import show_table

        show_table(pd.DataFrame({"n": range(250)}), {"n": "Number"}, "numbers")
        show_table(pd.DataFrame({"n": range(3)}), {"n": "Number"}, "numbers")

    at = AppTest.from_function(page).run()
    assert [len(d.value) for d in at.dataframe] == [200, 3]
    assert [c.value for c in at.caption] == [
        "The first 200 of 250 numbers are shown; the other 50 are in the download."
    ]
