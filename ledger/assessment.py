"""What a month costs (CON-7): base x rate, each part rounded half-up to the fen."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ledger.money import ZERO, round_fen
from ledger.month import Month
from ledger.policy import Policy


@dataclass(frozen=True)
class Amounts:
    employer_part: Decimal
    personal_part: Decimal

    @property
    def total(self) -> Decimal:
        return self.employer_part + self.personal_part


def amounts(policy: Policy, scheme: str, month: Month, base: Decimal) -> Amounts:
    """Employee: the employer's and the personal rate; flexible: the flexible rate, all paid by the person."""
    on = month.first_day
    if scheme == "employee":
        return Amounts(_part(base, policy.decimal("employee_rate_employer", on)),
                       _part(base, policy.decimal("employee_rate_personal", on)))
    if scheme == "flexible":
        return Amounts(ZERO, _part(base, policy.decimal("flexible_rate", on)))
    raise ValueError(f"no contribution rate for the {scheme} scheme")


def account_credit(policy: Policy, scheme: str, month: Month, base: Decimal, personal_part: Decimal) -> Decimal:
    """ACC-1 as far as contributions go: the personal part (employee) or the account share (flexible)."""
    if scheme == "flexible":
        return _part(base, policy.decimal("flexible_rate_account", month.first_day))
    return personal_part


def _part(base: Decimal, rate: Decimal) -> Decimal:
    return round_fen(base * rate)
