"""Contribution handlers: declare bases, defer, staff changes, assess a month, true up, cancel what went unpaid.

The month's assessment, the true-up and the closing of a year run over many people: they commit every CHUNK
changed streams, so memory and transactions stay bounded and a run that stops part-way can simply be run
again: every step skips what is already recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ledger.benefits.interruption import interrupted_from, resumed_on
from ledger.contributions.assessment import (
    amounts,
    assessed,
    check_staff_scheme,
    employee_base,
    employee_due_on,
    flexible_base,
    flexible_lumps,
)
from ledger.contributions.bases import (
    Reference,
    base_floor,
    check_chosen_base,
    check_declaration,
    chosen_base,
    clamp_base,
    declared_wages,
    reference_wage,
)
from ledger.contributions.deferral import check_deferral, deferral_periods
from ledger.contributions.events import (
    AssessmentCancelled,
    BaseChosen,
    BasesDeclared,
    ContributionAssessed,
    ContributionReassessed,
    DeferralAgreed,
    StaffHired,
    StaffLeft,
)
from ledger.contributions.months import PersonMonth, table
from ledger.contributions.staffing import (
    check_hire,
    check_leave,
    staff_change_month,
    staff_during,
    staff_on,
)
from ledger.core.errors import BadInput, RuleViolation
from ledger.core.i18n import _
from ledger.core.month import Month
from ledger.intake.files import WageRow
from ledger.policy.book import AverageWagePublished, check_average_wage
from ledger.registration.employer_state import employer_state
from ledger.registration.person import Person
from ledger.registration.person_state import state_on
from ledger.registration.rules import require_employer_registered, require_registered

CHUNK = 500


@dataclass
class Report:
    assessed: int = 0
    already: int = 0
    reassessed: int = 0
    cancelled: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


# -- recording an assessment --------------------------------------------------------------------------


def record_assessment(uow, person: Person, **assessment: Any) -> None:
    """CON-6: one standing assessment per person-month, for a registered person (a back-payment may fill
    months before this registration: it needs the registration on its due date)."""
    month = assessment["month"]
    view = uow.view(person)
    existing = table(view).get(month)
    if existing is not None and not existing.cancelled:
        raise RuleViolation("CON-6", _("{month} is already assessed (notice {notice})").format(
            month=month, notice=existing.notice))
    due = Month.of(assessment["due_on"]).last_day if assessment["basis"] == "back-pay" else month.last_day
    require_registered(view, due)
    person.record(ContributionAssessed, **assessment)


def assess_at_minimum(uow, person: Person, month: Month, *, scheme: str, basis: str, notice: str,
                      due_on: datetime.date, operator: str, documents: list[str]) -> None:
    """A month at the minimum base in force for it (CON-5's floor; WAIT-6's back-payment)."""
    reference = reference_wage(uow.policy, month.year)
    base = base_floor(uow.policy, reference, month)
    parts = amounts(uow.policy, scheme, month, base)
    record_assessment(uow, person, month=month, scheme=scheme, employer=None, base=base,
                      employer_part=parts.employer_part, personal_part=parts.personal_part, total=parts.total,
                      basis=basis, reference_year=reference.year, notice=notice, due_on=due_on, operator=operator,
                      documents=documents)


def cancel_assessment(person: Person, person_month: PersonMonth, *, rule: str, on: datetime.date,
                      operator: str) -> None:
    person.record(AssessmentCancelled, month=person_month.month, notice=person_month.notice, rule=rule, on=on,
                  operator=operator, documents=[])


def _reassess(uow, person: Person, person_month: PersonMonth, base: Decimal, reference_year: int | None, rule: str,
              due_on: datetime.date, operator: str, keep_if_equal: bool, basis: str | None = None) -> bool:
    parts = amounts(uow.policy, person_month.scheme, person_month.month, base)
    difference = parts.total - person_month.total
    if difference == 0 and not keep_if_equal:
        return False
    person.record(ContributionReassessed, month=person_month.month, base=base, employer_part=parts.employer_part,
                  personal_part=parts.personal_part, total=parts.total, basis=basis or person_month.basis,
                  reference_year=reference_year, difference=difference, rule=rule, due_on=due_on,
                  operator=operator, documents=[])
    return True


# -- the employer's declarations ------------------------------------------------------------------------


def declare_bases(uow, *, code: str, year: int, rows: list[WageRow], file_digest: str, on: datetime.date,
                  operator: str, documents: list[str] = ()) -> Report:
    """CON-1 then CON-4: record the declared wages, then settle months assessed provisionally.

    A row for someone not on the employer's staff that year refuses the whole file.
    """
    employer = uow.employer(code)
    staff = staff_during(uow.view(employer), year)
    persons, problems = {}, []
    for row in rows:
        person = uow.person_or_none(row.id_number)
        if person is None:
            problems.append(_("row {row}: {id_number} is not registered").format(row=row.row,
                                                                                  id_number=row.id_number))
            continue
        persons[row.id_number] = person.id
        if person.id not in staff:
            problems.append(_("row {row}: {id_number} is not on the staff of {code} in {year}").format(
                row=row.row, id_number=row.id_number, code=code, year=year))
    if problems:
        raise BadInput("file", "; ".join(problems))
    require_employer_registered(uow.view(employer), on)
    wages = {persons[r.id_number]: r.wage for r in rows}
    id_numbers = {p: n for n, p in persons.items()}
    check_declaration(uow.view(employer), year, wages, id_numbers)
    employer.record(BasesDeclared, year=year, wages={p.hex: w for p, w in wages.items()},
                    id_numbers={p.hex: n for p, n in id_numbers.items()}, file_digest=file_digest, on=on,
                    operator=operator, documents=list(documents))
    uow.commit()
    return settle_declaration(uow, code=code, year=year, on=on, operator=operator)


def settle_declaration(uow, *, code: str, year: int, on: datetime.date, operator: str) -> Report:
    """CON-4: months assessed provisionally are re-assessed on the declared bases and the difference settled."""
    report = Report()
    reference = reference_wage(uow.policy, year)
    wages = declared_wages(uow.view(uow.employer(code)), year)
    due_on = Month.of(on).last_day
    with Chunks(uow) as chunks:
        for person in _persons(uow, list(wages)):
            provisional = [pm for m, pm in table(uow.view(person)).items() if m.year == year and not pm.cancelled
                           and pm.employer == code and pm.basis in ("provisional", "estimate")]
            for person_month in provisional:
                base = clamp_base(uow.policy, reference, person_month.month, wages[person.id])
                _reassess(uow, person, person_month, base, reference.year, "CON-4", due_on, operator,
                          keep_if_equal=True, basis="declared")
            if provisional:
                report.reassessed += len(provisional)
                chunks.changed()
    return report


def defer(uow, *, code: str, month: Month, months: int, on: datetime.date, operator: str,
          documents: list[str] = ()) -> None:
    """CON-8: a deferral agreement, at most the policy's months in a row."""
    employer = uow.employer(code)
    view = uow.view(employer)
    require_employer_registered(view, on)
    check_deferral(uow.policy, deferral_periods(view), month, months)
    employer.record(DeferralAgreed, month=month, until=month + months, on=on, operator=operator,
                    documents=list(documents))
    uow.commit()


def hire(uow, *, code: str, id_number: str, month: Month, declared_on: datetime.date, operator: str,
         documents: list[str] = ()) -> Month:
    """CON-9: returns the month the hire takes effect, after the cut-off."""
    employer, person = uow.employer(code), uow.person(id_number)
    effective = staff_change_month(uow.policy, month, declared_on)
    require_registered(uow.view(person), effective.last_day)
    record_hire(uow, employer, person, id_number=id_number, requested_month=month, month=effective,
                declared_on=declared_on, operator=operator, documents=list(documents))
    uow.commit()
    return effective


def record_hire(uow, employer: Any, person: Person, *, id_number: str, requested_month: Month, month: Month,
                declared_on: datetime.date, operator: str, documents: list[str]) -> None:
    view = uow.view(employer)
    state = require_employer_registered(view, month.last_day)
    check_hire(staff_on(view, month.last_day), person.id, id_number, state.code, month)
    employer.record(StaffHired, person_id=person.id, id_number=id_number, requested_month=requested_month,
                    month=month, declared_on=declared_on, operator=operator, documents=documents)


def leave(uow, *, code: str, id_number: str, month: Month, declared_on: datetime.date, operator: str,
          documents: list[str] = ()) -> Month:
    employer, person = uow.employer(code), uow.person(id_number)
    effective = staff_change_month(uow.policy, month, declared_on)
    view = uow.view(employer)
    check_leave(staff_on(view, effective.first_day), person.id, id_number, employer_state(view, effective.first_day)
                .code, effective)
    employer.record(StaffLeft, person_id=person.id, id_number=id_number, requested_month=month, month=effective,
                    declared_on=declared_on, operator=operator, documents=list(documents))
    uow.commit()
    return effective


def choose_base(uow, *, id_number: str, base: Decimal, month: Month, on: datetime.date, operator: str) -> Decimal:
    """CON-5: never below the minimum base of the month; above the ceiling, the ceiling is what counts."""
    person = uow.person(id_number)
    reference = reference_wage(uow.policy, month.year)
    state = require_registered(uow.view(person), month.last_day)
    check_chosen_base(state.scheme, state.id_number, base, base_floor(uow.policy, reference, month), month)
    person.record(BaseChosen, month=month, base=base, operator=operator, documents=[])
    uow.commit()
    return clamp_base(uow.policy, reference, month, base)


# -- assessment of a month --------------------------------------------------------------------------------


def assess_month(uow, *, month: Month, operator: str, employer_code: str | None = None,
                 estimate_base: Decimal | None = None, progress: Callable[[], None] | None = None) -> Report:
    """CON-6: assess every insured person of the month (one employer's staff with `employer_code`)."""
    report = Report()
    employers = [uow.employer(employer_code)] if employer_code else uow.employers_staffed(month)
    with Chunks(uow) as chunks:
        for employer in employers:
            _assess_staff(uow, employer, month, operator, estimate_base, report, chunks)
            if progress:
                progress()
        if employer_code is None:
            for person in _persons(uow, uow.registered_as("flexible", month.last_day)):
                assessed_months = _assess_flexible(uow, person, month, operator)
                report.assessed += assessed_months
                if assessed_months:
                    chunks.changed()
    if employer_code is None:
        report.cancelled += cancel_overdue(uow, due_before=month.first_day, on=month.first_day, operator=operator)
    return report


def _assess_staff(uow, employer: Any, month: Month, operator: str, estimate_base: Decimal | None, report: Report,
                  chunks: Chunks) -> None:
    view = uow.view(employer)
    state = employer_state(view, month.first_day)
    if not state.registered:
        return
    wages = declared_wages(view, month.year)
    staff = staff_on(view, month.first_day)
    for person in _persons(uow, list(staff)):
        person_id, id_number = person.id, staff[person.id]
        months = table(uow.view(person))
        if assessed(months, month):
            report.already += 1
            continue
        try:
            check_staff_scheme(require_registered(uow.view(person), month.last_day), month)
            base, basis, reference_year = employee_base(uow.policy, month, wages.get(person_id),
                                                        months.get(month - 1), estimate_base)
        except RuleViolation as refusal:
            # One person's problem (cancelled, no base) must not stop the month for everyone else.
            report.skipped.append((id_number, str(refusal)))
            continue
        parts = amounts(uow.policy, "employee", month, base)
        record_assessment(uow, person, month=month, scheme="employee", employer=state.code, base=base,
                          employer_part=parts.employer_part, personal_part=parts.personal_part, total=parts.total,
                          basis=basis, reference_year=reference_year, notice=f"{state.code}/{month}",
                          due_on=employee_due_on(uow.policy, month), operator=operator, documents=[])
        chunks.changed()
        report.assessed += 1


def _assess_flexible(uow, person: Person, month: Month, operator: str) -> int:
    """CON-5: a new flexible person owes the rest of the year; in Q4 everyone is assessed for next year."""
    view = uow.view(person)
    state = state_on(view, month.last_day)
    if not state.registered or state.scheme != "flexible" or interrupted_from(view, month.last_day):
        return 0
    # A resumption (WAIT-5, CON-5) is assessed like a new enrolment, from its month.
    start = Month.of(max(state.registered_on, resumed_on(view, month.last_day) or state.registered_on))
    count = 0
    for first, last, due_on in flexible_lumps(table(view), start, month):
        notice = f"{state_on(uow.view(person), last.last_day).id_number}/{first}..{last}"
        for i in range(first.months_until(last) + 1):
            # A cancellation already on file ends the lump sum: nobody owes months after leaving (REG-5).
            if state_on(uow.view(person), (first + i).last_day).registered:
                count += _assess_flexible_month(uow, person, first + i, notice, due_on, operator)
    return count


def _assess_flexible_month(uow, person: Person, month: Month, notice: str, due_on: datetime.date,
                           operator: str) -> int:
    base, basis, reference = flexible_base(uow.policy, uow.view(person), month)
    parts = amounts(uow.policy, "flexible", month, base)
    record_assessment(uow, person, month=month, scheme="flexible", employer=None, base=base,
                      employer_part=parts.employer_part, personal_part=parts.personal_part, total=parts.total,
                      basis=basis, reference_year=reference.year, notice=notice, due_on=due_on, operator=operator,
                      documents=[])
    return 1


# -- re-assessment ---------------------------------------------------------------------------------------


def publish_average_wage(uow, *, year: int, annual: Decimal, on: datetime.date, operator: str,
                         documents: list[str] = ()) -> Report:
    """CON-3: record the publication, then true up year+1's months assessed on an older average."""
    check_average_wage(year, annual, on)
    uow.policy_book(operator).record(AverageWagePublished, year=year, annual=annual, on=on, operator=operator,
                             documents=list(documents))
    uow.commit()
    return true_up(uow, contribution_year=year + 1, on=on, operator=operator)


def true_up(uow, *, contribution_year: int, on: datetime.date, operator: str) -> Report:
    """CON-3: once Y-1's average is published, re-assess Y's months assessed against Y-2's; record 补差."""
    report = Report()
    reference = reference_wage(uow.policy, contribution_year)
    due_on = Month(contribution_year, 12).last_day
    wages_by_employer: dict[str, dict] = {}
    with Chunks(uow) as chunks:
        stale = uow.with_months("month >= ? AND month <= ? AND cancelled = ? AND reference_year < ?",
                                [f"{contribution_year}-01", f"{contribution_year}-12", False, reference.year])
        for person in _persons(uow, stale):
            count = _true_up_person(uow, reference, person, due_on, operator, wages_by_employer)
            report.reassessed += count
            if count:
                chunks.changed()
    return report


def _true_up_person(uow, reference: Reference, person: Person, due_on: datetime.date, operator: str,
                    wages_by_employer: dict[str, dict]) -> int:
    stale = [pm for m, pm in table(uow.view(person)).items() if m.year == reference.year + 1 and not pm.cancelled
             and pm.reference_year is not None and pm.reference_year < reference.year]
    count = 0
    for person_month in stale:
        base = _rebase(uow, reference, person, person_month, wages_by_employer)
        count += _reassess(uow, person, person_month, base, reference.year, "CON-3", due_on, operator,
                           keep_if_equal=False)
    return count


def _rebase(uow, reference: Reference, person: Person, person_month: PersonMonth,
            wages_by_employer: dict[str, dict]) -> Decimal:
    month = person_month.month
    if person_month.basis == "declared":
        code = person_month.employer
        if code not in wages_by_employer:
            wages_by_employer[code] = declared_wages(uow.view(uow.employer(code)), reference.year + 1)
        return clamp_base(uow.policy, reference, month, wages_by_employer[code][person.id])
    if person_month.basis == "chosen":
        return clamp_base(uow.policy, reference, month, chosen_base(uow.view(person), month))
    return base_floor(uow.policy, reference, month)


# -- cancellation ----------------------------------------------------------------------------------------


def cancel_overdue(uow, *, due_before: datetime.date, on: datetime.date, operator: str) -> int:
    """CON-5: flexible assessments still unpaid after their due date are cancelled (撤销核定单)."""
    cancelled = 0
    with Chunks(uow) as chunks:
        for person in _persons(uow, uow.with_months("scheme = ? AND state = ? AND due_on < ?",
                                                     ["flexible", "assessed", due_before])):
            overdue = [pm for pm in table(uow.view(person)).values() if pm.scheme == "flexible"
                       and not pm.cancelled and pm.received == 0 and pm.due_on < due_before]
            for person_month in overdue:
                cancel_assessment(person, person_month, rule="CON-5", on=on, operator=operator)
            if overdue:
                cancelled += len(overdue)
                chunks.changed()
    return cancelled


def close_year(uow, *, year: int, on: datetime.date, operator: str) -> int:
    if on <= datetime.date(year, 12, 31):
        raise RuleViolation("CON-5", _("{year}'s unpaid assessments are cancelled only once {year} is over").format(
            year=year))
    return cancel_overdue(uow, due_before=datetime.date(year + 1, 1, 1), on=on, operator=operator)


# -- helpers ---------------------------------------------------------------------------------------------


def _persons(uow, ids: list[Any], page: int = 200) -> Iterator[Person]:
    """The persons, read in bulk a page at a time (a batch job's memory stays bounded by the chunk it commits)."""
    ids = list(ids)
    for start in range(0, len(ids), page):
        uow.trim(4 * page)
        yield from uow.persons(ids[start:start + page])


class Chunks:
    """Commits every CHUNK changed streams, so memory and transactions stay bounded; the rest at the end."""

    def __init__(self, uow):
        self.uow, self.count = uow, 0

    def changed(self) -> None:
        self.count += 1
        if self.count >= CHUNK:
            self.uow.commit()
            self.count = 0

    def __enter__(self) -> Chunks:
        return self

    def __exit__(self, error_type, *_: Any) -> None:
        if error_type is None:
            self.uow.commit()
