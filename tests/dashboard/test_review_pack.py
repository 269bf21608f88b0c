"""The partner-review pack on its own: self-contained HTML that prints on A4, the screen's
formatting from typed tables, and a workbook of numbers with number formats."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
import zlib
from pathlib import Path

import altair as alt
import openpyxl
import pandas as pd
import pytest

from dashboard.review_pack import PackSection, PackTable, ReviewPack
from pipelines.metrics import CATALOGUE
from tests.dashboard.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.typed_workbook import assert_cells_typed

POINTS = '+0.0" pts";-0.0" pts";0.0" pts"'
SECONDS_GAP = '+#,##0" s";-#,##0" s";0" s"'
HOSTILE = '=HYPERLINK("http://x")'
# Text that a reader would take for a number: 57.7%, -21.6 pts, 1,247, 7:45, '+30 ...


def _scorecard() -> PackTable:
    """Five metrics, each row in its own unit, values worked out by hand."""
    metrics = ["csat_pct", "nps", "csat_mean", "aht_s", "contacts"]
    frame = pd.DataFrame(
        {
            "Metric": [CATALOGUE[m].name for m in metrics],
            "Value": [57.7386, -16.36, 3.449, 465.0, 7799.0],  # 465 s is 7:45
            "Target": [78.0, 30.0, None, 420.0, None],
            "Gap to in-house": [-21.62, -44.41, -0.678, -147.0, -197.0],  # -147 s is -2:27
            "n": [1247, 1247, 1247, 7381, 7799],
        },
        index=[10, 11, 12, 13, 14],
    )
    units = pd.Series([CATALOGUE[m].unit for m in metrics], index=frame.index)
    return PackTable(
        frame,
        units={"Value": units, "Target": units, "Gap to in-house": "gap:" + units, "n": "count"},
    )


def _pack(extra_rows: int = 0, chart_height: int = 200) -> ReviewPack:
    scorecard = _scorecard()
    weekly = pd.DataFrame(
        {"period_start": [dt.date(2026, 11, 9), dt.date(2026, 11, 16)], "value": [61.5, 58.0]}
    )
    chart = (
        alt.Chart(weekly, title="Weekly CSAT in detail")
        .mark_line()
        .encode(x="period_start:T", y="value:Q")
        .properties(width=500, height=chart_height)
    )
    comments = pd.DataFrame(
        {
            "Date": pd.to_datetime(["2026-11-16", "2026-11-09"]),
            "Reason": ["billing_query", "payment"],
            "CSAT": ["1 on 1-5", "2 on 1-5"],
            "Comment": [HOSTILE, "<b>rude</b>"],
        }
    )
    reasons = pd.DataFrame(
        {"Reason": ["Billing query"], "CSAT %": [56.9], "n": [297], "Contribution (pts)": [-4.95]}
    )
    long = pd.concat([scorecard.frame] * (1 + extra_rows // len(scorecard.frame)))
    everything = PackTable(
        long.reset_index(drop=True),
        units={"Value": "number", "Target": "number", "Gap to in-house": "pts", "n": "count"},
    )
    return ReviewPack(
        "Partner review: Vendor & Co",
        "16 Nov 2026 – 22 Nov 2026",
        [
            PackSection(
                "Scorecard against targets",
                "the period",
                tables=[
                    ("Targets", scorecard.rows(scorecard.frame["Target"].notna())),
                    ("All metrics", everything),
                ],
            ),
            PackSection("Trends", "weekly", charts=[chart]),
            PackSection("What explains the gap", tables=[("Contact reasons", reasons)]),
            PackSection("What customers said", tables=[("Dissatisfied", comments)]),
        ],
        reporting_timezone="Europe/London",
        labels={"Reason": {"billing_query": "Billing query", "payment": "Payment"}},
    )


def test_the_screen_shows_typed_values_formatted_in_their_units():
    shown = _scorecard().display().set_index("Metric")
    assert shown.loc["CSAT %"].tolist() == ["57.7%", "78.0%", "-21.6 pts", "1,247"]
    assert shown.loc["NPS"].tolist() == ["-16", "+30", "-44.4 pts", "1,247"]
    assert shown.loc["CSAT mean (1-5)"].tolist() == ["3.45", "–", "-0.68", "1,247"]
    assert shown.loc["AHT"].tolist() == ["7:45", "7:00", "-2:27", "7,381"]
    assert shown.loc["Contacts"].tolist() == ["7,799", "–", "-197", "7,799"]


def test_rows_keep_their_units():
    with_targets = _scorecard().rows(
        pd.Series([True, True, False, True, False], index=[10, 11, 12, 13, 14])
    )
    assert with_targets.display()["Value"].tolist() == ["57.7%", "-16", "7:45"]


def test_html_is_self_contained_escaped_and_for_people():
    html = _pack().to_html().decode("utf-8")
    assert "<svg" in html  # the chart is drawn inside the file, dates and all
    assert "<script" not in html and "src=" not in html
    assert "Partner review: Vendor &amp; Co" in html
    assert "&lt;b&gt;rude&lt;/b&gt;" in html and "=HYPERLINK(&quot;http://x&quot;)" in html
    assert "@media print" in html and "size: A4 landscape" in html
    text = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert "reporting time zone, Europe/London" in text
    assert "16 Nov 2026" in text and "09 Nov 2026" in text  # comment dates
    assert not re.search(r"\d{4}-\d\d-\d\d|00:00:00", text)  # no ISO dates or timestamps
    assert "<td>Billing query</td>" in text and "billing_query" not in text
    assert '<td class="num">-21.6 pts</td>' in text and '<td class="num">7:45</td>' in text
    assert '<td class="num">56.9%</td>' in text  # a plain table's "CSAT %" column


def _sheet_rows(sheet) -> dict[str, dict]:
    header = [cell.value for cell in sheet[1]]
    return {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}


def test_workbook_cells_are_numbers_with_number_formats():
    data = _pack().to_xlsx()
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [
        "Targets",
        "All metrics",
        "Contact reasons",
        "Dissatisfied",
        "definitions",
    ]
    targets = _sheet_rows(workbook["Targets"])
    assert list(targets) == ["CSAT %", "NPS", "AHT"]  # rows with a target

    csat = targets["CSAT %"]
    assert (csat["Value"].data_type, csat["Value"].value) == ("n", 57.7386)
    assert csat["Value"].number_format == '0.0"%"'
    assert (csat["Target"].value, csat["Target"].number_format) == (78, '0.0"%"')
    gap = csat["Gap to in-house"]  # -21.6 points: a negative number, the sign by format
    assert (gap.data_type, gap.value, gap.number_format) == ("n", -21.62, POINTS)
    assert (csat["n"].data_type, csat["n"].value, csat["n"].number_format) == ("n", 1247, "#,##0")

    nps = targets["NPS"]
    assert (nps["Value"].value, nps["Value"].number_format) == (-16.36, "+0;-0;0")
    assert nps["Gap to in-house"].number_format == POINTS

    aht = targets["AHT"]
    # 465 s stored as an Excel time (465 / 86400 days): openpyxl reads it back as a duration
    assert aht["Value"].value == dt.timedelta(seconds=465)
    assert aht["Value"].number_format == "[m]:ss"
    assert aht["Target"].value == dt.timedelta(minutes=7)
    # Excel cannot show negative times, so a duration's gap stays signed seconds
    assert (aht["Gap to in-house"].value, aht["Gap to in-house"].number_format) == (
        -147,
        SECONDS_GAP,
    )

    everything = _sheet_rows(workbook["All metrics"])
    assert everything["Contacts"]["Target"].value is None  # no target: an empty cell
    assert everything["CSAT mean (1-5)"]["Gap to in-house"].number_format == POINTS

    reasons = _sheet_rows(workbook["Contact reasons"])["Billing query"]
    assert (reasons["CSAT %"].value, reasons["CSAT %"].number_format) == (56.9, '0.0"%"')
    assert reasons["Contribution (pts)"].number_format == POINTS

    said = workbook["Dissatisfied"]
    assert said["A2"].value == dt.datetime(2026, 11, 16) and said["A2"].is_date
    assert said["A2"].number_format == "dd mmm yyyy"
    assert said["B2"].value == "Billing query"
    # A hostile comment is text, shown as written, marked so an edit keeps it text.
    assert (said["D2"].data_type, said["D2"].value, said["D2"].quotePrefix) == ("s", HOSTILE, True)
    assert said["D3"].quotePrefix is False

    assert_cells_typed(workbook, formatted=("n",))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)  # no formula
    assert "Europe/London" in workbook.properties.description


# --- printing: the pack through headless Chromium's print to PDF ---------------------

A4_LANDSCAPE = (841.89, 595.28)  # points


def _pdf_objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number -> (dictionary, decompressed stream), for Chromium's (Skia's) PDFs:
    objects written out plainly, streams deflated, lengths direct."""
    objects = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*", pdf):
        body = pdf[match.end() : pdf.find(b"endobj", match.end())]
        stream = b""
        if b"stream" in body:
            body, _, rest = body.partition(b"stream")
            length = int(re.search(rb"/Length (\d+)", body).group(1))
            raw = rest.lstrip(b"\r\n")[:length]
            stream = zlib.decompress(raw) if b"/FlateDecode" in body else raw
        objects[int(match.group(1))] = (body, stream)
    return objects


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """Glyph code -> text, from a font's ToUnicode CMap (bfchar and bfrange)."""
    codes = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            codes[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, first in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            for offset in range(int(high, 16) - int(low, 16) + 1):
                codes[int(low, 16) + offset] = chr(int(first, 16) + offset)
    return codes


def _pdf_pages(pdf: bytes) -> list[tuple[list[float], str]]:
    """Per page, in order: its MediaBox and its text (two-byte glyph codes, Identity-H)."""
    objects = _pdf_objects(pdf)
    tree = next(body for body, _ in objects.values() if re.search(rb"/Type /Pages\b", body))
    kids = re.search(rb"/Kids \[([^\]]*)\]", tree).group(1)
    pages = []
    for number in re.findall(rb"(\d+) 0 R", kids):
        page = objects[int(number)][0]
        box = [float(v) for v in re.search(rb"/MediaBox \[([^\]]*)\]", page).group(1).split()]
        fonts = {}
        for name, font in re.findall(rb"/(F\d+) (\d+) 0 R", page):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(font)][0])
            fonts[name] = _to_unicode(objects[int(to_unicode.group(1))][1]) if to_unicode else {}
        content = b"".join(objects[int(n)][1] for n in re.findall(rb"/Contents (\d+) 0 R", page))
        text, font = [], {}
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]*)>|\bET\b", content):
            if token.group(1):
                font = fonts.get(token.group(1), {})
            elif token.group(2) is not None:
                glyphs = token.group(2)
                text += [
                    font.get(int(glyphs[i : i + 4], 16), "?") for i in range(0, len(glyphs), 4)
                ]
            else:
                text.append("\n")
        pages.append((box, "".join(text)))
    return pages


def _print_to_pdf(html: bytes, folder: Path) -> bytes:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    page, pdf = folder / "pack.html", folder / "pack.pdf"
    page.write_bytes(html)
    subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_ARGS,
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return pdf.read_bytes()


@pytest.mark.browser
def test_the_pack_prints_on_a4_from_the_first_page(tmp_path):
    # A first section taller than a page and a chart taller than a page: the cases that
    # used to leave page 1, or the page of a heading, blank.
    pack = _pack(extra_rows=60, chart_height=1400)
    pages = _pdf_pages(_print_to_pdf(pack.to_html(), tmp_path))
    assert len(pages) >= 3  # the content is longer than a page or two: it really flows
    for number, (box, text) in enumerate(pages, start=1):
        assert box[2:] == pytest.approx(A4_LANDSCAPE, abs=1.5), number
        assert text.strip(), f"page {number} is blank"
    first = pages[0][1]
    assert "Partner review: Vendor & Co" in first
    assert "reporting time zone, Europe/London" in first
    assert "Scorecard against targets" in first and "CSAT %" in first  # not the title alone

    def page_of(words: str) -> int:
        return next(n for n, (_, text) in enumerate(pages, start=1) if words in text)

    # The chart's own title prints on the page of its section's heading.
    assert page_of("Weekly CSAT in detail") == page_of("Trends\nweekly")
    assert page_of("What customers said") >= page_of("Trends\nweekly") >= 2
