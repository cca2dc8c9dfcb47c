"""`yibao account ...`: spending from the personal account and its statement (ACC-1..ACC-4)."""

from __future__ import annotations

import datetime

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    effective_date,
    format_option,
    known_at_moment,
    known_at_option,
    ledger_from,
    on_option,
    operator_option,
    person_argument,
    printed,
    record,
    require_operator,
    stdout,
)
from ledger.benefits import handlers as benefits
from ledger.core.errors import BadInput
from ledger.core.i18n import N_, _, reworded, term
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
@person_argument()
@click.option("--amount", required=True, metavar="AMOUNT", help="Yuan spent, e.g. 120.00 (ACC-3: within the balance).")
@on_option(N_("Date of the spending (default: today)."))
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
    day = effective_date(on)
    spent = validation.amount(amount, "amount", validation.ACCOUNT_SPEND_MAX, ledger_from(ctx).policy, day)
    if spent == 0:
        raise BadInput("amount", _("spending 0.00 records nothing"))
    left = record(ctx, benefits.spend, id_number=validation.id_number(id_number, "id"), amount=spent,
                          on=day, operator=operator,
                          facility=validation.text(facility, "facility", required=False),
                          documents=document_refs(documents))
    stdout.print(_("spent {spent}; balance {left}").format(spent=spent, left=left))


@command.command("statement")
@person_argument()
@click.option("--from", "first", metavar="DATE", help="First date shown (the opening balance is carried).")
@click.option("--to", "last", metavar="DATE", help="Last date shown (default: today).")
@known_at_option
@format_option
@db_option
@click.pass_context
def statement_command(ctx, id_number, first, last, known_at, output_format):
    """List the account's credits and debits with a running balance.

    Example:

        yibao account statement 640102199003070011 --from 2024-01-01 --to 2024-12-31 --json
    """
    number = validation.known_id_number(id_number, "IDNO")
    until = effective_date(last, "to")
    moment = known_at_moment(known_at)
    with standing(ledger_from(ctx), number, moment) as found:
        moves = found.movements(until)
    rows = statement(moves, validation.date(first, "from") if first is not None else datetime.date.min)
    if printed(output_format, rows):
        return

    from commands.layout import Col, print_fitted

    print_fitted(stdout, _("personal account of {number}").format(number=number),
                 [Col("on", kind="fixed", repeat=True), Col("kind"), Col("amount", kind="number"),
                  Col("balance", kind="number"), Col("detail")],
                 [{**row, "kind": term(row["kind"]), "detail": reworded(row["detail"])} for row in rows])
