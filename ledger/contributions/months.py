"""Each person-month's assessment, receipts and settlement (MON-1..MON-3): one fold over the person's view.

The fold is a step per fact in effective order; a fact recorded later for a month always sorts last among
that month's facts, so the same step advances a month table over facts just recorded (a receipts import)
without folding the stream again.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from decimal import Decimal

from ledger.benefits.events import TransferredIn
from ledger.contributions.deferral import is_deferred
from ledger.contributions.events import (
    AssessmentCancelled,
    ContributionAssessed,
    ContributionReassessed,
    ContributionReceived,
)
from ledger.core.events import LedgerEvent
from ledger.core.i18n import N_
from ledger.core.money import ZERO
from ledger.core.month import Month
from ledger.core.view import Deferrals, View

COUNTED = ("paid", "trued-up")
"""MON-2: the states of a month that count as paid with the person's own money in time."""


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
    receipts: tuple[tuple[datetime.date, Decimal, str], ...] = ()
    """Each receipt's date, amount and id: the month can be read as it stood on any date, and no receipt is
    recorded twice."""

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

    @property
    def settled(self) -> bool:
        """Counts as paid: the whole amount received, or all of it but a true-up assessed later (CON-3)."""
        return self.paid or self.paid_before_true_up

    def state(self, deferred: bool) -> str:
        """MON-1."""
        if self.cancelled:
            return "cancelled"
        if self.paid:
            return "back-paid" if self.back_pay else "paid"
        if self.paid_before_true_up:
            return "trued-up"
        return "deferred" if deferred else "assessed"

    def state_with(self, deferrals: Deferrals) -> str:
        return self.state(self.deferred_under(deferrals))

    def deferred_under(self, deferrals: Deferrals) -> bool:
        return is_deferred(deferrals.get(self.employer or "", []), self.month)

    @property
    def counts_from(self) -> tuple[datetime.date | None, datetime.date | None]:
        """MON-2: the day the month first counted (paid, trued-up or back-paid) and the day it counted as
        back-paid, None where it has not (yet). Money only grows, so once counted a month stays counted."""
        if self.cancelled:
            return None, None
        needed = self.total - self.true_up if self.true_up > 0 else self.total  # `settled`, by then
        counting, received = None, ZERO
        for on, amount in ((datetime.date.min, ZERO), *((r[0], r[1]) for r in self.receipts)):
            received += amount  # a month assessed at nothing counts from the start
            if counting is None and received >= needed:
                counting = on
            if self.back_pay and received >= self.total:
                return counting, on
        return counting, None

    def as_of(self, on: datetime.date) -> PersonMonth:
        """The month with only the money received by `on` (CON-6: money counts from the day it arrives)."""
        if all(r[0] <= on for r in self.receipts):
            return self
        kept = tuple(r for r in self.receipts if r[0] <= on)
        return _changed(self, receipts=kept, received=sum((r[1] for r in kept), ZERO),
                       last_received_on=kept[-1][0] if kept else None)


def apply(months: dict[Month, PersonMonth], event: LedgerEvent) -> None:
    """One fact's effect on the month table, in place: the step of the fold."""
    if isinstance(event, ContributionAssessed):
        before = months.get(event.month)
        months[event.month] = PersonMonth(
            month=event.month, scheme=event.scheme, employer=event.employer, base=event.base,
            employer_part=event.employer_part, personal_part=event.personal_part, total=event.total,
            basis=event.basis, reference_year=event.reference_year, notice=event.notice, due_on=event.due_on,
            received=before.received if before else ZERO, receipts=before.receipts if before else ())
        return
    month = months.get(event.month) if isinstance(event, _MONTH_FACTS) else None
    if month is None:
        return
    if isinstance(event, ContributionReassessed):
        month = _changed(month, base=event.base, employer_part=event.employer_part, personal_part=event.personal_part,
                        total=event.total, basis=event.basis, reference_year=event.reference_year,
                        true_up=month.true_up + event.difference,
                        true_up_due_on=max(month.true_up_due_on or event.due_on, event.due_on))
    elif isinstance(event, ContributionReceived):
        month = _changed(month, received=month.received + event.amount, last_received_on=event.received_on,
                        receipts=(*month.receipts, (event.received_on, event.amount, event.receipt_id)))
    else:
        month = _changed(month, cancelled=True)
    months[month.month] = month


def _changed(person_month: PersonMonth, **changes: object) -> PersonMonth:
    """`dataclasses.replace` without its per-field work: the fold's hot step, once per fact of a long history."""
    changed = object.__new__(PersonMonth)
    changed.__dict__.update(person_month.__dict__, **changes)
    return changed


_MONTH_FACTS = (ContributionAssessed, ContributionReassessed, ContributionReceived, AssessmentCancelled)


def fold(facts: list[LedgerEvent]) -> dict[Month, PersonMonth]:
    months: dict[Month, PersonMonth] = {}
    for event in facts:
        apply(months, event)
    return dict(sorted(months.items()))


def table(view: View) -> dict[Month, PersonMonth]:
    """The person's months with every receipt known, in month order."""
    return view.memo("months", lambda: fold(view.of(*_MONTH_FACTS)), advance=advance)


def advance(months: dict[Month, PersonMonth], event: LedgerEvent) -> dict[Month, PersonMonth]:
    """The same step over a fact just recorded; the earlier table (another view's) is left as it was."""
    if not isinstance(event, _MONTH_FACTS):
        return months
    advanced = dict(months)
    apply(advanced, event)
    return advanced if event.month in months else dict(sorted(advanced.items()))


def table_on(view: View, on: datetime.date) -> dict[Month, PersonMonth]:
    """The months as they stood on `on` for money: receipts count from the day they were received.

    Between two receipt dates the table is the same, so it is made once per receipt date reached, not per date.
    """
    reached = receipts_reached(view, on)
    if reached is None:
        return table(view)

    def then() -> dict[Month, PersonMonth]:
        # Only months with money received after `on` differ from the table with every receipt known.
        latest = view.memo("latest receipts", lambda: sorted(
            (max(r[0] for r in pm.receipts), m) for m, pm in table(view).items() if pm.receipts))
        months = dict(table(view))
        for _, month in latest[bisect.bisect_right(latest, (on, Month(9999, 12))):]:
            months[month] = months[month].as_of(on)
        return months

    return view.memo(("months by receipts", reached), then)


def receipts_reached(view: View, on: datetime.date) -> int | None:
    """How many of the person's receipt dates `on` has reached (None: all of them): dates that reach the same
    number see the same month table."""
    days = view.memo("receipt days", lambda: sorted({r[0] for pm in table(view).values() for r in pm.receipts}))
    reached = bisect.bisect_right(days, on)
    return None if reached == len(days) else reached


def unmatched_reason(months: dict[Month, PersonMonth], month: Month, amount: Decimal) -> str | None:
    """CON-6: why a receipt does not settle the month (None when it does, to the fen)."""
    person_month = months.get(month)
    if person_month is None:
        return N_("no assessment for {month}").format(month=month)
    if person_month.cancelled:
        return N_("the assessment for {month} was cancelled").format(month=month)
    if person_month.outstanding <= 0:
        return N_("{month} is already paid").format(month=month)
    if amount != person_month.outstanding:
        return N_("wrong amount: {month} owes {owed}").format(month=month, owed=person_month.outstanding)
    return None


def contribution_months(view: View, on: datetime.date) -> dict[str, int]:
    """MON-2: paid + back-paid + transferred-in by `on` (money received by then), each month counted once."""
    dates = view.memo("counting dates", lambda: [(m, *pm.counts_from) for m, pm in table(view).items()])
    last = Month.of(on)
    counted = sum(1 for month, since, _ in dates if month <= last and since is not None and since <= on)
    back_paid = sum(1 for month, _, since in dates if month <= last and since is not None and since <= on)
    return month_counts(counted, back_paid, transferred_in(view, on))


def month_counts(counted: int, back_paid: int, transferred: int) -> dict[str, int]:
    """MON-2's document: a counted month is either paid (in time, or trued-up) or back-paid, never both."""
    return {"paid": counted - back_paid, "back_paid": back_paid, "transferred_in": transferred,
            "total": counted + transferred}


def transferred_in(view: View, on: datetime.date) -> int:
    """TRF-2: months brought from another region by `on`."""
    return sum(e.months for e in view.of(TransferredIn) if e.on <= on)


def employers_of(view: View) -> set[str]:
    """The employers a person's months were assessed for: whose deferrals the folds need."""
    return {pm.employer for pm in table(view).values() if pm.employer}
