"""`yibao contributions ...`: assess months, record receipts, list unmatched money, close a year (CON-1..CON-9)."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from commands.options import (
    db_option,
    effective_date,
    encoding_option,
    format_option,
    ledger_from,
    on_option,
    operator_option,
    person_argument,
    printed,
    record,
    require_operator,
    reveal_option,
    shown,
    stdout,
)
from ledger.contributions import handlers as contributions
from ledger.contributions.receiving import import_receipts, pay_at_counter
from ledger.core.errors import BadInput
from ledger.core.i18n import N_, _, reworded
from ledger.intake import files, validation
from projections.receipts import unmatched_receipts


@click.group("contributions")
def command() -> None:
    """Contributions (缴费): assessment, receipts, unmatched money, year closing.

    Example:

        yibao contributions assess --month 2024-04 --operator clerk01
    """


@command.command("assess")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month assessed (CON-6).")
@click.option("--employer", metavar="USCC", help="Assess only this employer's staff.")
@click.option("--estimate-base", metavar="AMOUNT", help="CON-4: base for undeclared staff with no previous month.")
@operator_option
@db_option
@click.pass_context
def assess(ctx, month, employer, estimate_base, operator):
    """Assess every insured person of the month (CON-6); flexible lump sums (CON-5); cancel what is overdue.

    Running it again assesses only what is missing.

    Example:

        yibao contributions assess --month 2024-04 --operator clerk01
    """
    operator = require_operator(operator)
    assessed = validation.month(month)
    report = record(ctx, contributions.assess_month,
        month=assessed, operator=operator,
        employer_code=validation.credit_code(employer, "employer") if employer else None,
        estimate_base=validation.amount(estimate_base, "estimate_base", validation.MONTHLY_WAGE_MAX,
                                        ledger_from(ctx).policy, assessed.first_day)
        if estimate_base is not None else None,
    )
    stdout.print(_("{month}: {assessed} person-months assessed, {already} already assessed, {cancelled} overdue "
                   "flexible months cancelled (CON-5)").format(month=month, assessed=report.assessed,
                                                               already=report.already, cancelled=report.cancelled))
    for id_number, reason in report.skipped:
        stdout.print(_("[yellow]not assessed[/] {id_number}: {reason}").format(id_number=id_number, reason=reason))


@command.command("pay")
@person_argument()
@click.option("--month", required=True, metavar="YYYY-MM", help="The (first) contribution month paid for.")
@click.option("--to", "last", metavar="YYYY-MM", help="The last month, when one payment covers several.")
@click.option("--amount", required=True, metavar="AMOUNT", help="Yuan received, e.g. 389.04.")
@on_option(N_("Date the money was received (default: today)."))
@operator_option
@db_option
@click.pass_context
def pay(ctx, id_number, month, last, amount, on, operator):
    """Record money received for one month or a run of months (CON-6).

    It settles the months when it is exactly what they owe; otherwise it is kept as unmatched.

    Example:

        yibao contributions pay --id 640102199003070011 --month 2024-03 --amount 389.04 --on 2024-03-15 --operator clerk01
    """
    operator = require_operator(operator)
    received = validation.money(amount, "amount")
    if received == 0:
        raise BadInput("amount", _("a receipt of 0.00 records nothing"))
    first = validation.month(month)
    final = validation.month(last, "to") if last is not None else first
    if final < first:
        raise BadInput("to", _("{final} is before {first}").format(final=final, first=first))
    number, received_on = validation.id_number(id_number, "id"), effective_date(on)
    validation.months_payable(first, final, validation.birth_date_of(number), received_on)
    validation.amount(amount, "amount", validation.CONTRIBUTION_MONTH_MAX, ledger_from(ctx).policy, received_on,
                      months=first.months_until(final) + 1)
    reason = record(ctx, pay_at_counter, id_number=number, first=first, last=final, amount=received,
                    received_on=received_on, operator=operator)
    if reason:
        stdout.print(_("[yellow]recorded as unmatched[/] {received} from {id_number}: {reason}").format(
            received=received, id_number=id_number, reason=reworded(reason)))
    elif final != first:
        stdout.print(_("received {received} for {first}..{final} from {id_number}").format(
            received=received, first=first, final=final, id_number=id_number))
    else:
        stdout.print(_("received {received} for {first} from {id_number}").format(
            received=received, first=first, id_number=id_number))


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@encoding_option
@operator_option
@db_option
@click.pass_context
def import_(ctx, file: Path, encoding, operator):
    """Import the tax bureau's receipts (id_number,month,amount,received_on); idempotent and resumable.

    Example:

        yibao contributions import receipts-2024-04.csv --operator clerk01
    """
    operator = require_operator(operator)
    receipts = files.receipt_file(file, encoding=encoding, policy=ledger_from(ctx).policy)
    from commands.progress import RowProgress

    with RowProgress(_("importing"), receipts.rows) as progress:
        summary = record(ctx, import_receipts, receipts, rows=receipts.rows, digest=receipts.digest,
                         source=file.name, on=datetime.date.today(), operator=operator, progress=progress.advance)
    stdout.print(_("{rows} rows: {matched} matched, {unmatched} unmatched, {duplicates} already recorded").format(
        rows=summary.rows, matched=summary.matched, unmatched=summary.unmatched, duplicates=summary.duplicates))


@command.command("unmatched")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000),
              help="List at most this many receipts.")
@format_option
@reveal_option
@db_option
@click.pass_context
def unmatched(ctx, limit, output_format):
    """List receipts that settled no assessment (held in suspense), oldest first.

    Example:

        yibao contributions unmatched --json
    """
    rows = shown(ctx, unmatched_receipts(ledger_from(ctx), limit), "unmatched receipts")
    if printed(output_format, rows):
        return
    from commands.layout import Col, print_fitted

    print_fitted(stdout, _("unmatched receipts (first {limit})").format(limit=limit),
                 [Col("id_number", "ID number", "fixed", repeat=True), Col("month", kind="fixed"),
                  Col("amount", kind="number"), Col("received_on", "received on", "fixed"),
                  Col("row", kind="number"), Col("reason")],
                 [{**row, "reason": reworded(row["reason"])} for row in rows])


@command.command("close-year")
@click.option("--year", required=True, type=click.IntRange(1990, 2100),
              help="The year whose unpaid flexible months are cancelled.")
@on_option(N_("Date of the closing (default: today); must be after the year."))
@operator_option
@db_option
@click.pass_context
def close_year(ctx, year, on, operator):
    """Cancel flexible assessments still unpaid after 31 December of the year (CON-5, 撤销核定单).

    Example:

        yibao contributions close-year --year 2024 --on 2025-01-05 --operator clerk01
    """
    operator = require_operator(operator)
    cancelled = record(ctx, contributions.close_year, year=year, on=effective_date(on), operator=operator)
    stdout.print(_("{cancelled} unpaid flexible months cancelled (CON-5)").format(cancelled=cancelled))


@command.command("choose-base")
@person_argument()
@click.option("--base", required=True, metavar="AMOUNT", help="Monthly base; at least the minimum base.")
@click.option("--from", "month", required=True, metavar="YYYY-MM", help="The first month on the chosen base.")
@operator_option
@db_option
@click.pass_context
def choose_base(ctx, id_number, base, month, operator):
    """A flexible person chooses a higher base than the minimum (CON-5); lower is refused.

    Example:

        yibao contributions choose-base --id 640102199001011237 --base 6000 --from 2025-01 --operator clerk01
    """
    operator = require_operator(operator)
    first = validation.month(month, "from")
    chosen = record(ctx, contributions.choose_base, id_number=validation.id_number(id_number, "id"),
                                          base=validation.amount(base, "base", validation.MONTHLY_WAGE_MAX,
                                                                 ledger_from(ctx).policy, first.first_day),
                                          month=first,
                                          on=datetime.date.today(), operator=operator)
    stdout.print(_("{id_number} contributes on a base of {base} from {month}").format(
        id_number=id_number, base=chosen, month=month))
