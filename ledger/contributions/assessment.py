"""What a month costs and on which base (CON-2, CON-4, CON-5, CON-7, WAIT-6): pure functions of policy and view."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledger.contributions.bases import (
    Reference,
    base_floor,
    chosen_base,
    clamp_base,
    reference_wage,
)
from ledger.contributions.months import PersonMonth
from ledger.core.errors import RuleViolation
from ledger.core.i18n import _, term
from ledger.core.money import ZERO, round_fen
from ledger.core.month import Month
from ledger.core.policy import Policy
from ledger.core.view import View


@dataclass(frozen=True)
class Amounts:
    employer_part: Decimal
    personal_part: Decimal

    @property
    def total(self) -> Decimal:
        return self.employer_part + self.personal_part


def amounts(policy: Policy, scheme: str, month: Month, base: Decimal) -> Amounts:
    """CON-7: employee: the employer's and the personal rate; flexible: the flexible rate, all paid by the person."""
    on = month.first_day
    if scheme == "employee":
        return Amounts(round_fen(base * policy.decimal("employee_rate_employer", on)),
                       round_fen(base * policy.decimal("employee_rate_personal", on)))
    if scheme == "flexible":
        return Amounts(ZERO, round_fen(base * policy.decimal("flexible_rate", on)))
    raise ValueError(f"no contribution rate for the {scheme} scheme")


def employee_due_on(policy: Policy, month: Month) -> datetime.date:
    return month.day(policy.integer("employee_due_day", month.first_day))


def employee_base(policy: Policy, month: Month, wage: Decimal | None, previous: PersonMonth | None,
                  estimate_base: Decimal | None) -> tuple[Decimal, str, int | None]:
    """CON-2 with a declared wage; CON-4 without: 110 % of last month, else the clerk's estimate."""
    if wage is not None:
        reference = reference_wage(policy, month.year)
        return clamp_base(policy, reference, month, wage), "declared", reference.year
    if previous is not None and not previous.cancelled:
        ratio = policy.decimal("provisional_assessment_ratio", month.first_day)
        return round_fen(previous.base * ratio), "provisional", None
    if estimate_base is not None:
        return estimate_base, "estimate", None
    raise RuleViolation("CON-4", _("no declared base, no assessment for {month}: give --estimate-base").format(
        month=month - 1))


def flexible_base(policy: Policy, person: View, month: Month) -> tuple[Decimal, str, Reference]:
    """CON-5: the minimum base, or the person's chosen higher base (held under the ceiling, CON-2)."""
    reference = reference_wage(policy, month.year)
    chosen = chosen_base(person, month)
    if chosen is None:
        return base_floor(policy, reference, month), "minimum", reference
    return clamp_base(policy, reference, month, chosen), "chosen", reference


def flexible_lumps(months: dict[Month, PersonMonth], start: Month, month: Month
                   ) -> list[tuple[Month, Month, datetime.date]]:
    """CON-5: a new (or resumed) flexible enrolment owes the rest of its year at once; in Q4 everyone is assessed
    for next year, due by 31 December. Returns (first, last, due on) of each lump sum to assess."""
    # Months cancelled before a resumption (WAIT-5) do not stop next year's assessment: the enrolment started anew.
    interrupted = any(pm.cancelled for m, pm in months.items() if m.year == month.year and m >= start)
    lumps = []
    if start.year == month.year and not any(m >= start for m in months if not months[m].cancelled):
        lumps.append((start, Month(month.year, 12), Month(month.year, 12).last_day))
    if month.number >= 10 and month.year + 1 not in {m.year for m in months} and not interrupted:
        lumps.append((Month(month.year + 1, 1), Month(month.year + 1, 12), Month(month.year, 12).last_day))
    return lumps


def back_pay_months(months: dict[Month, PersonMonth], first: Month, last: Month, on: datetime.date) -> list[Month]:
    """WAIT-6, RET-1 (补缴): the gap's months, all in the past and none of them paid yet."""
    if last < first or last >= Month.of(on):
        raise RuleViolation("WAIT-6", _("back-payment covers past months only ({first}..{last} on {on})").format(
            first=first, last=last, on=on))
    gap = [first + i for i in range(first.months_until(last) + 1)]
    paid = [str(m) for m in gap if m in months and not months[m].cancelled and months[m].received > 0]
    if paid:
        raise RuleViolation("WAIT-6", _("{months} already paid: nothing to back-pay").format(months=", ".join(paid)))
    return gap


def back_pay_scheme(scheme: str | None) -> str:
    """Who pays a gap back: an employee's gap at the employee rates, anyone else's at the flexible rate."""
    return "employee" if scheme == "employee" else "flexible"


def assessed(months: dict[Month, PersonMonth], month: Month) -> bool:
    """CON-6: one standing assessment per person-month."""
    existing = months.get(month)
    return existing is not None and not existing.cancelled


def check_staff_scheme(state: Any, month: Month) -> None:
    """CON-9: a staff member is assessed as an employee only while in the employee scheme; a retiree (RET-1) or
    someone moved to another scheme still on the staff is the employer's leaving to declare."""
    if state.scheme != "employee":
        raise RuleViolation("CON-9", _("{id_number} is {scheme}, not an employee, in {month}: record their leaving "
                                       "the staff").format(id_number=state.id_number, scheme=term(state.scheme),
                                                           month=month))
