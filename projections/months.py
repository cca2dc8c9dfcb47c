"""The contribution-month projection (MON-1..MON-3): one row per person-month."""

from __future__ import annotations

from typing import Any

from ledger.benefits.account import credit
from ledger.contributions.months import table
from ledger.core.view import View


def month_rows(view: View, year: int | None = None) -> list[dict[str, Any]]:
    """MON-1: scheme, base, amounts, state and account credit of each person-month."""
    rows = []
    for month, person_month in table(view).items():
        if year is not None and month.year != year:
            continue
        rows.append({
            "month": str(month), "scheme": person_month.scheme, "base": str(person_month.base),
            "employer": person_month.employer, "employer_part": str(person_month.employer_part),
            "personal": str(person_month.personal_part), "total": str(person_month.total),
            "received": str(person_month.received), "true_up": str(person_month.true_up),
            "state": person_month.state_with(view.deferrals),
            "credited": str(credit(view.policy, person_month, view.deferrals)), "basis": person_month.basis,
            "reference_year": person_month.reference_year, "due_on": person_month.due_on.isoformat(),
        })
    return rows
