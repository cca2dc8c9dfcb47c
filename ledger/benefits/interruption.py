"""Whether a flexible person's payment stands interrupted on a date (WAIT-4, WAIT-5)."""

from __future__ import annotations

import datetime

from ledger.benefits.events import PaymentInterrupted, PaymentResumed
from ledger.contributions.months import table
from ledger.core.errors import RuleViolation
from ledger.core.i18n import _, term
from ledger.core.month import Month
from ledger.core.view import View
from ledger.registration.person_state import PersonState


def interrupted_from(view: View, on: datetime.date) -> Month | None:
    """The first unpaid month of a recorded interruption still in force on `on` (no resumption since)."""
    interrupted = None
    for event in view.of(PaymentInterrupted, PaymentResumed):
        if isinstance(event, PaymentInterrupted) and event.month.first_day <= on:
            interrupted = event.month
        elif isinstance(event, PaymentResumed) and event.on <= on:
            interrupted = None
    return interrupted


def resumed_on(view: View, on: datetime.date) -> datetime.date | None:
    """The date of the latest resumption by `on`."""
    resumed = [e.on for e in view.of(PaymentResumed) if e.on <= on]
    return resumed[-1] if resumed else None


def check_interruption(view: View, state: PersonState, month: Month) -> None:
    """WAIT-4: a flexible person stops paying from `month`, the first month not paid."""
    if state.scheme != "flexible":
        raise RuleViolation("WAIT-4", _("only a flexible person's payment is interrupted ({scheme})").format(
            scheme=term(state.scheme)))
    already = interrupted_from(view, month.last_day)
    if already is not None:
        raise RuleViolation("WAIT-4", _("payment is already interrupted from {month}").format(month=already))
    paid = [str(m) for m, pm in table(view).items() if m >= month and pm.paid]
    if paid:
        raise RuleViolation("WAIT-4", _("{months} already paid: the interruption starts later").format(
            months=", ".join(paid)))


def check_resumption(view: View, state: PersonState, on: datetime.date) -> None:
    """WAIT-5: only an interrupted person resumes; a new waiting period starts."""
    if interrupted_from(view, on) is None:
        raise RuleViolation("WAIT-5", _("{id_number} is not interrupted on {on}").format(id_number=state.id_number,
                                                                                          on=on))
