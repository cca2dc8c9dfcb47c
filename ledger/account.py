"""The personal account (个人账户, ACC-1..ACC-4): dated movements folded from a person's facts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ledger import history
from ledger.assessment import account_credit
from ledger.contribution_months import person_months
from ledger.deferral import is_deferred
from ledger.errors import RuleViolation
from ledger.events import LedgerEvent
from ledger.lifecycle_events import AccountSpent, TransferredIn, TransferredOut
from ledger.money import ZERO
from ledger.month import Month
from ledger.policy import Policy
from ledger.retirement import benefits_start


@dataclass(frozen=True)
class Movement:
    on: datetime.date
    kind: str
    amount: Decimal
    """Signed: credits positive, debits negative."""
    detail: str


def movements(policy: Policy, events: Iterable[LedgerEvent], deferrals: dict[str, list[tuple[Month, Month]]],
              until: datetime.date) -> list[Movement]:
    """Every credit and debit dated by `until`, in date order."""
    events = list(events)
    found = _contribution_credits(policy, events, deferrals) + _retired_credits(policy, events, until)
    for event in history.standing(events):
        if isinstance(event, TransferredIn) and event.balance:
            found.append(Movement(event.on, "transfer-in", event.balance, f"from {event.from_region}"))
        elif isinstance(event, TransferredOut) and event.balance:
            found.append(Movement(event.on, "transfer-out", -event.balance, f"to {event.to_region}"))
        elif isinstance(event, AccountSpent):
            found.append(Movement(event.on, "spent", -event.amount, event.facility or ""))
    return sorted((m for m in found if m.on <= until), key=lambda m: (m.on, m.amount < 0))


def _contribution_credits(policy, events, deferrals) -> list[Movement]:
    """ACC-1: each paid month credits its account share when its money arrives; ACC-2: none if deferred or back-paid."""
    credits = []
    for month, person_month in person_months(events).items():
        deferred = is_deferred(deferrals.get(person_month.employer or "", []), month)
        if person_month.paid_before_true_up or person_month.paid:
            if person_month.back_pay or deferred:
                continue
            amount = account_credit(policy, person_month.scheme, month, person_month.base, person_month.personal_part)
            credits.append(Movement(max(month.first_day, person_month.last_received_on), "credit", amount, str(month)))
    return credits


def _retired_credits(policy, events, until: datetime.date) -> list[Movement]:
    """ACC-1: a retired person is credited the policy's fixed amount each month from benefits' start."""
    start = benefits_start(events, until)
    if start is None:
        return []
    credits, month = [], start
    while month.first_day <= until:
        credits.append(Movement(month.first_day, "credit", policy.decimal("retired_account_credit", month.first_day),
                                f"{month} retired"))
        month += 1
    return credits


def balance(moves: Iterable[Movement]) -> Decimal:
    return sum((m.amount for m in moves), ZERO)


def summary(moves: list[Movement]) -> dict[str, Decimal]:
    credited = sum((m.amount for m in moves if m.amount > 0), ZERO)
    spent = -sum((m.amount for m in moves if m.kind == "spent"), ZERO)
    return {"balance": balance(moves), "credited": credited, "spent": spent}


def spendable(moves: list[Movement], on: datetime.date) -> Decimal:
    """ACC-3: what may be spent on `on` without overdrawing that day or any later one already recorded."""
    running = sum((m.amount for m in moves if m.on <= on), ZERO)
    lowest = running
    for move in moves:
        if move.on > on:
            running += move.amount
            lowest = min(lowest, running)
    return max(ZERO, lowest)


def horizon(events: Iterable[LedgerEvent], on: datetime.date) -> datetime.date:
    """The last date any fact touches the account: after it only credits can follow."""
    dates = [max(e.effective_date, getattr(e, "received_on", e.effective_date)) for e in events]
    return max([on, *dates])


def refuse_overdraft(policy: Policy, events: list[LedgerEvent], deferrals: dict[str, list[tuple[Month, Month]]],
                     seq: int) -> None:
    """ACC-3 after a correction: taking back a credit already spent would leave the account negative."""
    running = ZERO
    for move in movements(policy, events, deferrals, horizon(events, datetime.date.min)):
        running += move.amount
        if running < 0:
            raise RuleViolation("ACC-3", f"reversing event {seq} would leave the account at {running} on "
                                         f"{move.on}; reverse the spending first")
