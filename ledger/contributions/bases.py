"""Contribution bases (缴费基数): declarations (CON-1), the reference average wage and the clamp (CON-2, CON-3)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from ledger.contributions.events import BaseChosen, BasesDeclared
from ledger.core.errors import RuleViolation
from ledger.core.i18n import _, term
from ledger.core.money import round_fen, round_to
from ledger.core.month import Month
from ledger.core.policy import Policy
from ledger.core.view import View


@dataclass(frozen=True)
class Reference:
    """The average wage a contribution year is assessed against; `year` is the wage's own year."""

    year: int
    annual: Decimal

    def provisional_for(self, contribution_year: int) -> bool:
        """CON-3: assessed against Y-2's average because Y-1's was not yet published."""
        return self.year < contribution_year - 1


def reference_wage(policy: Policy, contribution_year: int) -> Reference:
    """CON-2: year Y uses Y-1's average; CON-3: until it is published, Y-2's."""
    for year in (contribution_year - 1, contribution_year - 2):
        wage = policy.average_wages.get(year)
        if wage is not None:
            return Reference(year, wage.annual)
    raise RuleViolation("CON-3", _("neither {first}'s nor {second}'s average wage is published: run "
                                   "`yibao policy publish-average-wage`").format(first=contribution_year - 1,
                                                                                 second=contribution_year - 2))


def _monthly(policy: Policy, ratio_name: str, reference: Reference, on: datetime.date) -> Decimal:
    quantum = policy.decimal("base_quantum", on)
    return round_to(policy.decimal(ratio_name, on) * reference.annual / 12, quantum)


def base_floor(policy: Policy, reference: Reference, month: Month) -> Decimal:
    return _monthly(policy, "base_floor_ratio", reference, month.first_day)


def base_ceiling(policy: Policy, reference: Reference, month: Month) -> Decimal:
    return _monthly(policy, "base_ceiling_ratio", reference, month.first_day)


def clamp_base(policy: Policy, reference: Reference, month: Month, wage: Decimal) -> Decimal:
    """CON-2: the declared monthly wage, held within [60 %, 300 %] of the reference average / 12."""
    return round_fen(min(max(wage, base_floor(policy, reference, month)), base_ceiling(policy, reference, month)))


def declared_wages(employer: View, year: int) -> dict[UUID, Decimal]:
    """CON-1: each person's declared monthly wage for the year (later declarations add people)."""
    wages: dict[UUID, Decimal] = {}
    for event in employer.of(BasesDeclared):
        if event.year == year:
            wages.update({UUID(person): wage for person, wage in event.wages.items()})
    return wages


def check_declaration(employer: View, year: int, wages: dict[UUID, Decimal], id_numbers: dict[UUID, str]) -> None:
    """CON-1: once a year; a later declaration may only add people not yet declared."""
    already = set(declared_wages(employer, year)) & set(wages)
    if already:
        numbers = ", ".join(sorted(id_numbers[p] for p in already))
        raise RuleViolation("CON-1", _("bases for {year} are already declared for {id_numbers}; a declared base "
                                       "changes only through a reviewed change").format(year=year, id_numbers=numbers))


def chosen_base(person: View, month: Month) -> Decimal | None:
    """CON-5: the higher base a flexible person chose, in force for `month`."""
    chosen = [e for e in person.of(BaseChosen) if e.month <= month]
    return chosen[-1].base if chosen else None


def check_chosen_base(scheme: str | None, id_number: str, base: Decimal, floor: Decimal, month: Month) -> None:
    """CON-5: a flexible person may choose a higher base, never one below the minimum."""
    if scheme != "flexible":
        raise RuleViolation("CON-5", _("only a flexible person chooses a base ({id_number} is {scheme})").format(
            id_number=id_number, scheme=term(scheme)))
    if base < floor:
        raise RuleViolation("CON-5", _("a base of {base} is below the minimum base {floor} for {month}").format(
            base=base, floor=floor, month=month))
