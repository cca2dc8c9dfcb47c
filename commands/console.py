"""The CLI's two rich consoles, each made on its first use: a command that prints only JSON never imports rich."""

from __future__ import annotations

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

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        if name in ("_options", "_console"):  # not yet set: a copy being made, say
            raise AttributeError(name)
        return getattr(self.console, name)

    def __enter__(self) -> Console:
        return self.console.__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        self.console.__exit__(*exc_info)


stdout = LazyConsole()
stderr = LazyConsole(stderr=True)
