"""May the person use their account, and do they have pooled benefits, on a date? (WAIT-1..WAIT-7, RET-1)

A pure fold: the same function answers for any date and, given only the facts known at a moment,
as known at that moment.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Iterable

from ledger import resident
from ledger.contribution_months import PersonMonth, person_months, received_by
from ledger.deferral import is_deferred
from ledger.events import LedgerEvent
from ledger.interruption import interrupted_from
from ledger.month import Month
from ledger.person_state import person_state
from ledger.policy import Policy
from ledger.retirement import benefits_start, shortfall_left


@dataclass(frozen=True)
class Eligibility:
    account: bool
    pooled: bool
    pooled_from: datetime.date | None
    reason: str
    scheme: str | None = None
    """Whose pooled benefits apply (WAIT-9: never both the employee and the resident scheme)."""


def eligibility(policy: Policy, events: Iterable[LedgerEvent], deferrals: dict[str, list[tuple[Month, Month]]],
                on: datetime.date) -> Eligibility:
    events = list(events)
    state = person_state(events, on)
    if not state.registered:
        why = f"REG-5: registration ended ({state.cancelled_reason}) on {state.cancelled_on}" if state.cancelled_on \
            else f"REG-2: not registered on {on}"
        return Eligibility(False, False, None, why)
    if state.scheme == "retired":
        return _retired(events, on)
    months = person_months(received_by(events, on))
    employee_until = max((m for m, pm in months.items() if _paid(pm) and m <= Month.of(on)), default=None)
    covered, since, why = resident.coverage(policy, events, resident.hardship_on(events, on), on, employee_until)
    if state.scheme == "resident":
        return Eligibility(False, covered, since, why, "resident" if covered else None)
    employee = _employee(months, deferrals, on) if state.scheme == "employee" else _flexible(policy, months, events, on)
    if employee.pooled:
        suffix = "; WAIT-9: employee benefits first" if covered else ""
        return replace(employee, reason=employee.reason + suffix, scheme="employee")
    if covered:
        return replace(employee, pooled=True, pooled_from=since, scheme="resident",
                       reason=f"WAIT-9: resident benefits apply while {employee.reason}")
    return employee


def _retired(events: list[LedgerEvent], on: datetime.date) -> Eligibility:
    start = benefits_start(events, on)
    if start is None or start.first_day > on:
        left = shortfall_left(events, on)
        if left:
            return Eligibility(False, False, None, f"RET-1: {left} months short; benefits start the month after "
                                                   "the shortfall is back-paid")
        return Eligibility(False, False, start.first_day if start else None, f"RET-1: benefits start {start}")
    return Eligibility(True, True, start.first_day, f"RET-1: retired, benefits since {start}", "employee")


def _paid(person_month: PersonMonth | None) -> bool:
    """A month that counts for benefits: paid with its own money in time, not a back-payment (WAIT-6)."""
    return person_month is not None and (person_month.paid or person_month.paid_before_true_up) \
        and not person_month.back_pay


def _employee(months: dict[Month, PersonMonth], deferrals, on: datetime.date) -> Eligibility:
    """WAIT-1: the account from the first paid month, pooled from the month after; WAIT-3, WAIT-7."""
    current = Month.of(on)

    def covered(month: Month) -> bool:
        person_month = months.get(month)
        if person_month is None or person_month.cancelled or person_month.back_pay:
            return False
        deferred = is_deferred(deferrals.get(person_month.employer or "", []), month)
        return _paid(person_month) or deferred or person_month.due_on >= on

    if not covered(current):
        last = max((m for m in months if m < current and covered(m)), default=None)
        if last is None:
            return Eligibility(False, False, None, "WAIT-1: no paid month yet")
        return Eligibility(False, False, None, f"WAIT-3: contributions stopped from {last + 1}")
    start = current
    while covered(start - 1):
        start -= 1
    first_paid = next((start + i for i in range(start.months_until(current) + 1) if _paid(months.get(start + i))),
                      None)
    if first_paid is None:
        return Eligibility(False, False, None, "WAIT-1: no paid month yet")
    pooled_from = (first_paid + 1).first_day
    deferred = is_deferred(deferrals.get(months[current].employer or "", []), current)
    reason = "WAIT-7: deferred by the employer, benefits continue" if deferred else \
        f"WAIT-1: first paid month {first_paid}, pooled from the month after"
    return Eligibility(True, pooled_from <= on, pooled_from, reason)


def _flexible(policy: Policy, months: dict[Month, PersonMonth], events: list[LedgerEvent],
              on: datetime.date) -> Eligibility:
    """WAIT-2: pooled only after the waiting months are paid; WAIT-4: an interruption stops it; WAIT-5: anew."""
    current, waiting = Month.of(on), policy.integer("flexible_waiting_months", on)
    ever_paid = any(_paid(pm) for m, pm in months.items() if m <= current)
    interrupted = interrupted_from(events, on)
    if not _paid(months.get(current)) or (interrupted is not None and interrupted <= current):
        if not ever_paid:
            return Eligibility(False, False, None, f"WAIT-2: no paid month yet; {waiting} months to wait")
        stopped = interrupted or next(m for m in _back_from(current) if _paid(months.get(m - 1)))
        return Eligibility(True, False, None, f"WAIT-4: payment interrupted from {stopped}; the account stays usable")
    start = current
    while _paid(months.get(start - 1)):
        start -= 1
    resumed = any(_paid(pm) for m, pm in months.items() if m < start)
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
