"""Special refunds (特殊退费): a flexible person's pooled-fund part (REF-1, REF-2, E54, E55) and a resident's
paid next year (REF-3, R18, R19): pure functions of policy, the person's view and the date."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.benefits.events import AccountSpent
from ledger.contributions.months import table
from ledger.core.errors import RuleViolation
from ledger.core.i18n import _, event_name, term
from ledger.core.money import ZERO, round_fen
from ledger.core.month import Month
from ledger.core.view import View
from ledger.maternity.events import BenefitPaid
from ledger.medical.rules import used_in
from ledger.refunds.events import RefundPaid
from ledger.resident.events import ResidentContributionPaid
from ledger.resident.rules import payments

REF_1_REASONS = ("death", "out-of-province", "to-resident")
REF_2_REASONS = ("to-employee", "retired")
RESIDENT_REASONS = ("out-of-province", "abroad", "death", "to-employee")
REASONS = tuple(dict.fromkeys(REF_1_REASONS + REF_2_REASONS + RESIDENT_REASONS))
RESIDENT_CANCELLATION = {
    # R18: the refund goes with the cancellation of the registration (REG-5's reasons and documents); moving out
    # of the province is proved by the hukou's move. Joining employee insurance is a scheme switch instead.
    "out-of-province": ("left", ("hukou-moved-out",)),
    "abroad": ("abroad", ()),
    "death": ("death", ()),
}


def benefits_used(view: View, year: int) -> list:
    """REF-1, BEN-7: the benefits the person used in the year that stand: account spending, maternity benefits,
    and every settlement or reimbursement that paid something."""
    return [e for e in view.of(AccountSpent, BenefitPaid) if e.on.year == year] + used_in(view, year)


def flexible_refund(view: View, reason: str, on: datetime.date) -> tuple[int, list[Month], Decimal]:
    """REF-1, REF-2: the year, the months and the amount refunded; refuses, naming the rule, when the conditions
    fail."""
    rule = "REF-1" if reason in REF_1_REASONS else "REF-2"
    flexible = {m: pm for m, pm in table(view).items()
                if pm.scheme == "flexible" and not pm.cancelled and not pm.back_pay}
    paid_years = sorted({m.year for m, pm in flexible.items() if pm.paid})
    if not paid_years:
        raise RuleViolation(rule, _("no flexible contribution was paid: only a flexible person's payment is refunded"))
    year = paid_years[-1]
    unpaid = [str(m) for m, pm in flexible.items() if m.year == year and not pm.paid]
    if unpaid:
        raise RuleViolation(rule, _("{year} is not paid in full ({months} unpaid)").format(year=year,
                                                                                           months=", ".join(unpaid)))
    if any(e.year == year for e in view.of(RefundPaid)):
        raise RuleViolation(rule, _("{year} was refunded already").format(year=year))
    months = sorted(m for m in flexible if m.year == year)
    if rule == "REF-1":
        used = benefits_used(view, year)
        if used:
            raise RuleViolation("REF-1", _("benefits were used in {year} ({event} on {on})").format(
                year=year, event=event_name(type(used[0]).__name__), on=used[0].on))
    else:
        months = [m for m in months if m >= Month.of(on)]
        if not months:
            raise RuleViolation("REF-2", _("no month of {year} is left after the change in {month}").format(
                year=year, month=Month.of(on)))
    amount = sum((round_fen(flexible[m].base * view.policy.decimal("flexible_rate_pooled", m.first_day))
                  for m in months), ZERO)
    return year, months, amount


def resident_refund_applies(view: View, reason: str, on: datetime.date) -> bool:
    """REF-3 rather than REF-1/2: a resident year is paid for this year or a later one, and the reason is R18's."""
    return reason in RESIDENT_REASONS and any(year >= on.year for year in payments(view))


def resident_refund(view: View, on: datetime.date) -> ResidentContributionPaid:
    """REF-3: a paid next-year contribution comes back in full before its benefit year starts, never after."""
    upcoming = [p for p in payments(view).values() if p.on <= on]
    if not upcoming:
        raise RuleViolation("REF-3", _("no resident contribution is paid"))
    latest = max(upcoming, key=lambda p: p.year)
    if on >= datetime.date(latest.year, 1, 1):
        raise RuleViolation("REF-3", _("the benefit year {year} started on {year}-01-01: no refund").format(
            year=latest.year))
    return latest


def resident_refund_amount(paid: ResidentContributionPaid) -> Decimal:
    """REF-3: what the person paid comes back; the subsidies return to the fund, not to them."""
    return paid.personal_part - paid.assistance_subsidy


def check_resident_refund_documents(reason: str, documents: list[str]) -> None:
    """REF-3, R18: moving out of the province is proved by the hukou's move (death and abroad by REG-5's)."""
    _cancel_reason, required = RESIDENT_CANCELLATION.get(reason, (None, ()))
    if required and not any(d.partition(":")[0] in required for d in documents):
        raise RuleViolation("REF-3", _("a refund for {reason} needs --document {document}:REF (户口迁出证明)").format(
            reason=term(reason), document=required[0]))
