"""The unit of work (cosmicpython's): the streams a command reads and writes, saved together or not at all.

Handlers ask it for streams and views; what they record stays pending until `commit()`, which saves every
stream with new facts in one transaction. Reading a stream twice gives the same object (an identity map), so a
handler that records on a person and then asks for that person's view sees the new facts.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import PersistenceError

from ledger.audit.roster import Roster, authorise, roles_of
from ledger.contributions.deferral import deferral_periods
from ledger.contributions.months import employers_of
from ledger.core.errors import Conflict, NotFound, StorageFailure
from ledger.core.i18n import _
from ledger.core.policy import Policy
from ledger.core.view import Deferrals, View
from ledger.policy.book import PolicyBook
from ledger.registration.employer import Employer
from ledger.registration.person import IdNumberIndex, Person, not_registered
from ledger.store import registry
from ledger.store.tables import Tables


class UnitOfWork:
    """`refresh` brings the read side's tables to the end of the log: called once, before a batch job first asks the
    tables whom it concerns (the composition root, commands/, passes the catch-up). Without it the tables are not
    trusted, and a batch job reads every stream it may concern instead."""

    def __init__(self, ledger: Any, refresh: Callable[[], Any] | None = None, *, trial: bool = False):
        self.ledger, self.refresh = ledger, refresh
        self.trial = trial
        """A trial unit checks everything and stores nothing: a voucher's proposal (AUD-1)."""
        self.recorded: list[Any] = []
        """What a trial unit would have stored."""
        self.signatures: dict[str, Any] | None = None
        """A voucher's handler, reviewer and approver, carried by every fact its approval records (AUD-1)."""
        self._in_office: dict[str, frozenset[str]] | None = None
        self.saved = (0, 0)
        """Transactions and facts this unit has saved so far (a long job commits many)."""
        self.default_policy: Policy = ledger.default_policy
        self._streams: dict[UUID, Any] = {}
        self._views: dict[UUID, View] = {}
        self._folded: dict[UUID, int] = {}
        self._policy: Policy | None = None
        self._tables: Tables | None = None

    # -- reading -----------------------------------------------------------------------------------

    @property
    def policy(self) -> Policy:
        """The policy as known now: the shipped defaults and everything published since."""
        if self._policy is None:
            self._policy = self.ledger.policy_at(None)
        return self._policy

    def get(self, stream_id: UUID) -> Any | None:
        if stream_id not in self._streams:
            try:
                self._streams[stream_id] = self.ledger.repository.get(stream_id)
            except AggregateNotFoundError:
                return None
        return self._streams[stream_id]

    def exists(self, stream_id: UUID) -> bool:
        return stream_id in self._streams or stream_id in self.ledger.repository

    def person(self, id_number: str) -> Person:
        person = self.person_or_none(id_number)
        if person is None:
            raise not_registered(id_number)
        return person

    def person_or_none(self, id_number: str) -> Person | None:
        index = self.get(IdNumberIndex.id_for(id_number))
        return None if index is None else self.get(index.person_id)

    def employer(self, code: str) -> Employer:
        employer = self.get(Employer.id_for(code))
        if employer is None:
            raise NotFound("code", _("no employer is registered with credit code {code} (REG-1): check the code, "
                                     "or register the employer first (yibao employer register)").format(code=code))
        return employer

    def person_ids(self) -> list[UUID]:
        """Everyone ever registered (a scan of the log until the read side keeps a table of them)."""
        return registry.person_ids(self.ledger)

    def employer_ids(self) -> list[UUID]:
        return registry.employer_ids(self.ledger)

    def policy_book(self, operator: str) -> PolicyBook:
        """The region's policy book, opened by whoever first publishes in it."""
        book = self.get(PolicyBook.ID)
        if book is None:
            book = self.add(PolicyBook.start(on=datetime.date(1999, 1, 1), operator=operator))
        return book

    def view(self, stream: Any) -> View:
        """The stream's view as known now; a person's carries the deferrals of the employers it was assessed for.

        Facts recorded since the last view are folded on by advancing it, not by folding the stream again.
        """
        cached, folded = self._views.get(stream.id), self._folded.get(stream.id, 0)
        if cached is not None and folded == len(stream.history):
            return cached
        view = cached.extended(stream.history[folded:]) if cached is not None else \
            View(stream.history, policy=self.policy)
        if isinstance(stream, Person):
            view.with_deferrals(self.deferrals(employers_of(view)))
        self._views[stream.id], self._folded[stream.id] = view, len(stream.history)
        return view

    # -- a batch job's reading --------------------------------------------------------------------------

    @property
    def tables(self) -> Tables | None:
        """The read side's tables, brought to the end of the log first; None on the in-memory store, or with no
        way to bring them up to date."""
        if self._tables is None and self.refresh is not None and \
                self.ledger.factory.__class__.__module__ != "eventsourcing.popo":
            self.refresh()
            self._tables = Tables(self.ledger)
        return self._tables

    def persons(self, ids: Iterable[UUID]) -> list[Person]:
        """Many persons for a batch job, each read once and in bulk: from the tables when they are current for
        the person (a stream continued at its next version, with no facts in memory, its view read from the
        tables), else the whole stream."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self._streams]
        tables = self.tables if wanted else None
        if tables is not None:
            with self.ledger.recorder.datastore.transaction(commit=False) as cursor:
                current = tables.current_views(cursor, wanted, self.ledger.policy_at_position)
                loaded = tables.load(cursor, [i for i in wanted if i not in current])
            for person_id, found in current.items():
                self._streams[person_id] = Person.continuing(person_id, found.version)
                self._views[person_id], self._folded[person_id] = found.view, 0
            for person_id, stream in loaded.items():
                self._streams[person_id] = Person.replayed(stream.events)
        return [p for p in (self.get(i) for i in dict.fromkeys(ids)) if isinstance(p, Person)]

    def persons_by_number(self, id_numbers: Iterable[str]) -> dict[str, Person]:
        """Many persons by ID number for a batch job, in bulk (see `persons`); unknown numbers are left out."""
        numbers = list(dict.fromkeys(id_numbers))
        if self.tables is None:
            found = {n: self.person_or_none(n) for n in numbers}
            return {n: p for n, p in found.items() if p is not None}
        with self.ledger.recorder.datastore.transaction(commit=False) as cursor:
            ids = self.tables.index(cursor, numbers)
        persons = {p.id: p for p in self.persons(ids.values())}
        return {n: persons[i] for n, i in ids.items() if i in persons}

    def staff(self, code: str, month: Any) -> dict[UUID, str]:
        """CON-9: who is on the employer's staff in the month."""
        from ledger.contributions.staffing import staff_on

        return staff_on(self.view(self.employer(code)), month.first_day)

    def employers_staffed(self, month: Any) -> list[Any]:
        """The employers a month's assessment concerns: those with staff in the month (the staff table), or every
        employer on the in-memory store."""
        if self.tables is None:
            return [e for e in (self.get(i) for i in self.employer_ids()) if e is not None]
        with self.ledger.recorder.datastore.transaction(commit=False) as cursor:
            codes = self.tables.employers_staffed(cursor, month)
        return [self.employer(code) for code in codes]

    def registered_as(self, scheme: str, on: datetime.date | None = None) -> list[UUID]:
        """Whom a job about a scheme concerns (on a date, or ever): from the registrations table, or everyone on
        the in-memory store."""
        if self.tables is None:
            return self.person_ids()
        with self.ledger.recorder.datastore.transaction(commit=False) as cursor:
            return self.tables.registered_as(cursor, scheme, on)

    def vouchers(self, stages: Iterable[str], subject: str | None = None) -> list[dict[str, Any]]:
        """AUD-1: the vouchers at these stages, from the vouchers table (every voucher stream on the in-memory
        store), oldest first."""
        if self.tables is None:
            from ledger.audit.vouchers import VoucherProposed, state_of

            found = [state_of(self.get(n.originator_id).history)
                     for n in registry.notifications(self.ledger, VoucherProposed)]
            return [v.listing() for v in found if v.stage in stages and subject in (None, v.subject)]
        with self.ledger.recorder.datastore.transaction(commit=False) as cursor:
            return self.tables.vouchers(cursor, stages, subject)

    def employer_months(self, code: str) -> list[Any]:
        """Every person-month assessed for the employer (REG-4, CON-8, MAT-5): from the month table, or from the
        months of everyone ever on its staff on the in-memory store."""
        from ledger.contributions.staffing import staff_months

        if self.tables is None:
            return [pm for pm in staff_months(self, code) if pm.employer == code]
        with self.ledger.recorder.datastore.transaction(commit=False) as cursor:
            return self.tables.employer_months(cursor, code)

    def with_months(self, condition: str, params: list[Any]) -> list[UUID]:
        """Whom a job about months concerns: those with a month row meeting `condition` (SQL over the month
        table, `?` for each parameter), or everyone on the in-memory store."""
        if self.tables is None:
            return self.person_ids()
        with self.ledger.recorder.datastore.transaction(commit=False) as cursor:
            return sorted(self.tables.months_where(cursor, condition.replace("?", self.tables.mark), params))

    def deferrals(self, codes: Iterable[str]) -> Deferrals:
        """An employer this command has read: from its view; else only its deferral facts are read."""
        found = {}
        for code in codes:
            employer_id = Employer.id_for(code)
            employer = self._streams.get(employer_id)
            found[code] = deferral_periods(self.view(employer) if employer is not None else View(
                self.ledger.deferral_facts(employer_id), policy=self.default_policy))
        return found

    # -- writing ----------------------------------------------------------------------------------

    def add(self, stream: Any) -> Any:
        self._streams[stream.id] = stream
        return stream

    def commit(self) -> None:
        """Save every stream with new facts, in one transaction, or nothing: only facts whose operators may record
        them (AUD-1), each carrying the voucher's signatures when a voucher's approval records them."""
        pending = [s for s in self._streams.values() if s.pending_events]
        facts = [fact for stream in pending for fact in stream.pending_events]
        authorise(self.in_office(), facts)
        if self.signatures is not None:
            for fact in facts:
                object.__setattr__(fact, "approval", self.signatures)
        if self.trial:
            self.recorded.extend(facts)
            self.rollback()
            return
        if pending:
            self.ledger.commit(*pending)
            self.saved = (self.saved[0] + 1, self.saved[1] + len(facts))
        if any(isinstance(s, PolicyBook) for s in pending):
            self._policy = None  # what was just published is in force for what follows
            self._views.clear()
            self._folded.clear()

    def saved_before(self, failure: str) -> str:
        """The failure, with what a long job had saved before it: that stays, and a second run adds only the rest."""
        transactions, facts = self.saved
        if not transactions:
            return failure
        return _("{failure}; before it, {transactions} transactions of this command were saved ({facts} facts): they "
                 "stay, and running the same command again completes the work without doubling it").format(
            failure=failure, transactions=transactions, facts=facts)

    def trial_unit(self) -> UnitOfWork:
        """A unit over the same ledger that checks what a handler would record and stores nothing."""
        return UnitOfWork(self.ledger, self.refresh, trial=True)

    def in_office(self) -> dict[str, frozenset[str]]:
        """The operators in office and their roles, as the roster stands (read once per unit)."""
        if self._in_office is None:
            roster = self.get(Roster.ID)
            self._in_office = roles_of(roster.history) if roster is not None else {}
        return self._in_office

    def trim(self, limit: int) -> None:
        """Once more than `limit` streams are held, forget those with nothing pending (bounded memory)."""
        if len(self._streams) > limit:
            for stream_id in [i for i, s in self._streams.items() if not s.pending_events]:
                del self._streams[stream_id]
                self._views.pop(stream_id, None)
                self._folded.pop(stream_id, None)

    def rollback(self) -> None:
        """Forget what was read and recorded but not committed (a batch's failed chunk)."""
        self._in_office = None
        self._streams.clear()
        self._views.clear()
        self._folded.clear()
        self._policy = None

    forget = rollback


RETRIES = 8


def attempt(new_unit: Callable[[], UnitOfWork], handler: Callable[..., Any], *args: Any, **fields: Any) -> Any:
    """Run a handler in a fresh unit of work; when a concurrent writer wins a stream (a conflict: nothing was
    written), read everything again and run it again, up to RETRIES times. Handlers check their rules against what
    they read, so a retry decides afresh; batch jobs skip what is already recorded.

    When the store fails, the failure says what the command had saved before it (a long job commits as it goes)."""
    for tries in range(1, RETRIES + 1):
        unit = new_unit()
        try:
            return handler(unit, *args, **fields)
        except Conflict:
            if tries == RETRIES:
                raise
            time.sleep(random.uniform(0, 0.002 * 2 ** tries))  # jittered, doubling: colliding clerks spread out
        except (StorageFailure, PersistenceError) as failure:
            message = str(failure) if isinstance(failure, StorageFailure) else \
                _("the store failed ({error})").format(error=failure)
            raise StorageFailure(unit.saved_before(message)) from None
