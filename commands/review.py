"""`yibao review ...`: the vouchers waiting for a reviewer or an approver (AUD-1), and their signing."""

from __future__ import annotations

import datetime

import click

from commands.options import (
    db_option,
    format_option,
    json_option,
    ledger_from,
    operator_option,
    print_json,
    printed,
    record,
    require_operator,
    reveal_option,
    shown,
    stdout,
    uow_from,
)
from ledger.audit import handlers as audit
from ledger.audit.vouchers import STAGES
from ledger.core.i18n import _, term
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
@format_option
@reveal_option
@db_option
@click.pass_context
def list_(ctx, stages, output_format):
    """List the vouchers waiting for review or approval, oldest first.

    Example:

        yibao review list --json
    """
    rows = shown(ctx, uow_from(ctx).vouchers(stages or ("proposed", "reviewed")), "vouchers")
    if printed(output_format, rows):
        return

    from commands.layout import Col, print_fitted

    print_fitted(stdout, _("vouchers"),
                 [Col("voucher", kind="fixed", repeat=True), Col("stage"), Col("operation"),
                  Col("subject", kind="fixed"), Col("handler"), Col("reviewer"), Col("summary")],
                 [{**row, "stage": term(row["stage"]), "operation": term(row["operation"]),
                   "summary": audit.described(row["summary"])} for row in rows])


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
    stdout.print(_("voucher {voucher} ({stage}): {operation} for {subject}").format(
        voucher=document["voucher"], stage=term(document["stage"]), operation=term(document["operation"]),
        subject=document["subject"]))
    stdout.print("  " + _("would record: {summary}").format(summary=audit.described(document["summary"])))
    for name, value in document["fields"].items():
        stdout.print(f"  {term(name)}: {value}")
    for step in document["steps"]:
        said = _("{at} {step} by {operator}: {reason}") if step.get("reason") else _("{at} {step} by {operator}")
        stdout.print("  " + said.format(at=beijing(step["at"]), step=term(step["step"]), operator=step["operator"],
                                        reason=step.get("reason")))


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
    step, _result = record(ctx, audit.sign, voucher=code, on=datetime.date.today(), operator=operator)
    if step == "reviewed":
        stdout.print(_("voucher {voucher} reviewed by {operator} (AUD-1): needs approval").format(
            voucher=code, operator=operator))
    else:
        stdout.print(_("voucher {voucher} approved by {operator} (AUD-1): recorded").format(voucher=code,
                                                                                             operator=operator))


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
    stdout.print(_("voucher {voucher} rejected by {operator}").format(voucher=code, operator=operator))
