"""Progress of a job over the log on stderr: a rich bar with events/s and ETA at a terminal, a plain line per
`every` events when not (a cron log), nothing at all for a log shorter than `quiet_below` or under `yibao
--quiet`."""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from commands import console
from ledger.core.i18n import N_, _, translated

# A plain progress line for cron's log, whole in each language (the unit's word has its own place in Chinese).
LINES_OF = {"rows": N_("{label}: {done:,} of {total:,} rows"), "persons": N_("{label}: {done:,} of {total:,} persons"),
            "lines": N_("{label}: {done:,} of {total:,} lines")}
LINES_DONE = {"rows": N_("{label}: {done:,} rows done"), "persons": N_("{label}: {done:,} persons done"),
              "lines": N_("{label}: {done:,} lines done")}


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
    """`label` is said in the reader's language by the caller (`_("rebuilding")`); `verb` is `folded` or
    `verified`."""

    def __init__(self, label: str, total: int, every: int = 100_000, quiet_below: int = 0, verb: str = "folded"):
        self.label, self.total, self.every, self.verb = label, max(total, 1), every, verb
        self.shown = total >= quiet_below and not console.quiet
        self.folded = self.notes = 0
        self.next_line = every
        self.started = time.monotonic()
        if self.shown and sys.stderr.isatty():
            self._open_bar(label, self.total, _("{task.completed:,} events"), _("{task.fields[rate]} ev/s"), rate="-")

    def __call__(self, notes: int, folded: int | None = None) -> None:
        """`notes` events read, of which `folded` were folded (all of them when not said)."""
        self.notes += notes
        self.folded += notes if folded is None else folded
        if self.bar is not None:
            self.bar.update(self.task, completed=min(self.folded, self.total), rate=f"{self.rate:,}")
        elif self.shown and self.folded >= self.next_line:
            line = (_("{label}: {done:,} of about {total:,} events verified, {rate:,} ev/s") if self.verb == "verified"
                    else _("{label}: {done:,} of about {total:,} events folded, {rate:,} ev/s"))
            click.echo(line.format(label=self.label, done=self.folded, total=self.total, rate=self.rate), err=True)
            self.next_line = self.folded + self.every

    @property
    def rate(self) -> int:
        return int(self.folded / max(time.monotonic() - self.started, 1e-6))


class RowProgress(_OnStderr):
    """Progress over the rows of a file (or the persons of a region) on stderr, never stdout (a redirected stdout
    keeps only the result): a rich bar with the rows done and the time left at a terminal, a plain line per `every`
    rows when stderr is not one (the nightly log), and a last line with the count. `label` is said in the reader's
    language by the caller; `unit` is `rows`, `persons` or `lines`."""

    def __init__(self, label: str, total: int, every: int = 10_000, unit: str = "rows"):
        self.label, self.total, self.every, self.unit = label, max(total, 0), every, unit
        self.done, self.next_line = 0, every
        self.shown = not console.quiet
        if self.shown and sys.stderr.isatty():
            from rich.progress import MofNCompleteColumn

            self._open_bar(label, self.total, MofNCompleteColumn())

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        if self.bar is not None:
            self.bar.advance(self.task, rows)
        elif self.shown and self.done >= self.next_line:
            click.echo(self._of().format(label=self.label, done=self.done, total=self.total, unit=self.unit),
                       err=True)
            self.next_line = self.done + self.every

    __call__ = advance

    def __exit__(self, *_) -> None:
        super().__exit__()
        if self.bar is None and self.shown and self.done >= self.every:
            click.echo(self._done().format(label=self.label, done=self.done, unit=self.unit), err=True)

    def _of(self) -> str:
        return translated(LINES_OF.get(self.unit, N_("{label}: {done:,} of {total:,} {unit}")))

    def _done(self) -> str:
        return translated(LINES_DONE.get(self.unit, N_("{label}: {done:,} {unit} done")))
