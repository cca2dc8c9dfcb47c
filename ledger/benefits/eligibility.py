"""May the person use their account, and do they have pooled benefits, on a date? (WAIT-1..WAIT-9, RET-1)

A pure fold over the person's view: the same function answers for any date and, given a view as known at a
moment, as known at that moment.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from ledger.benefits.coverage import Coverage, counts, coverage
from ledger.benefits.interruption import interrupted_from
from ledger.benefits.retirement import benefits_start, shortfall_left
from ledger.contributions.months import table
from ledger.core.i18n import N_
from ledger.core.month import Month
from ledger.core.view import View
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
        why = N_("REG-5: registration ended ({reason}) on {on}").format(
            reason=state.cancelled_reason, on=state.cancelled_on) if state.cancelled_on \
            else N_("REG-2: not registered on {on}").format(on=on)
        return Eligibility(False, False, None, why)
    if state.scheme == "retired":
        return _retired(view, on)
    months = coverage(view, on)
    covered, since, why = resident.coverage(view, on, months.last_counting_before(Month.of(on) + 1))
    if state.scheme == "resident":
        return Eligibility(False, covered, since, why, "resident" if covered else None)
    employee = _employee(months, on) if state.scheme == "employee" else _flexible(view, months, on)
    if employee.pooled:
        reason = N_("{reason}; WAIT-9: employee benefits first").format(reason=employee.reason) if covered \
            else employee.reason
        return replace(employee, reason=reason, scheme="employee")
    if covered:
        return replace(employee, pooled=True, pooled_from=since, scheme="resident",
                       reason=N_("WAIT-9: resident benefits apply while {reason}").format(reason=employee.reason))
    return employee


def _retired(view: View, on: datetime.date) -> Eligibility:
    start = benefits_start(view, on)
    if start is None or start.first_day > on:
        left = shortfall_left(view, on)
        if left:
            return Eligibility(False, False, None, N_("RET-1: {months} months short; benefits start the month "
                                                      "after the shortfall is back-paid").format(months=left))
        return Eligibility(False, False, start.first_day if start else None,
                           N_("RET-1: benefits start {month}").format(month=start))
    return Eligibility(True, True, start.first_day, N_("RET-1: retired, benefits since {month}").format(month=start),
                       "employee")


def _employee(months: Coverage, on: datetime.date) -> Eligibility:
    """WAIT-1: the account from the first paid month, pooled from the month after; WAIT-3, WAIT-7. A month is
    covered when it counts, is deferred by the employer, or is not yet due on `on`."""
    current = Month.of(on)
    if not months.covered_on(current, on):
        last = months.last_covered_before(current, on)
        if last is None:
            return Eligibility(False, False, None, N_("WAIT-1: no paid month yet"))
        return Eligibility(False, False, None, N_("WAIT-3: contributions stopped from {month}").format(month=last + 1))
    first_paid = months.first_counting_from(months.run_from(current, on))
    if first_paid is None or first_paid > current:
        return Eligibility(False, False, None, N_("WAIT-1: no paid month yet"))
    pooled_from = (first_paid + 1).first_day
    reason = N_("WAIT-7: deferred by the employer, benefits continue") \
        if months.months[current].deferred_under(months.deferrals) \
        else N_("WAIT-1: first paid month {month}, pooled from the month after").format(month=first_paid)
    return Eligibility(True, pooled_from <= on, pooled_from, reason)


def _flexible(view: View, months: Coverage, on: datetime.date) -> Eligibility:
    """WAIT-2: pooled only after the waiting months are paid; WAIT-4: an interruption stops it; WAIT-5: anew."""
    current, waiting = Month.of(on), view.policy.integer("flexible_waiting_months", on)
    interrupted = interrupted_from(view, on)
    if not counts(months.months.get(current)) or (interrupted is not None and interrupted <= current):
        if months.last_counting_before(current + 1) is None:
            return Eligibility(False, False, None, N_("WAIT-2: no paid month yet; {waiting} months to wait").format(
                waiting=waiting))
        before = months.last_counting_before(current)
        stopped = interrupted or (before + 1 if before is not None else current)
        return Eligibility(True, False, None, N_("WAIT-4: payment interrupted from {month}; the account stays "
                                                 "usable").format(month=stopped))
    start = months.counting_run_from(current)
    resumed = months.last_counting_before(start) is not None
    paid = start.months_until(current) + 1
    pooled_from = (start + waiting).first_day
    if paid > waiting:
        said = N_("WAIT-5: resumed: {paid} months paid since {start}, pooled from {month}") if resumed \
            else N_("WAIT-2: {paid} months paid since {start}, pooled from {month}")
        return Eligibility(True, True, pooled_from, said.format(paid=paid, start=start, month=start + waiting))
    said = N_("WAIT-5: resumed: {paid} of {waiting} months paid") if resumed \
        else N_("WAIT-2: {paid} of {waiting} months paid")
    return Eligibility(True, False, pooled_from, said.format(paid=paid, waiting=waiting))


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
