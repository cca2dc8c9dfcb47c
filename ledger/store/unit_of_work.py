"""The unit of work (cosmicpython's): the streams a command reads and writes, saved together or not at all.

Handlers ask it for streams and views; what they record stays pending until `commit()`, which saves every
stream with new facts in one transaction. Reading a stream twice gives the same object (an identity map), so a
handler that records on a person and then asks for that person's view sees the new facts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from ledger.contributions.deferral import deferral_periods
from ledger.contributions.months import employers_of
from ledger.core.errors import RuleViolation
from ledger.core.policy import Policy
from ledger.core.view import Deferrals, View
from ledger.policy.book import PolicyBook
from ledger.registration.employer import Employer
from ledger.registration.person import IdNumberIndex, Person
from ledger.store import registry


class UnitOfWork:
    def __init__(self, ledger: Any):
        self.ledger = ledger
        self.default_policy: Policy = ledger.default_policy
        self._streams: dict[UUID, Any] = {}
        self._views: dict[UUID, View] = {}
        self._policy: Policy | None = None

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
            raise RuleViolation("REG-2", f"no person is registered with ID number {id_number}")
        return person

    def person_or_none(self, id_number: str) -> Person | None:
        index = self.get(IdNumberIndex.id_for(id_number))
        return None if index is None else self.get(index.person_id)

    def employer(self, code: str) -> Employer:
        employer = self.get(Employer.id_for(code))
        if employer is None:
            raise RuleViolation("REG-1", f"no employer is registered with credit code {code}")
        return employer

    def person_ids(self) -> list[UUID]:
        """Everyone ever registered (a scan of the log until the read side keeps a table of them)."""
        return registry.person_ids(self.ledger)

    def employer_ids(self) -> list[UUID]:
        return registry.employer_ids(self.ledger)

    def policy_book(self) -> PolicyBook:
        book = self.get(PolicyBook.ID)
        if book is None:
            book = self.add(PolicyBook.start(on=datetime.date(1999, 1, 1), operator="yibao"))
        return book

    def view(self, stream: Any) -> View:
        """The stream's view as known now; a person's carries the deferrals of the employers it was assessed for.

        Facts recorded since the last view are folded on by advancing it, not by folding the stream again.
        """
        cached = self._views.get(stream.id)
        if cached is not None and cached.version == stream.version:
            return cached
        if cached is not None and len(cached.events) < len(stream.history):
            view = cached.extended(stream.history[len(cached.events):])
        else:
            view = View(stream.history, policy=self.policy)
        if isinstance(stream, Person):
            view.with_deferrals(self.deferrals(employers_of(view)))
        self._views[stream.id] = view
        return view

    def deferrals(self, codes: Iterable[str]) -> Deferrals:
        found = {}
        for code in codes:
            employer = self.get(Employer.id_for(code))
            found[code] = deferral_periods(self.view(employer)) if employer is not None else []
        return found

    # -- writing ----------------------------------------------------------------------------------

    def add(self, stream: Any) -> Any:
        self._streams[stream.id] = stream
        return stream

    def commit(self) -> None:
        """Save every stream with new facts, in one transaction, or nothing."""
        pending = [s for s in self._streams.values() if s.pending_events]
        if pending:
            self.ledger.commit(*pending)
        if any(isinstance(s, PolicyBook) for s in pending):
            self._policy = None  # what was just published is in force for what follows
            self._views.clear()

    def trim(self, limit: int) -> None:
        """Forget the streams read, once there are more than `limit` and nothing is pending (bounded memory)."""
        if len(self._streams) > limit and not any(s.pending_events for s in self._streams.values()):
            self.forget()

    def rollback(self) -> None:
        """Forget what was read and recorded but not committed (a batch's failed chunk)."""
        self._streams.clear()
        self._views.clear()
        self._policy = None

    forget = rollback
