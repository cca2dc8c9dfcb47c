"""`yibao diff`: what changed in a person's status, months and account between two knowledge moments."""

from __future__ import annotations

import click

from commands.options import (
    db_option,
    effective_date,
    format_option,
    ledger_from,
    person_argument,
    printed,
    readable,
    reveal_option,
    shown,
    stdout,
)
from ledger.core.i18n import _, term
from ledger.core.zone import shown as beijing
from ledger.intake import validation
from projections.diff import changes, month_changes
from projections.months import month_rows
from projections.status import status

IGNORED = {"known_at"}


@click.command("diff")
@person_argument()
@click.option("--known-at", "first", required=True, metavar="TS", help="The earlier knowledge moment.")
@click.option("--vs", "second", required=True, metavar="TS", help="The later knowledge moment.")
@click.option("--on", metavar="DATE", help="The date asked about (default: today).")
@format_option
@reveal_option
@db_option
@click.pass_context
def command(ctx, id_number, first, second, on, output_format):
    """Show what the ledger said differently about a person at two moments (for disputes).

    Example:

        yibao diff 640102199001011237 --known-at 2025-02-01T00:00:00Z --vs 2025-03-01T00:00:00Z --on 2025-01-15
    """
    number = validation.known_id_number(id_number, "IDNO")
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
    if not ctx.ensure_object(dict).get("reveal"):  # revealed: `shown` recorded it (it refuses a bare --reveal)
        document["status"] = _masked_changes(document["status"])
    rows = [{"month": None, **change} for change in document["status"]] + document["months"]
    if printed(output_format, document, rows, keys=("month", "field", "before", "after")):
        return
    from rich.table import Table

    table = Table(title=_("{id_number} on {day}: known at {first} vs {second} (Beijing time)").format(
        id_number=document["id_number"], day=day, first=beijing(moments[0]), second=beijing(moments[1])))
    for column in (_("what"), _("before"), _("after")):
        table.add_column(column, overflow="fold")
    for change in document["status"]:
        table.add_row(term(change["field"]), _value(change["before"]), _value(change["after"]))
    for change in document["months"]:
        table.add_row(f"{change['month']} {term(change['field'])}", _value(change["before"]), _value(change["after"]))
    if not document["status"] and not document["months"]:
        table.add_row(_("(nothing changed)"), "", "")
    stdout.print(table)


def _masked_changes(found: list[dict]) -> list[dict]:
    """A change of a personal field (a name, a phone) with both values masked as the status document masks
    them: the change is said, not what it was."""
    from projections.privacy import masked

    def one(change: dict) -> dict:
        key = change["field"].rpartition(".")[2]
        return {**change, "before": masked({key: change["before"]})[key], "after": masked({key: change["after"]})[key]}

    return [one(change) for change in found]


def _value(value) -> str:
    """A value as a person reads it: yes/no, `-` for none, a code (a state, a scheme) in the reader's language."""
    return readable(value)
