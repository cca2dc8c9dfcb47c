"""Build a synthetic Ningxia region in an empty ledger, fast: whole histories built in memory, saved many streams
per transaction, by several processes.

    python -m bench.generate --persons 20000 --years 20 --db postgresql://postgres@127.0.0.1:5432/yibao_gen
    python -m bench.generate --persons 60 --years 3 --db sqlite:///region.sqlite3 --seed 7

The region: employers with valid credit codes, and people with valid ID numbers (commands/synthetic.py's
generators), about 55 % employees, 20 % flexible workers, 20 % residents and 5 % who retire, over `--years` years
ending in 2025. Their facts are those the handlers record, with the same fields (bench/lives.py says how each is
kept consistent with the rules), but built without the handlers: no rule is checked and no stream is read while
generating. tests/test_bench_generate.py checks a small region against the folds.

It prints the events written, the persons, the wall time and the events per second at the end, and a progress
line every ~100,000 events on stderr. A store that already holds anything is refused untouched (exit 2).

How it goes: the parent opens the store (creating the schema), writes the policy book, and hands the districts
(bench/region.py: 1,000 people and their employers each) to `--workers` processes; each plans its districts,
writes the employers' streams, then builds people a batch at a time and writes each batch in one transaction.
On PostgreSQL a batch is written with COPY (bench/writing.py says why), and chained as the ledger's recorder
chains what it stores when it does (ledger/store/chain.py); `--writes library` hands the batch to the recorder's
own `insert_events` instead (what `ledger.commit(*streams)` calls), for comparison. `--facts objects` makes every
fact an event object of the stream classes, mapped by the ledger's mapper, instead of writing the later facts of a
stream straight as stored rows (the same bytes: the test compares them); it is slower. The stderr summary says
where the time went: CPU per event in these processes, building and writing, waiting for the write lock.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable

from bench.lives import Life
from bench.region import DISTRICT_PERSONS, Region, employer_streams, plan_district
from bench.writing import Writer, pending
from ledger.core.errors import LedgerError
from ledger.store.opening import open_ledger
from ledger.store.storage import store_for

BATCH_EVENTS = 40_000
"""Events per transaction: a few hundred people (the library's insert hangs in psycopg's pipeline mode above
about 15 MB, so `--writes library` uses a quarter of it)."""
PROGRESS_EVERY = 100_000


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    started = time.perf_counter()
    store = store_for(args.db)
    workers = args.workers or ((os.cpu_count() or 1) if store.dialect == "postgres" else 1)
    try:
        region = Region.build(seed=args.seed, persons=args.persons, years=args.years,
                              district_persons=args.district_persons)
        written = _start(args.db, region, args.writes)
    except LedgerError as error:
        print(f"generate: {error}", file=sys.stderr)
        return 2
    progress = Progress(started, written)
    districts = list(range(region.districts))
    if workers == 1 or len(districts) == 1:
        progress.seconds.update(run_districts(args.db, region, districts, args.writes, args.facts, progress.add))
    else:
        try:
            _run_in_processes(args.db, region, districts, min(workers, len(districts)), (args.writes, args.facts),
                              progress)
        except WorkerFailed as failure:
            print(f"generate: a worker failed after {progress.total} events were written:\n{failure}",
                  file=sys.stderr)
            return 1
    _analyse(args.db)
    elapsed = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(usage.ru_utime + usage.ru_stime for usage in used)
    print(f"generate: {cpu:.1f} s of CPU in this process and its workers ({cpu / max(1, progress.total) * 1e6:.1f} us "
          f"an event); the database server's is not counted", file=sys.stderr)
    times = progress.seconds
    print(f"generate: the workers spent {times['building']:.1f} s building and {times['writing']:.1f} s writing "
          f"({times['lock']:.1f} s waiting for the write lock, {times['copy']:.1f} s copying, {times['chain']:.1f} s "
          "chaining)", file=sys.stderr)
    print(f"events written: {progress.total}")
    print(f"persons: {region.persons} (employers: {progress.employers})")
    print(f"wall time: {elapsed:.1f} s")
    print(f"events/s: {progress.total / elapsed:,.0f}")
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, required=True, help="how many people the region has")
    parser.add_argument("--years", type=int, required=True, help="how many years, ending in 2025 (2 to 30)")
    parser.add_argument("--db", required=True, help="store URL: sqlite:///path or postgresql://user@host:port/db")
    parser.add_argument("--seed", type=int, default=1, help="seed of the region (default 1)")
    parser.add_argument("--workers", type=int, default=0,
                        help="processes writing districts (default: the CPU count on PostgreSQL, 1 on SQLite)")
    parser.add_argument("--writes", choices=("copy", "library"), default="copy",
                        help="on PostgreSQL: COPY (default), or the library's own insert, for comparison")
    parser.add_argument("--facts", choices=("rows", "objects"), default="rows",
                        help="after each stream's first fact: straight to stored rows (default), or event objects "
                             "made by the stream classes and mapped by the ledger's mapper (the same bytes, slower)")
    parser.add_argument("--district-persons", type=int, default=DISTRICT_PERSONS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.persons < 1 or not 2 <= args.years <= 30 or args.district_persons < 20:
        parser.error("--persons must be at least 1 and --years between 2 and 30")
    return args


def _analyse(url: str) -> None:
    """Statistics for what COPY loaded: without them PostgreSQL plans a stream's read as a scan of the log (a
    catch-up over a fresh region ran ~20 times slower)."""
    if not url.startswith("postgres"):
        return
    ledger = open_ledger(url)
    try:
        with ledger.recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f'ANALYZE "{ledger.recorder.events_table_name}"')
    finally:
        ledger.close()


def _start(url: str, region: Region, writes: str) -> int:
    """Create the schema, refuse a store that holds anything, write the policy book."""
    from ledger.core.errors import BadInput

    ledger = open_ledger(url, initialise=True)
    try:
        if ledger.event_count():
            raise BadInput("db", f"{url} already holds {ledger.event_count()} events: the generator fills an empty "
                                 "ledger only, so that nothing is doubled")
        return Writer(ledger, use_copy=writes == "copy").write([region.book])
    finally:
        ledger.close()


def run_districts(url: str, region: Region, districts: list[int], writes: str, facts: str,
                  report: Callable[[int, int], None]) -> Counter:
    """Plan, build and write the districts; `report(events, employers)` after every transaction. Returns the
    seconds spent building and writing (and, within writing, on the lock, the COPY and the chain)."""
    ledger = open_ledger(url)
    try:
        writer = Writer(ledger, use_copy=writes == "copy")
        keep = writer.rows if facts == "rows" else None
        limit = BATCH_EVENTS if writer.use_copy or not writer.postgres else BATCH_EVENTS // 4
        clock = time.perf_counter

        def write(streams: list, employers: int = 0) -> None:
            started = clock()
            report(writer.write(streams), employers)
            writer.seconds["writing"] += clock() - started

        for number in districts:
            started = clock()
            district = plan_district(region, number)
            employers = employer_streams(region, district, keep or (lambda stream: stream))
            writer.seconds["building"] += clock() - started
            write(employers, len(district.employers))
            streams, waiting, started = [], 0, clock()
            for plan in district.persons:
                for stream in Life(region, district, plan, keep).streams():
                    streams.append(stream)
                    waiting += pending(stream)
                if waiting >= limit:
                    writer.seconds["building"] += clock() - started
                    write(streams)
                    streams, waiting, started = [], 0, clock()
            writer.seconds["building"] += clock() - started
            write(streams)
            region.forget()
        return writer.seconds
    finally:
        ledger.close()


def _run_in_processes(url: str, region: Region, districts: list[int], workers: int, how: tuple[str, str],
                      progress: Progress) -> None:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=_worker, args=(url, region, districts[i::workers], how, queue),
                                 name=f"generate-{i}") for i in range(workers)]
    for process in processes:
        process.start()
    running = len(processes)
    try:
        while running:
            message = queue.get()
            if message[0] == "written":
                progress.add(message[1], message[2])
            elif message[0] == "done":
                running -= 1
                progress.seconds.update(message[1])
            else:
                raise WorkerFailed(message[1])
    finally:
        for process in processes:
            if process.is_alive() and running:
                process.terminate()
            process.join()


def _worker(url: str, region: Region, districts: list[int], how: tuple[str, str], queue) -> None:
    try:
        seconds = run_districts(url, region, districts, *how,
                                lambda events, employers: queue.put(("written", events, employers)))
        queue.put(("done", seconds))
    except BaseException:
        queue.put(("failed", traceback.format_exc()))


class WorkerFailed(Exception):
    """A worker's traceback, as text (the others are stopped)."""


class Progress:
    """Counts what was written and says so on stderr every PROGRESS_EVERY events."""

    def __init__(self, started: float, written: int):
        self.started, self.total, self.employers = started, written, 0
        self.next = PROGRESS_EVERY
        self.seconds: Counter = Counter()

    def add(self, events: int, employers: int) -> None:
        self.total += events
        self.employers += employers
        if self.total >= self.next:
            elapsed = time.perf_counter() - self.started
            print(f"generate: {self.total:,} events, {elapsed:.1f} s, {self.total / elapsed:,.0f} events/s",
                  file=sys.stderr, flush=True)
            self.next = (self.total // PROGRESS_EVERY + 1) * PROGRESS_EVERY


if __name__ == "__main__":
    sys.exit(main())
