"""Opening the ledger named by --db / YIBAO_DB, schema checked, storage failures made exit-3 errors."""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing.persistence import PersistenceError

from ledger.application import Ledger
from ledger.errors import NotInitialised, StorageFailure
from ledger.storage import store_for
from projections import schema


def open_ledger(url: str, *, initialise: bool = False) -> Ledger:
    """Open the store; `initialise` creates or upgrades its schema (idempotent), else it must be current."""
    store = store_for(url)
    if store.sqlite_path is not None and not initialise and not store.sqlite_path.exists():
        raise NotInitialised(f"{url} holds no ledger yet: run `yibao init` first")
    try:
        ledger = Ledger(env={**store.settings, "CREATE_TABLE": "y" if initialise else "n"})
        if initialise:
            ledger.applied_migrations = schema.upgrade(ledger.recorder.datastore, store)
        else:
            schema.require_current(ledger.recorder.datastore, store)
    except (PersistenceError, psycopg.Error, sqlite3.Error, OSError) as error:
        raise StorageFailure(f"cannot open {url}: {error}") from None
    return ledger
