"""Tables written for spreadsheets: an xlsx workbook (openpyxl, imported only here and only when one is written)
and CSV, each cell typed so that a spreadsheet keeps what the ledger said.

- money is a number with two decimals shown (`#,##0.00`), counts whole numbers;
- text stays text: an ID number, a credit code or a phone number is never read as a number (Excel would round
  `640102199003070011` to `6.40102E+17`), and text that starts like a formula (`= + - @`, a tab or a carriage
  return) is stored as text marked so (xlsx) or prefixed with `'` (CSV), never evaluated (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "0"
PERCENT_FORMAT = "0.0"
WIDTH_MAX = 40


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"
    """`text`, `money` (a decimal string), `count` (an int), `number` (either) or `percent` (a decimal string)."""


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    """Lines above the table (what it counts, for the reader of a printout)."""


def neutralised(text: str) -> str:
    """CSV: text that a spreadsheet would run as a formula, quoted so it is shown as typed."""
    return "'" + text if text.startswith(FORMULA_START) else text


def value_of(value: Any, kind: str) -> Any:
    """A cell's value: money and percentages as Decimal, counts as int, the rest as text (None stays empty)."""
    if value is None or value == "":
        return None
    if kind in ("money", "percent", "number"):
        return Decimal(str(value))
    if kind == "count":
        return int(value)
    return str(value)


def write_csv(out: IO[str], columns: list[Column], rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.key for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(row.get(column.key), column.kind) for column in columns])


def _csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    return neutralised(str(value)) if kind == "text" else str(value)


def write_workbook(target: str | IO[bytes], sheets: list[Sheet]) -> None:
    """One sheet per table: its notes, a header of labels, a line of the contract's keys, then the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        page = book.create_sheet(_sheet_title(sheet.title))
        for note in sheet.notes:
            page.append([note])
        header = len(sheet.notes) + 1
        for number, column in enumerate(sheet.columns, start=1):
            _text_cell(page.cell(header, number), column.label).font = Font(bold=True)
            _text_cell(page.cell(header + 1, number), column.key).font = Font(italic=True, color="808080")
        for offset, row in enumerate(sheet.rows, start=header + 2):
            for number, column in enumerate(sheet.columns, start=1):
                _cell(page.cell(offset, number), row.get(column.key), column.kind)
        page.freeze_panes = page.cell(header + 2, 1)
        _fit(page, sheet)
        page.print_options.gridLines = True
        page.page_setup.orientation = "landscape"
        page.page_setup.fitToWidth = 1
    book.save(target)


def _cell(cell: Any, value: Any, kind: str) -> Any:
    typed = value_of(value, kind)
    if typed is None:
        return cell
    if kind == "text":
        return _text_cell(cell, typed)
    cell.value = typed
    if kind == "number":
        kind = "money" if "." in str(value) else "count"
    cell.number_format = {"money": MONEY_FORMAT, "count": COUNT_FORMAT, "percent": PERCENT_FORMAT}[kind]
    return cell


def _text_cell(cell: Any, text: str) -> Any:
    """Text kept as text: stored as a string whatever it looks like, shown with the text format `@`, and marked
    with a quote prefix when it starts like a formula (openpyxl would otherwise store it as one)."""
    cell.value = text
    if cell.data_type != "s":
        cell.data_type = "s"
    cell.number_format = "@"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def _sheet_title(title: str) -> str:
    """Excel's limits: 31 characters, none of []:*?/\\."""
    return "".join("_" if c in "[]:*?/\\" else c for c in title)[:31]


def _fit(page: Any, sheet: Sheet) -> None:
    from openpyxl.utils import get_column_letter

    for number, column in enumerate(sheet.columns, start=1):
        texts = [column.label, column.key, *(str(row.get(column.key) or "") for row in sheet.rows)]
        width = max(_display_width(text) for text in texts) + 2
        page.column_dimensions[get_column_letter(number)].width = min(width, WIDTH_MAX)


def _display_width(text: str) -> int:
    """Chinese characters take two columns."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    return buffer.getvalue()
