"""CON-9 and REG-1 deadlines: pure functions of the policy and the dates involved."""

from __future__ import annotations

import datetime

from ledger.month import Month
from ledger.policy import Policy


def staff_change_month(policy: Policy, requested: Month, declared_on: datetime.date) -> Month:
    """CON-9: a change for month M counts from M if declared by the cut-off day of M-1, else a month later."""
    cutoff_day = policy.integer("staff_change_cutoff_day", declared_on)
    declared_month = Month.of(declared_on)
    earliest = declared_month + 1 if declared_on.day <= cutoff_day else declared_month + 2
    return max(requested, earliest)


def registration_is_late(policy: Policy, founded: datetime.date | None, registered_on: datetime.date) -> bool:
    """REG-1: an employer registers within the due days of its founding; later is accepted but flagged."""
    if founded is None:
        return False
    due_days = policy.integer("employer_registration_due_days", founded)
    return registered_on > founded + datetime.timedelta(days=due_days)
