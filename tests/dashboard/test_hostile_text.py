"""Text from exports and links is shown as plain text on every page (AppTest).

Every page runs on a warehouse whose names, reasons, queues, agents, comments, file
names and rejects hold the hostile corpus (hostile.py), and on links carrying it. The
markdown source of every element Streamlit interprets (markdown, captions, alerts,
headers, widget, expander and metric labels) must keep none of the corpus in a form
markdown would act on; the scorecard's HTML must hold it escaped.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import APP, is_local, running_app, settle
from tests.dashboard.hostile import (
    EVIL_HOST,
    HOSTILE_VENDOR,
    HTML_TELLS,
    MARKDOWN_TELLS,
    hostile_warehouse,
    payload,
)

MARKDOWN_BODIES = {
    "markdown",
    "caption",
    "error",
    "warning",
    "info",
    "success",
    "header",
    "subheader",
    "title",
}
CODE_SPAN = re.compile(r"(`+) .*? \1")
VIEWS = [
    ("overview", {}),
    ("compare", {"breakdown": "contact_reason"}),
    ("compare", {"group_by": "vendor", "breakdown": "channel"}),
    ("compare", {"metric": payload(1), "centre": payload(0), "baseline": payload(6)}),
    ("partner_review", {"vendor": HOSTILE_VENDOR}),
    ("partner_review", {"vendor": payload(2)}),
    ("data", {}),
    ("drilldown", {"metric": "csat_pct", "centre": "manila"}),
    ("drilldown", {"metric": payload(3), "centre": payload(4)}),
    ("calibration", {"centre": "manila"}),
    ("calibration", {"centre": "glasgow", "grain": "week"}),
    ("calibration", {"centre": payload(4), "grain": payload(1)}),
]


@pytest.fixture(scope="module")
def hostile(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_warehouse(
        sample_warehouse, tmp_path_factory.mktemp("hostile") / "warehouse.duckdb"
    )


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def interpreted_texts(at: AppTest) -> list[tuple[str, str]]:
    """(element type, markdown source) of everything Streamlit renders as markdown."""
    texts = []
    for node in _nodes(at._tree):
        kind = getattr(node, "type", "")
        value = getattr(node, "value", None)
        if kind in MARKDOWN_BODIES and isinstance(value, str):
            texts.append((kind, value))
        label = getattr(node, "label", None)
        if isinstance(label, str):
            texts.append((f"{kind} label", label))
    return texts


@pytest.mark.parametrize(("page", "params"), VIEWS, ids=lambda v: str(v)[:40])
def test_no_page_interprets_text_from_the_data_or_the_link(hostile, monkeypatch, page, params):
    monkeypatch.setenv("CC_WAREHOUSE", str(hostile))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"screens/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    texts = interpreted_texts(at)
    assert texts, "the page drew nothing"
    for kind, text in texts:
        html = kind == "markdown" and 'class="scorecard"' in text
        # inside a code span (plain.literal) nothing is interpreted
        outside_code = CODE_SPAN.sub("", text)
        for tell in HTML_TELLS if html else MARKDOWN_TELLS:
            assert tell not in outside_code, f"{page} {kind}: {tell!r} in {text[:300]!r}"
        assert not re.search(r"^\s*#+\s*INJECTED", text, re.MULTILINE), text[:300]
        # a value is cut for display (60 000 characters in the corpus)
        assert "x" * 1_000 not in text, f"{page} {kind}: a long value shown whole"
    # st.text shows text as typed, and cuts it too (plain.shortened: 2 000 characters)
    for node in _nodes(at._tree):
        if getattr(node, "type", "") == "text":
            assert "x" * 2_500 not in str(node.value), f"{page}: a long value shown whole"


BROWSER_VIEWS = [
    "",
    "/compare?breakdown=contact_reason",
    f"/compare?{urlencode({'metric': payload(1), 'centre': payload(0)})}",
    f"/partner_review?{urlencode({'vendor': HOSTILE_VENDOR})}",
    "/data",
    "/drilldown?metric=csat_pct&centre=manila",
    "/calibration?centre=manila",
]


@pytest.fixture(scope="module")
def hostile_url(hostile: Path, tmp_path_factory: pytest.TempPathFactory):
    with running_app(hostile, tmp_path_factory.mktemp("hostile_app") / "server.log") as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("path", BROWSER_VIEWS)
def test_the_browser_shows_the_corpus_as_text(hostile_url, browser_context, path):
    page = browser_context.new_page()
    requests, dialogs = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    started = time.monotonic()
    page.goto(hostile_url + path, wait_until="domcontentloaded")
    settle(page)
    seconds = time.monotonic() - started
    try:
        assert [url for url in requests if not is_local(url)] == []  # evil.example too
        assert dialogs == []
        headings = page.locator("h1, h2, h3, h4, h5, h6").all_inner_texts()
        assert not [h for h in headings if "INJECTED" in h and not h.startswith("#")]
        markup = page.content()
        for rendered in (
            f'src="http://{EVIL_HOST}',
            f'href="http://{EVIL_HOST}',
            "<script>alert",
            "<b>bold html</b>",
            "😄",
        ):
            assert rendered not in markup, rendered
        assert seconds < 60, f"{path} took {seconds:.0f} s"
    finally:
        page.close()
