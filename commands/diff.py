"""`yibao diff`: what changed in a person's status, months and account between two knowledge moments."""

from __future__ import annotations

import click

from commands.options import (
    db_option,
    effective_date,
    json_option,
    ledger_from,
    print_json,
    reveal_option,
    shown,
    stdout,
)
from ledger.core.zone import shown as beijing
from ledger.intake import validation
from projections.diff import changes, month_changes
from projections.months import month_rows
from projections.status import status

IGNORED = {"known_at"}


@click.command("diff")
@click.argument("id_number", metavar="IDNO")
@click.option("--known-at", "first", required=True, metavar="TS", help="The earlier knowledge moment.")
@click.option("--vs", "second", required=True, metavar="TS", help="The later knowledge moment.")
@click.option("--on", metavar="DATE", help="The date asked about (default: today).")
@json_option
@reveal_option
@db_option
@click.pass_context
def command(ctx, id_number, first, second, on, as_json):
    """Show what the ledger said differently about a person at two moments (for disputes).

    Example:

        yibao diff 640102199001011237 --known-at 2025-02-01T00:00:00Z --vs 2025-03-01T00:00:00Z --on 2025-01-15
    """
    number = validation.id_number(id_number, "IDNO")
    moments = validation.timestamp(first, "known-at"), validation.timestamp(second, "vs")
    day = effective_date(on)
    ledger = ledger_from(ctx)
    person = ledger.find_person(number)
    views = []
    for moment in moments:
        view = ledger.view_of(person, moment)
        document = status(view, day, moment)
        views.append(({k: v for k, v in document.items() if k not in IGNORED}, month_rows(view)))
    document = {"id_number": number, "on": day.isoformat(), "known_at": moments[0].isoformat(),
                "vs": moments[1].isoformat(), "status": changes(views[0][0], views[1][0]),
                "months": month_changes(views[0][1], views[1][1])}
    document = shown(ctx, document, number)
    if as_json:
        print_json(document)
        return
    from rich.table import Table

    table = Table(title=f"{document['id_number']} on {day}: known at {beijing(moments[0])} vs {beijing(moments[1])} "
                        "(Beijing time)")
    for column in ("what", "before", "after"):
        table.add_column(column, overflow="fold")
    for change in document["status"]:
        table.add_row(change["field"], str(change["before"]), str(change["after"]))
    for change in document["months"]:
        table.add_row(f"{change['month']} {change['field']}", str(change["before"]), str(change["after"]))
    if not document["status"] and not document["months"]:
        table.add_row("(nothing changed)", "", "")
    stdout.print(table)
