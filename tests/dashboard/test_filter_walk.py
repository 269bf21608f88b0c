"""No combination of filters crashes a page: a covering walk under AppTest, and what a
link cannot show is named as typed, in the real browser too.

Each page is opened from a link (``at.query_params``, as a shared URL would) with
every *pair* of filter values appearing in at least one run: an all-pairs design over
the page's own choices, generated here deterministically (greedy, first-best). Edge
selections (no rows at all, a single contact) and the Data page's own filters are
walked besides. Every run must draw the page (its title) with no exception element and
no error element carrying a traceback.
"""

from __future__ import annotations

import itertools
from datetime import date
from urllib.parse import urlencode

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import APP

FIRST_WEEK, MIDDLE_WEEK, LATEST_WEEK = "2026-05-25", "2026-08-17", "2026-11-16"
TITLES = {
    "overview": "Weekly overview",
    "compare": "Compare",
    "partner_review": "Partner review",
    "drilldown": "Drill-down",
    "data": "Data",
}

# The sidebar's choices, shared by every page that has the sidebar.
FILTERS = {
    "baseline": ["in_house", "leeds", "glasgow", "lisbon", "manila"],
    # none, one vendor, the in-house centre only, two vendors
    "centre": [[], ["manila"], ["leeds"], ["glasgow", "lisbon"]],
    # email has no queue metrics (ASA, service level, abandon)
    "channel": [[], ["email"], ["chat"]],
    "reason": [[], ["cancellation"]],
    "week": [FIRST_WEEK, MIDDLE_WEEK, LATEST_WEEK],
    "weeks": ["1", "13", "52"],  # the history's edges and the default
}
PAGE_CHOICES = {
    "overview": {},
    "compare": {
        "group_by": ["centre", "vendor", "sourcing", "shore"],
        "breakdown": ["contact_reason", "channel"],
        # a rate, a duration, a queue duration (none for email), a provisional rate, a score
        "metric": ["csat_pct", "aht_s", "asa_s", "fcr_repeat_pct", "qa_score"],
        "by_agent": ["0", "1"],
    },
    "partner_review": {"vendor": ["Pacific Reach BPO", "Claremont Contact", "Atlântico Serviços"]},
    "drilldown": {"metric": ["delight_pct", "asa_s", "qa_section_brand", "complaint_pct"]},
}

# Selections with no rows at all, and with one contact, found in the sample exports:
# Northwind Leeds had no cancellation e-mails in its first week; Claremont Glasgow had
# a single payment e-mail in the week of 20 July.
EDGES = {
    "empty": {
        "week": FIRST_WEEK,
        "weeks": "1",
        "centre": ["leeds"],
        "channel": ["email"],
        "reason": ["cancellation"],
    },
    "single_contact": {
        "week": "2026-07-20",
        "weeks": "1",
        "centre": ["glasgow"],
        "channel": ["email"],
        "reason": ["payment"],
    },
}


def all_pairs(factors: dict[str, list]) -> list[dict]:
    """Rows of factor values in which every pair of values of two factors appears at
    least once. Greedy and deterministic: each row starts from the first pair still
    uncovered, then takes for every other factor the first value covering most new
    pairs."""
    names = list(factors)
    if len(names) < 2:
        return [{names[0]: value} for value in factors[names[0]]] if names else [{}]

    def pairs_of(row: dict[str, int]) -> set:
        return {
            ((a, row[a]), (b, row[b]))
            for a, b in itertools.combinations(names, 2)
            if a in row and b in row
        }

    uncovered = {
        ((a, i), (b, j))
        for a, b in itertools.combinations(names, 2)
        for i in range(len(factors[a]))
        for j in range(len(factors[b]))
    }
    rows = []
    while uncovered:
        (a, i), (b, j) = min(
            uncovered, key=lambda p: (names.index(p[0][0]), p[0][1], names.index(p[1][0]), p[1][1])
        )
        row = {a: i, b: j}
        for name in names:
            if name in row:
                continue
            row[name] = max(
                range(len(factors[name])),
                key=lambda v, n=name: (len(pairs_of({**row, n: v}) & uncovered), -v),
            )
        uncovered -= pairs_of(row)
        rows.append({name: factors[name][row[name]] for name in names})
    return rows


def _cases() -> list[pytest.param]:
    cases = []
    for page, own in PAGE_CHOICES.items():
        for number, row in enumerate(all_pairs({**own, **FILTERS})):
            cases.append(pytest.param(page, row, id=f"{page}-{number}"))
        for edge, selection in EDGES.items():
            extra = (
                [{"group_by": g, "by_agent": "1"} for g in PAGE_CHOICES["compare"]["group_by"]]
                if page == "compare"
                else [{}]
            )
            for number, more in enumerate(extra):
                params = {"baseline": "manila" if number % 2 else "in_house", **selection, **more}
                cases.append(pytest.param(page, params, id=f"{page}-{edge}-{number}"))
    return cases


CASES = _cases()


@pytest.fixture
def open_link(sample_warehouse, monkeypatch):
    """Opens a page from a link, as a new browser session would."""
    monkeypatch.setenv("CC_WAREHOUSE", str(sample_warehouse))

    def run(page: str, params: dict) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in params.items():
            if value != []:
                at.query_params[key] = value
        at.switch_page(f"screens/{page}.py")
        return at.run()

    return run


def assert_drawn_without_errors(at: AppTest, page: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    tracebacks = [e.value for e in at.error if "Traceback" in e.value]
    assert not tracebacks, tracebacks
    assert TITLES[page] in [t.value for t in at.title], "the page was not drawn"


def test_the_design_covers_every_pair():
    factors = {**PAGE_CHOICES["compare"], **FILTERS}
    rows = all_pairs(factors)
    for a, b in itertools.combinations(factors, 2):
        seen = {(repr(row[a]), repr(row[b])) for row in rows}
        wanted = {(repr(x), repr(y)) for x in factors[a] for y in factors[b]}
        assert seen == wanted, (a, b, wanted - seen)
    # Far fewer runs than the full product (4 * 2 * 5 * 2 * 5 * 4 * 3 * 2 * 3 * 3 = 86,400),
    # at least the largest pair of factors (5 * 5), and the same design every time.
    assert 25 <= len(rows) <= 40
    assert rows == all_pairs(factors)
    assert all_pairs({"a": [1, 2], "b": [3]}) == [{"a": 1, "b": 3}, {"a": 2, "b": 3}]


@pytest.mark.parametrize(("page", "params"), CASES)
def test_no_link_crashes_a_page(open_link, page, params):
    at = open_link(page, params)
    assert_drawn_without_errors(at, page)
    # The link was read, not ignored: the sidebar shows its filters ...
    state = at.session_state
    assert state["f_week"] == date.fromisoformat(params["week"])
    assert state["f_span"] == int(params["weeks"])
    assert state["f_centres"] == params["centre"]
    assert state["f_channels"] == params["channel"]
    assert state["f_baseline"] == params["baseline"]
    assert not any("Ignored" in w.value for w in at.warning)
    if page == "compare":
        # ... and Compare its own choices, written back to the URL.
        assert at.query_params["group_by"] == params.get("group_by", "centre")
        assert state["compare_by_agent"] is (params.get("by_agent") == "1")
        if "breakdown" in params:
            assert at.query_params["breakdown"] == params["breakdown"]
            assert at.query_params["metric"] == params["metric"]


def test_the_empty_selection_says_so(open_link):
    at = open_link("compare", EDGES["empty"])
    assert any("No data in this period" in i.value for i in at.info)
    at = open_link("overview", EDGES["empty"])
    assert any("No contacts, surveys or evaluations" in i.value for i in at.info)


def test_one_session_keeps_its_choices_through_every_page(open_link):
    at = open_link(
        "compare",
        {"weeks": "4", "centre": ["glasgow", "manila"], "group_by": "vendor", "metric": "asa_s"},
    )
    at.segmented_control(key="compare_breakdown").set_value("channel").run()
    at.toggle(key="compare_by_agent").set_value(True).run()
    assert_drawn_without_errors(at, "compare")
    for page in ["data", "partner_review", "drilldown", "overview", "compare"]:
        # A page switch in the browser drops the URL's parameters (the Data page has
        # none to write back): what a page shows must come from the session.
        at.query_params.clear()
        at.switch_page(f"screens/{page}.py").run()
        assert_drawn_without_errors(at, page)
        if page != "data":
            assert at.selectbox(key="f_span").value == 4
            assert at.multiselect(key="f_centres").value == ["glasgow", "manila"]
    assert at.segmented_control(key="compare_group_by").value == "vendor"
    assert at.segmented_control(key="compare_breakdown").value == "channel"
    assert at.selectbox(key="compare_metric").value == "asa_s"
    assert at.toggle(key="compare_by_agent").value is True
    assert at.query_params["breakdown"] == "channel"  # and back in the URL


DATA_CHOICES = {
    "rejects_centre": [[], ["manila"], ["glasgow", "lisbon"]],
    "rejects_kind": [[], ["contacts"], ["surveys", "qa"]],
    # matches some rows, matches nothing
    "rejects_reason": ["", "duration", "no reason says this"],
}


@pytest.mark.parametrize(
    "choice",
    [
        dict(zip(DATA_CHOICES, values, strict=True))
        for values in itertools.product(*DATA_CHOICES.values())
    ],
    ids=lambda c: "-".join(str(v) for v in c.values()),
)
def test_no_data_page_filter_crashes(open_link, choice):
    at = open_link("data", {})
    assert_drawn_without_errors(at, "data")
    at.multiselect(key="rejects_centre").set_value(choice["rejects_centre"])
    at.multiselect(key="rejects_kind").set_value(choice["rejects_kind"])
    at.text_input(key="rejects_reason").set_value(choice["rejects_reason"]).run()
    assert_drawn_without_errors(at, "data")
    if choice["rejects_reason"] == "no reason says this":
        assert any(m.value.startswith("0 of ") for m in at.markdown)


@pytest.mark.browser
def test_a_link_value_shows_as_typed_in_the_browser(app_url, browser_context):
    url, page = app_url, browser_context.new_page()
    value = "[x](http://evil.example) **bold** -> :smile: $x$ www.evil.example"
    page.goto(
        f"{url}/compare?{urlencode({'metric': value, 'breakdown': 'channel'})}",
        wait_until="domcontentloaded",
    )
    notice = page.locator('[data-testid="stAlert"]').filter(has_text="Ignored").first
    notice.wait_for(timeout=60_000)
    assert f"Ignored metric={value} in the link" in notice.inner_text()
    markup = notice.inner_html()
    for rendered in ["<a ", "<strong", "katex", "<img", "😄", "→"]:
        assert rendered not in markup, rendered
    # Compare writes what it shows back into the address bar.
    page.wait_for_function("() => location.search.includes('metric=csat_pct')", timeout=60_000)
    assert "breakdown=channel" in page.url and "group_by=centre" in page.url
