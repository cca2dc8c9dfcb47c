"""Opening the ledger named by a store URL, its schema checked, storage failures made exit-3 errors."""

from __future__ import annotations

import os
import sqlite3

from eventsourcing.persistence import PersistenceError

from ledger.core import ids
from ledger.core.errors import NotInitialised, StorageFailure
from ledger.core.i18n import _
from ledger.store import chain, roles, schema
from ledger.store.application import Ledger
from ledger.store.storage import (
    CIPHER_SETTING,
    cipher_key,
    cipher_settings,
    shown_url,
    store_for,
)


def open_ledger(url: str, *, initialise: bool = False, decoding: bool = True) -> Ledger:
    """Open the store; `initialise` creates or upgrades its schema (idempotent), else it must be current; one that
    will decode events first checks that the key configured (or none) reads them."""
    store, shown, key = store_for(url), shown_url(url), cipher_key(os.environ)
    ids.use_key(key)
    if store.sqlite_path is not None and not initialise and not store.sqlite_path.exists():
        raise NotInitialised(_("{store} holds no ledger yet: run `yibao init` first").format(store=shown))
    try:
        if store.sqlite_path is not None and initialise and not store.sqlite_path.exists():
            os.close(os.open(store.sqlite_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # its owner's only
        ledger = Ledger(env={**store.settings, **cipher_settings(key), "CREATE_TABLE": "y" if initialise else "n"})
        ledger.url, ledger.shown_url = url, shown
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
        if decoding:
            _require_readable(ledger, key)
    except (PersistenceError, sqlite3.Error, OSError) as error:
        raise StorageFailure(_("cannot open {store}: {error}").format(
            store=shown, error=str(error).replace(url, shown))) from None
    except Exception as error:  # psycopg's errors, without importing psycopg for a SQLite store
        if type(error).__module__.startswith("psycopg"):
            raise StorageFailure(_("cannot open {store}: {error}").format(
                store=shown, error=str(error).replace(url, shown))) from None
        raise
    return ledger


def _require_readable(ledger: Ledger, key: bytes | None) -> None:
    """The first stored event decodes with the key given (or with none): a ledger is encrypted from its first
    event or not at all, and a wrong or missing key is said once, here, not as garbage or a traceback later."""
    first = ledger.recorder.select_notifications(start=1, limit=1)
    if not first:
        return
    try:
        ledger.mapper.to_domain_event(first[0])
    except Exception:
        ledger.close()
        if key:
            raise StorageFailure(_("the ledger's events cannot be read with the {setting} given: set {setting} to the "
                                   "key the ledger was written with; nothing was read or written").format(
                setting=CIPHER_SETTING)) from None
        raise StorageFailure(_("the ledger's events cannot be read with no {setting}: set {setting} to the key the "
                               "ledger was written with; nothing was read or written").format(
            setting=CIPHER_SETTING)) from None
