"""An employer's registration and staff on a date: a pure fold over the facts that stand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Iterable
from uuid import UUID

from ledger import history
from ledger.employer_events import (
    BasesDeclared,
    EmployerCancelled,
    EmployerChanged,
    EmployerRegistered,
    StaffHired,
    StaffLeft,
)
from ledger.events import LedgerEvent
from ledger.month import Month


@dataclass(frozen=True)
class EmployerState:
    code: str | None = None
    name: str | None = None
    unit_type: str | None = None
    address: str | None = None
    legal_rep: str | None = None
    bank_account: str | None = None
    contact: str | None = None
    registered: bool = False
    late: bool = False
    cancelled_on: datetime.date | None = None
    staff: dict[UUID, str] = field(default_factory=dict)
    """person id -> ID number as declared, for those on the staff."""


def employer_state(events: Iterable[LedgerEvent], on: datetime.date) -> EmployerState:
    events = list(events)
    first = events[0] if events else None
    # Before (or without) a standing registration, still say which employer the stream is about.
    state = EmployerState(code=first.code if isinstance(first, EmployerRegistered) else None)
    for event in history.standing_by(events, on):
        if isinstance(event, EmployerRegistered):
            state = EmployerState(
                code=event.code, name=event.name, unit_type=event.unit_type, address=event.address,
                legal_rep=event.legal_rep, bank_account=event.bank_account, contact=event.contact,
                registered=True, late=event.late,
                staff=state.staff,  # a hire counts by month, so it may sort before a mid-month registration
            )
        elif isinstance(event, EmployerChanged):
            state = replace(state, **event.changes)
        elif isinstance(event, EmployerCancelled):
            state = replace(state, registered=False, cancelled_on=event.on)
        elif isinstance(event, StaffHired):
            state = replace(state, staff={**state.staff, event.person_id: event.id_number})
        elif isinstance(event, StaffLeft):
            state = replace(state, staff={k: v for k, v in state.staff.items() if k != event.person_id})
    return state


def staff_during(events: Iterable[LedgerEvent], year: int) -> set[UUID]:
    """Everyone on the staff in at least one month of the year."""
    events = list(events)
    return set().union(*(employer_state(events, Month(year, n).first_day).staff for n in range(1, 13)))


def declared_wages(events: Iterable[LedgerEvent], year: int) -> dict[UUID, Decimal]:
    """CON-1: each person's declared monthly wage for the year (later declarations add people)."""
    wages: dict[UUID, Decimal] = {}
    for event in history.standing(events):
        if isinstance(event, BasesDeclared) and event.year == year:
            wages.update({UUID(person): wage for person, wage in event.wages.items()})
    return wages


def has_declared(events: Iterable[LedgerEvent], year: int) -> bool:
    return any(isinstance(e, BasesDeclared) and e.year == year for e in history.standing(events))
