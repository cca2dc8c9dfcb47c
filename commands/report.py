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
from ledger.core.zone import BEIJING
from ledger.intake import validation

FORMATS = ("table", "csv", "json", "xlsx")
TITLES = {
    "insured": ("insured persons", "参保情况"),
    "contributions": ("contributions assessed and received", "基金征缴"),
    "contributions_by_month": ("contributions by month", "逐月征缴"),
    "resident_contributions": ("resident contributions and subsidies", "居民缴费及财政补贴"),
    "account": ("personal accounts", "个人账户"),
    "benefits": ("benefits paid", "医保待遇"),
    "maternity": ("maternity payments", "生育保险待遇"),
    "refunds": ("refunds", "退费"),
    "year_on_year": ("year on year", "同比分析"),
}
LABELS = {
    "scheme": "参保类别", "registered": "参保人数", "new": "新增", "lost": "减少", "paid": "缴费人数",
    "interrupted": "中断缴费", "cancelled": "注销", "person_months": "核定人月数", "employer_part": "单位缴费",
    "personal_part": "个人缴费", "assessed": "核定金额", "true_up": "其中补差", "received": "到账金额",
    "outstanding": "未到账", "deferred": "缓缴", "arrears": "欠费", "cancelled_months": "撤销核定人月数",
    "kind": "类别", "payments": "笔数", "total": "合计", "fiscal_subsidy": "财政补贴",
    "assistance_subsidy": "医疗救助补助", "movements": "笔数", "credited": "划入", "spent": "支出",
    "transferred_out": "转出", "fund": "统筹基金支付", "account": "个人账户支付", "own": "个人负担",
    "amount": "金额", "entry": "退费类别", "reason": "原因", "refunds": "笔数", "month": "月份", "figure": "指标",
    "this_year": "本年", "last_year": "上年", "change": "增减", "change_percent": "增减(%)",
}
SECTION_LABELS = {("contributions", "cancelled"): "撤销核定金额", ("contributions_by_month", "cancelled"): "撤销核定金额",
                  ("resident_contributions", "total"): "筹资总额"}
PERCENT_KEYS = ("change_percent",)
NUMBER_KEYS = ("this_year", "last_year", "change")


def format_options(command: Callable) -> Callable:
    command = click.option("--xlsx", "xlsx", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
                           help="Also write the report as an xlsx workbook to FILE (one sheet a table, Chinese "
                                "sheet and column names, money as numbers with two decimals).")(command)
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
        raise BadInput("format", "xlsx is a binary file: give --xlsx FILE, or redirect stdout to a file")
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
            stdout.print(f"written to {xlsx} ({len(sheets)} sheets)", highlight=False, soft_wrap=True)


def read(ctx: click.Context, build: Callable) -> dict[str, Any]:
    """The tables brought to the end of the log, then read in one snapshot with the position they reflect."""
    from projections.build import TRACKING

    ledger = ledger_from(ctx)
    tables = uow_from(ctx).tables
    today = datetime.datetime.now(BEIJING).date()
    with tables.datastore.transaction(commit=False) as cursor:
        if tables.postgres:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        document = build(tables, cursor, today)
        position = ledger.factory.tracking_recorder()._max_tracking_id(TRACKING, cursor) or 0
    head = {key: document.pop(key) for key in list(document) if not isinstance(document[key], list)}
    return {**head, "generated_at": datetime.datetime.now(BEIJING).isoformat(timespec="seconds"),
            "position": position, **document}


def _write_file(path: Path, sheets: list[Sheet]) -> None:
    from commands.spreadsheet import write_workbook

    try:
        write_workbook(path, sheets)
    except OSError as error:
        raise BadInput("xlsx", f"cannot write {path}: {error.strerror or error}; give a file in a folder you may "
                               "write to") from None


# -- the report's tables ---------------------------------------------------------------------------------------

def sections(document: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    return [(name, rows) for name, rows in document.items() if isinstance(rows, list)]


def columns_of(name: str, rows: list[dict[str, Any]]) -> list[Column]:
    """Each column's kind from its values: ints are counts, decimal strings money, the rest text."""
    found = []
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
        found.append(Column(key, SECTION_LABELS.get((name, key), LABELS.get(key, key)), kind))
    return found


def _decimal(text: str) -> bool:
    return text.replace("-", "", 1).replace(".", "", 1).isdigit() and "." in text


def workbook_sheets(document: dict[str, Any]) -> list[Sheet]:
    """A first sheet saying what the report is, then one sheet a table, titled in Chinese."""
    period = document.get("month") or document.get("year")
    about = [{"key": key, "value": str(value)} for key, value in document.items() if not isinstance(value, list)]
    sheets = [Sheet("说明", [Column("key", "项目"), Column("value", "内容")], about,
                    notes=[f"医疗保障统计报表 {period} (E68, E69, R50, R51)"])]
    for name, rows in sections(document):
        english, chinese = TITLES[name]
        sheets.append(Sheet(chinese, columns_of(name, rows), rows, notes=[f"{chinese} {period} ({english})"]))
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
    period = document.get("month") or document.get("year")
    last = datetime.date.fromisoformat(document["until"]) - datetime.timedelta(days=1)
    stdout.print(f"[bold]{document['report']} report {period}[/]: {document['from']} .. {last}", highlight=False)
    stdout.print(f"generated {document['generated_at'][:19].replace('T', ' ')} (Beijing time) from the read side "
                 f"at event {document['position']}", highlight=False)
    for name, rows in sections(document):
        english, chinese = TITLES[name]
        title = f"{english} ({chinese})"
        if not rows:
            stdout.print(f"{title}: none", highlight=False)
            continue
        for table in fitted_tables(title, columns_of(name, rows), rows, stdout.width):
            stdout.print(table)


def fitted_tables(title: str, columns: list[Column], rows: list[dict[str, Any]], width: int) -> list[Any]:
    """Tables that never wrap a number: the rows as they are when they fit the width, else turned (figures down,
    rows across), else the figures split over several tables, each with the row labels."""
    labels = [c for c in columns if c.kind == "text"]
    figures = [c for c in columns if c.kind != "text"]
    cells = [{c.key: _shown(row.get(c.key)) for c in columns} for row in rows]
    if _width(labels + figures, cells) <= width:
        return [_table(title, labels + figures, cells)]
    names = ["/".join(cell[c.key] for c in labels if cell[c.key]) for cell in cells]
    turned_columns = [Column("figure", "figure"), *(Column(f"c{i}", name, "number") for i, name in enumerate(names))]
    turned = [{"figure": c.key, **{f"c{i}": cell[c.key] for i, cell in enumerate(cells)}} for c in figures]
    if _width(turned_columns, turned, by_label=True) <= width:
        return [_table(title, turned_columns, turned, by_label=True)]
    tables, chunk = [], []
    for column in figures:
        if chunk and _width(labels + chunk + [column], cells) > width:
            tables.append(_table(title, labels + chunk, cells))
            chunk, title = [], ""
        chunk.append(column)
    return [*tables, _table(title, labels + chunk, cells)]


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _width(columns: list[Column], cells: list[dict[str, str]], by_label: bool = False) -> int:
    from rich.cells import cell_len

    return 1 + sum(3 + max(cell_len(c.label if by_label else c.key.replace("_", " ")),
                           *(cell_len(cell.get(c.key, "")) for cell in cells)) for c in columns)


def _table(title: str, columns: list[Column], cells: list[dict[str, str]], by_label: bool = False) -> Any:
    from rich.table import Table

    table = Table(title=title or None, title_justify="left")
    for column in columns:
        header = column.label if by_label else column.key.replace("_", " ")
        if column.kind == "text":
            table.add_column(header, overflow="fold")
        else:
            table.add_column(header, justify="right", no_wrap=True)
    for cell in cells:
        table.add_row(*(cell.get(column.key, "") for column in columns))
    return table
