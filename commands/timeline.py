"""`yibao timeline`: every fact of a person (or employer) in recorded order, as known at a moment."""

from __future__ import annotations

import json

import click

from commands.options import (
    db_option,
    json_option,
    known_at_moment,
    known_at_option,
    ledger_from,
    print_json,
    reveal_option,
    shown,
    stdout,
    uow_from,
)
from ledger.audit.vouchers import STAGES
from ledger.core.errors import BadInput
from ledger.intake import validation
from projections.timeline import timeline
from projections.vouchers import voucher_document


@click.command("timeline")
@click.argument("number", metavar="IDNO")
@known_at_option
@json_option
@reveal_option
@db_option
@click.pass_context
def command(ctx, number, known_at, as_json):
    """List a person's events (or an employer's, given a credit code), reversed ones marked.

    Example:

        yibao timeline 640102199003070011 --known-at 2024-03-01T00:00:00Z --json
    """
    moment = known_at_moment(known_at)
    rows = shown(ctx, timeline(_view(ledger_from(ctx), number, moment)), number)
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table(title=f"timeline of {number}" + (f" as known at {moment.isoformat()}" if moment else ""))
    for column in ("seq", "type", "effective", "recorded at (UTC)", "operator (/ reviewer / approver)",
                   "reversed by", "data"):
        table.add_column(column, overflow="fold")
    for row in rows:
        kind = f"[strike]{row['type']}[/]" if row["reversed_by"] else row["type"]
        signed = row["voucher"]
        who = row["operator"] + (f" / {signed['reviewer']} / {signed['approver']}" if signed else "")
        table.add_row(str(row["seq"]), kind, str(row["effective"]), row["recorded_at"][:19].replace("T", " "),
                      who, str(row["reversed_by"] or ""), _compact(row["data"]))
    stdout.print(table)
    _vouchers(ctx, number, moment)


def _vouchers(ctx, number: str, moment) -> None:
    """AUD-1: the vouchers about this person or employer, each step with who signed it and when."""
    if moment is not None:
        return
    for listed in uow_from(ctx).vouchers(STAGES, subject=number):
        document = voucher_document(ledger_from(ctx), listed["voucher"])
        steps = "; ".join(f"{s['step']} by {s['operator']} {s['at'][:19].replace('T', ' ')}"
                          + (f" ({s['reason']})" if s.get("reason") else "") for s in document["steps"])
        stdout.print(f"voucher {document['voucher']} {document['operation']} ({document['stage']}): {steps}")


def _compact(data: dict) -> str:
    """key=value, leaving out what is empty, so a row reads like the clerk's form."""
    return ", ".join(
        f"{key}={json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value}"
        for key, value in data.items() if value not in (None, [], {}, "")
    )


def _view(ledger, number, moment):
    """An ID number is all digits but a final check character; a credit code has letters."""
    if len(number) == 18 and number[:17].isdigit():
        return ledger.view(validation.id_number(number, "IDNO"), moment)
    try:
        return ledger.employer_view(validation.credit_code(number, "IDNO"), moment)
    except BadInput:
        raise BadInput("IDNO", f"{number!r} is neither a citizen ID number nor a credit code") from None
