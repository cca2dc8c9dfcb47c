"""A person's status on a date as known at a moment (DESIGN.md's `status --json` document)."""

from __future__ import annotations

import datetime
from typing import Any

from ledger import history
from ledger.events import LedgerEvent
from ledger.person_state import person_state
from ledger.month import Month
from projections.months import contribution_months
from projections.plain import plain


def status(events: list[LedgerEvent], on: datetime.date, known_at: datetime.datetime,
           deferrals: dict[str, list[tuple[Month, Month]]] | None = None) -> dict[str, Any]:
    known = history.known_at(events, known_at)
    state = person_state(known, on)
    cancelled = {"reason": state.cancelled_reason, "on": plain(state.cancelled_on)} if state.cancelled_on else None
    return {
        "id_number": state.id_number,
        "name": state.name,
        "on": on.isoformat(),
        "known_at": known_at.isoformat(),
        "scheme": state.scheme if state.registered else None,
        "registered": state.registered,
        "registered_on": plain(state.registered_on),
        "cancelled": cancelled,
        "maternity_insured": state.maternity_insured,
        "contribution_months": contribution_months(known, deferrals or {}, on),
        # Filled by the eligibility, account and maternity projections as they arrive.
        "benefits": None,
        "account": None,
        "maternity_continuous_months": None,
    }
