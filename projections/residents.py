"""RES-4: residents classified for a year: registered, paid, unpaid (interrupted, dead, other)."""

from __future__ import annotations

import datetime
from typing import Any

from ledger.core.view import View
from ledger.registration.person_state import state_on
from ledger.resident.rules import payments
from ledger.store.tables import PAGE


def classify(view: View, year: int) -> dict[str, Any] | None:
    """The person's class for `year`, or None when they were never a resident by then."""
    state = state_on(view, datetime.date(year, 12, 31))
    paid = payments(view)
    if state.scheme != "resident" and year not in paid:
        return None
    if year in paid:
        status, reason = "paid", None
    elif state.cancelled_reason == "death":
        status, reason = "unpaid", "dead"
    elif year - 1 in paid:
        status, reason = "unpaid", "interrupted"
    else:
        status, reason = "unpaid", "other"
    return {"id_number": state.id_number, "name": state.name, "year": year, "status": status, "reason": reason,
            "registered": state.registered}


def residents(uow: Any, *, status: str, reason: str | None, year: int, limit: int) -> list[dict[str, Any]]:
    """RES-4's list: the residents of a class for the year, as known now; only persons ever registered as
    residents are read, a page at a time, until the list is full."""
    rows = []
    candidates = uow.registered_as("resident")
    for start in range(0, len(candidates), PAGE):
        for person in uow.persons(candidates[start:start + PAGE]):
            found = classify(uow.view(person), year)
            if found is None or (status == "registered" and not found["registered"]):
                continue
            if status != "registered" and (found["status"] != status or (reason and found["reason"] != reason)):
                continue
            rows.append(found)
            if len(rows) == limit:
                return rows
        uow.trim(2 * PAGE)
    return rows
