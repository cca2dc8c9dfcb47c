"""A person's status on a date as known at a moment (DESIGN.md's `status --json` document)."""

from __future__ import annotations

import datetime
from typing import Any

from ledger import account, history, resident
from ledger.contribution_months import contribution_months
from ledger.eligibility import eligibility
from ledger.events import LedgerEvent
from ledger.maternity import continuous_months
from ledger.month import Month
from ledger.person_state import person_state
from ledger.policy import Policy
from projections.plain import plain


def status(events: list[LedgerEvent], on: datetime.date, known_at: datetime.datetime, *,
           policy: Policy | None = None, deferrals: dict[str, list[tuple[Month, Month]]] | None = None
           ) -> dict[str, Any]:
    """`policy` and `deferrals` must be as known at `known_at` too; they default to the shipped policy, none."""
    policy, deferrals = policy or Policy.defaults(), deferrals or {}
    known = history.known_at(events, known_at)
    state = person_state(known, on)
    allowed = eligibility(policy, known, deferrals, on)
    cancelled = {"reason": state.cancelled_reason, "on": plain(state.cancelled_on)} if state.cancelled_on else None
    return {
        "id_number": state.id_number,
        "name": state.name,
        "on": on.isoformat(),
        "known_at": known_at.isoformat(),
        "scheme": state.scheme if state.registered else None,
        "registered": state.registered,
        "registered_on": plain(state.registered_on),
        "cancelled": cancelled,
        "maternity_insured": state.maternity_insured,
        "benefits": {"account": allowed.account, "pooled": allowed.pooled,
                     "pooled_from": plain(allowed.pooled_from), "reason": allowed.reason, "scheme": allowed.scheme},
        "facilities": resident.facilities_on(known, on),
        "contribution_months": contribution_months(known, deferrals, on),
        "account": plain(account.summary(account.movements(policy, known, deferrals, on))),
        "maternity_continuous_months": continuous_months(policy, known, deferrals, Month.of(on), on),
    }
