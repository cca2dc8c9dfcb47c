"""Each person-month's assessment, receipts and settlement: a pure fold over a person's standing facts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable

from ledger import history
from ledger.contribution_events import (
    AssessmentCancelled,
    ContributionAssessed,
    ContributionReassessed,
    ContributionReceived,
)
from ledger.deferral import is_deferred
from ledger.events import LedgerEvent
from ledger.lifecycle_events import TransferredIn
from ledger.money import ZERO
from ledger.month import Month

COUNTED = ("paid", "trued-up")


@dataclass(frozen=True)
class PersonMonth:
    month: Month
    scheme: str
    employer: str | None
    base: Decimal
    employer_part: Decimal
    personal_part: Decimal
    total: Decimal
    basis: str
    reference_year: int | None
    notice: str
    due_on: datetime.date
    received: Decimal = ZERO
    true_up: Decimal = ZERO
    true_up_due_on: datetime.date | None = None
    cancelled: bool = False
    last_received_on: datetime.date | None = None

    @property
    def back_pay(self) -> bool:
        """WAIT-6: a month of an interrupted period paid afterwards (补缴)."""
        return self.basis == "back-pay"

    @property
    def outstanding(self) -> Decimal:
        return ZERO if self.cancelled else self.total - self.received

    def overdue(self, on: datetime.date) -> Decimal:
        """What should have been received before `on`: the first assessment by its due date, a true-up by its own."""
        due = ZERO
        if on > self.due_on:
            due += self.total - self.true_up
        if self.true_up_due_on is not None and on > self.true_up_due_on:
            due += self.true_up
        return ZERO if self.cancelled else max(ZERO, due - self.received)

    @property
    def paid(self) -> bool:
        """CON-6: only received money makes a month paid."""
        return not self.cancelled and self.received >= self.total

    @property
    def paid_before_true_up(self) -> bool:
        return not self.cancelled and self.true_up > 0 and self.received >= self.total - self.true_up

    def state_with(self, deferrals: dict[str, list[tuple[Month, Month]]]) -> str:
        return self.state(is_deferred(deferrals.get(self.employer or "", []), self.month))

    def state(self, deferred: bool) -> str:
        """MON-1."""
        if self.cancelled:
            return "cancelled"
        if self.paid:
            return "back-paid" if self.back_pay else "paid"
        if self.paid_before_true_up:
            return "trued-up"
        return "deferred" if deferred else "assessed"


def person_months(events: Iterable[LedgerEvent]) -> dict[Month, PersonMonth]:
    """Fold assessments, re-assessments, receipts and cancellations, month by month."""
    months: dict[Month, PersonMonth] = {}
    for event in history.standing(events):
        if isinstance(event, ContributionAssessed):
            months[event.month] = PersonMonth(
                month=event.month, scheme=event.scheme, employer=event.employer, base=event.base,
                employer_part=event.employer_part, personal_part=event.personal_part, total=event.total,
                basis=event.basis, reference_year=event.reference_year, notice=event.notice, due_on=event.due_on,
                received=months[event.month].received if event.month in months else ZERO,
            )
        elif isinstance(event, ContributionReassessed) and event.month in months:
            month = months[event.month]
            months[event.month] = replace(
                month, base=event.base, employer_part=event.employer_part, personal_part=event.personal_part,
                total=event.total, basis=event.basis, reference_year=event.reference_year,
                true_up=month.true_up + event.difference,
                true_up_due_on=max(month.true_up_due_on or event.due_on, event.due_on),
            )
        elif isinstance(event, ContributionReceived):
            month = months.get(event.month)
            if month is not None:
                months[event.month] = replace(month, received=month.received + event.amount,
                                              last_received_on=event.received_on)
        elif isinstance(event, AssessmentCancelled) and event.month in months:
            months[event.month] = replace(months[event.month], cancelled=True)
    return dict(sorted(months.items()))


def received_by(events: Iterable[LedgerEvent], on: datetime.date) -> list[LedgerEvent]:
    """The facts as they stood on `on` for money: receipts count from the day the money was received."""
    return [e for e in events if not isinstance(e, ContributionReceived) or e.received_on <= on]


def unmatched_reason(months: dict[Month, PersonMonth], month: Month, amount: Decimal) -> str | None:
    """CON-6: why a receipt does not settle the month (None when it does, to the fen)."""
    person_month = months.get(month)
    if person_month is None:
        return f"no assessment for {month}"
    if person_month.cancelled:
        return f"the assessment for {month} was cancelled"
    if person_month.outstanding <= 0:
        return f"{month} is already paid"
    if amount != person_month.outstanding:
        return f"wrong amount: {month} owes {person_month.outstanding}"
    return None


def contribution_months(events: Iterable[LedgerEvent], deferrals: dict[str, list[tuple[Month, Month]]],
                        on: datetime.date) -> dict[str, int]:
    """MON-2: paid + back-paid + transferred-in by `on` (money received by then), each month counted once."""
    events = list(events)
    states = {month: person_month.state_with(deferrals)
              for month, person_month in person_months(received_by(events, on)).items() if month <= Month.of(on)}
    paid = {month for month, state in states.items() if state in COUNTED}
    back_paid = {month for month, state in states.items() if state == "back-paid"}
    transferred_in = sum(e.months for e in history.standing(events)
                         if isinstance(e, TransferredIn) and e.on <= on)
    return {"paid": len(paid), "back_paid": len(back_paid), "transferred_in": transferred_in,
            "total": len(paid | back_paid) + transferred_in}


def employers_of(events: Iterable[LedgerEvent]) -> set[str]:
    """The employers a person's months were assessed for: whose deferrals the projection needs."""
    return {pm.employer for pm in person_months(events).values() if pm.employer}
