"""Tables for people that never break a figure: money, ID numbers, codes, dates and months are never wrapped or cut
(a `412.8` / `0` split over two lines reads as two numbers); only free text folds. When the columns do not fit the
console (80 columns at a counter), the figures are split over several tables, each repeating the columns that say
which row it is (the month, the event's number), rather than wrapped. rich is imported only when a table is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.core.i18n import translated

TEXT_MIN = 10
"""The narrowest a folding text column is let go before the figures are split over another table."""


@dataclass(frozen=True)
class Col:
    key: str
    header: str = ""
    kind: str = "text"
    """`text` folds; `fixed` (an ID, a code, a date) and `number` (right-aligned) are never wrapped."""
    repeat: bool = False
    """Shown in every table when the columns are split (it says which row it is)."""

    @property
    def title(self) -> str:
        """The header in the reader's language (the extractor keys it as written here)."""
        return translated(self.header or self.key.replace("_", " "))


def fitted(title: str, columns: list[Col], rows: list[dict[str, Any]], width: int) -> list[Any]:
    """One table when the columns fit the width, else several, each with the repeated columns."""
    cells = [{c.key: _text(row.get(c.key)) for c in columns} for row in rows]
    if _width(columns, cells) <= width:
        return [table(title, columns, cells)]
    repeated = [c for c in columns if c.repeat]
    tables, chunk = [], []
    for column in (c for c in columns if not c.repeat):
        if chunk and _width(repeated + chunk + [column], cells) > width:
            tables.append(table(title, repeated + chunk, cells))
            chunk, title = [], ""
        chunk.append(column)
    return [*tables, table(title, repeated + chunk, cells)]


def table(title: str, columns: list[Col], cells: list[dict[str, str]]) -> Any:
    from rich.table import Table

    shown = Table(title=title or None)
    for column in columns:
        if column.kind == "text":
            shown.add_column(column.title, overflow="fold")
        else:
            shown.add_column(column.title, no_wrap=True, justify="right" if column.kind == "number" else "left")
    for cell in cells:
        shown.add_row(*(cell[column.key] for column in columns))
    return shown


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _width(columns: list[Col], cells: list[dict[str, str]]) -> int:
    """What the columns need: a figure its widest cell, a text column its widest cell up to TEXT_MIN; three
    characters a column for the rule and the padding, one for the table's edge."""
    from rich.cells import cell_len

    needed = 1
    for column in columns:
        widest = max([cell_len(column.title), *(cell_len(cell[column.key]) for cell in cells)])
        needed += 3 + (widest if column.kind != "text" else min(widest, max(TEXT_MIN, cell_len(column.title))))
    return needed


def print_fitted(console: Any, title: str, columns: list[Col], rows: list[dict[str, Any]]) -> None:
    for shown in fitted(title, columns, rows, console.width):
        console.print(shown)
