"""The personal account (个人账户, ACC-1..ACC-4): dated movements folded from a person's view."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ledger.benefits.events import AccountSpent, TransferredIn, TransferredOut
from ledger.benefits.retirement import benefits_start
from ledger.contributions.months import PersonMonth, table
from ledger.core.errors import RuleViolation
from ledger.core.i18n import N_, _, reworded
from ledger.core.money import ZERO, round_fen
from ledger.core.policy import Policy
from ledger.core.view import Deferrals, View
from ledger.medical.events import BenefitSettled

SPENDING = ("spent", "settled")
"""ACC-3: what the account pays: spending at the counter, and the account part of a settlement (BEN-1)."""


@dataclass(frozen=True)
class Movement:
    on: datetime.date
    kind: str
    amount: Decimal
    """Signed: credits positive, debits negative."""
    detail: str


def credits(person_month: PersonMonth, deferrals: Deferrals) -> bool:
    """ACC-1: a month credits the account once it counts as paid; ACC-2: a deferred or back-paid one never."""
    return person_month.settled and not person_month.back_pay and not person_month.deferred_under(deferrals)


def credit(policy: Policy, person_month: PersonMonth, deferrals: Deferrals) -> Decimal:
    """ACC-1: the personal part (employee) or the flexible rate's account share, for a month that credits."""
    if not credits(person_month, deferrals):
        return ZERO
    if person_month.scheme == "flexible":
        return round_fen(person_month.base * policy.decimal("flexible_rate_account", person_month.month.first_day))
    return person_month.personal_part


def movements(view: View, until: datetime.date) -> list[Movement]:
    """Every credit and debit dated by `until`, in date order."""
    return view.memo(("movements", until), lambda: _movements(view, until))


def _movements(view: View, until: datetime.date) -> list[Movement]:
    found = _contribution_credits(view) + _retired_credits(view, until)
    for event in view.of(TransferredIn, TransferredOut, AccountSpent, BenefitSettled):
        if isinstance(event, BenefitSettled):
            if event.account:
                found.append(Movement(event.discharged or event.on, "settled", -event.account, event.institution_name))
        elif isinstance(event, TransferredIn) and event.balance:
            found.append(Movement(event.on, "transfer-in", event.balance,
                                  N_("from {region}").format(region=event.from_region)))
        elif isinstance(event, TransferredOut) and event.balance:
            found.append(Movement(event.on, "transfer-out", -event.balance,
                                  N_("to {region}").format(region=event.to_region)))
        elif isinstance(event, AccountSpent):
            found.append(Movement(event.on, "spent", -event.amount, event.facility or ""))
    return sorted((m for m in found if m.on <= until), key=lambda m: (m.on, m.amount < 0))


def _contribution_credits(view: View) -> list[Movement]:
    """ACC-1: each paid month credits its account share when its money arrives."""
    found = []
    for month, person_month in table(view).items():
        if credits(person_month, view.deferrals):
            found.append(Movement(max(month.first_day, person_month.last_received_on), "credit",
                                  credit(view.policy, person_month, view.deferrals), str(month)))
    return found


def _retired_credits(view: View, until: datetime.date) -> list[Movement]:
    """ACC-1: a retired person is credited the policy's fixed amount each month from benefits' start."""
    start = benefits_start(view, until)
    if start is None:
        return []
    credits, month = [], start
    while month.first_day <= until:
        credits.append(Movement(month.first_day, "credit",
                                view.policy.decimal("retired_account_credit", month.first_day),
                                N_("{month} retired").format(month=month)))
        month += 1
    return credits


def balance(moves: list[Movement]) -> Decimal:
    return sum((m.amount for m in moves), ZERO)


def summary(moves: list[Movement]) -> dict[str, Decimal]:
    """ACC-4: the balance, all ever credited and all spent, after these movements."""
    totals = {"balance": ZERO, "credited": ZERO, "spent": ZERO}
    for totals in running(moves):
        pass
    return totals


def running(moves: list[Movement]) -> Iterator[dict[str, Decimal]]:
    """The summary after each movement in turn (what the read side stores beside each row)."""
    balance_, credited, spent = ZERO, ZERO, ZERO
    for move in moves:
        balance_ += move.amount
        credited += move.amount if move.amount > 0 else ZERO
        spent -= move.amount if move.kind in SPENDING else ZERO
        yield {"balance": balance_, "credited": credited, "spent": spent}


def spendable(moves: list[Movement], on: datetime.date) -> Decimal:
    """ACC-3: what may be spent on `on` without overdrawing that day or any later one already recorded."""
    running = sum((m.amount for m in moves if m.on <= on), ZERO)
    lowest = running
    for move in moves:
        if move.on > on:
            running += move.amount
            lowest = min(lowest, running)
    return max(ZERO, lowest)


def horizon(view: View, on: datetime.date) -> datetime.date:
    """The last date any fact touches the account: after it only credits can follow."""
    dates = [max(e.effective_date, getattr(e, "received_on", e.effective_date)) for e in view.events]
    return max([on, *dates])


def check_spending(moves: list[Movement], amount: Decimal, usable: bool, reason: str, on: datetime.date) -> None:
    """ACC-3: only from a usable account, and never beyond the balance of that day and every later one."""
    if not usable:
        raise RuleViolation(reason.split(":")[0], _("the account cannot be used on {on} ({reason})").format(
            on=on, reason=reworded(reason)))
    available = spendable(moves, on)
    if amount > available:
        raise RuleViolation("ACC-3", _("{available} may be spent on {on} (the balance then and after), less than "
                                       "{amount}").format(available=available, on=on, amount=amount))


def refuse_overdraft(view: View, seq: int) -> None:
    """ACC-3 after a correction: taking back a credit already spent would leave the account negative."""
    running = ZERO
    for move in movements(view, horizon(view, datetime.date.min)):
        running += move.amount
        if running < 0:
            raise RuleViolation("ACC-3", _("reversing event {seq} would leave the account at {balance} on {on}; "
                                           "reverse the spending first").format(seq=seq, balance=running, on=move.on))
