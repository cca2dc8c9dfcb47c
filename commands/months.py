"""`yibao months`: a person's contribution months (MON-1), as known at a moment."""

from __future__ import annotations

import click

from commands.options import (
    db_option,
    json_option,
    known_at_moment,
    known_at_option,
    ledger_from,
    print_json,
    stdout,
)
from ledger.intake import validation
from projections.months import month_rows
from projections.reader import person_view


@click.command("months")
@click.argument("id_number", metavar="IDNO")
@click.option("--year", type=click.IntRange(1990, 2100), help="Only this year's months.")
@known_at_option
@json_option
@db_option
@click.pass_context
def command(ctx, id_number, year, known_at, as_json):
    """One row per person-month: scheme, base, employer, amounts, state and account credit.

    Example:

        yibao months 640102199003070011 --year 2024 --json
    """
    moment = known_at_moment(known_at)
    rows = month_rows(person_view(ledger_from(ctx), validation.id_number(id_number, "IDNO"), moment), year)
    if as_json:
        print_json(rows)
        return
    from commands.layout import Col, print_fitted
    from ledger.core.zone import shown as beijing

    print_fitted(stdout, f"contribution months of {id_number}"
                 + (f" as known at {beijing(moment)} (Beijing time)" if moment else ""),
                 [Col("month", kind="fixed", repeat=True), Col("scheme"), Col("base", kind="number"),
                  Col("personal", kind="number"), Col("total", kind="number"), Col("received", kind="number"),
                  Col("true_up", "true-up", "number"), Col("state", kind="fixed"), Col("credited", kind="number"),
                  Col("employer", kind="fixed")], rows)
