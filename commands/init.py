"""`yibao init`: create or upgrade the schema."""

from __future__ import annotations

import datetime
import os

import click

from commands.options import stdout
from ledger.audit import handlers as audit
from ledger.core.i18n import _
from ledger.intake import validation
from ledger.store.opening import open_ledger
from ledger.store.storage import DEFAULT_URL


@click.command("init")
@click.option("--db", metavar="URL", help="Store URL (env YIBAO_DB; default sqlite:///yibao.sqlite3).")
@click.option("--admin", metavar="NAME", help="The ledger's first administrator (AUD-1); only on a ledger that "
                                              "has none yet.")
@click.pass_context
def command(ctx: click.Context, db: str | None, admin: str | None) -> None:
    """Create or upgrade the ledger's schema; running it again changes nothing.

    Example:

        yibao init --admin admin01 --db postgresql://postgres@127.0.0.1:5432/yibao
    """
    url = db or ctx.ensure_object(dict).get("db") or os.environ.get("YIBAO_DB") or DEFAULT_URL
    admin = validation.text(admin, "admin", limit=64) if admin is not None else None
    ledger = open_ledger(url, initialise=True)
    try:
        applied = ledger.applied_migrations
        for migration in applied:
            stdout.print(_("applied migration {version:03d} {name}").format(version=migration.version,
                                                                           name=migration.name))
        _rebuild_after(ledger, applied)
        if applied:
            stdout.print(_("ledger ready at {url}").format(url=ledger.shown_url))
        else:
            stdout.print(_("ledger ready at {url} (schema already current)").format(url=ledger.shown_url))
        if admin and audit.name_first_admin(ledger.unit_of_work(), name=admin, on=datetime.date.today()):
            stdout.print(_("{admin} is the ledger's first administrator (AUD-1)").format(admin=admin))
        elif admin:
            stdout.print(_("the ledger has its administrators already: {admin} was not added (`yibao operator add`)")
                         .format(admin=admin))
    finally:
        ledger.close()


def _rebuild_after(ledger, applied) -> None:
    """A migration that adds a read-side table to a ledger whose read side was built already: the new table has
    rows only for what is recorded afterwards until the read side is made again, so it is made again now."""
    from projections.build import position

    if not any(migration.rebuilds for migration in applied) or not position(ledger):
        return
    from projections.rebuild import rebuild

    rebuild(ledger)
    stdout.print(_("read side rebuilt for the new tables"))
