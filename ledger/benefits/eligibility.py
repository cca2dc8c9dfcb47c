"""May the person use their account, and do they have pooled benefits, on a date? (WAIT-1..WAIT-9, RET-1)

A pure fold over the person's view: the same function answers for any date and, given a view as known at a
moment, as known at that moment.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass, replace

from ledger.benefits.interruption import interrupted_from
from ledger.benefits.retirement import benefits_start, shortfall_left
from ledger.contributions.months import PersonMonth, receipts_reached, table, table_on
from ledger.core.month import Month
from ledger.core.view import Deferrals, View
from ledger.registration.person_state import state_on
from ledger.resident import rules as resident


@dataclass(frozen=True)
class Eligibility:
    account: bool
    pooled: bool
    pooled_from: datetime.date | None
    reason: str
    scheme: str | None = None
    """Whose pooled benefits apply (WAIT-9: never both the employee and the resident scheme)."""


def eligibility(view: View, on: datetime.date) -> Eligibility:
    return view.memo(("eligibility", on), lambda: _eligibility(view, on))


def _eligibility(view: View, on: datetime.date) -> Eligibility:
    state = state_on(view, on)
    if not state.registered:
        why = f"REG-5: registration ended ({state.cancelled_reason}) on {state.cancelled_on}" if state.cancelled_on \
            else f"REG-2: not registered on {on}"
        return Eligibility(False, False, None, why)
    if state.scheme == "retired":
        return _retired(view, on)
    months = table_on(view, on)
    counted = view.memo(("counted months", receipts_reached(view, on)), lambda: [m for m, pm in months.items()
                                                                                 if counts(pm)])
    last = bisect.bisect_right(counted, Month.of(on))
    employee_until = counted[last - 1] if last else None
    covered, since, why = resident.coverage(view, on, employee_until)
    if state.scheme == "resident":
        return Eligibility(False, covered, since, why, "resident" if covered else None)
    employee = _employee(months, view.deferrals, on) if state.scheme == "employee" \
        else _flexible(view, months, on)
    if employee.pooled:
        suffix = "; WAIT-9: employee benefits first" if covered else ""
        return replace(employee, reason=employee.reason + suffix, scheme="employee")
    if covered:
        return replace(employee, pooled=True, pooled_from=since, scheme="resident",
                       reason=f"WAIT-9: resident benefits apply while {employee.reason}")
    return employee


def _retired(view: View, on: datetime.date) -> Eligibility:
    start = benefits_start(view, on)
    if start is None or start.first_day > on:
        left = shortfall_left(view, on)
        if left:
            return Eligibility(False, False, None, f"RET-1: {left} months short; benefits start the month after "
                                                   "the shortfall is back-paid")
        return Eligibility(False, False, start.first_day if start else None, f"RET-1: benefits start {start}")
    return Eligibility(True, True, start.first_day, f"RET-1: retired, benefits since {start}", "employee")


def counts(person_month: PersonMonth | None) -> bool:
    """A month that counts for benefits: paid with its own money in time, not a back-payment (WAIT-6)."""
    return person_month is not None and person_month.settled and not person_month.back_pay


def _employee(months: dict[Month, PersonMonth], deferrals: Deferrals, on: datetime.date) -> Eligibility:
    """WAIT-1: the account from the first paid month, pooled from the month after; WAIT-3, WAIT-7."""
    current = Month.of(on)

    def covered(month: Month) -> bool:
        person_month = months.get(month)
        if person_month is None or person_month.cancelled or person_month.back_pay:
            return False
        return counts(person_month) or person_month.deferred_under(deferrals) or person_month.due_on >= on

    if not covered(current):
        last = max((m for m in months if m < current and covered(m)), default=None)
        if last is None:
            return Eligibility(False, False, None, "WAIT-1: no paid month yet")
        return Eligibility(False, False, None, f"WAIT-3: contributions stopped from {last + 1}")
    start = current
    while covered(start - 1):
        start -= 1
    first_paid = next((start + i for i in range(start.months_until(current) + 1) if counts(months.get(start + i))),
                      None)
    if first_paid is None:
        return Eligibility(False, False, None, "WAIT-1: no paid month yet")
    pooled_from = (first_paid + 1).first_day
    reason = "WAIT-7: deferred by the employer, benefits continue" if months[current].deferred_under(deferrals) \
        else f"WAIT-1: first paid month {first_paid}, pooled from the month after"
    return Eligibility(True, pooled_from <= on, pooled_from, reason)


def _flexible(view: View, months: dict[Month, PersonMonth], on: datetime.date) -> Eligibility:
    """WAIT-2: pooled only after the waiting months are paid; WAIT-4: an interruption stops it; WAIT-5: anew."""
    current, waiting = Month.of(on), view.policy.integer("flexible_waiting_months", on)
    ever_paid = any(counts(pm) for m, pm in months.items() if m <= current)
    interrupted = interrupted_from(view, on)
    if not counts(months.get(current)) or (interrupted is not None and interrupted <= current):
        if not ever_paid:
            return Eligibility(False, False, None, f"WAIT-2: no paid month yet; {waiting} months to wait")
        stopped = interrupted or next(m for m in _back_from(current) if counts(months.get(m - 1)))
        return Eligibility(True, False, None, f"WAIT-4: payment interrupted from {stopped}; the account stays usable")
    start = current
    while counts(months.get(start - 1)):
        start -= 1
    resumed = any(counts(pm) for m, pm in months.items() if m < start)
    paid = start.months_until(current) + 1
    pooled_from = (start + waiting).first_day
    rule = "WAIT-5: resumed" if resumed else "WAIT-2"
    if paid > waiting:
        return Eligibility(True, True, pooled_from, f"{rule}: {paid} months paid since {start}, pooled from {start + waiting}")
    return Eligibility(True, False, pooled_from, f"{rule}: {paid} of {waiting} months paid")


def _back_from(month: Month):
    while True:
        yield month
        month -= 1


@dataclass(frozen=True)
class Period:
    """Eligibility that stays the same over [valid_from, valid_until)."""

    valid_from: datetime.date
    valid_until: datetime.date
    eligibility: Eligibility


def periods(view: View, until: datetime.date) -> list[Period]:
    """The fold above, evaluated at every date where it can change and merged into periods, from the first
    registration to `until`: the same answers as `eligibility(view, d)` for every d in between (the eligibility
    table of the read side). Dates before a registration, or after one reversed, have no period."""
    found: list[Period] = []
    dates = change_points(view, until)
    for day, following in zip(dates, [*dates[1:], until]):
        if not state_on(view, day).registered and state_on(view, day).cancelled_on is None:
            continue
        answer = eligibility(view, day)
        if found and found[-1].eligibility == answer and found[-1].valid_until == day:
            found[-1] = Period(found[-1].valid_from, following, answer)
        else:
            found.append(Period(day, following, answer))
    return found


def change_points(view: View, until: datetime.date) -> list[datetime.date]:
    """Where the fold can give another answer: each month's first day (the current month, deferrals, years),
    each fact's effective date, each receipt's date, the day after each due date, each resident cover's start,
    and each policy value's first day."""
    if not view.standing:
        return []
    first = view.standing[0].effective_date
    points = {e.effective_date for e in view.standing}
    month = Month.of(first)
    while month.first_day < until:
        points.add(month.first_day)
        month += 1
    for person_month in table(view).values():
        points.update(receipt[0] for receipt in person_month.receipts)
        points.add(person_month.due_on + datetime.timedelta(days=1))
    points.update(resident.cover_starts(view))
    points.update(p.effective_from for p in view.policy.parameters)
    return sorted(day for day in points if first <= day < until)
