"""The one version of yibao: the installed distribution's (pyproject.toml's `version`, which the README's changelog
names as its newest entry; tests/test_cli_conventions.py keeps the three in step)."""

from __future__ import annotations

DISTRIBUTION = "yibao-ledger"


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree never installed
        return "unknown"
