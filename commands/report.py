"""`yibao report monthly|annual`: the statistical reports (统计报表, E68, E69, R50, R51), summed over the read
side's tables (projections/reports.py), as a table, CSV, JSON or an xlsx workbook."""

from __future__ import annotations

import datetime
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from commands.options import db_option, ledger_from, print_json, stdout, uow_from
from commands.spreadsheet import Column, Sheet
from ledger.core.errors import BadInput
from ledger.core.i18n import _, pgettext, term
from ledger.core.zone import BEIJING
from ledger.intake import validation

FORMATS = ("table", "csv", "json", "xlsx")


def titles() -> dict[str, tuple[str, str]]:
    """Each section's title (over its table) and its sheet's name (at most 31 characters), in the reader's
    language."""
    return {
        "insured": (_("insured persons"), pgettext("sheet", "insured")),
        "contributions": (_("contributions assessed and received"), pgettext("sheet", "contributions")),
        "contributions_by_month": (_("contributions by month"), pgettext("sheet", "contributions by month")),
        "resident_contributions": (_("resident contributions and subsidies"),
                                   pgettext("sheet", "resident contributions")),
        "account": (_("personal accounts"), pgettext("sheet", "personal accounts")),
        "benefits": (_("benefits paid"), pgettext("sheet", "benefits")),
        "maternity": (_("maternity payments"), pgettext("sheet", "maternity")),
        "refunds": (_("refunds"), pgettext("sheet", "refunds")),
        "year_on_year": (_("year on year"), pgettext("sheet", "year on year")),
    }


def headers(section: str) -> dict[str, str]:
    """Each column's header in the reader's language; in English the key spelt out, as the table shows it (one
    English word may be two figures: `cancelled` persons, or the `cancelled` assessments' amount)."""
    found = {
        "scheme": pgettext("report", "scheme"), "registered": pgettext("report", "registered"),
        "new": pgettext("report", "new"), "lost": pgettext("report", "lost"), "paid": pgettext("report", "paid"),
        "interrupted": pgettext("report", "interrupted"), "cancelled": pgettext("report", "cancelled"),
        "person_months": pgettext("report", "person months"), "employer_part": pgettext("report", "employer part"),
        "personal_part": pgettext("report", "personal part"), "assessed": pgettext("report", "assessed"),
        "true_up": pgettext("report", "true up"), "received": pgettext("report", "received"),
        "outstanding": pgettext("report", "outstanding"), "deferred": pgettext("report", "deferred"),
        "arrears": pgettext("report", "arrears"), "cancelled_months": pgettext("report", "cancelled months"),
        "kind": pgettext("report", "kind"), "payments": pgettext("report", "payments"),
        "total": pgettext("report", "total"), "fiscal_subsidy": pgettext("report", "fiscal subsidy"),
        "assistance_subsidy": pgettext("report", "assistance subsidy"), "movements": pgettext("report", "movements"),
        "credited": pgettext("report", "credited"), "spent": pgettext("report", "spent"),
        "transferred_out": pgettext("report", "transferred out"), "fund": pgettext("report", "fund"),
        "account": pgettext("report", "account"), "own": pgettext("report", "own"),
        "amount": pgettext("report", "amount"), "entry": pgettext("report", "entry"),
        "reason": pgettext("report", "reason"), "refunds": pgettext("report", "refunds"),
        "month": pgettext("report", "month"), "figure": pgettext("report", "figure"),
        "this_year": pgettext("report", "this year"), "last_year": pgettext("report", "last year"),
        "change": pgettext("report", "change"), "change_percent": pgettext("report", "change percent"),
    }
    if section in ("contributions", "contributions_by_month"):
        found["cancelled"] = pgettext("report amount", "cancelled")
    if section == "resident_contributions":
        found["total"] = pgettext("report amount", "total")
    return found


PERCENT_KEYS = ("change_percent",)
NUMBER_KEYS = ("this_year", "last_year", "change")


def format_options(command: Callable) -> Callable:
    command = click.option("--xlsx", "xlsx", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
                           help="Also write the report as an xlsx workbook to FILE (one sheet a table, sheet and "
                                "column names in the reader's language, money as numbers with two decimals)."
                           )(command)
    command = click.option("--json", "as_json", is_flag=True,
                           help="Print one JSON document and nothing else (as --format json).")(command)
    return click.option("--format", "output_format", type=click.Choice(FORMATS), default="table",
                        show_default=True, help="table (for people), csv (section,row,figure,value), json, or "
                                                "xlsx (to stdout when redirected; else give --xlsx FILE).")(command)


@click.group("report")
def command() -> None:
    """Statistical reports (统计报表, E68, E69, R50, R51) from the read side's tables.

    Example:

        yibao report monthly --month 2025-03 --xlsx report-2025-03.xlsx
    """


@command.command("monthly")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month reported (stocks on its last day).")
@format_options
@db_option
@click.pass_context
def monthly(ctx, month, output_format, as_json, xlsx):
    """A month: insured persons by scheme and status, contributions, accounts, benefits, maternity, refunds.

    Insured persons are counted on the month's last day (registered, cancelled, interrupted) and within it (new,
    lost, paid); contributions are the person-months of the month with every receipt known now; arrears are what
    was due before today and not received; payments are those dated within the month.

    Example:

        yibao report monthly --month 2025-03
        yibao report monthly --month 2025-03 --format csv > report-2025-03.csv
    """
    chosen = validation.month(month)
    from projections.reports import monthly as build

    _emit(ctx, lambda tables, cursor, today: build(tables, cursor, chosen, today), output_format, as_json, xlsx)


@command.command("annual")
@click.option("--year", required=True, type=click.IntRange(1900, 2100), help="The calendar year reported.")
@format_options
@db_option
@click.pass_context
def annual(ctx, year, output_format, as_json, xlsx):
    """A year: the monthly report's tables over the year, contributions month by month, and year-on-year change.

    Example:

        yibao report annual --year 2025 --xlsx report-2025.xlsx
        yibao report annual --year 2025 --json
    """
    from projections.reports import annual as build

    _emit(ctx, lambda tables, cursor, today: build(tables, cursor, year, today), output_format, as_json, xlsx)


def _emit(ctx: click.Context, build: Callable, output_format: str, as_json: bool, xlsx: Path | None) -> None:
    if as_json:
        output_format = "json"
    if output_format == "xlsx" and xlsx is None and sys.stdout.isatty():
        raise BadInput("format", _("xlsx is a binary file: give --xlsx FILE, or redirect stdout to a file"))
    document = read(ctx, build)
    sheets = workbook_sheets(document)
    if xlsx is not None:
        _write_file(xlsx, sheets)
    if output_format == "json":
        print_json(document)
    elif output_format == "csv":
        buffer = io.StringIO()
        from commands.spreadsheet import write_csv

        write_csv(buffer, [Column("section", "section"), Column("row", "row"), Column("figure", "figure"),
                           Column("value", "value", "number")], long_rows(document))
        click.echo(buffer.getvalue(), nl=False)
    elif output_format == "xlsx" and xlsx is None:
        from commands.spreadsheet import workbook_bytes

        sys.stdout.flush()
        sys.stdout.buffer.write(workbook_bytes(sheets))
        sys.stdout.buffer.flush()
    else:
        print_tables(document)
        if xlsx is not None:
            stdout.print(_("written to {file} ({count} sheets)").format(file=xlsx, count=len(sheets)), highlight=False,
                         soft_wrap=True)


def read(ctx: click.Context, build: Callable) -> dict[str, Any]:
    """The tables brought to the end of the log, then read in one snapshot with the position they reflect."""
    from projections.reports import snapshot

    return snapshot(ledger_from(ctx), uow_from(ctx).tables, build, datetime.datetime.now(BEIJING))


def _write_file(path: Path, sheets: list[Sheet]) -> None:
    from commands.spreadsheet import write_workbook

    try:
        write_workbook(path, sheets)
    except OSError as error:
        raise BadInput("xlsx", _("cannot write {file}: {reason}; give a file in a folder you may write to").format(
            file=path, reason=error.strerror or error)) from None


# -- the report's tables ---------------------------------------------------------------------------------------

def sections(document: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    return [(name, rows) for name, rows in document.items() if isinstance(rows, list)]


def columns_of(name: str, rows: list[dict[str, Any]]) -> list[Column]:
    """Each column's kind from its values: ints are counts, decimal strings money, the rest text."""
    found, shown = [], headers(name)
    for key in rows[0] if rows else []:
        values = [row[key] for row in rows if row[key] not in (None, "")]
        if key in PERCENT_KEYS:
            kind = "percent"
        elif key in NUMBER_KEYS:
            kind = "number"
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            kind = "count"
        elif values and all(isinstance(v, str) and _decimal(v) for v in values):
            kind = "money"
        else:
            kind = "text"
        found.append(Column(key, shown.get(key, key.replace("_", " ")), kind))
    return found


def _decimal(text: str) -> bool:
    return text.replace("-", "", 1).replace(".", "", 1).isdigit() and "." in text


def workbook_sheets(document: dict[str, Any]) -> list[Sheet]:
    """A first sheet saying what the report is, then one sheet a table, titled in the reader's language."""
    period = document.get("month") or document.get("year")
    about = [{"key": key, "value": str(value)} for key, value in document.items() if not isinstance(value, list)]
    sheets = [Sheet(pgettext("sheet", "about"), [Column("key", pgettext("report", "item")),
                                                 Column("value", pgettext("report", "value"))], about,
                    notes=[_("Medical security statistical report {period} (E68, E69, R50, R51)").format(
                        period=period)])]
    named = titles()
    for name, rows in sections(document):
        title, sheet = named[name]
        sheets.append(Sheet(sheet, columns_of(name, rows), rows, notes=[f"{title} {period}"]))
    return sheets


def long_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """CSV's shape: one line a figure, named by its section, its row's labels and its column."""
    found = []
    for name, rows in sections(document):
        columns = columns_of(name, rows)
        labels = [c.key for c in columns if c.kind == "text"]
        for row in rows:
            label = "/".join(str(row[key]) for key in labels if row[key] not in (None, ""))
            found += [{"section": name, "row": label, "figure": c.key, "value": row[c.key]}
                      for c in columns if c.kind != "text"]
    return found


def print_tables(document: dict[str, Any]) -> None:
    from rich.markup import escape

    period = document.get("month") or document.get("year")
    last = datetime.date.fromisoformat(document["until"]) - datetime.timedelta(days=1)
    heading = (_("monthly report {period}") if document["report"] == "monthly" else
               _("annual report {period}")).format(period=period)
    stdout.print(f"[bold]{escape(heading)}[/]: {document['from']} .. {last}", highlight=False)
    stdout.print(_("generated {time} (Beijing time) from the read side at event {position}").format(
        time=document["generated_at"][:19].replace("T", " "), position=document["position"]), highlight=False)
    named = titles()
    for name, rows in sections(document):
        title = named[name][0]
        if not rows:
            stdout.print(_("{title}: none").format(title=title), highlight=False)
            continue
        for table in fitted_tables(title, columns_of(name, rows), rows, stdout.width):
            stdout.print(table)


def fitted_tables(title: str, columns: list[Column], rows: list[dict[str, Any]], width: int) -> list[Any]:
    """Tables that never wrap a number: the rows as they are when they fit the width, else turned (figures down,
    rows across), else the figures split over several tables, each with the row labels."""
    labels = [c for c in columns if c.kind == "text"]
    figures = [c for c in columns if c.kind != "text"]
    cells = [{c.key: _shown(row.get(c.key), c.kind) for c in columns} for row in rows]
    if _width(labels + figures, cells) <= width:
        return [_table(title, labels + figures, cells)]
    names = ["/".join(cell[c.key] for c in labels if cell[c.key]) for cell in cells]
    turned_columns = [Column("figure", pgettext("report", "figure")),
                      *(Column(f"c{i}", name, "number") for i, name in enumerate(names))]
    turned = [{"figure": c.label, **{f"c{i}": cell[c.key] for i, cell in enumerate(cells)}} for c in figures]
    if _width(turned_columns, turned) <= width:
        return [_table(title, turned_columns, turned)]
    tables, chunk = [], []
    for column in figures:
        if chunk and _width(labels + chunk + [column], cells) > width:
            tables.append(_table(title, labels + chunk, cells))
            chunk, title = [], ""
        chunk.append(column)
    return [*tables, _table(title, labels + chunk, cells)]


def _shown(value: Any, kind: str = "text") -> str:
    """A cell for people: a label (a scheme, a kind, `total`) in the reader's language, a figure as it is."""
    if value is None or value == "":
        return ""
    return term(value) if kind == "text" else str(value)


def _width(columns: list[Column], cells: list[dict[str, str]]) -> int:
    from rich.cells import cell_len

    return 1 + sum(3 + max(cell_len(c.label), *(cell_len(cell.get(c.key, "")) for cell in cells)) for c in columns)


def _table(title: str, columns: list[Column], cells: list[dict[str, str]]) -> Any:
    from rich.table import Table

    table = Table(title=title or None, title_justify="left")
    for column in columns:
        header = column.label
        if column.kind == "text":
            table.add_column(header, overflow="fold")
        else:
            table.add_column(header, justify="right", no_wrap=True)
    for cell in cells:
        table.add_row(*(cell.get(column.key, "") for column in columns))
    return table
