"""Contribution bases (缴费基数): the reference average wage and the clamp (CON-2, CON-3)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from ledger.errors import RuleViolation
from ledger.money import round_fen, round_to
from ledger.month import Month
from ledger.policy import Policy


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
    raise RuleViolation("CON-3", f"neither {contribution_year - 1}'s nor {contribution_year - 2}'s average wage "
                                 "is published: run `yibao policy publish-average-wage`")


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
