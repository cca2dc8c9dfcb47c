"""`yibao contributions ...`: assess months, record receipts, list unmatched money, close a year (CON-1..CON-9)."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from commands.options import (
    db_option,
    effective_date,
    json_option,
    ledger_from,
    on_option,
    operator_option,
    print_json,
    record,
    require_operator,
    reveal_option,
    shown,
    stdout,
)
from ledger.contributions import handlers as contributions
from ledger.contributions.receiving import import_receipts, pay_at_counter
from ledger.core.errors import BadInput
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
    report = record(ctx, contributions.assess_month,
        month=validation.month(month), operator=operator,
        employer_code=validation.credit_code(employer, "employer") if employer else None,
        estimate_base=validation.money(estimate_base, "estimate_base") if estimate_base is not None else None,
    )
    stdout.print(f"{month}: {report.assessed} person-months assessed, {report.already} already assessed, "
                 f"{report.cancelled} overdue flexible months cancelled (CON-5)")
    for id_number, reason in report.skipped:
        stdout.print(f"[yellow]not assessed[/] {id_number}: {reason}")


@command.command("pay")
@click.option("--id", "id_number", required=True, metavar="IDNO",
              help="The person's citizen ID number (18 characters).")
@click.option("--month", required=True, metavar="YYYY-MM", help="The (first) contribution month paid for.")
@click.option("--to", "last", metavar="YYYY-MM", help="The last month, when one payment covers several.")
@click.option("--amount", required=True, metavar="AMOUNT", help="Yuan received, e.g. 389.04.")
@on_option("Date the money was received (default: today).")
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
        raise BadInput("amount", "a receipt of 0.00 records nothing")
    first = validation.month(month)
    final = validation.month(last, "to") if last is not None else first
    if final < first:
        raise BadInput("to", f"{final} is before {first}")
    number, received_on = validation.id_number(id_number, "id"), effective_date(on)
    validation.months_payable(first, final, validation.birth_date_of(number), received_on)
    reason = record(ctx, pay_at_counter, id_number=number, first=first, last=final, amount=received,
                    received_on=received_on, operator=operator)
    if reason:
        stdout.print(f"[yellow]recorded as unmatched[/] {received} from {id_number}: {reason}")
    else:
        stdout.print(f"received {received} for {first}" + (f"..{final}" if final != first else "") + f" from {id_number}")


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@operator_option
@db_option
@click.pass_context
def import_(ctx, file: Path, operator):
    """Import the tax bureau's receipts (id_number,month,amount,received_on); idempotent and resumable.

    Example:

        yibao contributions import receipts-2024-04.csv --operator clerk01
    """
    operator = require_operator(operator)
    receipts = files.receipt_file(file)
    from commands.progress import RowProgress

    with RowProgress("importing", receipts.rows) as progress:
        summary = record(ctx, import_receipts, receipts, rows=receipts.rows, digest=receipts.digest,
                         source=file.name, on=datetime.date.today(), operator=operator, progress=progress.advance)
    stdout.print(f"{summary.rows} rows: {summary.matched} matched, {summary.unmatched} unmatched, "
                 f"{summary.duplicates} already recorded")


@command.command("unmatched")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000),
              help="List at most this many receipts.")
@json_option
@reveal_option
@db_option
@click.pass_context
def unmatched(ctx, limit, as_json):
    """List receipts that settled no assessment (held in suspense), oldest first.

    Example:

        yibao contributions unmatched --json
    """
    rows = shown(ctx, unmatched_receipts(ledger_from(ctx), limit), "unmatched receipts")
    if as_json:
        print_json(rows)
        return
    from commands.layout import Col, print_fitted

    print_fitted(stdout, f"unmatched receipts (first {limit})",
                 [Col("id_number", "ID number", "fixed", repeat=True), Col("month", kind="fixed"),
                  Col("amount", kind="number"), Col("received_on", "received on", "fixed"),
                  Col("row", kind="number"), Col("reason")], rows)


@command.command("close-year")
@click.option("--year", required=True, type=click.IntRange(1990, 2100),
              help="The year whose unpaid flexible months are cancelled.")
@on_option("Date of the closing (default: today); must be after the year.")
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
    stdout.print(f"{cancelled} unpaid flexible months cancelled (CON-5)")


@command.command("choose-base")
@click.option("--id", "id_number", required=True, metavar="IDNO",
              help="The person's citizen ID number (18 characters).")
@click.option("--base", required=True, metavar="AMOUNT", help="Monthly base; at least the minimum base.")
@click.option("--from", "month", required=True, metavar="YYYY-MM", help="The first month on the chosen base.")
@operator_option
@db_option
@click.pass_context
def choose_base(ctx, id_number, base, month, operator):
    """A flexible person chooses a higher base than the minimum (CON-5); lower is refused.

    Example:

        yibao contributions choose-base --id 640102199003070011 --base 6000 --from 2025-01 --operator clerk01
    """
    operator = require_operator(operator)
    chosen = record(ctx, contributions.choose_base, id_number=validation.id_number(id_number, "id"),
                                          base=validation.money(base, "base"), month=validation.month(month, "from"),
                                          on=datetime.date.today(), operator=operator)
    stdout.print(f"{id_number} contributes on a base of {chosen} from {month}")
