"""`yibao refund request`: special refunds of a flexible person's pooled-fund part (REF-1, REF-2)."""

from __future__ import annotations

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    effective_date,
    on_option,
    operator_option,
    require_operator,
    stdout,
    vouchered,
)
from ledger.core.i18n import N_, _
from ledger.intake import validation
from ledger.refunds.rules import REASONS


@click.group("refund")
def command() -> None:
    """Special refunds (特殊退费).

    Example:

        yibao refund request --id 640102199001011237 --reason death --on 2025-06-20 --document 死亡证明-77
    """


@command.command("request")
@click.option("--id", "id_number", required=True, metavar="IDNO",
              help="The person's citizen ID number (18 characters).")
@click.option("--reason", required=True, metavar="|".join(REASONS), help="Why the refund is due (REF-1..REF-3).")
@on_option(N_("Date of the event that gives the right (default: today)."))
@documents_option
@operator_option
@db_option
@click.pass_context
def request(ctx, id_number, reason, on, documents, operator):
    """Refund a flexible person's pooled-fund part (REF-1, REF-2) or a resident's paid next year (REF-3).

    Example:

        yibao refund request --id 640102199001011237 --reason to-employee --on 2025-07-01 --operator clerk01
    """
    operator = require_operator(operator)
    (year, months, amount), done = vouchered(ctx, "refund",
        id_number=validation.id_number(id_number, "id"), reason=validation.choice(reason, "reason", REASONS),
        on=effective_date(on), operator=operator, documents=document_refs(documents))
    if months:
        said = (_("refunded {amount} for {count} months of {year} ({first}..{last})") if done else
                _("to refund {amount} for {count} months of {year} ({first}..{last})"))
    else:
        said = _("refunded {amount} for the resident year {year}") if done else \
            _("to refund {amount} for the resident year {year}")
    stdout.print(said.format(amount=amount, count=len(months), year=year, first=months[0] if months else "",
                             last=months[-1] if months else ""))
