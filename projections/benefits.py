"""Benefit payments read back (BEN-1..BEN-7): each settlement and reimbursement, and the year's totals."""

from __future__ import annotations

import datetime
from typing import Any

from ledger.core.errors import RuleViolation
from ledger.core.money import ZERO
from ledger.core.view import View
from ledger.medical.events import BenefitSettled, ReimbursementPaid
from ledger.medical.rules import annual_ceiling, fund_paid, payments, service_year
from projections.plain import plain


def payment_rows(view: View, year: int | None = None) -> list[dict[str, Any]]:
    """Every payment known, in recorded order, reversed ones marked: kind, where, the parts, what decided it."""
    rows = []
    for event in view.events:
        if not isinstance(event, (BenefitSettled, ReimbursementPaid)):
            continue
        if year is not None and service_year(event.on) != year:
            continue
        settled = isinstance(event, BenefitSettled)
        rows.append(plain({
            "seq": event.originator_version, "type": "settlement" if settled else "reimbursement",
            "kind": event.kind, "on": event.on, "discharged": getattr(event, "discharged", None),
            "institution": event.institution if settled else None, "institution_name": event.institution_name,
            "level": event.level, "total": event.total if settled else event.cost,
            "fund": event.fund, "account": event.account if settled else ZERO,
            "own": event.own if settled else event.cost - event.fund, "scheme": event.scheme, "rule": event.rule,
            "computation": None if settled else {
                "in_scope": event.in_scope, "deductible": event.deductible, "ratio": event.ratio,
                "computed": event.computed, "ceiling_left": event.ceiling_left},
            "reversed_by": view.reversed_by.get(event.originator_version),
        }))
    return rows


def paid_in_year(view: View, on: datetime.date, scheme: str | None) -> dict[str, Any]:
    """`status.benefits_paid`: the standing payments for services in the year of `on` up to it, and what the
    year's ceiling leaves for the scheme whose pooled benefits apply on `on` (BEN-5)."""
    year = on.year
    found = [p for p in payments(view) if service_year(p.on) == year and p.on <= on]
    totals = {"fund": ZERO, "account": ZERO, "own": ZERO}
    for p in found:
        settled = isinstance(p, BenefitSettled)
        totals["fund"] += p.fund
        totals["account"] += p.account if settled else ZERO
        totals["own"] += p.own if settled else p.cost - p.fund
    return plain({"year": year, **totals, "ceiling_left": _left(view, scheme, year)})


def _left(view: View, scheme: str | None, year: int):
    """None with no pooled scheme, or when the policy has no ceiling for the year (no average wage published)."""
    if scheme is None:
        return None
    try:
        return annual_ceiling(view.policy, scheme, year) - fund_paid(view, year, scheme)
    except RuleViolation:
        return None
