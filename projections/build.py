"""Filling the read side: the rows of the streams touched since the tables' position (catch-up), of every stream
into a new generation swapped in whole (rebuild), or into scratch tables compared with the live ones (check).

A batch of notifications is applied in one transaction with the tracking position (the library's tracking
recorder): killed at any moment, the next run starts where the last commit left it, and rows are replaced whole,
so nothing is applied twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.utils import resolve_topic

from ledger.audit.reveals import DataRevealed, RevealsOpened
from ledger.audit.roster import OperatorAdded, OperatorRemoved, RosterOpened
from ledger.audit.vouchers import (
    VoucherApproved,
    VoucherProposed,
    VoucherRejected,
    VoucherReviewed,
)
from ledger.contributions.deferral import deferral_periods
from ledger.contributions.events import (
    BasesDeclared,
    DeferralAgreed,
    StaffHired,
    StaffLeft,
)
from ledger.contributions.months import employers_of
from ledger.contributions.receipts import (
    ReceiptBatchOpened,
    ReceiptBatchProgressed,
    ReceiptUnmatched,
)
from ledger.core.events import EventReversed, topics_of
from ledger.core.jobs import JobFinished, JobProgressed, JobStarted
from ledger.core.view import View
from ledger.medical.events import InstitutionRegistered, SettlementNumbered
from ledger.policy.book import (
    AverageWagePublished,
    PolicyBook,
    PolicyBookOpened,
    PolicyParameterSet,
    policy_from,
)
from ledger.registration.employer import Employer
from ledger.registration.events import (
    EmployerCancelled,
    EmployerChanged,
    EmployerRegistered,
    PersonRegistered,
)
from ledger.registration.person import IdNumberIndex
from ledger.store.tables import Tables
from projections.tables import (
    COLUMNS,
    EMPLOYER_TABLES,
    PERSON_TABLES,
    VOUCHER_TABLES,
    Rows,
    person_rows,
    staff_rows,
    voucher_row,
)

TRACKING = "yibao-tables"
EMPLOYER_FACTS = (EmployerRegistered, EmployerChanged, EmployerCancelled, StaffHired, StaffLeft, BasesDeclared,
                  DeferralAgreed)
POLICY_FACTS = (PolicyBookOpened, AverageWagePublished, PolicyParameterSet)
VOUCHER_FACTS = (VoucherProposed, VoucherReviewed, VoucherApproved, VoucherRejected)
NOT_PERSONS = (IdNumberIndex.Created, ReceiptBatchOpened, ReceiptUnmatched, ReceiptBatchProgressed, JobStarted,
               JobProgressed, JobFinished, InstitutionRegistered, SettlementNumbered, RosterOpened, OperatorAdded,
               OperatorRemoved, RevealsOpened, DataRevealed)
PERSONS_PER_TRANSACTION = 500


@dataclass
class Touched:
    """What a run of notifications touched: whose rows must be made again."""

    persons: set[UUID] = field(default_factory=set)
    employers: set[UUID] = field(default_factory=set)
    deferring: set[UUID] = field(default_factory=set)
    vouchers: set[UUID] = field(default_factory=set)
    unknown: set[UUID] = field(default_factory=set)
    policy: bool = False


def classify(notifications: Iterable[Any]) -> Touched:
    touched = Touched()
    for note in notifications:
        kind = resolve_topic(note.topic)
        stream = note.originator_id if isinstance(note.originator_id, UUID) else UUID(note.originator_id)
        if issubclass(kind, POLICY_FACTS):
            touched.policy = True
        elif issubclass(kind, VOUCHER_FACTS):
            touched.vouchers.add(stream)
        elif issubclass(kind, EMPLOYER_FACTS):
            touched.employers.add(stream)
            if issubclass(kind, DeferralAgreed):
                touched.deferring.add(stream)
        elif issubclass(kind, EventReversed):
            touched.unknown.add(stream)
        elif _person_fact(kind):
            touched.persons.add(stream)
    return touched


def _person_fact(kind: type) -> bool:
    """Every fact but those of the streams no person's rows read: the ID-number index, receipt batches, jobs,
    institutions and settlement numbers."""
    return not issubclass(kind, NOT_PERSONS)


class Builder:
    """Makes the rows of streams and writes them into one generation of the tables."""

    def __init__(self, ledger: Any, suffix: str = ""):
        self.ledger, self.tables = ledger, Tables(ledger, suffix)

    def policy(self, cursor: Any) -> tuple[Any, int]:
        loaded = self.tables.load(cursor, [PolicyBook.ID]).get(PolicyBook.ID)
        if loaded is None:
            return self.ledger.default_policy, 0
        return policy_from(self.ledger.default_policy, loaded.events), loaded.position

    def write_persons(self, cursor: Any, person_ids: Iterable[UUID], policy: tuple[Any, int]) -> int:
        """Replace the rows of these persons; returns the facts folded."""
        loaded = self.tables.load(cursor, person_ids)
        views = {pid: (View(l.events, policy=policy[0]), l.position) for pid, l in loaded.items()
                 if isinstance(l.events[0], PersonRegistered)}
        codes = set().union(*(employers_of(view) for view, _ in views.values()))
        employers = self.tables.load(cursor, [Employer.id_for(code) for code in codes])
        spans = {code: (deferral_periods(View(employers[Employer.id_for(code)].events, policy=policy[0])),
                        employers[Employer.id_for(code)].position)
                 for code in codes if Employer.id_for(code) in employers}
        rows = Rows()
        for person_id, (view, position) in views.items():
            mine = {code: spans.get(code, ([], 0)) for code in employers_of(view)}
            view.with_deferrals({code: periods for code, (periods, _) in mine.items()})
            reflects = max([position, policy[1], *(p for _, p in mine.values())])
            made = person_rows(view, person_id, reflects, self.tables.at_rest(loaded[person_id]))
            for name, table_rows in made.by_table.items():
                rows.add(name, table_rows)
        self.tables.replace(cursor, PERSON_TABLES, "person_id", views.keys(), rows.by_table, COLUMNS)
        return sum(len(l.events) for l in loaded.values())

    def write_employers(self, cursor: Any, employer_ids: Iterable[UUID]) -> int:
        loaded = self.tables.load(cursor, employer_ids)
        codes, rows = [], []
        for stream in loaded.values():
            if isinstance(stream.events[0], EmployerRegistered):
                code = stream.events[0].code
                codes.append(code)
                rows += staff_rows(View(stream.events, policy=self.ledger.default_policy), code, stream.position,
                                   self.tables.id_key)
        self.tables.replace(cursor, EMPLOYER_TABLES, "code", codes, {"yibao_staff": rows}, COLUMNS)
        return sum(len(l.events) for l in loaded.values())

    def write_vouchers(self, cursor: Any, voucher_ids: Iterable[UUID]) -> int:
        loaded = self.tables.load(cursor, voucher_ids)
        rows = [voucher_row(stream.events, stream_id, stream.position, self.tables.id_key)
                for stream_id, stream in loaded.items()]
        self.tables.replace(cursor, VOUCHER_TABLES, "voucher", [row[0] for row in rows], {"yibao_vouchers": rows},
                            COLUMNS)
        return sum(len(l.events) for l in loaded.values())

    def sort_unknown(self, cursor: Any, touched: Touched) -> None:
        """A reversal names no stream kind: its stream's first fact does."""
        for stream_id, loaded in self.tables.load(cursor, touched.unknown).items():
            first = loaded.events[0]
            if isinstance(first, PersonRegistered):
                touched.persons.add(stream_id)
            elif isinstance(first, EmployerRegistered):
                touched.employers.add(stream_id)
                touched.deferring.add(stream_id)
        touched.unknown = set()

    def apply(self, cursor: Any, touched: Touched, policy: tuple[Any, int]) -> int:
        """Make again the rows of whatever a run of notifications touched, in this transaction."""
        self.sort_unknown(cursor, touched)
        folded = self.write_employers(cursor, touched.employers) + self.write_vouchers(cursor, touched.vouchers)
        if touched.deferring:
            codes = [stream.events[0].code for stream in self.tables.load(cursor, touched.deferring).values()]
            touched.persons |= self.tables.persons_of_employers(cursor, codes)
        return folded + self.write_persons(cursor, touched.persons, policy)


def position(ledger: Any, name: str = TRACKING) -> int:
    return ledger.factory.tracking_recorder().max_tracking_id(name) or 0


def catch_up(ledger: Any, *, batch: int = 1000, progress: Callable[[int, int], None] | None = None,
             suffix: str = "", name: str = TRACKING, until: int | None = None) -> int:
    """Bring the tables to the end of the log (or `until`), a batch of notifications a transaction.

    Returns the notifications read. A policy publication touches everyone: every person is made again (a
    transaction a page, with the policy as known now), and only then does the position move past the batch.
    """
    builder, tracker = Builder(ledger, suffix), ledger.factory.tracking_recorder()
    read = 0
    while True:
        start = tracker.max_tracking_id(name) or 0
        notes = ledger.recorder.select_notifications(start, batch, stop=until, inclusive_of_start=False)
        if not notes:
            return read
        touched = classify(notes)
        if touched.policy:
            remake_everyone(ledger, builder, progress)
            touched = Touched()
        with builder.tables.transaction() as cursor:
            folded = builder.apply(cursor, touched, builder.policy(cursor))
            try:
                tracker._insert_tracking(cursor, Tracking(name, notes[-1].id))
            except IntegrityError:
                raise ConcurrentCatchUp(f"another catch-up recorded position {notes[-1].id} first") from None
        read += len(notes)
        if progress:
            progress(len(notes), folded)


class ConcurrentCatchUp(Exception):
    """Two catch-ups ran at once; the one that lost wrote nothing (its transaction rolled back)."""


def remake_everyone(ledger: Any, builder: Builder, progress: Callable[[int, int], None] | None = None,
                    workers: int = 1, worker: int = 0) -> None:
    """Every person's and employer's rows made again (a transaction a page of persons); this worker's share."""
    tables = builder.tables
    with tables.transaction(commit=False) as cursor:
        persons = [p for p in tables.streams_with(cursor, topics_of(PersonRegistered)) if share(p, workers) == worker]
        employers = [e for e in tables.streams_with(cursor, topics_of(EmployerRegistered))
                     if share(e, workers) == worker]
        vouchers = [v for v in tables.streams_with(cursor, topics_of(VoucherProposed)) if share(v, workers) == worker]
    for start in range(0, len(persons), PERSONS_PER_TRANSACTION):
        with tables.transaction() as cursor:
            policy = builder.policy(cursor)
            folded = builder.write_persons(cursor, persons[start:start + PERSONS_PER_TRANSACTION], policy)
        if progress:
            progress(0, folded)
    with tables.transaction() as cursor:
        folded = builder.write_employers(cursor, employers) + builder.write_vouchers(cursor, vouchers)
    if progress:
        progress(0, folded)


def share(stream_id: UUID, workers: int) -> int:
    """A stable hash range: which worker makes a stream's rows."""
    return stream_id.int % workers
