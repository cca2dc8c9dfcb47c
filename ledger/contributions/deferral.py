"""Deferral (缓缴, CON-8): which months an employer may pay late, and the limit on how long."""

from __future__ import annotations

from ledger.contributions.events import DeferralAgreed
from ledger.core.errors import RuleViolation
from ledger.core.i18n import _
from ledger.core.month import Month
from ledger.core.policy import Policy
from ledger.core.view import View


def deferral_periods(employer: View) -> list[tuple[Month, Month]]:
    """Half-open [from, until) periods of the employer's standing deferral agreements."""
    return [(e.month, e.until) for e in employer.of(DeferralAgreed)]


def is_deferred(periods: list[tuple[Month, Month]], month: Month) -> bool:
    return any(start <= month < until for start, until in periods)


def check_deferral(policy: Policy, periods: list[tuple[Month, Month]], start: Month, months: int) -> None:
    """CON-8: at most the policy's maximum months in a row, counting agreements that touch this one."""
    limit = policy.integer("deferral_max_months", start.first_day)
    if months < 1:
        raise RuleViolation("CON-8", _("a deferral covers at least one month"))
    covered = {p + i for p, until in periods for i in range(p.months_until(until))}
    if any(start + i in covered for i in range(months)):
        raise RuleViolation("CON-8", _("the months from {month} overlap an existing deferral").format(month=start))
    before = 0
    while start - (before + 1) in covered:
        before += 1
    after = 0
    while start + months + after in covered:
        after += 1
    if before + months + after > limit:
        raise RuleViolation("CON-8", _("deferral would run {months} months in a row; at most {limit}").format(
            months=before + months + after, limit=limit))
