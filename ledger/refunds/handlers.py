"""Refund handlers (E ch.9, R18): computed from the person's view, recorded when the conditions hold."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.core.month import Month
from ledger.refunds.events import RefundPaid, ResidentRefunded
from ledger.refunds.rules import (
    RESIDENT_CANCELLATION,
    check_resident_refund_documents,
    flexible_refund,
    resident_refund,
    resident_refund_amount,
    resident_refund_applies,
)
from ledger.registration.events import PersonCancelled, SchemeSwitched
from ledger.registration.person import Person
from ledger.registration.person_state import state_on
from ledger.registration.rules import check_cancellation_documents, check_scheme_switch


def request(uow, *, id_number: str, reason: str, on: datetime.date, operator: str, documents: list[str] = ()
            ) -> tuple[int, list[Month], Decimal]:
    """REF-3 when a resident year is paid for this year or a later one; otherwise REF-1, REF-2."""
    person = uow.person(id_number)
    view = uow.view(person)
    documents = list(documents)
    if resident_refund_applies(view, reason, on):
        paid = resident_refund(view, on)
        amount = resident_refund_amount(paid)
        person.record(ResidentRefunded, year=paid.year, reason=reason, amount=amount, on=on, operator=operator,
                      documents=documents)
        _end_resident_registration(uow, person, reason, on, operator, documents)
        uow.commit()
        return paid.year, [], amount
    year, months, amount = flexible_refund(view, reason, on)
    person.record(RefundPaid, reason=reason, year=year, months=[str(m) for m in months], amount=amount, on=on,
                  operator=operator, documents=documents)
    uow.commit()
    return year, months, amount


def _end_resident_registration(uow, person: Person, reason: str, on: datetime.date, operator: str,
                               documents: list[str]) -> None:
    """REF-3, R18: a refunded resident's registration is cancelled with the refund; joining employee insurance
    switches the scheme instead. Already cancelled (the death recorded first): nothing more."""
    state = state_on(uow.view(person), on)
    if not state.registered:
        return
    if reason == "to-employee":
        if state.scheme == "resident":
            check_scheme_switch(state, "employee")
            person.record(SchemeSwitched, scheme="employee", on=on, operator=operator, documents=documents)
        return
    check_resident_refund_documents(reason, documents)
    cancel_reason = RESIDENT_CANCELLATION[reason][0]
    check_cancellation_documents(cancel_reason, documents)
    person.record(PersonCancelled, reason=cancel_reason, on=on, operator=operator, documents=documents)
