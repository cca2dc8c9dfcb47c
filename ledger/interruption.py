"""Whether a flexible person's payment stands interrupted on a date (WAIT-4, WAIT-5)."""

from __future__ import annotations

import datetime
from typing import Iterable

from ledger import history
from ledger.events import LedgerEvent
from ledger.lifecycle_events import PaymentInterrupted, PaymentResumed
from ledger.month import Month


def interrupted_from(events: Iterable[LedgerEvent], on: datetime.date) -> Month | None:
    """The first unpaid month of a recorded interruption still in force on `on` (no resumption since)."""
    interrupted = None
    for event in history.standing(events):
        if isinstance(event, PaymentInterrupted) and event.month.first_day <= on:
            interrupted = event.month
        elif isinstance(event, PaymentResumed) and event.on <= on:
            interrupted = None
    return interrupted


def resumed_on(events: Iterable[LedgerEvent], on: datetime.date) -> datetime.date | None:
    """The date of the latest resumption by `on`."""
    resumed = [e.on for e in history.standing(events) if isinstance(e, PaymentResumed) and e.on <= on]
    return resumed[-1] if resumed else None
