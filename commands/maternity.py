"""`yibao maternity ...`: maternity claims and what was paid (MAT-1..MAT-5)."""

from __future__ import annotations

import click

from commands.options import (
    db_option,
    effective_date,
    format_option,
    ledger_from,
    on_option,
    operator_option,
    person_argument,
    printed,
    require_operator,
    stdout,
    vouchered,
)
from ledger.core.errors import BadInput
from ledger.core.i18n import N_, _, reworded, term
from ledger.intake import validation
from ledger.maternity.events import BenefitPaid, MaternityClaimed
from ledger.maternity.rules import DOCUMENT_NAMES, KINDS
from projections.plain import plain
from projections.reader import person_view


@click.group("maternity")
def command() -> None:
    """Maternity insurance (生育保险).

    Example:

        yibao maternity show 640102198506120020
    """


@command.command("claim")
@person_argument()
@click.option("--kind", required=True, metavar="|".join(KINDS),
              help="allowance or delivery (a woman's), male-subsidy or nursing-subsidy (a man's), MAT-3.")
@click.option("--birth", required=True, metavar="DATE", help="Date of the birth.")
@click.option("--leave-days", type=click.IntRange(1, 365), help="Leave days (default: policy's 158, or 25 nursing).")
@click.option("--elsewhere-unsigned", is_flag=True, help="Delivered elsewhere in Ningxia without signing (MAT-4).")
@click.option("--emergency", is_flag=True,
              help="A delivery in an emergency at a non-designated hospital, claimed on E49's documents.")
@click.option("--outside-family-planning", is_flag=True, help="The birth is outside family-planning policy (MAT-1).")
@click.option("--document", "documents", multiple=True, metavar="KIND:REF",
              help="A supporting document, KIND one of form, card, discharge-record, spouse-discharge-record, "
                   "spouse-unemployed, bill, cost-list, medical-record; repeat for each.")
@on_option(N_("Date of the claim (default: today)."))
@operator_option
@db_option
@click.pass_context
def claim(ctx, id_number, kind, birth, leave_days, elsewhere_unsigned, emergency, outside_family_planning, documents,
          on, operator):
    """Claim a maternity benefit (MAT-3); refused with the rule and the numbers when it is not due.

    Example:

        yibao maternity claim --id 640102198506120020 --kind allowance --birth 2025-06-10 \\
            --on 2025-07-01 --document form:申报表-118 --document card:社保卡 --document discharge-record:出院-2025-0611 \\
            --operator clerk01
    """
    operator = require_operator(operator)
    (claimed, average), done = vouchered(ctx, "maternity-claim",
        id_number=validation.id_number(id_number, "id"), kind=validation.choice(kind, "kind", KINDS),
        birth=validation.date(birth, "birth"), on=effective_date(on), operator=operator,
        documents=_documents(documents), leave_days=leave_days, elsewhere_unsigned=elsewhere_unsigned,
        family_planning=not outside_family_planning, emergency=emergency,
    )
    if average is not None:
        stdout.print(_("the employer's average monthly base {amount}, averaged over {first}..{last} ({months} "
                       "person-months) (MAT-5)").format(amount=average.amount, first=average.first,
                                                       last=average.last, months=average.person_months))
    for payment_kind, amount, period in claimed.payments:
        line = _("paid {kind} {amount} ({period})") if done else _("to pay {kind} {amount} ({period})")
        stdout.print(line.format(kind=term(payment_kind), amount=amount, period=period))


def _documents(pairs: tuple[str, ...]) -> dict[str, str]:
    documents = {}
    for pair in pairs:
        kind, sep, reference = pair.partition(":")
        if not sep or kind not in DOCUMENT_NAMES or not reference.strip():
            raise BadInput("document", _("{pair!r}: expected KIND:REF with KIND one of {kinds}").format(
                pair=pair, kinds=", ".join(DOCUMENT_NAMES)))
        documents[kind] = validation.text(reference, "document")
    return documents


@command.command("show")
@person_argument()
@format_option
@db_option
@click.pass_context
def show(ctx, id_number, output_format):
    """List a person's maternity claims and the payments made for them.

    Example:

        yibao maternity show 640102198506120020 --json
    """
    view = person_view(ledger_from(ctx), validation.known_id_number(id_number, "IDNO"))
    rows = []
    for event in view.events:
        if isinstance(event, MaternityClaimed):
            rows.append(plain({"seq": event.originator_version, "type": "claim", "kind": event.kind,
                               "birth": event.birth, "continuous_months": event.continuous_months,
                               "average_base": event.average_base, "averaged": event.averaged,
                               "leave_days": event.leave_days, "emergency": event.emergency,
                               "on": event.on, "documents": event.documents}))
        elif isinstance(event, BenefitPaid):
            rows.append(plain({"seq": event.originator_version, "type": "payment", "kind": event.kind,
                               "birth": event.birth, "amount": event.amount, "period": event.period,
                               "claim_seq": event.claim_seq, "on": event.on}))
    if printed(output_format, rows):
        return

    from commands.layout import Col, print_fitted

    print_fitted(stdout, _("maternity of {id_number}").format(id_number=id_number),
                 [Col("seq", kind="number", repeat=True), Col("type"), Col("kind"), Col("birth", kind="fixed"),
                  Col("amount", kind="number"), Col("detail")],
                 [{**row, "type": term(row["type"]), "kind": term(row["kind"]), "amount": row.get("amount") or "",
                   "detail": _detail(row)} for row in rows])


def _detail(row: dict) -> str:
    if row["type"] != "claim":
        return row["period"]
    return _("{continuous_months} continuous months, base {average_base} ({averaged}), {leave_days} days").format(
        continuous_months=row["continuous_months"], average_base=row["average_base"],
        averaged=reworded(row["averaged"]), leave_days=row["leave_days"])
