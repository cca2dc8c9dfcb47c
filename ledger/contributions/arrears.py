"""What an employer owes (欠费): assessed for its staff, not received (REG-4, CON-8)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ledger.contributions.deferral import deferral_periods, is_deferred
from ledger.contributions.months import PersonMonth
from ledger.core.money import ZERO
from ledger.core.month import Month


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


def debt_of(reader, code: str, on: datetime.date) -> Debt:
    """REG-4, CON-8: what the employer's staff (ever) were assessed for it and it has not paid.

    `reader` is a unit of work: it gives the employer's view and the months assessed for it.
    """
    return employer_debt(code, reader.employer_months(code), deferral_periods(reader.view(reader.employer(code))), on)
