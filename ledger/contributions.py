"""Contribution handlers: assess a month, settle declarations and true-ups, cancel what went unpaid.

Each handler loads the streams it needs, lets them decide, and commits in bounded chunks, so a long run
that stops part-way can simply be run again: every step skips what is already recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ledger import registry
from ledger.assessment import amounts
from ledger.bases import Reference, base_floor, clamp_base, reference_wage
from ledger.contribution_months import PersonMonth
from ledger.employer import Employer
from ledger.employer_state import declared_wages
from ledger.errors import RuleViolation
from ledger.interruption import resumed_on
from ledger.money import round_fen
from ledger.month import Month
from ledger.person import Person
from ledger.policy import Policy

CHUNK = 500


@dataclass
class Report:
    assessed: int = 0
    already: int = 0
    reassessed: int = 0
    cancelled: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def employee_due_on(policy: Policy, month: Month) -> datetime.date:
    return month.day(policy.integer("employee_due_day", month.first_day))


# -- assessment ---------------------------------------------------------------------------------


def assess_month(ledger: Any, *, month: Month, operator: str, employer_code: str | None = None,
                 estimate_base: Decimal | None = None, progress: Callable[[], None] | None = None) -> Report:
    """CON-6: assess every insured person of the month (one employer's staff with `employer_code`)."""
    policy, report = ledger.policy, Report()
    employers = [ledger.find_employer(employer_code)] if employer_code else _all(ledger, registry.employer_ids(ledger))
    for employer in employers:
        _assess_staff(ledger, policy, employer, month, operator, estimate_base, report)
        if progress:
            progress()
    if employer_code is None:
        _assess_flexible(ledger, policy, month, operator, report)
        report.cancelled += cancel_overdue(ledger, due_before=month.first_day, on=month.first_day, operator=operator)
    return report


def _assess_staff(ledger, policy, employer: Employer, month: Month, operator: str, estimate_base, report) -> None:
    state = employer.state_on(month.first_day)
    if not state.registered:
        return
    wages = declared_wages(employer.history, month.year)
    with Pending(ledger) as changed:
        for person_id, id_number in state.staff.items():
            _assess_employee(policy, ledger.repository.get(person_id), id_number, state.code, wages.get(person_id),
                             month, operator, estimate_base, report, changed)


def _assess_employee(policy, person: Person, id_number: str, code: str, wage, month: Month, operator: str,
                     estimate_base, report: Report, changed: Pending) -> None:
    if _assessed(person, month):
        report.already += 1
        return
    try:
        person.require_registered(month.last_day)
        base, basis, reference_year = _employee_base(policy, month, wage, person, estimate_base)
    except RuleViolation as refusal:
        # One person's problem (cancelled, no base) must not stop the month for everyone else.
        report.skipped.append((id_number, str(refusal)))
        return
    parts = amounts(policy, "employee", month, base)
    person.assess(month=month, scheme="employee", employer=code, base=base,
                  employer_part=parts.employer_part, personal_part=parts.personal_part, total=parts.total,
                  basis=basis, reference_year=reference_year, notice=f"{code}/{month}",
                  due_on=employee_due_on(policy, month), operator=operator, documents=[])
    changed.add(person)
    report.assessed += 1


def _employee_base(policy: Policy, month: Month, wage: Decimal | None, person: Person,
                   estimate_base: Decimal | None) -> tuple[Decimal, str, int | None]:
    """CON-2 with a declared wage; CON-4 without: 110 % of last month, else the clerk's estimate."""
    if wage is not None:
        reference = reference_wage(policy, month.year)
        return clamp_base(policy, reference, month, wage), "declared", reference.year
    previous = person.months().get(month - 1)
    if previous is not None and not previous.cancelled:
        ratio = policy.decimal("provisional_assessment_ratio", month.first_day)
        return round_fen(previous.base * ratio), "provisional", None
    if estimate_base is not None:
        return estimate_base, "estimate", None
    raise RuleViolation("CON-4", f"no declared base, no assessment for {month - 1}: give --estimate-base")


def _assess_flexible(ledger, policy: Policy, month: Month, operator: str, report: Report) -> None:
    """CON-5: a new flexible person owes the rest of the year; in Q4 everyone is assessed for next year."""
    with Pending(ledger) as changed:
        for person in _all(ledger, registry.person_ids(ledger)):
            report.assessed += _assess_flexible_person(policy, person, month, operator, changed)


def _assess_flexible_person(policy: Policy, person: Person, month: Month, operator: str, changed: Pending) -> int:
    state = person.state_on(month.last_day)
    if not state.registered or state.scheme != "flexible" or person.interrupted_from(month.last_day):
        return 0
    months = person.months()
    years = {m.year for m in months}
    interrupted = any(pm.cancelled for m, pm in months.items() if m.year == month.year)
    # A resumption (WAIT-5, CON-5) is assessed like a new enrolment, from its month.
    start = Month.of(max(state.registered_on, resumed_on(person.history, month.last_day) or state.registered_on))
    lumps = []
    if start.year == month.year and not any(m >= start for m in months if not months[m].cancelled):
        lumps.append((start, Month(month.year, 12), Month(month.year, 12).last_day))
    if month.number >= 10 and month.year + 1 not in years and not interrupted:
        lumps.append((Month(month.year + 1, 1), Month(month.year + 1, 12), Month(month.year, 12).last_day))
    assessed = sum(_assess_lump(policy, person, first, last, due_on, operator) for first, last, due_on in lumps)
    if assessed:
        changed.add(person)  # only once its events exist: adding may commit the chunk at once
    return assessed


def _assess_lump(policy: Policy, person: Person, first: Month, last: Month, due_on: datetime.date,
                 operator: str) -> int:
    notice = f"{person.state_on(last.last_day).id_number}/{first}..{last}"
    count = 0
    for i in range(first.months_until(last) + 1):
        month = first + i
        base, basis, reference = _flexible_base(policy, person, month)
        parts = amounts(policy, "flexible", month, base)
        person.assess(month=month, scheme="flexible", employer=None, base=base, employer_part=parts.employer_part,
                      personal_part=parts.personal_part, total=parts.total, basis=basis,
                      reference_year=reference.year, notice=notice, due_on=due_on, operator=operator, documents=[])
        count += 1
    return count


def _flexible_base(policy: Policy, person: Person, month: Month) -> tuple[Decimal, str, Reference]:
    """CON-5: the minimum base, or the person's chosen higher base (held under the ceiling, CON-2)."""
    reference = reference_wage(policy, month.year)
    chosen = person.chosen_base(month)
    if chosen is None:
        return base_floor(policy, reference, month), "minimum", reference
    return clamp_base(policy, reference, month, chosen), "chosen", reference


def _assessed(person: Person, month: Month) -> bool:
    existing = person.months().get(month)
    return existing is not None and not existing.cancelled


def assess_back_pay(policy: Policy, person: Person, first: Month, last: Month, on: datetime.date, operator: str,
                    documents: list[str]) -> int:
    """WAIT-6, RET-1 (补缴): each unpaid month of the gap at the minimum base in force for it, due this month.

    Back-paid months count toward contribution months only: no benefits for them, no account credit.
    """
    if last < first or last >= Month.of(on):
        raise RuleViolation("WAIT-6", f"back-payment covers past months only ({first}..{last} on {on})")
    state = person.require_registered(on)
    scheme = "flexible" if state.scheme in ("flexible", "retired", "resident") else state.scheme
    months = [first + i for i in range(first.months_until(last) + 1)]
    paid = [str(m) for m in months if _assessed(person, m) and person.months()[m].received > 0]
    if paid:
        raise RuleViolation("WAIT-6", f"{', '.join(paid)} already paid: nothing to back-pay")
    for month in months:
        existing = person.months().get(month)
        if existing is not None and not existing.cancelled:
            person.cancel_assessment(month=month, rule="WAIT-6", on=on, operator=operator)
        reference = reference_wage(policy, month.year)
        base = base_floor(policy, reference, month)
        parts = amounts(policy, scheme, month, base)
        person.assess(month=month, scheme=scheme, employer=None, base=base, employer_part=parts.employer_part,
                      personal_part=parts.personal_part, total=parts.total, basis="back-pay",
                      reference_year=reference.year, notice=f"back-pay {first}..{last} {on}",
                      due_on=Month.of(on).last_day, operator=operator, documents=documents)
    return len(months)


# -- re-assessment ------------------------------------------------------------------------------


def true_up(ledger: Any, *, contribution_year: int, on: datetime.date, operator: str) -> Report:
    """CON-3: once Y-1's average is published, re-assess Y's months assessed against Y-2's; record 补差."""
    policy, report = ledger.policy, Report()
    reference = reference_wage(policy, contribution_year)
    due_on = Month(contribution_year, 12).last_day
    wages_by_employer: dict[str, dict] = {}
    with Pending(ledger) as changed:
        for person in _all(ledger, registry.person_ids(ledger)):
            report.reassessed += _true_up_person(ledger, policy, reference, person, due_on, operator,
                                                 wages_by_employer, changed)
    return report


def _true_up_person(ledger, policy, reference: Reference, person: Person, due_on, operator, wages_by_employer,
                    changed: Pending) -> int:
    stale = [pm for m, pm in person.months().items() if m.year == reference.year + 1 and not pm.cancelled
             and pm.reference_year is not None and pm.reference_year < reference.year]
    count = 0
    for person_month in stale:
        base = _rebase(ledger, policy, reference, person, person_month, wages_by_employer)
        count += _reassess(policy, person, person_month, base, reference.year, "CON-3", due_on, operator,
                           keep_if_equal=False)
    if count:
        changed.add(person)
    return count


def _rebase(ledger, policy, reference: Reference, person: Person, person_month: PersonMonth, wages_by_employer):
    if person_month.basis == "declared":
        code = person_month.employer
        if code not in wages_by_employer:
            wages_by_employer[code] = declared_wages(ledger.find_employer(code).history, reference.year + 1)
        return clamp_base(policy, reference, person_month.month, wages_by_employer[code][person.id])
    if person_month.basis == "chosen":
        return clamp_base(policy, reference, person_month.month, person.chosen_base(person_month.month))
    return base_floor(policy, reference, person_month.month)


def _reassess(policy: Policy, person: Person, person_month: PersonMonth, base: Decimal, reference_year: int | None,
              rule: str, due_on: datetime.date, operator: str, keep_if_equal: bool, basis: str | None = None) -> bool:
    parts = amounts(policy, person_month.scheme, person_month.month, base)
    difference = parts.total - person_month.total
    if difference == 0 and not keep_if_equal:
        return False
    person.reassess(month=person_month.month, base=base, employer_part=parts.employer_part,
                    personal_part=parts.personal_part, total=parts.total, basis=basis or person_month.basis,
                    reference_year=reference_year, difference=difference, rule=rule, due_on=due_on,
                    operator=operator, documents=[])
    return True


def settle_declaration(ledger: Any, *, employer: Employer, year: int, on: datetime.date, operator: str) -> Report:
    """CON-4: months assessed provisionally are re-assessed on the declared bases and the difference settled."""
    policy, report = ledger.policy, Report()
    reference = reference_wage(policy, year)
    wages = declared_wages(employer.history, year)
    code = employer.state_on(on).code
    due_on = Month.of(on).last_day
    with Pending(ledger) as changed:
        for person in _all(ledger, wages):
            provisional = [pm for m, pm in person.months().items() if m.year == year and not pm.cancelled
                           and pm.employer == code and pm.basis in ("provisional", "estimate")]
            for person_month in provisional:
                base = clamp_base(policy, reference, person_month.month, wages[person.id])
                _reassess(policy, person, person_month, base, reference.year, "CON-4", due_on, operator,
                          keep_if_equal=True, basis="declared")
            if provisional:
                report.reassessed += len(provisional)
                changed.add(person)
    return report


# -- cancellation -------------------------------------------------------------------------------


def cancel_overdue(ledger: Any, *, due_before: datetime.date, on: datetime.date, operator: str) -> int:
    """CON-5: flexible assessments still unpaid after their due date are cancelled (撤销核定单)."""
    cancelled = 0
    with Pending(ledger) as changed:
        for person in _all(ledger, registry.person_ids(ledger)):
            overdue = [m for m, pm in person.months().items() if pm.scheme == "flexible" and not pm.cancelled
                       and pm.received == 0 and pm.due_on < due_before]
            for month in overdue:
                person.cancel_assessment(month=month, rule="CON-5", on=on, operator=operator)
            if overdue:
                cancelled += len(overdue)
                changed.add(person)
    return cancelled


def close_year(ledger: Any, *, year: int, on: datetime.date, operator: str) -> int:
    if on <= datetime.date(year, 12, 31):
        raise RuleViolation("CON-5", f"{year}'s unpaid assessments are cancelled only once {year} is over")
    return cancel_overdue(ledger, due_before=datetime.date(year + 1, 1, 1), on=on, operator=operator)


# -- helpers ------------------------------------------------------------------------------------


def _all(ledger: Any, ids: Iterable) -> Iterable:
    for aggregate_id in ids:
        yield ledger.repository.get(aggregate_id)


class Pending:
    """Aggregates with new events, committed every CHUNK of them so memory and transactions stay bounded."""

    def __init__(self, ledger: Any):
        self.ledger, self.aggregates = ledger, []

    def add(self, aggregate: Any) -> None:
        """Add an aggregate whose new events are all triggered: reaching CHUNK commits them now."""
        self.aggregates.append(aggregate)
        if len(self.aggregates) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.aggregates:
            self.ledger.commit(*self.aggregates)
            self.aggregates = []

    def __enter__(self) -> Pending:
        return self

    def __exit__(self, error_type, *_: Any) -> None:
        if error_type is None:
            self.flush()
