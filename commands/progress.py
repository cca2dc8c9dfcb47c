"""Progress of a job over the log on stderr: a rich bar with events/s and ETA at a terminal, a plain line per
`every` events when not (a cron log), nothing at all for a log shorter than `quiet_below`."""

from __future__ import annotations

import sys
import time
from typing import Any

import click


class _OnStderr:
    """A rich bar on stderr at a terminal (None otherwise: the caller prints plain lines), started and stopped
    with the job."""

    bar = None

    def _open_bar(self, label: str, total: int, *columns: Any, **fields: str) -> None:
        """A bar of the label, the bar, `columns` (text templates, or rich columns) and the time left."""
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        from commands.console import stderr

        self.bar = Progress(TextColumn(label), BarColumn(), *(TextColumn(c) if isinstance(c, str) else c for c in columns), TimeRemainingColumn(),
                            console=stderr, transient=True)
        self.task = self.bar.add_task(label, total=total, **fields)

    def __enter__(self):
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *_) -> None:
        if self.bar is not None:
            self.bar.stop()


class EventProgress(_OnStderr):
    def __init__(self, label: str, total: int, every: int = 100_000, quiet_below: int = 0, verb: str = "folded"):
        self.label, self.total, self.every, self.verb = label, max(total, 1), every, verb
        self.shown = total >= quiet_below
        self.folded = self.notes = 0
        self.next_line = every
        self.started = time.monotonic()
        if self.shown and sys.stderr.isatty():
            self._open_bar(label, self.total, "{task.completed:,} events", "{task.fields[rate]} ev/s", rate="-")

    def __call__(self, notes: int, folded: int | None = None) -> None:
        """`notes` events read, of which `folded` were folded (all of them when not said)."""
        self.notes += notes
        self.folded += notes if folded is None else folded
        if self.bar is not None:
            self.bar.update(self.task, completed=min(self.folded, self.total), rate=f"{self.rate:,}")
        elif self.shown and self.folded >= self.next_line:
            click.echo(f"{self.label}: {self.folded:,} of about {self.total:,} events {self.verb}, {self.rate:,} ev/s",
                       err=True)
            self.next_line = self.folded + self.every

    @property
    def rate(self) -> int:
        return int(self.folded / max(time.monotonic() - self.started, 1e-6))


class RowProgress(_OnStderr):
    """Progress over the rows of a file (or the persons of a region) on stderr, never stdout (a redirected stdout
    keeps only the result): a rich bar with the rows done and the time left at a terminal, a plain line per `every`
    rows when stderr is not one (the nightly log), and a last line with the count."""

    def __init__(self, label: str, total: int, every: int = 10_000, unit: str = "rows"):
        self.label, self.total, self.every, self.unit = label, max(total, 0), every, unit
        self.done, self.next_line = 0, every
        if sys.stderr.isatty():
            from rich.progress import MofNCompleteColumn

            self._open_bar(label, self.total, MofNCompleteColumn())

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        if self.bar is not None:
            self.bar.advance(self.task, rows)
        elif self.done >= self.next_line:
            click.echo(f"{self.label}: {self.done:,} of {self.total:,} {self.unit}", err=True)
            self.next_line = self.done + self.every

    __call__ = advance

    def __exit__(self, *_) -> None:
        super().__exit__()
        if self.bar is None and self.done >= self.every:
            click.echo(f"{self.label}: {self.done:,} {self.unit} done", err=True)
