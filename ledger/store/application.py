"""The ledger application: what is about storage only. Finding streams, views as known at a moment, the
policy as known at a moment, and committing what handlers decided in one transaction."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.persistence import IntegrityError, JSONTranscoder, PersistenceError

from ledger.contributions.deferral import deferral_periods
from ledger.contributions.events import DeferralAgreed
from ledger.contributions.months import employers_of
from ledger.core.errors import Conflict, NotFound, StorageFailure
from ledger.core.events import EventReversed, LedgerEvent, topics_of
from ledger.core.i18n import _
from ledger.core.jobs import Job
from ledger.core.policy import Policy
from ledger.core.view import Deferrals, View
from ledger.policy.book import PolicyBook, policy_from
from ledger.registration.employer import Employer
from ledger.registration.person import IdNumberIndex, Person, not_registered
from ledger.store import catalogue  # noqa: F401  (every event class, old topics registered, before any read)
from ledger.store.transcodings import DateAsISO, MonthAsISO
from ledger.store.unit_of_work import UnitOfWork


class Ledger(Application):
    name = "yibao"

    def __init__(self, env: dict[str, str] | None = None, policy: Policy | None = None):
        super().__init__(env)
        self.default_policy = policy or Policy.defaults()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(MonthAsISO())

    def construct_repository(self) -> Repository:
        repository = super().construct_repository()
        repository.get = functools.partial(repository.get, projector_func=replay)
        return repository

    def unit_of_work(self, refresh: Any = None) -> UnitOfWork:
        return UnitOfWork(self, refresh)

    # -- reading -----------------------------------------------------------------------------------

    def stream(self, stream_id: Any) -> Any | None:
        try:
            return self.repository.get(stream_id)
        except AggregateNotFoundError:
            return None

    @property
    def policy(self) -> Policy:
        return self.policy_at(None)

    def policy_at(self, known_at: datetime.datetime | None) -> Policy:
        """The policy as known at a moment: the shipped defaults and what was published by then."""
        book = self.stream(PolicyBook.ID)
        events = [e for e in book.history if known_at is None or e.timestamp <= known_at] if book else []
        return policy_from(self.default_policy, events)

    def policy_at_position(self, position: int) -> Policy:
        """The policy as known now, remembered while the policy book stays at `position`."""
        cached = self.__dict__.get("_policy_at")
        if cached is None or cached[0] != position:
            cached = (position, self.policy_at(None))
            self.__dict__["_policy_at"] = cached
        return cached[1]

    def find_person(self, id_number: str) -> Person:
        index = self.stream(IdNumberIndex.id_for(id_number))
        if index is None:
            raise not_registered(id_number)
        return self.repository.get(index.person_id)

    def find_employer(self, code: str) -> Employer:
        employer = self.stream(Employer.id_for(code))
        if employer is None:
            raise NotFound("code", _("no employer is registered with credit code {code} (REG-1): check the code, "
                                     "or register the employer first (yibao employer register)").format(code=code))
        return employer

    def person_history(self, id_number: str, known_at: datetime.datetime | None = None) -> list[LedgerEvent]:
        return [e for e in self.find_person(id_number).history if known_at is None or e.timestamp <= known_at]

    def employer_history(self, code: str, known_at: datetime.datetime | None = None) -> list[LedgerEvent]:
        return [e for e in self.find_employer(code).history if known_at is None or e.timestamp <= known_at]

    def view(self, id_number: str, known_at: datetime.datetime | None = None) -> View:
        """The person's view as known at a moment, with the policy and the employers' deferrals known then."""
        return self.view_of(self.find_person(id_number), known_at)

    def view_of(self, person: Person, known_at: datetime.datetime | None = None) -> View:
        view = View(person.history, policy=self.policy_at(known_at), known_at=known_at)
        return view.with_deferrals(self.deferrals(employers_of(view), known_at))

    def employer_view(self, code: str, known_at: datetime.datetime | None = None) -> View:
        return View(self.find_employer(code).history, policy=self.policy_at(known_at), known_at=known_at)

    def deferrals(self, codes: set[str], known_at: datetime.datetime | None = None) -> Deferrals:
        """Employers' deferral periods as known at a moment (CON-8)."""
        return {code: deferral_periods(View(self.deferral_facts(Employer.id_for(code)), policy=self.default_policy,
                                            known_at=known_at)) for code in codes}

    def deferral_facts(self, employer_id: Any) -> list[LedgerEvent]:
        """An employer's deferral agreements and the reversals among its facts, all a person's folds need of it
        (CON-8): read by topic, not the whole stream (a large employer's is tens of thousands of hirings)."""
        if self.factory.__class__.__module__ == "eventsourcing.popo":
            employer = self.stream(employer_id)
            return employer.history if employer is not None else []
        from ledger.store.tables import Tables

        tables = Tables(self)
        with tables.reading() as cursor:
            return tables.facts_of(cursor, employer_id, [*topics_of(DeferralAgreed), *topics_of(EventReversed)])

    def job(self, kind: str) -> Job | None:
        return self.stream(Job.id_for(kind))

    def event_count(self) -> int:
        return self.recorder.max_notification_id() or 0

    # -- saving ------------------------------------------------------------------------------------

    def commit(self, *streams: Any) -> None:
        """Save every decision in one transaction, or nothing."""
        try:
            self.save(*streams)
        except IntegrityError:
            raise Conflict(
                _("another clerk changed the same record at the same moment; nothing was written, try again")
            ) from None
        except PersistenceError as error:
            raise StorageFailure(_("the store failed ({error}); nothing was written").format(error=error)) from None


def replay(stream: Any, events: Iterable[Any]) -> Any:
    """The library's projector without its per-fact protocol check (a runtime isinstance against a Protocol,
    a third of the time of loading a long stream); every fact here is a LedgerEvent."""
    for event in events:
        stream = event.mutate(stream)
    return stream
