"""Medical benefit payments (BEN-1..BEN-7): pure functions of policy, the person's view and the date of service."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from ledger.benefits.eligibility import Eligibility
from ledger.contributions.bases import reference_wage
from ledger.core.errors import BadInput, RuleViolation
from ledger.core.i18n import _, reworded, term
from ledger.core.money import ZERO, round_fen
from ledger.core.policy import Policy
from ledger.core.view import View
from ledger.medical.events import BenefitSettled, ReimbursementPaid
from ledger.medical.institution import Designation
from ledger.resident.events import ConditionRecognised
from ledger.resident.rules import facilities_on

SETTLEMENT_KINDS = ("outpatient-pooling", "chronic-outpatient", "inpatient", "pharmacy", "delivery")
STAYS = ("inpatient", "delivery")
CLAIM_KINDS = ("emergency-inpatient", "emergency-outpatient", "out-of-region-chronic")
CAUSES = ("illness", "injury")
CLAIM_DOCUMENTS = {
    # E41 emergency inpatient, E42 emergency outpatient, E44 out-of-region chronic outpatient (R31 refers to them).
    # A bill's stamped stub copy with the person's promise (个人承诺书) stands for a lost original.
    "emergency-inpatient": ("card", "cost-list", "discharge-summary", "bill"),
    "emergency-outpatient": ("card", "cost-list", "bill", "emergency-diagnosis"),
    "out-of-region-chronic": ("card", "cost-list", "bill", "prescription"),
}
DOCUMENT_NAMES = {
    "card": "本人社保卡", "cost-list": "费用清单（盖章）", "discharge-summary": "出院小结或出院记录",
    "bill": "医疗费用票据原件（含电子发票）", "bill-stub": "医疗机构存根复印件（盖章）", "promise": "个人承诺书",
    "emergency-diagnosis": "急诊急救诊断证明", "prescription": "处方底方或门诊病历", "medical-record": "病历资料复印件",
}


@dataclass(frozen=True)
class Settlement:
    """What an institution's settlement system reports for one visit, stay or purchase (BEN-1)."""

    id_number: str
    institution: str
    kind: str
    on: datetime.date
    discharged: datetime.date | None
    total: Decimal
    fund: Decimal
    account: Decimal
    own: Decimal
    settlement_no: str | None = None
    row: int = 0


def check_parts(total: Decimal, fund: Decimal, account: Decimal, own: Decimal) -> None:
    """BEN-1: the fund, account and own parts add up to the total, to the fen."""
    if fund + account + own != total:
        raise BadInput("total", _("the parts {fund} + {account} + {own} = {parts}, not the total {total}").format(
            fund=fund, account=account, own=own, parts=fund + account + own, total=total))


def service_year(on: datetime.date) -> int:
    """BEN-2: the settlement year is the calendar year of the service (the admission, for a stay)."""
    return on.year


def check_fund(allowed: Eligibility, fund: Decimal, on: datetime.date) -> None:
    """BEN-1: a fund part only when pooled benefits apply on the date of service, refused naming the waiting rule."""
    if fund > 0 and not allowed.pooled:
        rule = allowed.reason.split(":")[0]
        raise RuleViolation(rule, _("no fund part on {on}: pooled benefits do not apply ({reason}); the account and "
                                    "own parts may be settled (BEN-1)").format(on=on, reason=reworded(allowed.reason)))


def payments(view: View) -> list:
    """Every standing benefit payment: settlements and reimbursements (BEN-7: a reversed one no longer counts)."""
    return view.of(BenefitSettled, ReimbursementPaid)


def fund_paid(view: View, year: int, scheme: str | None) -> Decimal:
    """What the scheme's pooled fund already paid the person for services in the year (BEN-2, BEN-5)."""
    return sum((p.fund for p in payments(view) if service_year(p.on) == year and p.scheme == scheme), ZERO)


def annual_ceiling(policy: Policy, scheme: str, year: int) -> Decimal:
    """BEN-5: 最高支付限额: the employee fund's a multiple of the reference average wage; the resident fund's a sum."""
    on = datetime.date(year, 1, 1)
    if scheme == "resident":
        return policy.decimal("annual_ceiling_resident", on)
    times = policy.decimal("annual_ceiling_employee_average_wages", on)
    return round_fen(times * reference_wage(policy, year).annual)


def check_ceiling(policy: Policy, view: View, scheme: str, year: int, fund: Decimal) -> Decimal:
    """BEN-5: a direct settlement's fund part within what the year's ceiling leaves; returns what it leaves."""
    left = annual_ceiling(policy, scheme, year) - fund_paid(view, year, scheme)
    if fund > left:
        raise RuleViolation("BEN-5", _("a fund part of {fund} is more than the {left} the {year} ceiling leaves")
                            .format(fund=fund, left=left, year=year))
    return left - fund


def check_resident_facility(view: View, kind: str, institution: Designation, on: datetime.date) -> bool:
    """BEN-6 (R22-R24): a resident's general outpatient pooling only at the signed primary facility, the first use
    of a primary facility signing it (R22); chronic outpatient only at a signed chronic facility and for a
    recognised condition. Returns whether this settlement signs the primary facility."""
    facilities = facilities_on(view, on)
    if kind == "outpatient-pooling":
        signed = _name(facilities["primary"]) if facilities["primary"] else None
        if signed is None and institution.level == "primary":
            return True
        if signed != institution.name and not signed:
            raise RuleViolation("BEN-6", _("general outpatient pooling is paid at the signed primary facility (none "
                                           "signed), not at {institution} on {on}").format(
                institution=institution.name, on=on))
        if signed != institution.name:
            raise RuleViolation("BEN-6", _("general outpatient pooling is paid at the signed primary facility "
                                           "({signed}), not at {institution} on {on}").format(
                signed=signed, institution=institution.name, on=on))
    elif kind == "chronic-outpatient":
        signed = [_name(f) for f in facilities["chronic"]]
        if institution.name not in signed and not signed:
            raise RuleViolation("BEN-6", _("chronic outpatient is paid at the three signed facilities (none signed), "
                                           "not at {institution}").format(institution=institution.name))
        if institution.name not in signed:
            raise RuleViolation("BEN-6", _("chronic outpatient is paid at the three signed facilities ({signed}), not "
                                           "at {institution}").format(signed=", ".join(signed),
                                                                      institution=institution.name))
        if not conditions_on(view, on):
            raise RuleViolation("BEN-6", _("no chronic outpatient condition is recognised on {on} (R23: "
                                           "`yibao resident recognise`)").format(on=on))
    return False


def _name(signed: str) -> str:
    """A facility as signed, `NAME (level)`, without its level."""
    return signed.rsplit(" (", 1)[0]


def conditions_on(view: View, on: datetime.date) -> list[str]:
    """R23: the chronic outpatient conditions recognised by `on`."""
    return [e.condition for e in view.of(ConditionRecognised) if e.on <= on]


def check_claim_documents(kind: str, documents: dict[str, str], cause: str) -> None:
    """BEN-3: the papers the article lists for the kind; an injury's medical record too (E41(五))."""
    required = list(CLAIM_DOCUMENTS[kind]) + (["medical-record"] if cause == "injury" else [])
    have = set(documents) | ({"bill"} if {"bill-stub", "promise"} <= set(documents) else set())
    missing = [name for name in required if name not in have]
    if missing:
        needed = ", ".join(f"{name} ({DOCUMENT_NAMES[name]})" for name in missing)
        raise RuleViolation("BEN-3", _("a {kind} claim needs {documents}").format(kind=term(kind), documents=needed))


def check_exclusions(work_injury: bool, third_party: bool, public_health: bool, abroad: bool) -> None:
    """BEN-4 (E43, R32): what the work-injury fund, a third party or public health must bear, and care abroad."""
    if work_injury:
        raise RuleViolation("BEN-4", _("not payable by the fund: the work-injury fund pays it (E43)"))
    if third_party:
        raise RuleViolation("BEN-4", _("not payable by the fund: a third party bears it (E43)"))
    if public_health:
        raise RuleViolation("BEN-4", _("not payable by the fund: public health bears it (E43)"))
    if abroad:
        raise RuleViolation("BEN-4", _("not payable by the fund: care abroad is not paid (E43)"))


@dataclass(frozen=True)
class Reimbursement:
    """BEN-5's computation, shown with the claim: (in scope - deductible) x ratio, capped by the ceiling left."""

    deductible: Decimal
    ratio: Decimal
    computed: Decimal
    ceiling_left: Decimal
    fund: Decimal


def reimbursement(policy: Policy, view: View, scheme: str, kind: str, level: str, in_scope: Decimal,
                  on: datetime.date) -> Reimbursement:
    year = service_year(on)
    stay = kind == "emergency-inpatient"
    deductible = policy.decimal(f"inpatient_deductible_{scheme}_level_{level}", on) if stay else ZERO
    ratio = policy.decimal(f"payment_ratio_{scheme}_level_{level}", on)
    computed = round_fen(max(ZERO, in_scope - deductible) * ratio)
    left = max(ZERO, annual_ceiling(policy, scheme, year) - fund_paid(view, year, scheme))
    return Reimbursement(deductible, ratio, computed, left, min(computed, left))


def used_in(view: View, year: int) -> list:
    """REF-1, BEN-7: the standing benefit payments with something paid for a service in the year."""
    return [p for p in payments(view) if service_year(p.on) == year and (p.fund > 0 or getattr(p, "account", 0) > 0)]
