"""A person's registration state on a date: a pure fold over the facts that stand."""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass, replace

from ledger.benefits.events import Retired, TransferredOut
from ledger.core.i18n import N_
from ledger.core.view import View
from ledger.registration.events import (
    PersonCancelled,
    PersonChanged,
    PersonRegistered,
    PersonReregistered,
    SchemeSwitched,
)

IDENTITY_FIELDS = frozenset({"name", "sex", "id_number", "birth"})


@dataclass(frozen=True)
class PersonState:
    id_number: str | None = None
    name: str | None = None
    sex: str | None = None
    birth: datetime.date | None = None
    scheme: str | None = None
    hukou: str | None = None
    phone: str | None = None
    address: str | None = None
    area: str | None = None
    """The insured area within Ningxia (参保地), a GB/T 2260 code, once recorded (TRF-1)."""
    registered: bool = False
    registered_on: datetime.date | None = None
    cancelled_reason: str | None = None
    cancelled_on: datetime.date | None = None
    transferred_out: bool = False
    transferred_to: str | None = None
    """The region a transfer out went to (TRF-1), while it stands."""
    retired_on: datetime.date | None = None

    @property
    def maternity_insured(self) -> bool:
        """REG-6: maternity insurance has no registration of its own; employee registration carries it."""
        return self.registered and self.scheme == "employee"


STATE_FACTS = (PersonRegistered, PersonReregistered, PersonChanged, PersonCancelled, TransferredOut, SchemeSwitched,
               Retired)


def state_on(view: View, on: datetime.date) -> PersonState:
    """The person's registration on `on`, as the view knows it: made once for each registration fact reached."""
    days = view.memo("state days", lambda: [e.effective_date for e in view.of(*STATE_FACTS)])
    reached = bisect.bisect_right(days, on)
    return view.memo(("state", reached), lambda: _fold(view, on))


def _fold(view: View, on: datetime.date) -> PersonState:
    first = view.events[0] if view.events else None
    # Before (or without) a standing registration, still say who the stream is about.
    state = _identity(first) if isinstance(first, PersonRegistered) else PersonState()
    for event in view.by(on):
        if isinstance(event, PersonRegistered):
            state = replace(_identity(event), scheme=event.scheme, registered=True, registered_on=event.on)
        elif isinstance(event, PersonReregistered):
            state = replace(state, scheme=event.scheme, registered=True, registered_on=event.on,
                            cancelled_reason=None, cancelled_on=None, transferred_out=False, transferred_to=None,
                            retired_on=None)
        elif isinstance(event, PersonChanged):
            state = replace(state, **event.changes)
        elif isinstance(event, PersonCancelled):
            state = replace(state, registered=False, cancelled_reason=event.reason, cancelled_on=event.on)
        elif isinstance(event, TransferredOut):
            state = replace(state, registered=False,
                            cancelled_reason=N_("transferred out to {region}").format(region=event.to_region),
                            cancelled_on=event.on, transferred_out=True, transferred_to=event.to_region)
        elif isinstance(event, SchemeSwitched):
            state = replace(state, scheme=event.scheme)
        elif isinstance(event, Retired):
            state = replace(state, scheme="retired", retired_on=event.on)
    return state


def _identity(registered: PersonRegistered) -> PersonState:
    """Who the stream is about, from its first fact: kept even when that registration was reversed, so that a
    registration made again (after a wrong date was corrected) still knows the person."""
    return PersonState(id_number=registered.id_number, name=registered.name, sex=registered.sex,
                       birth=registered.birth, hukou=registered.hukou, phone=registered.phone,
                       address=registered.address)


def registrations(view: View) -> list[datetime.date]:
    """The dates of the standing registrations, first and again (REG-2, MON-3)."""
    return [e.on for e in view.of(PersonRegistered, PersonReregistered)]


def periods(view: View) -> list[tuple[datetime.date, datetime.date | None, PersonState]]:
    """[from, until) periods of the registration (scheme, registered, ID number), from the first fact on: the
    state changes only on the effective date of a registration fact (the read side's registrations table)."""
    days = sorted({e.effective_date for e in view.of(*STATE_FACTS)})
    found: list[tuple[datetime.date, datetime.date | None, PersonState]] = []
    for day, following in zip(days, [*days[1:], None]):
        state = state_on(view, day)
        if found and found[-1][2] == state:
            found[-1] = (found[-1][0], following, state)
        else:
            found.append((day, following, state))
    return found
