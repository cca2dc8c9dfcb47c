"""Opening the ledger named by a store URL, its schema checked, storage failures made exit-3 errors."""

from __future__ import annotations

import sqlite3

from eventsourcing.persistence import PersistenceError

from ledger.core.errors import NotInitialised, StorageFailure
from ledger.store import chain, roles, schema
from ledger.store.application import Ledger
from ledger.store.storage import store_for


def open_ledger(url: str, *, initialise: bool = False) -> Ledger:
    """Open the store; `initialise` creates or upgrades its schema (idempotent), else it must be current."""
    store = store_for(url)
    if store.sqlite_path is not None and not initialise and not store.sqlite_path.exists():
        raise NotInitialised(f"{url} holds no ledger yet: run `yibao init` first")
    try:
        ledger = Ledger(env={**store.settings, "CREATE_TABLE": "y" if initialise else "n"})
        ledger.url = url
        if store.dialect == "memory":
            ledger.applied_migrations = []
        elif initialise:
            ledger.applied_migrations = schema.upgrade(ledger.recorder.datastore, store)
            ledger.factory.tracking_recorder()  # its table, for the read side's position
            chain.chain_upgrade(ledger)  # the events stored before the chain existed
            if store.dialect == "postgres":
                roles.set_up(ledger)
        else:
            schema.require_current(ledger.recorder.datastore, store)
    except (PersistenceError, sqlite3.Error, OSError) as error:
        raise StorageFailure(f"cannot open {url}: {error}") from None
    except Exception as error:  # psycopg's errors, without importing psycopg for a SQLite store
        if type(error).__module__.startswith("psycopg"):
            raise StorageFailure(f"cannot open {url}: {error}") from None
        raise
    return ledger
