"""The contribution-month projection (MON-1..MON-3): one row per person-month, and the counts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Iterable

from ledger import history
from ledger.assessment import account_credit
from ledger.contribution_months import PersonMonth, person_months, received_by
from ledger.deferral import is_deferred
from ledger.events import LedgerEvent
from ledger.lifecycle_events import TransferredIn
from ledger.month import Month
from ledger.policy import Policy

ZERO = Decimal("0.00")
COUNTED = ("paid", "trued-up")


def month_rows(policy: Policy, events: list[LedgerEvent], deferrals: dict[str, list[tuple[Month, Month]]],
               year: int | None = None) -> list[dict[str, Any]]:
    """MON-1: scheme, base, amounts, state and account credit of each person-month."""
    rows = []
    for month, person_month in person_months(events).items():
        if year is not None and month.year != year:
            continue
        state = _state(person_month, deferrals)
        deferred_month = is_deferred(deferrals.get(person_month.employer or "", []), month)
        credited = account_credit(policy, person_month.scheme, month, person_month.base, person_month.personal_part)
        rows.append({
            "month": str(month), "scheme": person_month.scheme, "base": str(person_month.base),
            "employer": person_month.employer, "employer_part": str(person_month.employer_part),
            "personal": str(person_month.personal_part), "total": str(person_month.total),
            "received": str(person_month.received), "true_up": str(person_month.true_up), "state": state,
            "credited": str(credited if state in COUNTED and not deferred_month else ZERO), "basis": person_month.basis,
            "reference_year": person_month.reference_year, "due_on": person_month.due_on.isoformat(),
        })
    return rows


def contribution_months(events: Iterable[LedgerEvent], deferrals: dict[str, list[tuple[Month, Month]]],
                        on: datetime.date) -> dict[str, int]:
    """MON-2: paid + back-paid + transferred-in by `on` (money received by then), each month counted once."""
    events = list(events)
    states = {month: _state(person_month, deferrals)
              for month, person_month in person_months(received_by(events, on)).items() if month <= Month.of(on)}
    paid = {month for month, state in states.items() if state in COUNTED}
    back_paid = {month for month, state in states.items() if state == "back-paid"}
    transferred_in = sum(e.months for e in history.standing(events)
                         if isinstance(e, TransferredIn) and e.on <= on)
    return {"paid": len(paid), "back_paid": len(back_paid), "transferred_in": transferred_in,
            "total": len(paid | back_paid) + transferred_in}


def _state(person_month: PersonMonth, deferrals: dict[str, list[tuple[Month, Month]]]) -> str:
    return person_month.state(is_deferred(deferrals.get(person_month.employer or "", []), person_month.month))


def employers_of(events: Iterable[LedgerEvent]) -> set[str]:
    """The employers a person's months were assessed for: whose deferrals the projection needs."""
    return {pm.employer for pm in person_months(history.standing(events)).values() if pm.employer}
