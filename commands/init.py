"""`yibao init`: create or upgrade the schema."""

from __future__ import annotations

import os

import click

from commands.options import stdout
from ledger.store.opening import open_ledger
from ledger.store.storage import DEFAULT_URL


@click.command("init")
@click.option("--db", metavar="URL", help="Store URL (env YIBAO_DB; default sqlite:///yibao.sqlite3).")
@click.pass_context
def command(ctx: click.Context, db: str | None) -> None:
    """Create or upgrade the ledger's schema; running it again changes nothing.

    Example:

        yibao init --db postgresql://postgres@127.0.0.1:5432/yibao
    """
    url = db or ctx.ensure_object(dict).get("db") or os.environ.get("YIBAO_DB") or DEFAULT_URL
    ledger = open_ledger(url, initialise=True)
    try:
        applied = ledger.applied_migrations
        if applied:
            for migration in applied:
                stdout.print(f"applied migration {migration.version:03d} {migration.name}")
        stdout.print(f"ledger ready at {url}" + ("" if applied else " (schema already current)"))
    finally:
        ledger.close()
