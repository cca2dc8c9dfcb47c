"""The nightly rebuild and the check: every stream's rows made afresh into a new generation of the tables.

A rebuild fills `_next` tables (N worker processes, each a stable hash range of the streams), catches them up with
what clerks recorded meanwhile, and swaps them in, with the position, in one transaction. A check fills `_check`
tables the same way and compares them, row by row, with the live ones.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from ledger.store.tables import Tables
from projections import generations
from projections.build import TRACKING, Builder, catch_up, remake_everyone
from projections.tables import COLUMNS, PRIMARY_KEYS

Progress = Callable[[int, int], None]


def rebuild(ledger: Any, *, workers: int = 1, progress: Progress | None = None) -> int:
    """Replay the whole log into fresh tables and swap them in; returns the position they reflect."""
    tables = _fill(ledger, "_next", workers, progress)
    tracker = ledger.factory.tracking_recorder()
    with tables.transaction() as cursor:
        # What was recorded since the generation's last catch-up, applied here, in the swap's transaction.
        builder = Builder(ledger, "_next")
        start = tracker._max_tracking_id(TRACKING + "_next", cursor) or 0
        notes = ledger.recorder.select_notifications(start, 1_000_000, inclusive_of_start=False)
        if notes:
            from projections.build import classify

            builder.apply(cursor, classify(notes), builder.policy(cursor))
        end = notes[-1].id if notes else start
        generations.swap(tables, cursor)
        if end > (tracker._max_tracking_id(TRACKING, cursor) or 0):
            tracker._insert_tracking(cursor, Tracking(TRACKING, end))
    return end


def _fill(ledger: Any, suffix: str, workers: int, progress: Progress | None) -> Tables:
    tables = Tables(ledger, suffix)
    generations.create(tables)
    tracker = ledger.factory.tracking_recorder()
    with ledger.recorder.datastore.transaction(commit=True) as cursor:
        start = tables.end(cursor)
        cursor.execute(f"DELETE FROM {'tracking' if not tables.postgres else tracker.tracking_table_name} "
                       f"WHERE application_name = {tables.mark}", [TRACKING + suffix])
        tracker._insert_tracking(cursor, Tracking(TRACKING + suffix, start))
    if workers <= 1 or not tables.postgres:  # a SQLite file takes one writer at a time: more would wait, or time out
        remake_everyone(ledger, Builder(ledger, suffix), progress)
    else:
        _in_processes(ledger.url, suffix, workers, progress)
    catch_up(ledger, suffix=suffix, name=TRACKING + suffix, progress=progress)
    generations.analyse(tables)
    return tables


def _in_processes(url: str, suffix: str, workers: int, progress: Progress | None) -> None:
    context = multiprocessing.get_context("spawn")
    done = context.Queue()
    processes = [context.Process(target=_worker, args=(url, suffix, workers, k, done)) for k in range(workers)]
    for process in processes:
        process.start()
    running = workers
    while running:
        folded = done.get()
        if folded is None:
            running -= 1
        elif isinstance(folded, str):
            raise RuntimeError(f"a rebuild worker failed: {folded}")
        elif progress:
            progress(0, folded)
    for process in processes:
        process.join()


def _worker(url: str, suffix: str, workers: int, worker: int, done: Any) -> None:
    from ledger.store.opening import open_ledger

    ledger = open_ledger(url)
    try:
        remake_everyone(ledger, Builder(ledger, suffix), lambda _, folded: done.put(folded), workers, worker)
        done.put(None)
    except Exception as error:  # reported to the parent, which stops the rebuild and says why
        done.put(f"{type(error).__name__}: {error}")
    finally:
        ledger.close()


@dataclass(frozen=True)
class Difference:
    table: str
    key: str
    live: tuple | None
    rebuilt: tuple | None


def check(ledger: Any, *, workers: int = 1, progress: Progress | None = None) -> list[Difference]:
    """Bring the live tables to the end of the log, rebuild into scratch tables, and compare them row by row
    (the position column aside: it says when a row was made, not what it holds)."""
    catch_up(ledger)
    tables = _fill(ledger, "_check", workers, progress)
    live = Tables(ledger)
    try:
        with ledger.recorder.datastore.transaction(commit=False) as cursor:
            return [d for table in COLUMNS for d in _compare(cursor, live, tables, table)]
    finally:
        generations.drop(tables)


def _compare(cursor: Any, live: Tables, rebuilt: Tables, table: str) -> list[Difference]:
    columns = [c for c in COLUMNS[table] if c != "position"]
    key = PRIMARY_KEYS[table]
    found = []
    rows = [_rows(cursor, t, table, columns, key) for t in (live, rebuilt)]
    for row_key in sorted(set(rows[0]) | set(rows[1]), key=str):
        mine, theirs = rows[0].get(row_key), rows[1].get(row_key)
        if mine != theirs:
            found.append(Difference(table, " ".join(f"{k}={v}" for k, v in zip(key, row_key)), mine, theirs))
    return found


def _rows(cursor: Any, tables: Tables, table: str, columns: list[str], key: tuple[str, ...]) -> dict[tuple, tuple]:
    """Rows by their primary key, values as text to compare."""
    cursor.execute(f"SELECT {', '.join(columns)} FROM {tables.name(table)}")
    return {tuple(_text(row[k]) for k in key): tuple(_text(row[c]) for c in columns) for row in cursor.fetchall()}


def _text(value: Any) -> Any:
    """A value as both stores would show it: ids as hex, the rest as text."""
    if isinstance(value, UUID):
        return value.hex
    if isinstance(value, (bytes, memoryview)):
        return bytes(value)
    if isinstance(value, bool):
        return int(value)
    return None if value is None else str(value)
