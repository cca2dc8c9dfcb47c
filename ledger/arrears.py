"""What an employer owes (欠费): assessed for its staff, not received (REG-4, CON-8)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ledger.contribution_months import PersonMonth
from ledger.deferral import is_deferred
from ledger.money import ZERO
from ledger.month import Month


@dataclass(frozen=True)
class Debt:
    owed: Decimal
    """Everything assessed and not received, due or not, deferred or not: what REG-4 checks."""
    arrears: Decimal
    """Due by the date, not deferred on it, not received."""
    deferred: Decimal


def employer_debt(code: str, months: Iterable[PersonMonth], deferrals: list[tuple[Month, Month]],
                  on: datetime.date) -> Debt:
    owed = arrears = deferred = ZERO
    for person_month in months:
        if person_month.employer != code or person_month.outstanding <= 0:
            continue
        owed += person_month.outstanding
        if is_deferred(deferrals, person_month.month) and Month.of(on) < _deferral_end(deferrals, person_month.month):
            deferred += person_month.outstanding
        else:
            arrears += person_month.overdue(on)
    return Debt(owed, arrears, deferred)


def _deferral_end(deferrals: list[tuple[Month, Month]], month: Month) -> Month:
    return next(until for start, until in deferrals if start <= month < until)
