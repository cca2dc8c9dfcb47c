"""A person's status on a date as known at a moment (DESIGN.md's `status --json` document)."""

from __future__ import annotations

import datetime
from typing import Any

from ledger.core.view import View
from ledger.registration.person_state import state_on
from ledger.resident.rules import facilities_on
from projections.benefits import paid_in_year
from projections.plain import plain
from projections.standing import Folded


def status(view: View, on: datetime.date, known_at: datetime.datetime, standing: Folded | None = None
           ) -> dict[str, Any]:
    """`known_at` is the moment the view was taken as known at (now, when it holds everything); `standing` answers
    the questions on the date (the folds over the view unless given: the read side's rows)."""
    standing = standing or Folded(view)
    state = state_on(view, on)
    allowed = standing.eligibility(on)
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
        "facilities": facilities_on(view, on),
        "contribution_months": standing.contribution_months(on),
        "account": plain(standing.account(on)),
        "maternity_continuous_months": standing.maternity_continuous_months(on),
        "benefits_paid": paid_in_year(view, on, allowed.scheme),
    }
