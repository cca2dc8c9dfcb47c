"""Correction handlers (冲正, AUD-2): an earlier fact is reversed by a new one naming it; nothing is erased."""

from __future__ import annotations

import datetime

from ledger.audit.rules import check_reversible
from ledger.benefits.account import refuse_overdraft
from ledger.core.events import EventReversed


def correct_person(uow, *, id_number: str, seq: int, reason: str, on: datetime.date, operator: str) -> None:
    """AUD-2; ACC-3: refused when taking back a credit would overdraw the account."""
    person = uow.person(id_number)
    check_reversible(person.history, seq)
    person.record(EventReversed, seq=seq, reason=reason, on=on, operator=operator, documents=[])
    refuse_overdraft(uow.view(person), seq)
    uow.commit()


def correct_employer(uow, *, code: str, seq: int, reason: str, on: datetime.date, operator: str) -> None:
    employer = uow.employer(code)
    check_reversible(employer.history, seq)
    employer.record(EventReversed, seq=seq, reason=reason, on=on, operator=operator, documents=[])
    uow.commit()
