"""`yibao review ...`: the vouchers waiting for a reviewer or an approver (AUD-1), and their signing."""

from __future__ import annotations

import datetime

import click

from commands.options import (
    db_option,
    json_option,
    ledger_from,
    operator_option,
    print_json,
    record,
    require_operator,
    reveal_option,
    shown,
    stdout,
    uow_from,
)
from ledger.audit import handlers as audit
from ledger.audit.vouchers import STAGES
from ledger.core.zone import shown as beijing
from ledger.intake import validation
from projections.vouchers import voucher_document


@click.group("review")
def command() -> None:
    """Vouchers (业务凭证): review, approve or reject what a clerk proposed (AUD-1).

    Example:

        yibao review approve V20250620-3F9A2C --operator reviewer01
    """


@command.command("list")
@click.option("--stage", "stages", multiple=True, type=click.Choice(STAGES),
              help="Only vouchers at this stage; repeat for several (default: proposed and reviewed).")
@json_option
@reveal_option
@db_option
@click.pass_context
def list_(ctx, stages, as_json):
    """List the vouchers waiting for review or approval, oldest first.

    Example:

        yibao review list --json
    """
    rows = shown(ctx, uow_from(ctx).vouchers(stages or ("proposed", "reviewed")), "vouchers")
    if as_json:
        print_json(rows)
        return

    from commands.layout import Col, print_fitted

    print_fitted(stdout, "vouchers",
                 [Col("voucher", kind="fixed", repeat=True), Col("stage"), Col("operation"),
                  Col("subject", kind="fixed"), Col("handler"), Col("reviewer"), Col("summary")], rows)


@command.command("show")
@click.argument("voucher")
@json_option
@reveal_option
@db_option
@click.pass_context
def show(ctx, voucher, as_json):
    """Show one voucher: what was proposed, with every field, and each step with who signed it and when.

    Example:

        yibao review show V20250620-3F9A2C --json
    """
    document = voucher_document(ledger_from(ctx), validation.text(voucher, "VOUCHER", limit=32))
    document = shown(ctx, document, document["subject"])
    if as_json:
        print_json(document)
        return
    stdout.print(f"voucher {document['voucher']} ({document['stage']}): {document['operation']} "
                 f"for {document['subject']}")
    stdout.print(f"  would record: {document['summary']}")
    for name, value in document["fields"].items():
        stdout.print(f"  {name}: {value}")
    for step in document["steps"]:
        stdout.print(f"  {beijing(step['at'])} {step['step']} by {step['operator']}"
                     + (f": {step['reason']}" if step.get("reason") else ""))


@command.command("approve")
@click.argument("voucher")
@operator_option
@db_option
@click.pass_context
def approve(ctx, voucher, operator):
    """Sign a voucher: a proposed one is reviewed (复核), a reviewed one approved (审批) and only then takes
    effect, its rules checked again now. Handler, reviewer and approver must be three people.

    Example:

        yibao review approve V20250620-3F9A2C --operator approver01
    """
    operator = require_operator(operator)
    code = validation.text(voucher, "VOUCHER", limit=32)
    step, _ = record(ctx, audit.sign, voucher=code, on=datetime.date.today(), operator=operator)
    if step == "reviewed":
        stdout.print(f"voucher {code} reviewed by {operator} (AUD-1): needs approval")
    else:
        stdout.print(f"voucher {code} approved by {operator} (AUD-1): recorded")


@command.command("reject")
@click.argument("voucher")
@click.option("--reason", required=True, metavar="TEXT", help="Why the voucher is rejected (recorded on it).")
@operator_option
@db_option
@click.pass_context
def reject(ctx, voucher, reason, operator):
    """Reject a voucher still waiting: nothing of it ever takes effect; the proposal stays on record.

    Example:

        yibao review reject V20250620-3F9A2C --reason "死亡证明与户籍不符" --operator reviewer01
    """
    operator = require_operator(operator)
    code = validation.text(voucher, "VOUCHER", limit=32)
    record(ctx, audit.reject, voucher=code, reason=validation.text(reason, "reason"), on=datetime.date.today(),
           operator=operator)
    stdout.print(f"voucher {code} rejected by {operator}")
