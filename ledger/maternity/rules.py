"""Maternity (MAT-1..MAT-5): continuous months, the documents a claim needs, and what it pays.

Reading of E24/E47 on back-payment: back-paid months count as contribution months (E24 merges them
with the actual years), so they close a gap in the continuous run; but the birth month itself must be
paid normally (MAT-1, E46), and a back-paid birth month is not.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ledger.benefits.events import TransferredIn
from ledger.contributions.months import PersonMonth, table
from ledger.core.errors import RuleViolation
from ledger.core.i18n import N_, _, term
from ledger.core.money import round_fen
from ledger.core.month import Month
from ledger.core.policy import Policy
from ledger.core.view import Deferrals, View
from ledger.maternity.events import BenefitPaid, MaternityClaimed

KINDS = ("allowance", "delivery", "male-subsidy", "nursing-subsidy")
CLAIMANT_SEX = {
    # E48(一): the allowance is the insured woman's, for her own delivery, and so are its medical costs (E49);
    # E48(二)(三): the one-time and the nursing subsidies are the insured man's, for his spouse's delivery.
    "allowance": "F", "delivery": "F", "male-subsidy": "M", "nursing-subsidy": "M",
}
REQUIRED_DOCUMENTS = {
    # E48 (一)..(三): the form and the social-security card always; then by kind.
    "allowance": ("form", "card", "discharge-record"),
    "delivery": ("form", "card", "discharge-record"),
    "male-subsidy": ("form", "card", "spouse-discharge-record", "spouse-unemployed"),
    "nursing-subsidy": ("form", "card", "spouse-discharge-record"),
}
# E49: an emergency delivery at a non-designated hospital is reimbursed on the person's own papers.
EMERGENCY_DELIVERY_DOCUMENTS = ("form", "card", "bill", "cost-list", "medical-record")
DOCUMENT_NAMES = {
    "form": "宁夏回族自治区职工生育保险待遇申报表", "card": "社保卡", "discharge-record": "出院证或门诊疾病诊断证明",
    "spouse-discharge-record": "配偶出院证或出院记录", "spouse-unemployed": "配偶无业证明或个人无业承诺书",
    "bill": "医院收费票据原件（含电子发票）", "cost-list": "费用清单", "medical-record": "病历资料复印件",
}
AVERAGE_PERIODS = ("previous-year", "12-months-to-birth")


def counted(person_month: PersonMonth | None, deferrals: Deferrals, merged: Month) -> bool:
    """A month of the run: paid (or deferred); before the merge, only an employee's month was a maternity month."""
    return person_month is not None and counted_from(person_month, deferrals, merged) is not None


def counted_from(person_month: PersonMonth, deferrals: Deferrals, merged: Month) -> datetime.date | None:
    """The day the month came to count in a run (MAT-2): when it was settled (MON-2), from the start if deferred
    (CON-8); never if cancelled or, before the merge, not an employee's month."""
    if person_month.cancelled or (person_month.month < merged and person_month.scheme != "employee"):
        return None
    if person_month.deferred_under(deferrals):
        return datetime.date.min
    return person_month.counts_from[0]


def merged_month(policy: Policy, on: datetime.date) -> Month:
    return Month.of(datetime.date.fromisoformat(policy.parameter("maternity_merged_on", on).value))


def continuous_months(view: View, birth_month: Month, on: datetime.date) -> int:
    """MAT-2: paid months counted back from the birth month with no unpaid month between, plus months
    transferred in from another province when the run reaches back to the arrival.

    Before the merge of the two schemes (policy's maternity_merged_on) maternity insurance covered
    employees only: an employee month then was a maternity month (employee registration carried it,
    REG-6), a flexible one was not. After the merge every medical-insurance month counts.
    """
    return with_transfers(view, runs(view, on).get(birth_month, 0), birth_month, on)


def with_transfers(view: View, count: int, birth_month: Month, on: datetime.date) -> int:
    """MAT-2: a run of `count` months ending with the birth month, with the months transferred in added when the
    run reaches back to the arrival."""
    first = birth_month - count + 1
    for event in view.of(TransferredIn):
        if event.on <= on and count and first <= Month.of(event.on) + 1:
            count += event.months
    return count


def runs(view: View, on: datetime.date) -> dict[Month, int]:
    """Each month's run of counted months ending with it (money received by `on`), in one pass."""
    def count() -> dict[Month, int]:
        merged = merged_month(view.policy, on)
        found: dict[Month, int] = {}
        for month, person_month in table(view).items():
            since = counted_from(person_month, view.deferrals, merged)
            if since is not None and since <= on:
                found[month] = found.get(month - 1, 0) + 1
        return found

    return view.memo(("maternity runs", on), count)


def check_documents(kind: str, documents: dict[str, str], emergency: bool = False) -> None:
    """MAT-3: each claim carries the documents E48 lists for its kind (E49's for an emergency delivery)."""
    if emergency and kind != "delivery":
        raise RuleViolation("MAT-4", _("only a delivery's medical costs are claimed as an emergency (E49)"))
    required = EMERGENCY_DELIVERY_DOCUMENTS if emergency else REQUIRED_DOCUMENTS[kind]
    missing = [name for name in required if name not in documents]
    if missing:
        needed = ", ".join(f"{name} ({DOCUMENT_NAMES[name]})" for name in missing)
        if emergency:
            raise RuleViolation("MAT-3", _("an emergency delivery claim (E49) needs {documents}").format(
                documents=needed))
        raise RuleViolation("MAT-3", _("a {kind} claim needs {documents}").format(kind=term(kind), documents=needed))


def check_claimant(kind: str, sex: str | None) -> None:
    """MAT-3: the allowance and the delivery are the insured woman's; the subsidies the insured man's."""
    if sex != CLAIMANT_SEX[kind]:
        if CLAIMANT_SEX[kind] == "F":
            raise RuleViolation("MAT-3", _("the {kind} is an insured woman's benefit (E48); the claimant's sex is "
                                           "{sex}").format(kind=term(kind), sex=term(sex)))
        raise RuleViolation("MAT-3", _("the {kind} is an insured man's benefit (E48); the claimant's sex is {sex}")
                            .format(kind=term(kind), sex=term(sex)))


def leave(birth: datetime.date, days: int) -> tuple[datetime.date, datetime.date]:
    """The leave a delivery gives, as a half-open period [birth, birth + days)."""
    return birth, birth + datetime.timedelta(days=days)


def check_no_overlapping_allowance(paid: Iterable[tuple[datetime.date, int]], birth: datetime.date,
                                   days: int) -> None:
    """MAT-3: one delivery gives one allowance: a leave overlapping one already paid is refused."""
    start, end = leave(birth, days)
    for other_birth, other_days in paid:
        other_start, other_end = leave(other_birth, other_days)
        if start < other_end and other_start < end:
            raise RuleViolation("MAT-3", _("an allowance for the birth of {birth} already pays the leave "
                                           "{start}..{end}, which this leave overlaps").format(
                birth=other_birth, start=other_start, end=other_end - datetime.timedelta(days=1)))


def check_eligible(months: dict[Month, PersonMonth], deferrals: Deferrals, scheme: str | None,
                   birth: datetime.date, family_planning: bool) -> None:
    """MAT-1: an employee-scheme person paying normally at the birth, within family-planning policy."""
    if scheme != "employee":
        raise RuleViolation("MAT-1", _("maternity benefits are for the employee scheme ({scheme} on {birth})").format(
            scheme=term(scheme), birth=birth))
    if not family_planning:
        raise RuleViolation("MAT-1", _("the birth is outside family-planning policy"))
    birth_month = months.get(Month.of(birth))
    if not counted(birth_month, deferrals, Month.of(birth)) or (birth_month is not None and birth_month.back_pay):
        raise RuleViolation("MAT-1", _("{month} is not paid: not paying normally at the birth").format(
            month=Month.of(birth)))


@dataclass(frozen=True)
class Claim:
    """What a claim pays: (kind, amount, period) each, with the leave days that decided the amount."""

    leave_days: int | None
    payments: list[tuple[str, Decimal, str]]


def entitlement(policy: Policy, kind: str, birth: datetime.date, continuous: int, average: AverageBase | None,
                leave_days: int | None, elsewhere_unsigned: bool, allowances: list[tuple[datetime.date, int]]
                ) -> Claim:
    """MAT-3..MAT-5: the allowance (minimum months, no overlapping leave), the delivery's package (MAT-4, any
    insured woman), the man's one-time or nursing subsidy."""
    if kind == "male-subsidy":
        return Claim(None, [(kind, policy.decimal("male_maternity_subsidy", birth), str(Month.of(birth)))])
    if kind == "delivery":
        return Claim(None, [("delivery-package", delivery_package(policy, birth, elsewhere_unsigned),
                             str(Month.of(birth)))])
    default = "maternity_leave_days" if kind == "allowance" else "male_nursing_leave_days"
    days = leave_days or policy.integer(default, birth)
    if kind == "allowance":
        check_no_overlapping_allowance(allowances, birth, days)
        amount = allowance(policy, continuous, average.amount, days, birth)
    else:
        amount = daily_rate_times(average.amount, days)
    return Claim(days, [(kind, amount, f"{birth}+{days}d")])


def allowances_paid(view: View) -> list[tuple[datetime.date, int]]:
    """The births and leave days of the allowances that stand (claimed and paid, neither reversed)."""
    paid = {e.claim_seq for e in view.of(BenefitPaid) if e.kind == "allowance"}
    return [(e.birth, e.leave_days) for e in view.of(MaternityClaimed) if e.originator_version in paid and e.leave_days]


def check_not_paid(view: View, payments: list[tuple[str, Decimal, str]], birth: datetime.date) -> None:
    """MAT-3: one payment of each kind per birth."""
    paid = {(e.kind, e.birth) for e in view.of(BenefitPaid)}
    for kind, _amount, _period in payments:
        if (kind, birth) in paid:
            raise RuleViolation("MAT-3", _("the {kind} for the birth of {birth} is paid already").format(
                kind=term(kind), birth=birth))


def allowance(policy: Policy, continuous: int, average_base: Decimal, leave_days: int, birth: datetime.date) -> Decimal:
    """MAT-5: the employer's average monthly base / 30 x leave days, once the minimum months are met."""
    minimum = policy.integer("maternity_min_continuous_months", birth)
    if continuous < minimum:
        raise RuleViolation("MAT-5", _("{continuous} continuous months, {minimum} required").format(
            continuous=continuous, minimum=minimum))
    return daily_rate_times(average_base, leave_days)


def daily_rate_times(average_base: Decimal, days: int) -> Decimal:
    """The average monthly base / 30, for each day of leave (the nursing subsidy uses it without MAT-5's minimum)."""
    return round_fen(average_base / 30 * days)


def delivery_package(policy: Policy, birth: datetime.date, elsewhere_unsigned: bool) -> Decimal:
    """MAT-4: the hospital's per-head package; half for a delivery elsewhere in Ningxia without signing."""
    package = policy.decimal("maternity_delivery_package", birth)
    return round_fen(package / 2 if elsewhere_unsigned else package)


def averaging_period(policy: Policy, birth: datetime.date) -> tuple[Month, Month]:
    """MAT-5: the months whose bases the allowance averages, by the policy's rule in force at the birth.

    `previous-year` is the employer's previous calendar year (上年度, Social Insurance Law art. 56);
    `12-months-to-birth` the twelve months up to the birth month.
    """
    rule = policy.parameter("maternity_average_period", birth).value
    birth_month = Month.of(birth)
    if rule == "12-months-to-birth":
        return birth_month - 11, birth_month
    return Month(birth.year - 1, 1), Month(birth.year - 1, 12)


@dataclass(frozen=True)
class AverageBase:
    """The employer's average monthly base and the months it was taken over (shown with the claim)."""

    amount: Decimal
    first: Month
    last: Month
    person_months: int

    def __str__(self) -> str:
        """As MaternityClaimed stores it (English; reworded where it is shown)."""
        return N_("{first}..{last} ({person_months} person-months)").format(
            first=self.first, last=self.last, person_months=self.person_months)


def employer_average_base(policy: Policy, months_of_staff: Iterable[PersonMonth], code: str,
                          birth: datetime.date) -> AverageBase:
    """MAT-5: the employer's average monthly base over the policy's period; an employer without a previous
    year averages the months it has, up to the birth month."""
    assessed = [pm for pm in months_of_staff if pm.employer == code and not pm.cancelled
                and pm.month <= Month.of(birth)]
    first, last = averaging_period(policy, birth)
    bases = [pm.base for pm in assessed if first <= pm.month <= last]
    if not bases and assessed:
        first, last = min(pm.month for pm in assessed), max(pm.month for pm in assessed)
        bases = [pm.base for pm in assessed]
    if not bases:
        raise RuleViolation("MAT-5", _("employer {code} has no assessed bases up to {month}").format(
            code=code, month=Month.of(birth)))
    return AverageBase(round_fen(sum(bases) / len(bases)), first, last, len(bases))
