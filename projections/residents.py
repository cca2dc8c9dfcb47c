"""RES-4: residents classified for a year: registered, paid, unpaid (interrupted, dead, other)."""

from __future__ import annotations

import datetime
from typing import Any

from ledger import resident
from ledger.events import LedgerEvent
from ledger.person_state import person_state


def classify(events: list[LedgerEvent], year: int) -> dict[str, Any] | None:
    """The person's class for `year`, or None when they were never a resident by then."""
    end = datetime.date(year, 12, 31)
    state = person_state(events, end)
    paid = resident.payments(events)
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
