"""The chain rows written with the events (migrations/*/003_chain.sql): `yibao_chain` binds every stored event
into the log chain and its stream's chain, `yibao_merkle` keeps the Merkle tree's subtrees of 256 leaves and up.

The recorders (`chained_sqlite`, `chained_postgres`) call `extend` in the transaction that inserted the events,
while they hold the store's write lock, so chain rows follow notification order exactly. Events that reached the
events table some other way (COPY, or an insider's INSERT) get no chain row: `yibao verify` reports them, and a
write that would chain past them is refused until someone decides to chain them (`chain_backlog`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import PersistenceError
from eventsourcing.sqlite import SQLiteDatastore

from ledger.audit.chain import GENESIS, event_leaf, link, stored_originator
from ledger.audit.merkle import STORED_FROM, Frontier, stored_subtrees, subtrees_of
from ledger.core.i18n import _

CHAIN = "yibao_chain"
MERKLE = "yibao_merkle"
START = "yibao_chain_start"
BATCH = 10_000

# (notification id, originator id as the recorder or the store gives it, version, topic, state bytes)
Row = tuple[int, Any, int, str, bytes]


class UnchainedEvents(PersistenceError):
    """Events were stored without their chain rows before this write; chaining past them would hide them."""


@dataclass
class Head:
    """The last chained event: its notification id, the log link there, and the Merkle frontier after it."""

    notification_id: int
    log_link: bytes
    frontier: Frontier

    @property
    def size(self) -> int:
        return self.frontier.size


class Statements:
    """The chain's SQL in one store's dialect."""

    def __init__(self, recorder: Any):
        datastore = recorder.datastore
        self.postgres = not isinstance(datastore, SQLiteDatastore)
        self.mark = "%s" if self.postgres else "?"
        table = recorder.events_table_name
        self.events = f'"{datastore.schema}"."{table}"' if self.postgres else table
        self.nid = "notification_id" if self.postgres else "rowid"
        # the large subtrees of the frontier after the last write this recorder made, with that write's head (size
        # and log link): a write that was rolled back, or another writer since, shows as another head
        self.known: tuple[tuple[int, bytes], dict[tuple[int, int], bytes]] = ((0, GENESIS), {})

    def column(self, originator: Any) -> Any:
        """The chain's originator_id column holds what the events table holds: a uuid, or SQLite's text."""
        return originator if self.postgres else stored_originator(originator)

    def head(self, cursor: Any, before: int | None = None) -> tuple[Head, int | None]:
        """The chain's head and, given the first notification id of a write, the first event before it that
        has no chain row: one query, a second only when the head's large subtrees are not those this recorder
        last wrote or read (another process wrote since)."""
        stray = "" if before is None else (
            f", (SELECT e.{self.nid} FROM {self.events} e WHERE e.{self.nid} > c.notification_id AND e.{self.nid} < "
            f"{self.mark} ORDER BY e.{self.nid} LIMIT 1) AS stray")
        cursor.execute(f"SELECT c.notification_id, c.position, c.log_link, c.frontier_tail{stray} FROM {CHAIN} c "
                       "ORDER BY c.position DESC LIMIT 1", [] if before is None else [before])
        row = cursor.fetchone()
        if row is None:
            return Head(0, GENESIS, Frontier()), None if before is None else self._stray(cursor, 0, before)
        size, log_link = row["position"] + 1, bytes(row["log_link"])
        (known_size, known_link), stored = self.known
        if (known_size, known_link) != (size, log_link):
            stored = self.subtrees(cursor, stored_subtrees(size))
        try:
            frontier = Frontier.from_parts(size, stored, bytes(row["frontier_tail"]))
        except (TypeError, KeyError, ValueError):
            raise PersistenceError("AUD-2: " + _("the chain's head (notification {notification_id}) does not hold the "
                                                 "Merkle tree's frontier: run `yibao verify`").format(
                notification_id=row["notification_id"])) from None
        return Head(row["notification_id"], log_link, frontier), None if before is None else row["stray"]

    def remember(self, head: Head) -> None:
        """The head this recorder just wrote: its next write starts from there unless the chain moved."""
        frontier = head.frontier
        self.known = ((frontier.size, head.log_link),
                      {subtree: node for subtree, node in zip(subtrees_of(frontier.size), frontier.hashes)
                       if subtree[0] >= STORED_FROM})

    def _stray(self, cursor: Any, after: int, before: int) -> int | None:
        cursor.execute(f"SELECT {self.nid} AS nid FROM {self.events} WHERE {self.nid} > {self.mark} AND {self.nid} < "
                       f"{self.mark} ORDER BY {self.nid} LIMIT 1", [after, before])
        stray = cursor.fetchone()
        return stray["nid"] if stray is not None else None

    def subtrees(self, cursor: Any, wanted: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """Stored subtrees by (level, index), in one query."""
        if not wanted:
            return {}
        # ORed equalities: SQLite scans the whole table for a row-value IN list
        pairs = " OR ".join([f"(level = {self.mark} AND idx = {self.mark})"] * len(wanted))
        cursor.execute(f"SELECT level, idx, hash FROM {MERKLE} WHERE {pairs}",
                       [number for subtree in wanted for number in subtree])
        return {(row["level"], row["idx"]): bytes(row["hash"]) for row in cursor.fetchall()}

    def stream_links(self, cursor: Any, originators: Sequence[Any]) -> dict[str, bytes]:
        """Each stream's last link so far, by the stream id as stored (streams with none are left out)."""
        if self.postgres:
            cursor.execute(f"SELECT s.id AS originator_id, (SELECT c.stream_link FROM {CHAIN} c WHERE "
                           "c.originator_id = s.id ORDER BY c.position DESC LIMIT 1) AS stream_link "
                           "FROM unnest(%s::uuid[]) AS s(id)", [list(originators)])
            return {row["originator_id"].hex: bytes(row["stream_link"])
                    for row in cursor.fetchall() if row["stream_link"] is not None}
        found = {}
        for originator in originators:
            cursor.execute(f"SELECT stream_link FROM {CHAIN} WHERE originator_id = ? ORDER BY position DESC LIMIT 1",
                           [originator])
            row = cursor.fetchone()
            if row is not None:
                found[originator] = bytes(row["stream_link"])
        return found

    def insert(self, cursor: Any, rows: list[list[Any]], nodes: list[tuple[int, int, bytes]]) -> None:
        if not self.postgres:
            cursor.executemany(f"INSERT INTO {CHAIN} (position, notification_id, originator_id, originator_version, "
                               "leaf, stream_link, log_link, frontier_tail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if nodes:
                cursor.executemany(f"INSERT INTO {MERKLE} (level, idx, hash) VALUES (?, ?, ?)", nodes)
            return
        # binary COPY: faster than a multi-row INSERT or an INSERT from unnest() (psycopg dumps arrays of bytea
        # slowly) at 3 rows (0.5 ms against 0.6 and 0.9) and at 10,000 (0.11 s against 0.5)
        with cursor.copy(f"COPY {CHAIN} (position, notification_id, originator_id, originator_version, leaf, "
                         "stream_link, log_link, frontier_tail) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "int8", "uuid", "int8", "bytea", "bytea", "bytea", "bytea"])
            for row in rows:
                copy.write_row(row)
        if nodes:
            with cursor.copy(f"COPY {MERKLE} (level, idx, hash) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int2", "int8", "bytea"])
                for node in nodes:
                    copy.write_row(node)


def rows_of(notification_ids: Sequence[int], stored_events: Sequence[Any]) -> list[Row]:
    """What a recorder just inserted, as the chain takes it: in notification order."""
    return sorted((nid, e.originator_id, e.originator_version, e.topic, e.state)
                  for nid, e in zip(notification_ids, stored_events, strict=True))


def extend(cursor: Any, sql: Statements, events: Sequence[Row], *, after: Head | None = None) -> Head:
    """Chain `events` (in notification order, none chained yet) after the chain's head, in the caller's
    transaction; the caller holds the write lock. A writer (no `after`) is refused when events it did not write
    lie between the head and its own: only `chain_backlog` chains those, on purpose."""
    if not events:
        return after or sql.head(cursor)[0]
    if after is None:
        last, stray = sql.head(cursor, before=events[0][0])
        if stray is not None:
            raise UnchainedEvents("AUD-2: " + _(
                "the event at notification {notification_id} was stored without the ledger's chain (bulk-loaded, or "
                "inserted outside the ledger); nothing is written until it is examined (`yibao verify`) and chained "
                "(ledger.store.chain.chain_backlog)").format(notification_id=stray))
    else:
        last = after
    # each stream id as stored (what is hashed) and as the chain's column takes it (a uuid on PostgreSQL)
    ids = {originator: (stored_originator(originator), sql.column(originator))
           for originator in {row[1] for row in events}}
    streams = sql.stream_links(cursor, [column for _stored, column in ids.values()])
    frontier, log, position = last.frontier, last.log_link, last.size
    rows: list[list[Any]] = []
    nodes: list[tuple[int, int, bytes]] = []
    for notification_id, originator, version, topic, state in events:
        stored, column = ids[originator]
        leaf = event_leaf(notification_id, stored, version, topic, state)
        stream = streams[stored] = link(streams.get(stored, GENESIS), leaf)
        log = link(log, leaf)
        completed = frontier.append(leaf)
        if len(completed) >= STORED_FROM:
            nodes.extend(completed[STORED_FROM - 1:])
        rows.append([position, notification_id, column, version, leaf, stream, log, None])
        position += 1
    rows[-1][-1] = frontier.tail()  # with the stored subtrees, where the next write starts
    sql.insert(cursor, rows, nodes)
    written = Head(events[-1][0], log, frontier)
    sql.remember(written)
    return written


@contextmanager
def write_transaction(ledger: Any) -> Iterator[Any]:
    """A transaction holding the store's write lock from its start, as the recorders hold it when they insert."""
    recorder = ledger.recorder
    datastore = recorder.datastore
    if isinstance(datastore, SQLiteDatastore):
        # BEGIN IMMEDIATE: a deferred transaction that read first could not take the write lock later if another
        # process wrote in between.
        with datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
        return
    with datastore.transaction(commit=True) as cursor:
        for statement in recorder.lock_table_statements:
            cursor.execute(statement)
        yield cursor


def chain_backlog(ledger: Any, *, through: int | None = None, batch: int | None = None, progress: Any = None) -> int:
    """Chain every event after the chain's head that has no chain row (up to notification `through`), in
    notification order, one transaction of `batch` events at a time; returns how many. Idempotent and
    resumable. Whoever calls it vouches for those events: the bulk loader that wrote them, or the upgrade of a
    ledger written before the chain existed. Events with no chain row before the head stay unchained: verify
    reports them as inserted."""
    sql = Statements(ledger.recorder)
    batch = batch or BATCH
    chained = 0
    while True:
        with write_transaction(ledger) as cursor:
            last = sql.head(cursor)[0]
            bound = f" AND {sql.nid} <= {int(through)}" if through is not None else ""
            cursor.execute(f"SELECT {sql.nid} AS nid, originator_id, originator_version, topic, state FROM "
                           f"{sql.events} WHERE {sql.nid} > {sql.mark}{bound} ORDER BY {sql.nid} LIMIT {int(batch)}",
                           [last.notification_id])
            rows = [(row["nid"], row["originator_id"], row["originator_version"], row["topic"], bytes(row["state"]))
                    for row in cursor.fetchall()]
            extend(cursor, sql, rows, after=last)
        chained += len(rows)
        if progress is not None and rows:
            progress(len(rows))
        if len(rows) < batch:
            return chained


def chain_upgrade(ledger: Any) -> int:
    """Chain the events stored before this ledger had a chain (`yibao init`, after migration 003 recorded where
    they end); nothing stored later. Resumes where an interrupted upgrade stopped."""
    with ledger.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT before_chain FROM {START}")
        row = cursor.fetchone()
    through = row["before_chain"] if row is not None else 0
    return chain_backlog(ledger, through=through) if through else 0
