"""`yibao refund request`: special refunds of a flexible person's pooled-fund part (REF-1, REF-2)."""

from __future__ import annotations

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    effective_date,
    ledger_from,
    on_option,
    operator_option,
    require_operator,
    stdout,
)
from ledger import validation
from ledger.refunds import REF_1_REASONS, REF_2_REASONS

REASONS = REF_1_REASONS + REF_2_REASONS


@click.group("refund")
def command() -> None:
    """Special refunds (特殊退费).

    Example:

        yibao refund request --id 640102199001011237 --reason death --on 2025-06-20 --document 死亡证明-77
    """


@command.command("request")
@click.option("--id", "id_number", required=True, metavar="IDNO")
@click.option("--reason", required=True, metavar="|".join(REASONS))
@on_option("Date of the event that gives the right (default: today).")
@documents_option
@operator_option
@db_option
@click.pass_context
def request(ctx, id_number, reason, on, documents, operator):
    """Refund the pooled-fund part of the latest fully paid flexible year (REF-1), or from the change (REF-2).

    Example:

        yibao refund request --id 640102199001011237 --reason to-employee --on 2025-07-01 --operator clerk01
    """
    operator = require_operator(operator)
    year, months, amount = ledger_from(ctx).request_refund(
        id_number=validation.id_number(id_number, "id"), reason=validation.choice(reason, "reason", REASONS),
        on=effective_date(on), operator=operator, documents=document_refs(documents))
    stdout.print(f"refunded {amount} for {len(months)} months of {year} ({months[0]}..{months[-1]})")
