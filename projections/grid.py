"""The month grid of a person's timeline (`yibao timeline IDNO`, and its `--html` page): for each month from the
first registration to a date, the one state that describes it.

It computes no rule of its own: it reads the month table (MON-1's state of the month, with every receipt known),
the registration on the month's last day, eligibility on that day (WAIT-1..WAIT-9, RET-1; on `until` for the last
month) and the resident payments (RES-3). When several states hold of a month, the first of `STATES` wins:

- `ended`: no registration in force (cancelled, or transferred out: REG-5); it ends a retirement too;
- `retired`: retired (RET-1);
- `transferred-in`: months from another region arrived this month (TRF-1; counted by MON-2);
- `cancelled`: the month's assessment was cancelled (CON-5);
- `back-paid`: paid afterwards (WAIT-6; a resident year paid back, RES-7); above `interrupted` and `waiting`
  because only a month without benefits is paid back, and the back-payment is what the auditor looks for;
- `resident-cover`: pooled benefits from the resident scheme's year paid (WAIT-8; WAIT-9 while an employee or
  flexible person waits or is interrupted);
- `interrupted`: a flexible person's payment stopped and the month not paid (WAIT-4);
- `waiting`: paid, but pooled benefits start later (WAIT-2, WAIT-5; a resident year paid whose cover starts
  later, WAIT-8, RES-7); WAIT-1's first paid month is shown `paid`;
- `deferred`, `trued-up`, `paid`, `assessed` (not received): MON-1's states, in that order;
- `uncovered`: a resident month the year's payment does not cover (WAIT-8);
- `none`: registered, nothing assessed.
"""

from __future__ import annotations

import datetime

from ledger.benefits.eligibility import eligibility
from ledger.benefits.events import TransferredIn
from ledger.contributions.months import COUNTED, table
from ledger.core.month import Month
from ledger.core.view import View
from ledger.registration.person_state import registrations, state_on
from ledger.resident.rules import payments

STATES = ("ended", "retired", "transferred-in", "cancelled", "back-paid", "resident-cover", "interrupted", "waiting",
          "deferred", "trued-up", "paid", "assessed", "uncovered", "none")
"""Every state of a month, first the one that wins: English codes, as the page's `data-state` carries them."""

MARKS = dict(zip(STATES, "XR+CBrIWDTPAu."))
"""One ASCII character a state, the same in every language (a wide or ambiguous character would break the
columns of a Chinese terminal); lower case for the resident scheme's own states."""

WAITING_RULES = ("WAIT-2", "WAIT-5")
"""The flexible person's waiting periods: an employee's pooled benefits start the month after the first paid
month (WAIT-1), no wait worth a mark."""


def grid(view: View, until: datetime.date) -> dict[int, list[str | None]]:
    """Year -> the state of each of its twelve months, None for a month before the first registration or after
    `until`'s month; years in order, none at all before a registration."""
    years: dict[int, list[str | None]] = {}
    for month, state in month_states(view, until).items():
        years.setdefault(month.year, [None] * 12)[month.number - 1] = state
    return years


def present(years: dict[int, list[str | None]]) -> set[str]:
    """The states a grid shows: what its legend explains."""
    return {state for states in years.values() for state in states if state}


def month_states(view: View, until: datetime.date) -> dict[Month, str]:
    """Each month from the first standing registration's to `until`'s, in order, with its state."""
    registered = [day for day in registrations(view) if day <= until]
    if not registered:
        return {}
    arrivals = {Month.of(event.on) for event in view.of(TransferredIn)}
    month, last, states = Month.of(min(registered)), Month.of(until), {}
    while month <= last:
        states[month] = month_state(view, month, min(month.last_day, until), arrivals)
        month += 1
    return states


def month_state(view: View, month: Month, on: datetime.date, arrivals: set[Month]) -> str:
    """The state of `month`, its registration and benefits read on `on` (its last day, or the grid's last)."""
    person = state_on(view, on)
    if not person.registered:
        return "ended"
    if person.scheme == "retired":
        return "retired"
    if month in arrivals:
        return "transferred-in"
    if person.scheme == "resident":
        return _resident(view, on)
    return _insured(view, month, on)


def _insured(view: View, month: Month, on: datetime.date) -> str:
    """An employee's or a flexible person's month: MON-1's state, unless a waiting rule says more."""
    person_month = table(view).get(month)
    recorded = person_month.state_with(view.deferrals) if person_month else "none"
    if recorded in ("cancelled", "back-paid"):
        return recorded
    allowed = eligibility(view, on)
    rule = allowed.reason.split(":")[0]
    if allowed.scheme == "resident":
        return "resident-cover"
    if rule == "WAIT-4" and recorded not in COUNTED:  # a month paid late counts once paid: it shows `paid`
        return "interrupted"
    if rule in WAITING_RULES and not allowed.pooled and allowed.pooled_from is not None:
        return "waiting"
    return recorded


def _resident(view: View, on: datetime.date) -> str:
    """A resident month: covered by its year's payment, or why not (WAIT-8, RES-7)."""
    if eligibility(view, on).pooled:
        return "resident-cover"
    payment = payments(view).get(on.year)
    if payment is None:
        return "uncovered"
    return "back-paid" if payment.back_paid else "waiting"
