"""The contribution-month projection (MON-1..MON-3): one row per person-month, and the counts."""

from __future__ import annotations

from typing import Any

from ledger.assessment import account_credit
from ledger.contribution_months import PersonMonth, person_months
from ledger.deferral import is_deferred
from ledger.events import LedgerEvent
from ledger.money import ZERO
from ledger.month import Month
from ledger.policy import Policy

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


def _state(person_month: PersonMonth, deferrals: dict[str, list[tuple[Month, Month]]]) -> str:
    return person_month.state_with(deferrals)
