"""`yibao correct`: reverse an earlier fact by a new one; nothing stored is changed (AUD-2)."""

from __future__ import annotations

import click

from commands.options import (
    db_option,
    effective_date,
    on_option,
    operator_option,
    require_operator,
    stdout,
    vouchered,
)
from ledger.core.errors import BadInput
from ledger.core.i18n import N_, _
from ledger.intake import validation


@click.command("correct")
@click.option("--id", "id_number", metavar="IDNO", help="The person whose event is reversed.")
@click.option("--code", metavar="USCC", help="The employer whose event is reversed.")
@click.option("--seq", required=True, type=int, help="The seq of the event to reverse (see `yibao timeline`).")
@click.option("--reason", required=True, help="Why the event no longer stands.")
@on_option(N_("Date of the correction (default: today)."))
@operator_option
@db_option
@click.pass_context
def command(ctx, id_number, code, seq, reason, on, operator):
    """Reverse an earlier event (冲正): it stays in the timeline, marked, and folds skip it from now on.

    Example:

        yibao correct --id 640102199003070011 --seq 2 --reason "address typed for the wrong person" --operator clerk01
    """
    operator = require_operator(operator)
    if (id_number is None) == (code is None):
        raise BadInput("id", _("name exactly one of --id IDNO or --code USCC"))
    if seq < 1:
        raise BadInput("seq", _("{seq} is not an event number (they start at 1)").format(seq=seq))
    reason = validation.text(reason, "reason")
    if id_number is not None:
        _result, done = vouchered(ctx, "correct-person", id_number=validation.id_number(id_number, "id"), seq=seq,
                            reason=reason, on=effective_date(on), operator=operator)
    else:
        _result, done = vouchered(ctx, "correct-employer", code=validation.credit_code(code, "code"), seq=seq,
                            reason=reason, on=effective_date(on), operator=operator)
    if done:
        stdout.print(_("event {seq} of {whose} reversed").format(seq=seq, whose=id_number or code))
