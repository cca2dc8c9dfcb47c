"""`yibao account ...`: spending from the personal account and its statement (ACC-1..ACC-4)."""

from __future__ import annotations

import datetime

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    effective_date,
    json_option,
    known_at_moment,
    known_at_option,
    ledger_from,
    on_option,
    operator_option,
    print_json,
    record,
    require_operator,
    stdout,
)
from ledger.benefits import handlers as benefits
from ledger.core.errors import BadInput
from ledger.intake import validation
from projections.account import statement
from projections.reader import standing


@click.group("account")
def command() -> None:
    """The personal account (个人账户).

    Example:

        yibao account statement 640102199003070011
    """


@command.command("spend")
@click.option("--id", "id_number", required=True, metavar="IDNO",
              help="The person's citizen ID number (18 characters).")
@click.option("--amount", required=True, metavar="AMOUNT", help="Yuan spent, e.g. 120.00 (ACC-3: within the balance).")
@on_option("Date of the spending (default: today).")
@click.option("--facility", help="Designated pharmacy or outpatient facility.")
@documents_option
@operator_option
@db_option
@click.pass_context
def spend(ctx, id_number, amount, on, facility, documents, operator):
    """Record spending from the account (ACC-3); more than the balance is refused.

    Example:

        yibao account spend --id 640102199003070011 --amount 45.50 --on 2024-06-01 --facility 银川市第一人民医院药房 --operator clerk01
    """
    operator = require_operator(operator)
    spent = validation.money(amount, "amount")
    if spent == 0:
        raise BadInput("amount", "spending 0.00 records nothing")
    left = record(ctx, benefits.spend, id_number=validation.id_number(id_number, "id"), amount=spent,
                          on=effective_date(on), operator=operator,
                          facility=validation.text(facility, "facility", required=False),
                          documents=document_refs(documents))
    stdout.print(f"spent {spent}; balance {left}")


@command.command("statement")
@click.argument("id_number", metavar="IDNO")
@click.option("--from", "first", metavar="DATE", help="First date shown (the opening balance is carried).")
@click.option("--to", "last", metavar="DATE", help="Last date shown (default: today).")
@known_at_option
@json_option
@db_option
@click.pass_context
def statement_command(ctx, id_number, first, last, known_at, as_json):
    """List the account's credits and debits with a running balance.

    Example:

        yibao account statement 640102199003070011 --from 2024-01-01 --to 2024-12-31 --json
    """
    number = validation.id_number(id_number, "IDNO")
    until = effective_date(last, "to")
    moment = known_at_moment(known_at)
    with standing(ledger_from(ctx), number, moment) as found:
        moves = found.movements(until)
    rows = statement(moves, validation.date(first, "from") if first is not None else datetime.date.min)
    if as_json:
        print_json(rows)
        return

    from commands.layout import Col, print_fitted

    print_fitted(stdout, f"personal account of {number}",
                 [Col("on", kind="fixed", repeat=True), Col("kind"), Col("amount", kind="number"),
                  Col("balance", kind="number"), Col("detail")], rows)
