"""An employer's registration on a date: a pure fold over the facts that stand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from ledger.core.view import View
from ledger.registration.events import (
    EmployerCancelled,
    EmployerChanged,
    EmployerRegistered,
)


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
    registered_on: datetime.date | None = None
    late: bool = False
    cancelled_on: datetime.date | None = None


def employer_state(view: View, on: datetime.date) -> EmployerState:
    return view.memo(("state", on), lambda: _fold(view, on))


def _fold(view: View, on: datetime.date) -> EmployerState:
    first = view.events[0] if view.events else None
    # Before (or without) a standing registration, still say which employer the stream is about.
    state = EmployerState(code=first.code if isinstance(first, EmployerRegistered) else None)
    for event in view.by(on):
        if isinstance(event, EmployerRegistered):
            state = EmployerState(
                code=event.code, name=event.name, unit_type=event.unit_type, address=event.address,
                legal_rep=event.legal_rep, bank_account=event.bank_account, contact=event.contact,
                registered=True, registered_on=event.on, late=event.late,
            )
        elif isinstance(event, EmployerChanged):
            state = replace(state, **event.changes)
        elif isinstance(event, EmployerCancelled):
            state = replace(state, registered=False, cancelled_on=event.on)
    return state
