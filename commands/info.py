"""`yibao info`: where the ledger is and how it stands, for an operator or a support call."""

from __future__ import annotations

import datetime
import os
import platform
from importlib import metadata
from typing import Any

import click

from commands.options import (
    db_option,
    json_option,
    key_values,
    ledger_from,
    print_json,
    stdout,
)
from ledger.core.i18n import _, language
from ledger.store import schema
from ledger.store.storage import CIPHER_SETTING, store_for


@click.command("info")
@json_option
@db_option
@click.pass_context
def command(ctx, as_json):
    """Where the ledger is and how it stands: store, schema, events, the read side's lag, policy, versions.

    Example:

        yibao info --json
    """
    document = info(ledger_from(ctx))
    if as_json:
        print_json(document)
        return
    from rich.table import Table

    table = Table(title=_("the ledger"), show_header=False)
    table.add_column("field", no_wrap=True)
    table.add_column("value", overflow="fold")
    for key, value in key_values(document):
        table.add_row(key, value)
    stdout.print(table)


def info(ledger: Any) -> dict[str, Any]:
    from projections.build import position

    store = store_for(ledger.url)
    events, read = ledger.event_count(), position(ledger)
    book = _policy_book(ledger)
    today = datetime.date.today()
    policy = ledger.policy
    return {
        "store": ledger.shown_url,
        "dialect": store.dialect,
        "schema_version": schema.current_version(ledger.recorder.datastore, store.dialect),
        "schema_latest": schema.migrations(store.dialect)[-1].version,
        "events": events,
        "projections": {"position": read, "lag": max(events - read, 0)},
        "policy": {"parameters_in_force": sum(1 for name in policy.names() if _in_force(policy, name, today)),
                   "publications": len(book),
                   "last_published": book[-1].timestamp.isoformat() if book else None},
        "encrypted": bool(os.environ.get(CIPHER_SETTING)),
        "language": language(),
        "versions": {"yibao": metadata.version("yibao-ledger"), "eventsourcing": metadata.version("eventsourcing"),
                     "python": platform.python_version(), "database": _server_version(ledger, store.dialect)},
    }


def _policy_book(ledger: Any) -> list[Any]:
    from ledger.policy.book import PolicyBook

    book = ledger.stream(PolicyBook.ID)
    return list(book.history) if book else []


def _in_force(policy: Any, name: str, on: datetime.date) -> bool:
    try:
        policy.parameter(name, on)
        return True
    except LookupError:
        return False


def _server_version(ledger: Any, dialect: str) -> str | None:
    query = {"sqlite": "SELECT sqlite_version() AS v", "postgres": "SHOW server_version"}.get(dialect)
    if query is None:
        return None
    with ledger.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(query)
        row = cursor.fetchone()
    value = row[0] if not hasattr(row, "keys") else next(iter(dict(row).values()))
    return f"{'SQLite' if dialect == 'sqlite' else 'PostgreSQL'} {value}"
