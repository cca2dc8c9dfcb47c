"""Retirement (RET-1): the minimum months, the shortfall, and when benefits start once it is back-paid."""

from __future__ import annotations

import datetime

from ledger.benefits.events import Retired
from ledger.contributions.months import table_on
from ledger.core.errors import RuleViolation
from ledger.core.i18n import _, term
from ledger.core.month import Month
from ledger.core.policy import Policy
from ledger.core.view import View
from ledger.registration.person_state import PersonState


def minimum_months(policy: Policy, sex: str, on: datetime.date) -> int:
    return policy.integer("retirement_min_months_male" if sex == "M" else "retirement_min_months_female", on)


def retirement(view: View) -> Retired | None:
    retired = view.of(Retired)
    return retired[-1] if retired else None


def check_retirement(state: PersonState) -> None:
    if state.retired_on is not None:
        raise RuleViolation("RET-1", _("{id_number} retired already on {on}").format(id_number=state.id_number,
                                                                                     on=state.retired_on))
    if state.scheme not in ("employee", "flexible"):
        raise RuleViolation("RET-1", _("a {scheme} person does not retire from employee insurance").format(
            scheme=term(state.scheme)))


def _back_paid_since_retirement(view: View, retired: Retired, on: datetime.date) -> list[datetime.date]:
    return sorted(pm.last_received_on for pm in table_on(view, on).values()
                  if pm.back_pay and pm.paid and pm.last_received_on >= retired.on)


def benefits_start(view: View, on: datetime.date) -> Month | None:
    """RET-1: the month after retirement, or when short, the month after the shortfall is back-paid (by `on`)."""
    retired = retirement(view)
    if retired is None or retired.on > on:
        return None
    if retired.shortfall == 0:
        return Month.of(retired.on) + 1
    back_paid = _back_paid_since_retirement(view, retired, on)
    if len(back_paid) < retired.shortfall:
        return None
    return Month.of(back_paid[retired.shortfall - 1]) + 1


def shortfall_left(view: View, on: datetime.date) -> int:
    retired = retirement(view)
    if retired is None:
        return 0
    return max(0, retired.shortfall - len(_back_paid_since_retirement(view, retired, on)))
