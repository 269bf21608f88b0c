"""``python -m pipelines review-pack``: the Partner review page's pack, written for a
scheduler. The same bytes as the page's downloads; an anonymised pack names no other
centre; clear refusals (exit code 2) for what a caller can get wrong."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from pathlib import Path

import openpyxl
import pytest
from streamlit.delta_generator import DeltaGenerator

from dashboard.partner_pack import pack_file_stem
from pipelines.__main__ import main
from tests.dashboard.test_vendor_view import VENDORS, forbidden_words, marked  # noqa: F401

# the page's default period: the latest 13 weeks of the sample exports
START, END = dt.date(2026, 8, 24), dt.date(2026, 11, 22)
GENERATED = dt.datetime(2026, 11, 23, 6, 30)


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr("dashboard.review_pack.clock", lambda zone: GENERATED.replace(tzinfo=zone))


def _command(warehouse: Path, out: Path, vendor: str, *extra: str) -> int:
    return main(
        [
            "review-pack",
            "--vendor",
            vendor,
            "--start",
            str(START),
            "--end",
            str(END),
            "--out",
            str(out),
            "--warehouse",
            str(warehouse),
            *extra,
        ]
    )


def _page_downloads(app, monkeypatch, vendor: str) -> dict[str, bytes]:
    """What the page's download buttons would hand the browser: file name -> bytes."""
    offered = {}
    original = DeltaGenerator.download_button

    def recording(self, label, data, file_name=None, **kwargs):
        offered[file_name] = data() if callable(data) else data
        return original(self, label, data, file_name=file_name, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    app("partner_review", vendor=vendor)
    return offered


def _cells(data: bytes) -> dict[str, list[list[tuple[object, str]]]]:
    """Every sheet's cells: value and number format. Numbers to 12 significant digits:
    DuckDB sums doubles in parallel, so two runs of the same query may differ in the
    last bits (0.219975793328544 v ...545), far below anything a pack shows."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {
        sheet.title: [
            [(_same_number(c.value), c.number_format) for c in row] for row in sheet.iter_rows()
        ]
        for sheet in workbook
    }


def _same_number(value: object) -> object:
    return float(f"{value:.12g}") if isinstance(value, float) else value


@pytest.mark.parametrize("vendor", ["Pacific Reach BPO", "Atlântico Serviços"])
def test_the_command_writes_the_pages_pack(
    app, sample_warehouse, tmp_path, monkeypatch, fixed_clock, vendor
):
    offered = _page_downloads(app, monkeypatch, vendor)
    assert _command(sample_warehouse, tmp_path, vendor) == 0
    written = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert sorted(written) == sorted(offered)  # the same file names
    stem = pack_file_stem(vendor, START, END)
    page_html = offered[f"{stem}.html"].decode("utf-8")
    assert f"Partner review: {html.escape(vendor)}" in page_html
    assert "generated 23 Nov 2026 06:30" in page_html  # the fixed clock, both ways
    assert written[f"{stem}.html"] == offered[f"{stem}.html"]
    page_cells, command_cells = _cells(offered[f"{stem}.xlsx"]), _cells(written[f"{stem}.xlsx"])
    assert "Targets" in page_cells and len(page_cells["Targets"]) > 5
    assert command_cells == page_cells


def _pack_text(folder: Path) -> str:
    """Everything an anonymised pack's reader could see: the HTML (charts included,
    entities decoded) and every cell and property of the workbook."""
    (page,) = folder.glob("*.html")
    (book,) = folder.glob("*.xlsx")
    parts = [html.unescape(page.read_text(encoding="utf-8"))]
    workbook = openpyxl.load_workbook(book)
    properties = workbook.properties
    parts += [str(properties.title), str(properties.subject), str(properties.description)]
    for sheet in workbook:
        parts.append(sheet.title)
        parts += [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    return "\n".join(parts)


@pytest.mark.parametrize("vendor", VENDORS)
def test_an_anonymised_pack_names_no_other_centre(marked, tmp_path, vendor):  # noqa: F811
    assert _command(marked, tmp_path, vendor, "--anonymise-peers") == 0
    text = _pack_text(tmp_path)
    assert sorted(word for word in forbidden_words(marked, vendor) if word in text) == []
    assert re.search(r"zq\w+qz", text), "none of the vendor's own comments is in its pack"
    assert "Client in-house" in text  # the trends' in-house line, under its alias


def _flows(folder: Path) -> dict[str, int]:
    (book,) = folder.glob("*.xlsx")
    rows = openpyxl.load_workbook(book)["Repeat flows"].iter_rows(min_row=2, values_only=True)
    return {name: count for name, count, _share in rows}


def test_the_internal_pack_names_what_the_vendors_own_pack_hides(marked, tmp_path):  # noqa: F811
    # Pacific Reach's repeat callers go on to other centres: the internal pack names
    # them, the anonymised one shows the same repeats under aliases.
    vendor = "Pacific Reach BPO"
    internal, anonymised = tmp_path / "internal", tmp_path / "anonymised"
    assert _command(marked, internal, vendor) == 0
    assert _command(marked, anonymised, vendor, "--anonymise-peers") == 0
    leaked = sorted(w for w in forbidden_words(marked, vendor) if w in _pack_text(internal))
    assert "Northwind Leeds" in leaked  # the scan above sees another centre when named
    named, aliased = _flows(internal), _flows(anonymised)
    assert "Northwind Leeds" in named and "Northwind Leeds" not in aliased
    assert aliased["Client in-house"] == named["Northwind Leeds"]
    own = {name: count for name, count in named.items() if name.startswith("Pacific")}
    assert own and {name: aliased[name] for name in own} == own


def test_file_names_are_safe_for_any_vendor_name():
    start, end = dt.date(2026, 8, 24), dt.date(2026, 11, 22)
    assert pack_file_stem("Atlântico Serviços", start, end) == (
        "review_atlantico-servicos_2026-08-24_2026-11-22"
    )
    assert pack_file_stem("Pacific Reach BPO", start, end) == (
        "review_pacific-reach-bpo_2026-08-24_2026-11-22"
    )
    assert pack_file_stem("../A/B: C?*", start, end) == "review_a-b-c_2026-08-24_2026-11-22"
    # no letter survives ASCII folding: a short hash of the name, the same every time
    tokyo = pack_file_stem("東京コール", start, end)
    assert re.fullmatch(r"review_vendor-[0-9a-f]{8}_2026-08-24_2026-11-22", tokyo)
    assert tokyo == pack_file_stem("東京コール", start, end) != pack_file_stem("大阪", start, end)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--vendor": "Nobody Ltd"}, "no vendor 'Nobody Ltd'"),
        ({"--start": "2026-13-01"}, "is not a date; write it as YYYY-MM-DD"),
        ({"--end": "22/11/2026"}, "is not a date; write it as YYYY-MM-DD"),
        ({"--start": "2026-11-23"}, "--start 2026-11-23 is after --end 2026-11-22"),
        ({"--warehouse": "missing.duckdb"}, "No warehouse at"),
    ],
)
def test_refusals_exit_with_2_and_say_why(sample_warehouse, tmp_path, capsys, change, message):
    options = {
        "--vendor": "Pacific Reach BPO",
        "--start": str(START),
        "--end": str(END),
        "--warehouse": str(sample_warehouse),
        "--out": str(tmp_path / "out"),
    }
    options.update({k: str(tmp_path / v) if k == "--warehouse" else v for k, v in change.items()})
    argv = ["review-pack", *[part for pair in options.items() for part in pair]]
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse refuses a bad date itself
        code = exit_.code
    assert code == 2
    error = capsys.readouterr().err
    assert message in error
    if change.get("--vendor"):  # and names the vendors there are
        assert "Atlântico Serviços, Claremont Contact, Pacific Reach BPO" in error
    assert not (tmp_path / "out").exists()  # nothing written
