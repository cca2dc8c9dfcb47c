"""The library's PostgreSQL recorders, chaining what they insert (ledger/store/chain.py), plugged in through the
library's own APPLICATION_RECORDER_TOPIC and PROCESS_RECORDER_TOPIC settings (ledger/store/storage.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import (
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresProcessRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

from ledger.store import chain


class PostgresChaining:
    """Chains each insert in its own transaction.

    The library's `insert_events` commits its transaction even when a hook after the insert fails (it keeps the
    error and raises it once its pipeline is closed), so the chain step cannot be one of its hooks. This is the
    library's method with the same steps (its hooks, lock, notify, insert, ids) and the chain step after them,
    any failure rolling all back; without pipeline mode, where COPY cannot run and where psycopg can deadlock on
    a batch of several megabytes (psycopg/psycopg#685): a few more round trips on a small write.

    The library locks the events table IN EXCLUSIVE MODE before inserting, which serialises every writer and so
    makes reading the chain's head safe. PostgreSQL grants that lock only to roles that may UPDATE, DELETE or
    TRUNCATE the table, which the application role (ledger/store/roles.py) may not; the lock is taken through
    `yibao_lock_events(seconds)` instead, a SECURITY DEFINER function of the table's owner (migration 003).
    """

    def __init__(self, datastore: Any, **kwargs: Any):
        super().__init__(datastore, **kwargs)
        self.chain_sql = chain.Statements(self)
        self.lock_table_statements = [
            SQL("SELECT {0}.yibao_lock_events({1})").format(Identifier(self.datastore.schema),
                                                           int(self.datastore.lock_timeout)),
        ]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if self.datastore.enable_db_functions:
            raise ProgrammingError("the ledger's recorder chains its inserts; POSTGRES_ENABLE_DB_FUNCTIONS would not")
        notification_ids: Sequence[int] | None = None
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            if len(stored_events) > 0:
                self._insert_stored_events(curs, stored_events, **kwargs)  # lock, notify, insert
                notification_ids = self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
                chain.extend(curs, self.chain_sql, chain.rows_of(notification_ids, stored_events))
        return notification_ids


class ChainedPostgresApplicationRecorder(PostgresChaining, PostgresApplicationRecorder):
    pass


class ChainedPostgresProcessRecorder(PostgresChaining, PostgresProcessRecorder):
    pass
