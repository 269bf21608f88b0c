"""The running app in a real headless Chromium (the OS package), page by page.

Starts ``streamlit run`` on a free loopback port against the sample warehouse, with the
repository's ``.streamlit/config.toml`` (address, usage stats, toolbar), visits every
page, asserts no error element and the key headings and numbers, that no request leaves
the machine and that business users see no developer chrome, and saves a screenshot per
page under ``build/screenshots/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipelines.settings import REPO_ROOT
from tests.dashboard.conftest import is_local, settle
from tests.typed_workbook import assert_cells_typed

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_ROOT / "build" / "screenshots"
PAGES = [
    ("", "Weekly overview", "overview"),
    ("/compare", "Compare", "compare"),
    ("/partner_review?vendor=Pacific+Reach+BPO", "Partner review", "partner_review"),
    ("/data", "Data", "data"),
    ("/calibration?centre=manila", "QA calibration", "calibration"),
]


@pytest.fixture(scope="module")
def browser_page(browser_context):
    return browser_context.new_page()


@pytest.fixture
def requests_seen(browser_context) -> list[str]:
    """The URLs requested during this test."""
    browser_context.requests_seen.clear()
    return browser_context.requests_seen


def _open(page, url: str, heading: str, name: str) -> str:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    settle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")
    return page.inner_text("body")


def test_no_request_leaves_the_machine(app_url: str, browser_page, requests_seen) -> None:
    _open(browser_page, app_url, "Weekly overview", "overview")
    nav = browser_page.get_by_test_id("stSidebarNavLink")
    # a link's text is its icon's name (a font ligature), then the page's title
    pages = {
        nav.nth(i).inner_text().split("\n")[-1].strip(): nav.nth(i).get_attribute("href")
        for i in range(nav.count())
    }
    assert {"Weekly overview", "Compare", "Partner review", "QA calibration", "Data"} <= set(
        pages
    ), pages
    for title, href in pages.items():  # every page in the navigation, whatever is added
        browser_page.goto(href, wait_until="domcontentloaded")
        browser_page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
        settle(browser_page)
        assert browser_page.get_by_test_id("stException").count() == 0, title
    browser_page.get_by_test_id("stMainMenu").click()
    browser_page.get_by_test_id("stMainMenuList").wait_for(timeout=10_000)
    browser_page.keyboard.press("Escape")
    assert len(requests_seen) > 50  # scripts, fonts, icons, the app's stream: recorded
    assert any(urlsplit(u).path.endswith(".woff2") for u in requests_seen)  # fonts: local
    outside = sorted({url for url in requests_seen if not is_local(url)})
    assert outside == [], outside


def test_the_favicon_is_served_locally(app_url: str, browser_page) -> None:
    _open(browser_page, app_url, "Weekly overview", "overview")
    icons = browser_page.evaluate(
        "() => [...document.querySelectorAll('link[rel~=\"icon\"]')].map(link => link.href)"
    )
    assert icons
    assert all(is_local(icon) for icon in icons), icons


def test_business_users_see_no_developer_chrome(
    app_url: str, browser_page, server_log: Path
) -> None:
    _open(browser_page, app_url, "Weekly overview", "overview")
    assert browser_page.get_by_test_id("stAppDeployButton").count() == 0
    browser_page.get_by_test_id("stMainMenu").click()
    menu = browser_page.get_by_test_id("stMainMenuList")
    menu.wait_for(timeout=10_000)
    items = menu.inner_text()
    browser_page.keyboard.press("Escape")
    assert "Print" in items  # the viewer's options are there ...
    for developer_option in ("Rerun", "Clear cache", "Deploy", "Developer", "Settings"):
        assert developer_option not in items, items  # ... the developer's are not
    # Served on the loopback interface only (.streamlit/config.toml, server.address).
    log = server_log.read_text()
    assert f"URL: {app_url}" in log and "Network URL" not in log, log


def test_every_page_renders_in_chromium(app_url: str, browser_page) -> None:
    overview = _open(browser_page, app_url, "Weekly overview", "overview")
    assert "Scorecard" in overview
    assert "Pacific Reach Manila is significantly behind" in overview
    # (plain text: an invisible word joiner follows each punctuation mark of a warning)
    assert "its own QA team scores contacts" in overview
    assert "out of calibration" in overview
    assert "%" in overview

    compare = _open(browser_page, f"{app_url}/compare", "Compare", "compare")
    assert "Raw v. mix-adjusted CSAT" in compare
    assert "Productivity v. satisfaction" in compare
    assert "QA: its own scores v. the client's" in compare
    assert "Staff before customers" in compare
    assert "CSAT is likely flattered" in compare

    review = _open(
        browser_page,
        f"{app_url}/partner_review?vendor=Pacific+Reach+BPO",
        "Partner review",
        "partner_review",
    )
    assert "Pacific Reach BPO" in review
    assert "Targets" in review
    assert "Can we trust its own numbers?" in review
    assert "QA by who scored it" in review

    data = _open(browser_page, f"{app_url}/data", "Data", "data")
    assert "Loads" in data
    assert "Rejected rows" in data

    calibration = _open(
        browser_page, f"{app_url}/calibration?centre=manila", "QA calibration", "calibration"
    )
    assert "Out of calibration. Pacific Reach Manila's own QA" in calibration
    for heading in ("Gap per month", "By QA section", "Own v. client QA", "Largest disagreements"):
        assert heading in calibration


def _download(page, label: str, folder: Path) -> Path:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_downloads_are_valid_files(app_url: str, browser_page, tmp_path: Path) -> None:
    import openpyxl
    import pandas as pd

    _open(
        browser_page,
        f"{app_url}/partner_review?vendor=Pacific+Reach+BPO",
        "Partner review",
        "partner_review",
    )
    pack = _download(browser_page, "Review pack (HTML, opens offline)", tmp_path)
    html = pack.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Partner review: Pacific Reach BPO" in html
    assert html.count("<svg") >= 3  # charts travel inside the file
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    text = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)  # the words, not the charts
    assert "Europe/London" in text  # the reporting time zone of the sample settings.yaml
    assert "Billing query" in text and "billing_query" not in text  # reason names
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # dates for people: 09 Nov 2026
    workbook = openpyxl.load_workbook(_download(browser_page, "Tables (Excel)", tmp_path))
    assert "Targets" in workbook.sheetnames and "definitions" in workbook.sheetnames
    targets = workbook["Targets"]
    header = [cell.value for cell in targets[1]]
    rows = {
        row[0].value: dict(zip(header, row, strict=True)) for row in targets.iter_rows(min_row=2)
    }
    csat = rows["CSAT %"]
    assert csat["Value"].data_type == "n" and csat["Value"].number_format == '0.0"%"'
    assert csat["Gap to in-house (pooled)"].data_type == "n"
    assert csat["Gap to in-house (pooled)"].value < 0  # Pacific Reach is behind on CSAT
    assert csat["Gap to in-house (pooled)"].number_format == '+0.0" pts";-0.0" pts";0.0" pts"'
    assert rows["AHT"]["Value"].number_format == "[m]:ss"  # an Excel time, as m:ss
    assert_cells_typed(workbook)

    _open(browser_page, app_url, "Weekly overview", "overview")
    scorecard = pd.read_csv(
        _download(browser_page, "Download this week's scorecard (CSV)", tmp_path)
    )
    assert set(scorecard["centre_id"]) == {"leeds", "glasgow", "lisbon", "manila"}


def test_a_copied_link_reproduces_the_view(app_url: str, browser_page) -> None:
    text = _open(
        browser_page,
        f"{app_url}/?week=2026-10-05&weeks=4&centre=glasgow",
        "Weekly overview",
        "overview_linked",
    )
    assert "Week of Mon 05 Oct 2026" in text
    assert "Claremont Glasgow" in text
    assert "Pacific Reach Manila" not in text.split("Scorecard", 1)[1]


UNUSUAL_VIEWS = [
    # the links that crashed Compare: a single-centre baseline under a grouping
    ("/compare?baseline=glasgow&group_by=vendor", "Compare", "compare_baseline_glasgow_vendor"),
    ("/compare?baseline=leeds&group_by=shore", "Compare", "compare_baseline_leeds_shore"),
    # the first week, one week of history, one channel and reason: small samples everywhere
    (
        "/?week=2026-05-25&weeks=1&channel=email&reason=moving_home",
        "Weekly overview",
        "overview_small_samples",
    ),
    # the in-house centre filtered out: the baseline keeps its own column
    (
        "/?centre=manila&centre=lisbon&baseline=in_house",
        "Weekly overview",
        "overview_without_baseline_centre",
    ),
    (
        "/partner_review?vendor=Claremont+Contact&weeks=52&baseline=lisbon",
        "Partner review",
        "partner_review_glasgow_52_weeks",
    ),
    (
        "/drilldown?centre=manila&metric=delight_pct&week=2026-11-16&weeks=13",
        "Drill-down",
        "drilldown_manila_delight",
    ),
]


@pytest.mark.parametrize(
    ("path", "heading", "name"), UNUSUAL_VIEWS, ids=[v[2] for v in UNUSUAL_VIEWS]
)
def test_unusual_links_render_without_an_error(
    app_url: str, browser_page, path: str, heading: str, name: str
) -> None:
    body = _open(browser_page, f"{app_url}{path}", heading, name)
    assert "Traceback" not in body and "Error" not in body.split("Data loaded up to")[0]


def test_a_red_cell_leads_to_its_cause(app_url: str, browser_page) -> None:
    overview = _open(browser_page, app_url, "Weekly overview", "overview")
    # how long: the banner says for how many weeks Manila has been behind
    assert re.search(
        r"Pacific Reach Manila is significantly behind .*behind for \d+ weeks", overview
    ), overview
    # is it complete: the sidebar says up to when data is loaded
    assert "Data loaded up to Sun 22 Nov 2026" in overview
    # why: a worse (tinted) Manila cell links to its drill-down, carrying the filters
    cell = browser_page.locator("td.worse a.cell[href*='centre=manila']").first
    cell.click()
    browser_page.get_by_role("heading", name="Drill-down").first.wait_for(timeout=60_000)
    settle(browser_page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=str(SCREENSHOTS / "drilldown_from_cell.png"), full_page=True)
    assert browser_page.get_by_test_id("stException").count() == 0
    assert "week=2026-11-16" in browser_page.url and "centre=manila" in browser_page.url
    body = browser_page.inner_text("body")
    assert "Contact reasons" in body and "Agents" in body


def test_the_calibration_page_downloads_the_disagreements_it_shows(
    app_url: str, browser_page, sample_warehouse: Path, tmp_path: Path
) -> None:
    import pandas as pd

    from pipelines.metrics import MetricQuery
    from pipelines.metrics.calibration_pairs import calibration_pairs
    from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings
    from pipelines.warehouse import connect_read_only

    body = _open(
        browser_page,
        f"{app_url}/calibration?centre=glasgow&week=2026-11-16&weeks=26&grain=week",
        "QA calibration",
        "calibration_glasgow_weekly",
    )
    assert "Within tolerance." in body and "Gap per week" in body
    # the chart is drawn: a point per week of the 26, and the ±tolerance band
    chart = browser_page.get_by_test_id("stVegaLiteChart").first
    assert chart.locator("svg path, canvas").count() > 0
    downloaded = pd.read_csv(_download(browser_page, "Largest disagreements (CSV)", tmp_path))
    con = connect_read_only(sample_warehouse)
    try:
        query = MetricQuery(
            grain="range",
            start=pd.Timestamp("2026-05-25").date(),
            end=pd.Timestamp("2026-11-22").date(),
            centres=("glasgow",),
        )
        expected = calibration_pairs(con, query, load_metric_settings(DEFAULT_CONFIG_DIR))
    finally:
        con.close()
    assert list(downloaded["contact_id"].astype(str)) == list(expected["contact_id"])
    assert set(downloaded["centre_id"]) == {"glasgow"}
    assert list(downloaded["gap"]) == pytest.approx(list(expected["gap"]))
    assert list(downloaded["own_evaluator_ids"]) == [
        "; ".join(ids) for ids in expected["own_evaluator_ids"]
    ]


def _type_date(page, form, label: str, digits: str, nth: int = 0) -> None:
    """A date typed into Streamlit's segmented date field: day, month, year."""
    form.get_by_role("spinbutton", name=f"day, {label}").nth(nth).click()
    page.keyboard.type(digits)
    page.keyboard.press("Tab")


def test_a_review_meeting_recorded_in_chromium_is_there_after_a_reload(
    sample_warehouse, browser_context, tmp_path, monkeypatch
) -> None:
    from pipelines.reviews import ReviewStore, objective_statuses
    from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings
    from pipelines.warehouse import connect_read_only
    from tests.dashboard.conftest import running_app

    store_path = tmp_path / "reviews.sqlite"  # a store of its own, not the sample's
    monkeypatch.setenv("CC_REVIEWS", str(store_path))
    with running_app(sample_warehouse, tmp_path / "server.log") as url:
        page = browser_context.new_page()
        try:
            page.goto(f"{url}/partner_review?vendor=Pacific+Reach+BPO")
            page.get_by_role("heading", name="Review meetings").wait_for(timeout=60_000)
            settle(page)
            form = page.get_by_test_id("stForm").filter(has_text="A meeting with")
            form.get_by_role("spinbutton", name="day, Meeting date").wait_for(timeout=60_000)
            _type_date(page, form, "Meeting date", "02112026")
            form.get_by_role("textbox", name="Attendees").fill("Browser <b>Tester</b>; Marco")
            form.get_by_test_id("stSelectbox").first.click()
            page.get_by_role("option", name="CSAT %", exact=True).click()
            form.get_by_role("spinbutton", name="Target").first.fill("65")
            _type_date(page, form, "Due", "15112026")
            form.get_by_role("textbox", name="What").first.fill("Share the coaching plan")
            form.get_by_role("textbox", name="Your name (recorded in the change history)").fill(
                "Browser Tester"
            )
            form.get_by_role("button", name="Save the meeting").click()
            page.get_by_text("Saved the review of 02 Nov 2026").wait_for(timeout=60_000)

            page.reload()
            last = "Objectives from the last review (Mon 02 Nov 2026)"
            page.get_by_role("heading", name=last).wait_for(timeout=60_000)
            settle(page)
            # what people typed comes back as typed, never as HTML
            page.get_by_test_id("stText").filter(has_text="Browser <b>Tester</b>; Marco").wait_for()
            page.get_by_role("checkbox", name="Share the coaching plan").wait_for()
            assert page.get_by_test_id("stException").count() == 0
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.get_by_role("heading", name=last).scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / "review_meetings.png"))
            shown = page.get_by_test_id("stDataFrame").filter(has_text="15 Nov 2026")
            shown.wait_for()
            status_text = shown.text_content()  # the grid's cells (drawn on a canvas)
        finally:
            page.close()
    store = ReviewStore(store_path)
    meeting = store.last_meeting("Pacific Reach BPO")
    (objective,) = store.objectives(meeting.meeting_id)
    assert (meeting.held_on.isoformat(), objective.metric, objective.target) == (
        "2026-11-02",
        "csat_pct",
        65.0,
    )
    assert {entry.who for entry in store.audit()} == {"Browser Tester"}
    con = connect_read_only(sample_warehouse)
    try:
        (status,) = objective_statuses(
            con, meeting, [objective], load_metric_settings(DEFAULT_CONFIG_DIR)
        )
    finally:
        con.close()
    assert status.status == "missed"  # Pacific Reach's CSAT stays far below 65 %
    assert "missed" in status_text and f"{status.value:.1f}%" in status_text
