"""`yibao status`: a person's standing on a date, as known at a moment."""

from __future__ import annotations

import datetime

import click

from commands.options import (
    db_option,
    effective_date,
    format_option,
    key_values,
    known_at_moment,
    known_at_option,
    ledger_from,
    person_argument,
    printed,
    reveal_option,
    shown,
    stdout,
)
from ledger.core.i18n import _
from ledger.core.zone import shown as beijing
from ledger.intake import validation
from projections.reader import standing
from projections.status import status


@click.command("status")
@person_argument()
@click.option("--on", metavar="DATE", help="The date asked about (default: today).")
@known_at_option
@format_option
@reveal_option
@db_option
@click.pass_context
def command(ctx, id_number, on, known_at, output_format):
    """Print a person's status on a date as the ledger knew it at a moment.

    Example:

        yibao status 640102199003070011 --on 2024-01-31 --known-at 2024-03-01T00:00:00Z --json
        yibao status --id 640102199003070011 --format csv
    """
    id_number = validation.known_id_number(id_number, "IDNO")
    asked = known_at_moment(known_at)
    moment = asked or datetime.datetime.now(datetime.timezone.utc)
    with standing(ledger_from(ctx), id_number, asked) as found:
        document = status(found.view, effective_date(on), moment, found)
    document = shown(ctx, document, id_number)
    if printed(output_format, document):
        return
    from rich.table import Table

    table = Table(title=_("status of {id_number}").format(id_number=document["id_number"]), show_header=False)
    table.add_column("field", no_wrap=True)
    table.add_column("value", overflow="fold")
    known_at = _("{time} (Beijing time)").format(time=beijing(document["known_at"]))
    for key, value in key_values({**document, "known_at": known_at}):
        table.add_row(key, value)
    stdout.print(table)
