"""Special refunds (特殊退费, REF-1, REF-2): the pooled-fund part of the latest flexible year."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Iterable

from ledger import history
from ledger.contribution_months import person_months
from ledger.errors import RuleViolation
from ledger.events import LedgerEvent
from ledger.lifecycle_events import AccountSpent
from ledger.maternity_events import BenefitPaid, RefundPaid
from ledger.money import round_fen
from ledger.month import Month
from ledger.policy import Policy

REF_1_REASONS = ("death", "out-of-province", "to-resident")
REF_2_REASONS = ("to-employee", "retired")


def refund(policy: Policy, events: Iterable[LedgerEvent], reason: str, on: datetime.date) -> tuple[int, list[Month], Decimal]:
    """The year, the months and the amount refunded; refuses, naming the rule, when the conditions fail."""
    events = list(events)
    rule = "REF-1" if reason in REF_1_REASONS else "REF-2"
    flexible = {m: pm for m, pm in person_months(events).items()
                if pm.scheme == "flexible" and not pm.cancelled and not pm.back_pay}
    paid_years = sorted({m.year for m, pm in flexible.items() if pm.paid})
    if not paid_years:
        raise RuleViolation(rule, "no flexible contribution was paid: only a flexible person's payment is refunded")
    year = paid_years[-1]
    unpaid = [str(m) for m, pm in flexible.items() if m.year == year and not pm.paid]
    if unpaid:
        raise RuleViolation(rule, f"{year} is not paid in full ({', '.join(unpaid)} unpaid)")
    if any(isinstance(e, RefundPaid) and e.year == year for e in history.standing(events)):
        raise RuleViolation(rule, f"{year} was refunded already")
    months = sorted(m for m in flexible if m.year == year)
    if rule == "REF-1":
        used = [e for e in history.standing(events)
                if isinstance(e, (AccountSpent, BenefitPaid)) and e.on.year == year]
        if used:
            raise RuleViolation("REF-1", f"benefits were used in {year} ({type(used[0]).__name__} on {used[0].on})")
    else:
        months = [m for m in months if m >= Month.of(on)]
        if not months:
            raise RuleViolation("REF-2", f"no month of {year} is left after the change in {Month.of(on)}")
    amount = sum((round_fen(flexible[m].base * policy.decimal("flexible_rate_pooled", m.first_day))
                  for m in months), Decimal("0.00"))
    return year, months, amount
