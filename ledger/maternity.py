"""Maternity (MAT-1..MAT-5): continuous months, the documents a claim needs, and what it pays.

Reading of E24/E47 on back-payment: back-paid months count as contribution months (E24 merges them
with the actual years), so they close a gap in the continuous run; but the birth month itself must be
paid normally (MAT-1, E46), and a back-paid birth month is not.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from ledger import history
from ledger.contribution_months import PersonMonth, person_months, received_by
from ledger.deferral import is_deferred
from ledger.errors import RuleViolation
from ledger.events import LedgerEvent
from ledger.lifecycle_events import TransferredIn
from ledger.month import Month
from ledger.policy import Policy

FEN = Decimal("0.01")
KINDS = ("allowance", "male-subsidy", "nursing-subsidy")
REQUIRED_DOCUMENTS = {
    # E48 (一)..(三): the form and the social-security card always; then by kind.
    "allowance": ("form", "card", "discharge-record"),
    "male-subsidy": ("form", "card", "spouse-discharge-record", "spouse-unemployed"),
    "nursing-subsidy": ("form", "card", "spouse-discharge-record"),
}
DOCUMENT_NAMES = {
    "form": "宁夏回族自治区职工生育保险待遇申报表", "card": "社保卡", "discharge-record": "出院证或门诊疾病诊断证明",
    "spouse-discharge-record": "配偶出院证或出院记录", "spouse-unemployed": "配偶无业证明或个人无业承诺书",
}


def counted(person_month: PersonMonth | None, deferrals, merged: Month) -> bool:
    """A month of the run: paid (or deferred); before the merge, only an employee's month was a maternity month."""
    if person_month is None or person_month.cancelled:
        return False
    if person_month.month < merged and person_month.scheme != "employee":
        return False
    return person_month.paid or person_month.paid_before_true_up or \
        is_deferred(deferrals.get(person_month.employer or "", []), person_month.month)


def merged_month(policy: Policy, on: datetime.date) -> Month:
    return Month.of(datetime.date.fromisoformat(policy.parameter("maternity_merged_on", on).value))


def continuous_months(policy: Policy, events: Iterable[LedgerEvent], deferrals: dict, birth_month: Month,
                      on: datetime.date) -> int:
    """MAT-2: paid months counted back from the birth month with no unpaid month between, plus months
    transferred in from another province when the run reaches back to the arrival.

    Before the merge of the two schemes (policy's maternity_merged_on) maternity insurance covered
    employees only: an employee month then was a maternity month (employee registration carried it,
    REG-6), a flexible one was not. After the merge every medical-insurance month counts.
    """
    events = list(events)
    months = person_months(received_by(events, on))
    merged = merged_month(policy, on)
    count, month = 0, birth_month
    while counted(months.get(month), deferrals, merged):
        count += 1
        month -= 1
    first = month + 1
    for event in history.standing(events):
        if isinstance(event, TransferredIn) and event.on <= on and count and first <= Month.of(event.on) + 1:
            count += event.months
    return count


def check_documents(kind: str, documents: dict[str, str]) -> None:
    """MAT-3: each claim carries the documents E48 lists for its kind."""
    missing = [name for name in REQUIRED_DOCUMENTS[kind] if name not in documents]
    if missing:
        needed = ", ".join(f"{name} ({DOCUMENT_NAMES[name]})" for name in missing)
        raise RuleViolation("MAT-3", f"a {kind} claim needs {needed}")


def check_eligible(months: dict[Month, PersonMonth], deferrals, scheme: str | None, birth: datetime.date,
                   family_planning: bool) -> None:
    """MAT-1: an employee-scheme person paying normally at the birth, within family-planning policy."""
    if scheme != "employee":
        raise RuleViolation("MAT-1", f"maternity benefits are for the employee scheme ({scheme} on {birth})")
    if not family_planning:
        raise RuleViolation("MAT-1", "the birth is outside family-planning policy")
    birth_month = months.get(Month.of(birth))
    if not counted(birth_month, deferrals, Month.of(birth)) or (birth_month is not None and birth_month.back_pay):
        raise RuleViolation("MAT-1", f"{Month.of(birth)} is not paid: not paying normally at the birth")


def allowance(policy: Policy, continuous: int, average_base: Decimal, leave_days: int, birth: datetime.date) -> Decimal:
    """MAT-5: the employer's average monthly base / 30 x leave days, once the minimum months are met."""
    minimum = policy.integer("maternity_min_continuous_months", birth)
    if continuous < minimum:
        raise RuleViolation("MAT-5", f"{continuous} continuous months, {minimum} required")
    return daily_rate_times(average_base, leave_days)


def daily_rate_times(average_base: Decimal, days: int) -> Decimal:
    """The average monthly base / 30, for each day of leave (the nursing subsidy uses it without MAT-5's minimum)."""
    return (average_base / 30 * days).quantize(FEN, ROUND_HALF_UP)


def delivery_package(policy: Policy, birth: datetime.date, elsewhere_unsigned: bool) -> Decimal:
    """MAT-4: the hospital's per-head package; half for a delivery elsewhere in Ningxia without signing."""
    package = policy.decimal("maternity_delivery_package", birth)
    return (package / 2 if elsewhere_unsigned else package).quantize(FEN, ROUND_HALF_UP)


def employer_average_base(months_of_staff: Iterable[PersonMonth], code: str, birth_month: Month) -> Decimal:
    """The employer's average monthly contribution base over the twelve months up to the birth."""
    bases = [pm.base for pm in months_of_staff if pm.employer == code and not pm.cancelled
             and birth_month - 11 <= pm.month <= birth_month]
    if not bases:
        raise RuleViolation("MAT-5", f"employer {code} has no assessed bases in the year before {birth_month}")
    return (sum(bases) / len(bases)).quantize(FEN, ROUND_HALF_UP)
