"""`yibao projections ...`: the read side's tables: catch-up, the nightly rebuild, the check."""

from __future__ import annotations

import sys
import time

import click

from commands.options import db_option, ledger_from


@click.group("projections")
def command() -> None:
    """Materialised read tables: catch-up, rebuild, check.

    Example:

        yibao projections catch-up
    """


class Reporter:
    """Progress on stderr: a rich bar with events/s and ETA at a terminal, a plain line per `every` events when not
    (a cron log)."""

    def __init__(self, label: str, total: int, every: int = 100_000):
        self.label, self.total, self.every = label, max(total, 1), every
        self.folded = self.notes = self.next_line = 0
        self.started = time.monotonic()
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import (
                BarColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            from commands.options import stderr

            self.bar = Progress(TextColumn(label), BarColumn(), TextColumn("{task.completed:,} events"),
                                TextColumn("{task.fields[rate]} ev/s"), TimeRemainingColumn(), console=stderr,
                                transient=True)
            self.task = self.bar.add_task(label, total=self.total, rate="-")

    def __call__(self, notes: int, folded: int) -> None:
        self.notes += notes
        self.folded += folded
        rate = int(self.folded / max(time.monotonic() - self.started, 1e-6))
        if self.bar is not None:
            self.bar.update(self.task, completed=min(self.folded, self.total), rate=f"{rate:,}")
        elif self.folded >= self.next_line:
            click.echo(f"{self.label}: {self.folded:,} of about {self.total:,} events folded, {rate:,} ev/s",
                       err=True)
            self.next_line = self.folded + self.every

    def __enter__(self) -> Reporter:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *_) -> None:
        if self.bar is not None:
            self.bar.stop()

    @property
    def rate(self) -> int:
        return int(self.folded / max(time.monotonic() - self.started, 1e-6))


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
    with Reporter("catching up", max(ledger.event_count() - position(ledger), 0)) as report:
        while True:
            read = run(ledger, batch=batch, progress=report)
            if not follow:
                break
            if not read:
                time.sleep(poll)
    click.echo(f"caught up to {position(ledger)}: {report.notes} events read, {report.folded} folded "
               f"({report.rate:,} ev/s)")


@command.command("rebuild")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes, each taking a stable hash range of the streams.")
@db_option
@click.pass_context
def rebuild(ctx, workers):
    """Replay the whole log into fresh tables, catch them up, and swap them in atomically (the nightly job).

    Example:

        yibao projections rebuild --workers 2
    """
    from projections.rebuild import rebuild as run

    ledger = ledger_from(ctx)
    with Reporter("rebuilding", ledger.event_count()) as report:
        end = run(ledger, workers=workers, progress=report)
    click.echo(f"rebuilt to {end}: {report.folded:,} events folded ({report.rate:,} ev/s)")


@command.command("check")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
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
    with Reporter("checking", ledger.event_count()) as report:
        differences = run(ledger, workers=workers, progress=report)
    for difference in differences[:limit]:
        click.echo(f"{difference.table} {difference.key}: live {difference.live} != rebuilt {difference.rebuilt}")
    if differences:
        click.echo(f"{len(differences)} differences", err=True)
        ctx.exit(1)
    click.echo(f"the tables equal a rebuild ({report.folded:,} events folded)")
