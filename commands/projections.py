"""`yibao projections ...`: the read side's tables: catch-up, the nightly rebuild, the check."""

from __future__ import annotations

import time

import click

from commands.console import said
from commands.options import db_option, ledger_from
from commands.progress import EventProgress
from ledger.core.i18n import _


@click.group("projections")
def command() -> None:
    """Materialised read tables: catch-up, rebuild, check.

    Example:

        yibao projections catch-up
    """


@command.command("catch-up")
@click.option("--follow", is_flag=True, help="Keep going: wait for new events and apply them as they come.")
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(1, 100_000),
              help="Notifications applied per transaction.")
@click.option("--poll", default=1.0, show_default=True, type=click.FloatRange(0.05, 60),
              help="With --follow, seconds between looks at the log.")
@db_option
@click.pass_context
def catch_up(ctx, follow, batch, poll):
    """Bring every table to the end of the log, exactly once (each batch commits with its position).

    Example:

        yibao projections catch-up --batch 5000
    """
    from projections.build import catch_up as run
    from projections.build import position

    ledger = ledger_from(ctx)
    with EventProgress(_("catching up"), max(ledger.event_count() - position(ledger), 0)) as report:
        while True:
            read = run(ledger, batch=batch, progress=report)
            if not follow:
                break
            if not read:
                time.sleep(poll)
    said(_("caught up to {position}: {read} events read, {folded} folded ({rate:,} ev/s)").format(
        position=position(ledger), read=report.notes, folded=report.folded, rate=report.rate))


@command.command("rebuild")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes, each taking a stable hash range of the streams (PostgreSQL; a SQLite file has one "
                   "writer, and rebuilds in one process).")
@db_option
@click.pass_context
def rebuild(ctx, workers):
    """Replay the whole log into fresh tables, catch them up, and swap them in atomically (the nightly job).

    Example:

        yibao projections rebuild --workers 2
    """
    from projections.rebuild import rebuild as run

    ledger = ledger_from(ctx)
    with EventProgress(_("rebuilding"), ledger.event_count()) as report:
        end = run(ledger, workers=workers, progress=report)
    said(_("rebuilt to {position}: {folded:,} events folded ({rate:,} ev/s)").format(
        position=end, folded=report.folded, rate=report.rate))


@command.command("check")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes that make the rows in parallel, each a share of the streams (PostgreSQL; SQLite uses "
                   "one).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000),
              help="Differences printed at most.")
@db_option
@click.pass_context
def check(ctx, workers, limit):
    """Rebuild into scratch tables and compare them row by row with the live ones; exit 1 on any difference.

    Example:

        yibao projections check
    """
    from projections.rebuild import check as run

    ledger = ledger_from(ctx)
    with EventProgress(_("checking"), ledger.event_count()) as report:
        differences = run(ledger, workers=workers, progress=report)
    for difference in differences[:limit]:
        click.echo(_("{table} {key}: live {live} != rebuilt {rebuilt}").format(
            table=difference.table, key=difference.key, live=difference.live, rebuilt=difference.rebuilt))
    if differences:
        click.echo(_("{count} differences").format(count=len(differences)), err=True)
        ctx.exit(1)
    said(_("the tables equal a rebuild ({folded:,} events folded)").format(folded=report.folded))
