"""`yibao contributions ...`: money received for contribution months (CON-6)."""

from __future__ import annotations

import click

from commands.options import (
    db_option, document_refs, documents_option, effective_date, ledger_from, on_option, operator_option,
    require_operator, stdout,
)
from ledger import validation
from ledger.errors import BadInput


@click.group("contributions")
def command() -> None:
    """Contributions (缴费).

    Example:

        yibao contributions pay --id 640102199003070011 --month 2024-03 --amount 389.04 --on 2024-03-15
    """


@command.command("pay")
@click.option("--id", "id_number", required=True, metavar="IDNO")
@click.option("--month", required=True, metavar="YYYY-MM", help="The contribution month paid for.")
@click.option("--amount", required=True, metavar="AMOUNT", help="Yuan received, e.g. 389.04.")
@on_option("Date the money was received (default: today).")
@documents_option
@operator_option
@db_option
@click.pass_context
def pay(ctx, id_number, month, amount, on, documents, operator):
    """Record money received at the counter for one contribution month (CON-6).

    Example:

        yibao contributions pay --id 640102199003070011 --month 2024-03 --amount 389.04 --on 2024-03-15 --operator clerk01
    """
    operator = require_operator(operator)
    received = validation.money(amount, "amount")
    if received == 0:
        raise BadInput("amount", "a receipt of 0.00 records nothing")
    ledger_from(ctx).record_receipt(
        id_number=validation.id_number(id_number, "id"), month=validation.month(month, "month"), amount=received,
        on=effective_date(on), operator=operator, documents=document_refs(documents),
    )
    stdout.print(f"received {received} for {month} from {id_number}")
