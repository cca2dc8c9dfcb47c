"""The read side and the write paths at region scale, measured on a store that holds a region
(`python -m bench.generate`), each figure beside its target and beside the plain `eventsourcing` library doing
the same work in the same run.

    python -m bench.run --db postgresql://postgres@127.0.0.1:5432/yibao_region [--rows 1000000] [--repeat 3]

Run it by hand (never in the test suite). It adds its own fixtures to the store, each run new ones (a person
with 40 years of history, a cohort of flexible workers with a year assessed and unpaid for the receipts file,
an employer with 10,000 employees), so the store grows with every run. Latencies are in-process medians of
many calls (p50/p99); throughputs are the median of `--repeat` runs where a run can be repeated (the import and
the rebuild run once: a 1,000,000-row file takes minutes). Progress goes to stderr; the table to stdout.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import math
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from commands.synthetic import credit_code, id_number
from ledger.audit import handlers as audit
from ledger.contributions import handlers as contributions
from ledger.contributions.events import (
    ContributionAssessed,
    ContributionReceived,
    StaffHired,
)
from ledger.core.month import Month
from ledger.registration.employer import Employer
from ledger.registration.events import PersonChanged
from ledger.registration.person import IdNumberIndex, Person
from ledger.store.opening import open_ledger
from ledger.store.unit_of_work import attempt
from projections.build import catch_up
from projections.reader import standing
from projections.rebuild import rebuild
from projections.status import status

D = datetime.date
OPERATOR, ADMIN = "bench", "bench-admin"
CLERKS, CLERK_COMMANDS = 8, 400
BASE, TOTAL = Decimal("5400.00"), Decimal("432.00")


@dataclass
class Row:
    measure: str
    plain: str
    ours: str
    target: str


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)]


def timed_calls(call: Any, n: int) -> tuple[float, float]:
    """p50 and p99 of n calls, in milliseconds (one warm-up call first)."""
    call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


# -- fixtures ------------------------------------------------------------------------------------------


def staffed(ledger: Any) -> None:
    """The bench's own operators (AUD-1): a clerk, and an administrator if the region came without one."""
    audit.name_first_admin(ledger.unit_of_work(), name=ADMIN, on=D(1999, 1, 1))
    if OPERATOR not in ledger.unit_of_work().in_office():
        admin = next(n for n, roles in ledger.unit_of_work().in_office().items() if "admin" in roles)
        audit.add_operator(ledger.unit_of_work(), name=OPERATOR, roles=["clerk"], on=D(1999, 1, 1), operator=admin)


class Taken(set):
    """ID numbers already used: the bench's own, and the region's (a random number may be someone's already)."""

    def __init__(self, ledger: Any) -> None:
        super().__init__()
        self.ledger = ledger

    def __contains__(self, number: object) -> bool:
        return super().__contains__(number) or bool(
            self.ledger.recorder.select_events(IdNumberIndex.id_for(str(number)), limit=1))


def new_person(rng: random.Random, taken: set[str], scheme: str, on: D, employer: str | None = None
               ) -> tuple[Person, IdNumberIndex]:
    while True:
        sex = rng.choice("MF")
        birth = D(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        number = id_number(rng, birth, sex)
        if number not in taken:
            taken.add(number)
            break
    person = Person.register(id_number=number, name="测试", sex=sex, birth=birth, scheme=scheme, employer=employer,
                             hukou=None, phone=None, address=None, on=on, operator=OPERATOR, documents=[])
    return person, IdNumberIndex.point(number, person.id)


def assessed(person: Person, month: Month, received: bool) -> None:
    person.record(ContributionAssessed, month=month, scheme="flexible", employer=None, base=BASE,
                  employer_part=Decimal("0.00"), personal_part=TOTAL, total=TOTAL, basis="minimum",
                  reference_year=month.year - 1, notice=str(month), due_on=month.last_day, operator=OPERATOR,
                  documents=[])
    if received:
        person.record(ContributionReceived, month=month, amount=TOTAL, received_on=month.day(10), source="bench",
                      receipt_id=f"bench-{person.id.hex}-{month}", operator=OPERATOR, documents=[])


def forty_years(ledger: Any, rng: random.Random, taken: set[str]) -> str:
    """A flexible worker paying every month for 40 years: 1 + 480 x 2 = 961 facts."""
    person, index = new_person(rng, taken, "flexible", D(1999, 1, 4))
    month = Month(1999, 1)
    for _ in range(480):
        assessed(person, month, received=True)
        month += 1
    ledger.commit(person, index)
    return person.history[0].id_number


def import_cohort(ledger: Any, rng: random.Random, taken: set[str], rows: int, path: Path) -> None:
    """Flexible workers with 2026 assessed and unpaid, 12 months each, and the bureau's file paying them all."""
    persons = math.ceil(rows / 12)
    with path.open("w", newline="") as file:
        out = csv.writer(file)
        out.writerow(("id_number", "month", "amount", "received_on"))
        written = 0
        for start in range(0, persons, 500):
            batch = []
            for _ in range(min(500, persons - start)):
                person, index = new_person(rng, taken, "flexible", D(2026, 1, 2))
                for number in range(1, 13):
                    assessed(person, Month(2026, number), received=False)
                    if written < rows:
                        out.writerow((person.history[0].id_number, f"2026-{number:02d}", TOTAL, "2026-01-20"))
                        written += 1
                batch += [person, index]
            ledger.commit(*batch)


def employer_with_staff(ledger: Any, rng: random.Random, taken: set[str], staff: int) -> str:
    code = credit_code(rng)
    employer = Employer.register(code=code, name="宁夏测试集团", unit_type="enterprise", address=None, legal_rep=None,
                                 bank_account=None, contact=None, founded=None, insured_from=D(2026, 1, 1),
                                 late=False, on=D(2026, 1, 1), operator=OPERATOR, documents=[])
    for start in range(0, staff, 500):
        batch = []
        for _ in range(min(500, staff - start)):
            person, index = new_person(rng, taken, "employee", D(2026, 1, 1), employer=code)
            employer.record(StaffHired, person_id=person.id, id_number=person.history[0].id_number,
                            requested_month=Month(2026, 1), declared_on=D(2025, 12, 20), month=Month(2026, 1),
                            operator=OPERATOR, documents=[])
            batch += [person, index]
        ledger.commit(*batch)
    ledger.commit(employer)
    return code


# -- measures --------------------------------------------------------------------------------------------


def status_latency(ledger: Any, number: str, n: int) -> list[Row]:
    on, now = D(2026, 1, 15), datetime.datetime.now(datetime.timezone.utc)
    person_id = ledger.find_person(number).id

    def ours(known_at: datetime.datetime | None = None) -> None:
        with standing(ledger, number, known_at) as found:
            status(found.view, on, known_at or now, found)

    plain = timed_calls(lambda: ledger.repository.get(person_id), n)
    current = timed_calls(ours, n)
    unchanged = timed_calls(lambda: ours(now), n)
    # A fact recorded after the moment asked about: the view as known then is no longer the view now.
    person = ledger.repository.get(person_id)
    person.record(PersonChanged, changes={"phone": "13900000000"}, reason=None, on=D(2026, 2, 1), operator=OPERATOR,
                  documents=[])
    ledger.commit(person)
    catch_up(ledger)
    past = timed_calls(lambda: ours(now), max(20, n // 5))
    return [Row("status as known now, 961-fact person, p50 / p99 ms", "get %.1f / %.1f" % plain,
                "%.1f / %.1f" % current, "p99 <= 5"),
            Row("status at a past --known-at, nothing recorded for the person since, p50 / p99 ms",
                "get %.1f / %.1f" % plain, "%.1f / %.1f" % unchanged, "p99 <= 25"),
            Row("status at a past --known-at before a later fact (the folds), p50 / p99 ms",
                "get %.1f / %.1f" % plain, "%.1f / %.1f" % past, "p99 <= 25")]


def import_rows(url: str, path: Path, rows: int) -> tuple[float, float]:
    """The real CLI in a subprocess: rows/s and its peak resident memory (MB)."""
    started = time.perf_counter()
    process = subprocess.Popen([*yibao(), "contributions", "import", str(path), "--db", url, "--operator", OPERATOR],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    _, status_code, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    output = process.stdout.read()
    if status_code != 0 or f"{rows} matched" not in output:
        raise SystemExit(f"the import failed: {output}")
    return rows / elapsed, usage.ru_maxrss / 1024


def plain_insert_rows(ledger: Any, path: Path) -> float:
    """What the store takes as plain rows: executemany of the file's rows into a scratch table."""
    with path.open() as file:
        rows = list(csv.reader(file))[1:]
    datastore = ledger.recorder.datastore
    mark = "%s" if type(datastore).__name__.startswith("Postgres") else "?"
    with datastore.transaction(commit=True) as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_receipts (id_number TEXT, month TEXT, amount TEXT, day TEXT)")
        started = time.perf_counter()
        cursor.executemany(f"INSERT INTO bench_receipts VALUES ({mark}, {mark}, {mark}, {mark})", rows)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_receipts")
    return len(rows) / elapsed


def assess_rate(ledger: Any, code: str, staff: int) -> float:
    """The assessment alone: the tables are brought up first, as the continuous catch-up keeps them in service
    (timed with it, the figure was the catch-up of the import measured before: 38 person-months/s)."""
    catch_up(ledger)
    uow = ledger.unit_of_work(refresh=lambda: catch_up(ledger))
    started = time.perf_counter()
    report = contributions.assess_month(uow, month=Month(2026, 1), operator=OPERATOR, employer_code=code,
                                        estimate_base=BASE)
    elapsed = time.perf_counter() - started
    if report.assessed != staff:
        raise SystemExit(f"assessed {report.assessed} of {staff}")
    return staff / elapsed


def clerk(url: str, numbers: list[str], plain: bool, seed: int, out: Any) -> None:
    """One clerk process: load a person, check, append one fact; latencies in ms."""
    try:
        out.put(clerk_commands(url, numbers, plain, seed))
    except Exception as error:  # noqa: BLE001  (the parent reports it; a silent child would hang it)
        out.put(error)


def clerk_commands(url: str, numbers: list[str], plain: bool, seed: int) -> list[float]:
    # A new phone every run: a change to the value already held is refused (REG-3), as a clerk's would be.
    ledger, rng, samples = open_ledger(url), random.Random(f"{time.time_ns()}:{seed}:{plain}"), []
    ids = [ledger.find_person(n).id for n in numbers] if plain else []
    for _ in range(CLERK_COMMANDS):
        started = time.perf_counter()
        phone = f"13{rng.randrange(10 ** 9):09d}"
        if plain:
            person = ledger.repository.get(rng.choice(ids))
            person.record(PersonChanged, changes={"phone": phone}, reason=None, on=D(2026, 2, 1),
                          operator=OPERATOR, documents=[])
            ledger.save(person)
        else:
            attempt(ledger.unit_of_work, change_phone, id_number=rng.choice(numbers), phone=phone)
        samples.append((time.perf_counter() - started) * 1000)
    ledger.close()
    return samples


def change_phone(uow: Any, *, id_number: str, phone: str) -> None:
    from ledger.registration.handlers import change_person

    change_person(uow, id_number=id_number, changes={"phone": phone}, on=D(2026, 2, 1), operator=OPERATOR)


def clerks(url: str, numbers: list[str], plain: bool) -> tuple[float, float]:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    started = time.perf_counter()
    processes = [context.Process(target=clerk, args=(url, numbers[k::CLERKS], plain, k, out))
                 for k in range(CLERKS)]
    for process in processes:
        process.start()
    results = [out.get() for _ in processes]
    failed = [r for r in results if isinstance(r, Exception)]
    if failed:
        raise SystemExit(f"a clerk process failed: {failed[0]!r}")
    samples = [s for r in results for s in r]
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    return len(samples) / elapsed, percentiles(samples)[1]


def plain_read_rate(ledger: Any) -> float:
    """Read and decode the whole log in notification order (what a rebuild cannot do without)."""
    started, start, read = time.perf_counter(), 1, 0
    while True:
        page = ledger.recorder.select_notifications(start, 10_000)
        for note in page:
            ledger.mapper.to_domain_event(note)
        read += len(page)
        if len(page) < 10_000:
            return read / (time.perf_counter() - started)
        start = page[-1].id + 1


def wall_ms(argv: list[str], repeat: int = 11) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


ROOT = Path(__file__).resolve().parent.parent


def yibao() -> list[str]:
    """The CLI of the code this bench runs (not whatever `yibao` is installed): its entry point, by this Python."""
    return [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); from commands.main import cli; "
            "cli(prog_name='yibao')", str(ROOT)]


def wall_times(folder: Path) -> list[Row]:
    # As installed (pip compiles the package's bytecode), not as first run from a fresh checkout.
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(ROOT / p) for p in ("commands", "ledger",
                                                                                       "projections"))], check=True)
    url = f"sqlite:///{folder / 'small.sqlite3'}"
    ledger = open_ledger(url, initialise=True)
    staffed(ledger)
    from ledger.registration.handlers import register_person

    number = id_number(random.Random(3), D(1990, 3, 7), "M")
    register_person(ledger.unit_of_work(), id_number=number, name="马明", sex="M", scheme="flexible",
                    on=D(2025, 3, 10), operator=OPERATOR)
    catch_up(ledger)
    ledger.close()
    python = wall_ms([sys.executable, "-c", "pass"])
    help_ms = wall_ms([*yibao(), "--help"])
    status_ms = wall_ms([*yibao(), "status", number, "--json", "--db", url])
    return [Row("`yibao --help` wall ms (median of 11)", f"python -c pass {python:.0f}", f"{help_ms:.0f}",
                "<= 120"),
            Row("`yibao status --json` on SQLite wall ms", f"python -c pass {python:.0f}", f"{status_ms:.0f}",
                "<= 200")]


# -- the run ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, metavar="URL")
    parser.add_argument("--rows", type=int, default=1_000_000, help="Receipts in the file (default 1,000,000).")
    parser.add_argument("--staff", type=int, default=10_000, help="Employees of the assessed employer.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each repeatable throughput.")
    parser.add_argument("--calls", type=int, default=500, help="Calls per latency measure.")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="Rebuild worker processes.")
    parser.add_argument("--no-rebuild", dest="rebuild", action="store_false",
                        help="Catch the tables up instead of rebuilding them (the rebuild row is then not measured): "
                             "for a store whose tables a run has just rebuilt.")
    args = parser.parse_args(argv)
    rng = random.Random(time.time_ns())
    ledger = open_ledger(args.db, initialise=True)
    taken = Taken(ledger)
    staffed(ledger)
    events = ledger.event_count()
    log(f"{args.db}: {events:,} events; adding the bench's fixtures")
    folder = Path(tempfile.mkdtemp(prefix="yibao-bench-"))
    try:
        rows = measure(ledger, args, rng, taken, folder)
    finally:
        ledger.close()
        shutil.rmtree(folder, ignore_errors=True)
    print_table(args, events, rows)
    return 0


def measure(ledger: Any, args: Any, rng: random.Random, taken: set[str], folder: Path) -> list[Row]:
    number = forty_years(ledger, rng, taken)
    receipts = folder / "receipts.csv"
    import_cohort(ledger, rng, taken, args.rows, receipts)
    code = employer_with_staff(ledger, rng, taken, args.staff)
    found = Found()
    if args.rebuild:
        log("whole-log fold: plain read + decode, then the rebuild (which also makes the tables the rest reads)")
        plain_fold = plain_read_rate(ledger)
        total = ledger.event_count()
        started = time.perf_counter()
        rebuild(ledger, workers=args.workers, progress=rebuild_progress(total))
        found.append(Row(f"whole-log fold (rebuild, {args.workers} workers), events/s",
                         f"read + decode {plain_fold:,.0f}", f"{total / (time.perf_counter() - started):,.0f}",
                         ">= 100,000"))
    log("catching the tables up")
    catch_up(ledger, progress=rebuild_progress(ledger.event_count()))
    log("status latencies")
    found += status_latency(ledger, number, args.calls)
    log(f"importing {args.rows:,} receipts through the CLI")
    rate, peak = import_rows(args.db, receipts, args.rows)
    found.append(Row(f"receipts import, {args.rows:,}-row file, rows/s (peak MB)",
                     f"executemany {plain_insert_rows(ledger, receipts):,.0f}", f"{rate:,.0f} ({peak:.0f} MB)",
                     ">= 40,000 (<= 300 MB)"))
    log(f"assessing an employer of {args.staff:,}")
    found.append(Row(f"`contributions assess`, {args.staff:,} employees, person-months/s", "-",
                     f"{assess_rate(ledger, code, args.staff):,.0f}", ">= 20,000"))
    log(f"{CLERKS} clerk processes")
    numbers = list(taken)[:4000]
    catch_up(ledger)
    plain_rate, plain_p99 = median_of(args.repeat, lambda: clerks(args.db, numbers, plain=True))
    ours_rate, ours_p99 = median_of(args.repeat, lambda: clerks(args.db, numbers, plain=False))
    found.append(Row(f"clerk command from {CLERKS} processes, cmd/s (p99 ms)",
                     f"get + save {plain_rate:,.0f} ({plain_p99:.1f})", f"{ours_rate:,.0f} ({ours_p99:.1f})",
                     ">= 1,500 (p99 <= 10)"))
    log("process wall times")
    found += wall_times(folder)
    return found


def rebuild_progress(total: int) -> Any:
    """A log line every million events folded, so that a long rebuild shows it is moving."""
    state = {"folded": 0, "next": 1_000_000, "started": time.perf_counter()}

    def report(_notes: int, folded: int) -> None:
        state["folded"] += folded
        if state["folded"] >= state["next"]:
            rate = state["folded"] / (time.perf_counter() - state["started"])
            log(f"rebuild: {state['folded']:,} of {total:,} events folded, {rate:,.0f} ev/s")
            state["next"] += 1_000_000
    return report


class Found(list):
    """The rows measured so far, each also logged as it is measured (a later failure loses none)."""

    def append(self, row: Row) -> None:
        log(f"| {row.measure} | {row.plain} | {row.ours} | {row.target} |")
        super().append(row)

    def __iadd__(self, rows: list[Row]) -> Found:
        for row in rows:
            self.append(row)
        return self


def median_of(repeat: int, run: Any) -> tuple[float, float]:
    results = [run() for _ in range(repeat)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def print_table(args: Any, events: int, rows: list[Row]) -> None:
    print(f"# bench.run on {platform.node()}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; store {args.db.split('@')[-1]} with {events:,} events before "
          f"the bench's fixtures")
    print("| measure | plain eventsourcing, same run | yibao | target |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row.measure} | {row.plain} | {row.ours} | {row.target} |")


if __name__ == "__main__":
    raise SystemExit(main())
