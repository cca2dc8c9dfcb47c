"""Staff changes (单位人员增减, CON-9): who is on an employer's staff in a month, and when a change counts."""

from __future__ import annotations

import datetime
from uuid import UUID

from ledger.contributions.events import StaffHired, StaffLeft
from ledger.contributions.months import PersonMonth, table
from ledger.core.errors import RuleViolation
from ledger.core.i18n import _
from ledger.core.month import Month
from ledger.core.policy import Policy
from ledger.core.view import View


def staff_change_month(policy: Policy, requested: Month, declared_on: datetime.date) -> Month:
    """CON-9: a change for month M counts from M if declared by the cut-off day of M-1, else a month later."""
    cutoff_day = policy.integer("staff_change_cutoff_day", declared_on)
    declared_month = Month.of(declared_on)
    earliest = declared_month + 1 if declared_on.day <= cutoff_day else declared_month + 2
    return max(requested, earliest)


def staff_on(employer: View, on: datetime.date) -> dict[UUID, str]:
    """Person id -> ID number as declared, for those on the staff on `on`."""
    def fold() -> dict[UUID, str]:
        staff: dict[UUID, str] = {}
        for event in employer.by(on):
            if isinstance(event, StaffHired):
                staff[event.person_id] = event.id_number
            elif isinstance(event, StaffLeft):
                staff.pop(event.person_id, None)
        return staff

    return employer.memo(("staff", on), fold)


def staff_during(employer: View, year: int) -> set[UUID]:
    """Everyone on the staff in at least one month of the year."""
    return set().union(*(staff_on(employer, Month(year, n).first_day) for n in range(1, 13)))


def ever_staff(employer: View) -> set[UUID]:
    """Everyone the employer ever declared: whose months its averages and debts are made of."""
    return {e.person_id for e in employer.of(StaffHired)}


def staff_months(reader, code: str) -> list[PersonMonth]:
    """Every month of everyone ever on the employer's staff (their months for other employers included).

    `reader` is a unit of work: it gives the employer's and its staff's views.
    """
    employer = reader.view(reader.employer(code))
    return [pm for person_id in ever_staff(employer) for pm in table(reader.view(reader.get(person_id))).values()]


def check_hire(staff: dict[UUID, str], person_id: UUID, id_number: str, code: str, month: Month) -> None:
    if person_id in staff:
        raise RuleViolation("CON-9", _("{id_number} is already on the staff of {code} in {month}").format(
            id_number=id_number, code=code, month=month))


def check_leave(staff: dict[UUID, str], person_id: UUID, id_number: str, code: str, month: Month) -> None:
    if person_id not in staff:
        raise RuleViolation("CON-9", _("{id_number} is not on the staff of {code} in {month}").format(
            id_number=id_number, code=code, month=month))
