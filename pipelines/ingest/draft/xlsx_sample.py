"""Reading an XLSX export's sample: the sheet to read, the header below any title rows,
and the formula cells the loader reads saved values of."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import xlsx
from .sample import SAMPLE_ROWS, TOTAL_WORDS, DraftError, Sample, text_cell
from .sniff import DIALECT_LINES, find_header
from .wording import plural, shortened

XLSX_MAX_ROWS = 2_000_000  # rows of a sheet held in memory for the key check


def _blank(cells: Sequence[Any]) -> bool:
    return all(c is None or c == "" for c in cells)


def _trimmed(cells: Sequence[Any]) -> list[str]:
    texts = [(xlsx.cell_text(c) or "").strip() for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _choose_sheet(path: Path) -> tuple[str, str]:
    """The largest worksheet (cells of its used range), and why; problems as the row
    reader words them (``xlsx.SheetProblem``)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several types for broken files
        raise xlsx.SheetProblem(f"not a readable XLSX workbook ({error})") from None
    try:
        names = [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if not names:
            raise xlsx.SheetProblem("the workbook holds no worksheet")
        sizes = {}
        for name in names:
            sheet = workbook.get_sheet_by_name(name)
            sizes[name] = sheet.height * sheet.width
    finally:
        workbook.close()
    chosen = max(names, key=lambda n: (sizes[n], -names.index(n)))
    if len(names) == 1:
        return chosen, "the only sheet"
    others = ", ".join(f"'{n}'" for n in names if n != chosen)
    return chosen, f"the largest of {len(names)} sheets (also {others})"


def _formula_cells(
    path: Path,
    sheet: str,
    header_row: int,
    header: list[str],
    data: Sequence[Sequence[str | None]],
    limit: int = 200,
) -> tuple[dict[str, str], dict[str, int]]:
    """The first formula of each column holding formulas in the first ``limit`` data rows
    (openpyxl reads formulas, calamine their saved values), and how many of its formula
    cells have no saved value (calamine reads those as empty: the loader cannot know what
    they were)."""
    import openpyxl

    formulas: dict[str, str] = {}
    uncached: Counter[str] = Counter()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:  # a workbook calamine reads but openpyxl does not: skip the check
        return {}, {}
    try:
        rows = book[sheet].iter_rows(
            min_row=header_row + 2, max_row=header_row + 1 + limit, values_only=True
        )
        texts = iter(data)
        for row in rows:
            if _blank(row):
                continue  # blank rows are not data rows (nor in ``data``)
            values = next(texts, None)
            if any(isinstance(c, str) and c.strip().lower() in TOTAL_WORDS for c in row):
                continue  # a totals row (filtered below)
            for index, cell in enumerate(row[: len(header)]):
                if not (isinstance(cell, str) and cell.startswith("=")):
                    continue
                name = header[index]
                formulas.setdefault(name, cell)
                if values is not None and values[index] is None:
                    uncached[name] += 1
    finally:
        book.close()
    return formulas, dict(uncached)


def read_xlsx_sample(path: Path, limit: int = SAMPLE_ROWS) -> Sample:
    try:
        sheet, sheet_why = _choose_sheet(path)
    except xlsx.SheetProblem as problem:
        raise DraftError(f"{path}: {problem}") from None
    rows_iter = xlsx.sheet_rows(path, sheet)
    try:
        head: list[list[Any]] = []
        for row in rows_iter:
            head.append(list(row))
            if len(head) >= DIALECT_LINES:
                break
        trimmed = [_trimmed(r) for r in head]
        widths = Counter(sum(1 for c in r if c) for r in trimmed if any(r))
        if not widths:
            raise DraftError(f"{path}: sheet '{sheet}' is empty")
        width = max(widths, key=lambda w: (widths[w], w))
        skip = find_header(trimmed, width, exact=False)
        if skip is None:
            raise DraftError(f"{path}: no header row found in sheet '{sheet}'")
        header = trimmed[skip]
        data, all_rows, date_cells = [], [], Counter()
        complete = True

        def take(cells: Sequence[Any]) -> None:
            cells = list(cells[: len(header)])
            if _blank(cells):
                return
            texts = [text_cell(xlsx.cell_text(c)) for c in cells]
            texts += [None] * (len(header) - len(cells))
            if len(data) < limit:
                data.append(texts)
                for index, cell in enumerate(cells):
                    if isinstance(cell, dt.date | dt.time):
                        date_cells[header[index]] += 1
            all_rows.append(texts)

        for row in head[skip + 1 :]:
            take(row)
        for row in rows_iter:
            take(row)
            if len(all_rows) >= XLSX_MAX_ROWS:
                complete = False
                break
    except xlsx.SheetProblem as problem:
        raise DraftError(f"{path}: {problem}") from None
    finally:
        rows_iter.close()
    formulas, uncached = _formula_cells(path, sheet, skip, header, data)
    title = next((c for c in trimmed[0] if c), "") if skip else ""
    notes = {
        "sheet": sheet_why,
        "skip_rows": (
            f"{plural(skip, 'row')} above the header (title: '{shortened(title, 50)}')"
            if skip
            else "the header is the first row"
        ),
    }
    return Sample(
        path=path,
        format="xlsx",
        header=header,
        rows=data,
        notes=notes,
        skip_rows=skip,
        sheet=sheet,
        complete=complete,
        all_rows=all_rows,
        formulas=formulas,
        uncached=uncached,
        date_cells=dict(date_cells),
    )
