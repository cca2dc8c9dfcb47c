"""`yibao months`: a person's contribution months (MON-1), as known at a moment."""

from __future__ import annotations

import click

from commands.options import (
    db_option,
    format_option,
    known_at_moment,
    known_at_option,
    ledger_from,
    person_argument,
    printed,
    stdout,
)
from ledger.core.i18n import _, term
from ledger.intake import validation
from projections.months import month_rows
from projections.reader import person_view


@click.command("months")
@person_argument()
@click.option("--year", type=click.IntRange(1990, 2100), help="Only this year's months.")
@known_at_option
@format_option
@db_option
@click.pass_context
def command(ctx, id_number, year, known_at, output_format):
    """One row per person-month: scheme, base, employer, amounts, state and account credit.

    Example:

        yibao months 640102199003070011 --year 2024 --json
        yibao months 640102199003070011 --format csv > months.csv
    """
    moment = known_at_moment(known_at)
    rows = month_rows(person_view(ledger_from(ctx), validation.known_id_number(id_number, "IDNO"), moment), year)
    if printed(output_format, rows):
        return
    from commands.layout import Col, print_fitted
    from ledger.core.zone import shown as beijing

    if moment:
        title = _("contribution months of {id_number} as known at {moment} (Beijing time)").format(
            id_number=id_number, moment=beijing(moment))
    else:
        title = _("contribution months of {id_number}").format(id_number=id_number)
    print_fitted(stdout, title,
                 [Col("month", kind="fixed", repeat=True), Col("scheme"), Col("base", kind="number"),
                  Col("personal", kind="number"), Col("total", kind="number"), Col("received", kind="number"),
                  Col("true_up", "true-up", "number"), Col("state", kind="fixed"), Col("credited", kind="number"),
                  Col("employer", kind="fixed")],
                 [{**row, "scheme": _code(row["scheme"]), "state": _code(row["state"])} for row in rows])


def _code(value: str | None) -> str | None:
    return term(value) if value else value
