"""Retirement (RET-1): the minimum months, the shortfall, and when benefits start once it is back-paid."""

from __future__ import annotations

import datetime
from typing import Iterable

from ledger import history
from ledger.contribution_months import person_months, received_by
from ledger.events import LedgerEvent
from ledger.lifecycle_events import Retired
from ledger.month import Month
from ledger.policy import Policy


def minimum_months(policy: Policy, sex: str, on: datetime.date) -> int:
    return policy.integer("retirement_min_months_male" if sex == "M" else "retirement_min_months_female", on)


def retirement(events: Iterable[LedgerEvent]) -> Retired | None:
    retired = [e for e in history.standing(events) if isinstance(e, Retired)]
    return retired[-1] if retired else None


def benefits_start(events: Iterable[LedgerEvent], on: datetime.date) -> Month | None:
    """RET-1: the month after retirement, or when short, the month after the shortfall is back-paid (by `on`)."""
    events = list(events)
    retired = retirement(events)
    if retired is None or retired.on > on:
        return None
    if retired.shortfall == 0:
        return Month.of(retired.on) + 1
    back_paid = sorted(pm.last_received_on for pm in person_months(received_by(events, on)).values()
                       if pm.back_pay and pm.paid and pm.last_received_on >= retired.on)
    if len(back_paid) < retired.shortfall:
        return None
    return Month.of(back_paid[retired.shortfall - 1]) + 1


def shortfall_left(events: Iterable[LedgerEvent], on: datetime.date) -> int:
    events = list(events)
    retired = retirement(events)
    if retired is None:
        return 0
    back_paid = [pm for pm in person_months(received_by(events, on)).values()
                 if pm.back_pay and pm.paid and pm.last_received_on >= retired.on]
    return max(0, retired.shortfall - len(back_paid))
