"""The insured person (参保人员): one stream per person, found by citizen ID number (REG-2)."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from ledger.core.errors import NotFound
from ledger.core.events import Stream, formerly
from ledger.core.i18n import _
from ledger.core.ids import natural_id
from ledger.registration.events import PersonRegistered


@formerly("ledger.person:Person")
class Person(Stream):
    """Every fact of one insured life, from every chapter: registration, contributions, benefits, refunds."""

    @classmethod
    def register(cls, **fields: Any) -> Person:
        return cls.open(PersonRegistered, uuid4(), **fields)


def not_registered(id_number: str) -> NotFound:
    """REG-2: the refusal wherever a person is looked up by an ID number no one holds."""
    return NotFound("id", _("no person is registered with ID number {id_number} (REG-2): check the number, or "
                            "register the person first (yibao person register)").format(id_number=id_number))


@formerly("ledger.person:IdNumberIndex")
class IdNumberIndex(Aggregate):
    """Points an ID number at its person; one per number ever held, so old numbers still find them (REG-3).

    Its id is derived from the number, so a second registration of a number conflicts in the store.
    """

    class Created(Aggregate.Created):
        person_id: UUID

    def __init__(self, person_id: UUID) -> None:
        self.person_id = person_id

    @staticmethod
    def id_for(id_number: str) -> UUID:
        return natural_id(f"yibao:person:{id_number}")  # keyed when the ledger is encrypted

    @classmethod
    def point(cls, id_number: str, person_id: UUID) -> IdNumberIndex:
        return cls._create(cls.Created, id=cls.id_for(id_number), person_id=person_id)
