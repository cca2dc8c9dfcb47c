"""The library's SQLite recorders, chaining what they insert (ledger/store/chain.py), plugged in through the
library's own APPLICATION_RECORDER_TOPIC and PROCESS_RECORDER_TOPIC settings (ledger/store/storage.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteProcessRecorder,
)

from ledger.store import chain


class SQLiteChaining:
    """Chains each insert in the transaction that made it. The chain's head is read after the library's INSERTs:
    by then this transaction holds SQLite's write lock (and reads the latest state), so writers in other
    processes cannot interleave."""

    def __init__(self, datastore: Any, **kwargs: Any):
        super().__init__(datastore, **kwargs)
        self.chain_sql = chain.Statements(self)

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        notification_ids = super()._insert_events(c, stored_events, **kwargs)
        chain.extend(c, self.chain_sql, chain.rows_of(notification_ids, stored_events))
        return notification_ids


class ChainedSQLiteApplicationRecorder(SQLiteChaining, SQLiteApplicationRecorder):
    pass


class ChainedSQLiteProcessRecorder(SQLiteChaining, SQLiteProcessRecorder):
    pass
