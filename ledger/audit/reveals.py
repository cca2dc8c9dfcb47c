"""Reveals (AUD-2 for personal data): output is masked; an operator who shows personal data in clear leaves a
fact saying who, whose data, by which command, when and why.

One stream per operator and day, so that reveals by different clerks never contend for a stream.
"""

from __future__ import annotations

import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from ledger.core.events import LedgerCreated, LedgerEvent, Stream


class RevealsOpened(LedgerCreated):
    on: datetime.date


class DataRevealed(LedgerEvent):
    subject: str
    """Whose data: an ID number or credit code, or what a listing covered."""
    command: str
    reason: str
    on: datetime.date


class Reveals(Stream):
    @staticmethod
    def id_for(operator: str, on: datetime.date) -> UUID:
        return uuid5(NAMESPACE_URL, f"yibao:reveals:{operator}:{on.isoformat()}")

    @classmethod
    def start(cls, *, operator: str, on: datetime.date) -> Reveals:
        return cls.open(RevealsOpened, cls.id_for(operator, on), on=on, operator=operator, documents=[])


REVEALERS = ("clerk", "auditor", "admin")
"""AUD-1: the roles that may see personal data in clear (a reviewer or approver signs what a clerk showed)."""
