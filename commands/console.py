"""The CLI's two rich consoles, each made on its first use: a command that prints only JSON never imports rich.

Whatever they print passes a last mask: an ID number or a mobile number that reaches the screen in clear
(a confirmation line, a table title) is masked, unless the command revealed personal data (`--reveal`).
Documents are masked field by field before they are rendered (projections/privacy.py); this catches the rest.

Under `yibao --quiet` the stdout console prints nothing for a command that records (its confirmation lines), but
what a query was asked for (its table) and a line said with `needed` (a voucher's id, to approve it) still print;
errors go to stderr as ever.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


class LazyConsole:
    """Stands for `rich.console.Console(**options)`, made when first used: to print, or as a `Progress`'s
    console. Made late, it prints what one made at import would: it writes to the sys.stdout or sys.stderr of
    each write, and nothing else it reads when made changes between a command's start and its first print."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            stream = "stderr" if self._options.get("stderr") else "stdout"
            self._console = Console(file=_Masking(stream), **self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        if name in ("_options", "_console"):  # not yet set: a copy being made, say
            raise AttributeError(name)
        return getattr(self.console, name)

    def __enter__(self) -> Console:
        return self.console.__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        self.console.__exit__(*exc_info)


ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
masking = True
"""Off for a command that revealed personal data (recorded first)."""


def mask_text(text: str) -> str:
    return MOBILE.sub(r"\1****\2", ID_NUMBER.sub(r"\1********\2", text))


quiet = False
"""`yibao --quiet`: no progress and no confirmation lines (set by the root group for each invocation)."""
_needed = False


@contextmanager
def needed() -> Iterator[None]:
    """What is printed within is printed under --quiet too: the reader needs it to go on (a voucher's id)."""
    global _needed
    _needed = True
    try:
        yield
    finally:
        _needed = False


def silenced() -> bool:
    """Whether stdout says nothing now: --quiet, outside `needed`, in a command that is not a query."""
    return quiet and not _needed and not is_query()


def is_query() -> bool:
    """The running command answers a question (it has --format or --json): what it prints was asked for."""
    import click

    ctx = click.get_current_context(silent=True)
    return ctx is not None and any(
        {"--format", "--json"} & set(getattr(parameter, "opts", ())) for parameter in ctx.command.params)


def said(text: str, err: bool = False) -> None:
    """A plain line printed outside the consoles (a summary on stderr, say), which --quiet leaves out."""
    if not quiet:
        import click

        click.echo(text, err=err)


class _Masking:
    """The process's sys.stdout or sys.stderr of the moment, every write masked while `masking` holds (stdout
    silenced while `silenced()`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, text: str) -> int:
        if self.name == "stdout" and silenced():
            return len(text)
        return getattr(sys, self.name).write(mask_text(text) if masking else text)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(getattr(sys, self.name), attribute)


stdout = LazyConsole()
stderr = LazyConsole(stderr=True)
