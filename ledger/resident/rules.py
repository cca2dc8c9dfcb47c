"""The resident scheme's rules (RES-1..RES-7, WAIT-8): pure functions of policy, the person's view and dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from ledger.core.errors import RuleViolation
from ledger.core.i18n import N_, _, term
from ledger.core.money import ZERO, round_fen
from ledger.core.month import Month
from ledger.core.policy import Policy
from ledger.core.view import View
from ledger.refunds.events import ResidentRefunded
from ledger.resident.events import (
    FacilitySigned,
    HardshipEnded,
    HardshipFlagged,
    ResidentContributionPaid,
)


@dataclass(frozen=True)
class HardshipGroup:
    """One of R9's special-hardship groups: the short kind clerks type, R9's name, and the policy parameter
    holding the share of the personal part that medical assistance pays for it (RES-2, R17)."""

    kind: str
    name: str
    share: str


HARDSHIP_GROUPS = tuple(HardshipGroup(*group) for group in (
    ("特困", "城乡特困供养人员", "resident_assistance_share_destitute"),
    ("重残", "二级以上重残人员", "resident_assistance_share_severe_disability"),
    ("三级残疾", "三级中度残疾人员", "resident_assistance_share_moderate_disability"),
    ("离休干部遗孀", "无城镇职工基本医疗保险的离休干部遗孀", "resident_assistance_share_retired_cadre_widow"),
    ("优抚", "重点优抚对象", "resident_assistance_share_entitled_groups"),
    ("高龄低收入", "高龄低收入老年人", "resident_assistance_share_elderly_low_income"),
    ("建档立卡", "农村建档立卡贫困人口", "resident_assistance_share_registered_poor"),
    ("监测对象", "防止返贫监测对象", "resident_assistance_share_monitored"),
    ("低保", "低保对象", "resident_assistance_share_minimum_living"),
    ("孤儿", "孤儿", "resident_assistance_share_orphan"),
))
HARDSHIP_KINDS = tuple(group.kind for group in HARDSHIP_GROUPS)
_GROUPS = {**{g.kind: g for g in HARDSHIP_GROUPS}, **{g.name: g for g in HARDSHIP_GROUPS}}


def hardship_group(kind_or_name: str) -> HardshipGroup | None:
    """R9's group by its short kind or its full name."""
    return _GROUPS.get(kind_or_name)


def window(policy: Policy, year: int) -> tuple[datetime.date, datetime.date]:
    """R15: 1 September to 31 December of the year before the benefit year."""
    month, day = policy.parameter("resident_window_opens", datetime.date(year - 1, 1, 1)).value.split("-")
    return datetime.date(year - 1, int(month), int(day)), datetime.date(year - 1, 12, 31)


def hardship_on(view: View, on: datetime.date) -> set[str]:
    """RES-2: the special-hardship groups the person is in on `on`."""
    flags: set[str] = set()
    for event in view.of(HardshipFlagged, HardshipEnded):
        if isinstance(event, HardshipFlagged) and event.on <= on:
            flags.add(event.kind)
        elif isinstance(event, HardshipEnded) and event.on <= on:
            flags.discard(event.kind)
    return flags


def amounts(policy: Policy, year: int, flags: set[str]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """RES-3: total financing, personal part, fiscal subsidy, medical-assistance subsidy (of the personal part).

    RES-2: a person in several groups has the largest of their groups' shares paid by assistance.
    """
    on = datetime.date(year, 1, 1)
    personal = round_fen(policy.decimal("resident_personal_part", on))
    fiscal = round_fen(policy.decimal("resident_fiscal_subsidy", on))
    share = max((policy.decimal(_GROUPS[kind].share, on) for kind in flags if kind in _GROUPS), default=ZERO)
    return personal + fiscal, personal, fiscal, round_fen(personal * min(share, Decimal(1)))


def newborn_in_time(policy: Policy, birth: datetime.date, paid_on: datetime.date) -> bool:
    """R7: enrolled within six months of birth."""
    months = policy.integer("newborn_enrolment_months", paid_on)
    return paid_on <= (Month.of(birth) + months).day(birth.day)


def check_registration(policy: Policy, hukou: str | None, birth: datetime.date, on: datetime.date,
                       documents: list[str]) -> None:
    """RES-1: by hukou or Ningxia residence permit; a newborn (within the policy's months, R7) with the birth
    certificate."""
    if not hukou and not any(d.startswith("residence-permit") for d in documents):
        raise RuleViolation("RES-1", _("a resident registers by hukou (--hukou) or residence permit "
                                       "(--document residence-permit:REF)"))
    if newborn_in_time(policy, birth, on) and not any(d.startswith("birth-certificate") for d in documents):
        raise RuleViolation("RES-1", _("a newborn registers with the birth certificate "
                                       "(--document birth-certificate:REF)"))


def check_payment(policy: Policy, view: View, year: int, paid_on: datetime.date, birth: datetime.date,
                  back_pay: bool = False) -> tuple[bool, bool]:
    """WAIT-8: in the window; a newborn pays for its birth year at once; from 2025 late payment waits (RES-7)."""
    if payments(view).get(year):
        raise RuleViolation("RES-3", _("{year} is paid already").format(year=year))
    if back_pay:
        if year >= paid_on.year or year < birth.year:
            raise RuleViolation("RES-7", _("only a lapsed past year is paid back, not {year} on {on}").format(
                year=year, on=paid_on))
        return False, False
    opens, closes = window(policy, year)
    if opens <= paid_on <= closes:
        return True, False
    if year == paid_on.year and newborn_in_time(policy, birth, paid_on):
        return False, True
    late_from = datetime.date.fromisoformat(policy.parameter("resident_late_enrolment_from", paid_on).value)
    if paid_on.year != year or datetime.date(year, 1, 1) < late_from:
        raise RuleViolation("WAIT-8", _("{year} is paid from {opens} to {closes}; {on} is outside the window").format(
            year=year, opens=opens, closes=closes, on=paid_on))
    return False, False


def payments(view: View) -> dict[int, ResidentContributionPaid]:
    """Standing, not refunded payments by benefit year."""
    def fold() -> dict[int, ResidentContributionPaid]:
        paid: dict[int, ResidentContributionPaid] = {}
        for event in view.of(ResidentContributionPaid, ResidentRefunded):
            if isinstance(event, ResidentContributionPaid):
                paid[event.year] = event
            else:
                paid.pop(event.year, None)
        return paid

    return view.memo("resident payments", fold)


def last_covered_year(paid: dict[int, ResidentContributionPaid], year: int,
                      employee_until: Month | None) -> int | None:
    """The latest year before `year` with cover of the person's own: a resident year paid (not paid back) or a
    month of employee (or flexible) insurance paid."""
    years = [y for y, payment in paid.items() if y < year and not payment.back_paid]
    if employee_until is not None and employee_until.year < year:
        years.append(employee_until.year)
    return max(years, default=None)


def waiting_months(policy: Policy, paid: dict[int, ResidentContributionPaid], year: int, on: datetime.date,
                   employee_until: Month | None = None) -> int:
    """RES-7: 3 months, one more for each further lapsed year; paying a lapsed year back removes one; at least 6
    after a lapse of 4 years or more. A first enrolment outside the window waits as after one lapsed year."""
    last = last_covered_year(paid, year, employee_until)
    lapsed = year - last - 1 if last is not None else 1
    paid_back = sum(1 for y, payment in paid.items() if payment.back_paid and year - 1 - lapsed < y < year)
    base = policy.integer("resident_waiting_months", on)
    months = max(base, base + max(0, lapsed - 1) - paid_back)
    if lapsed >= 4:
        months = max(months, policy.integer("resident_waiting_months_long_lapse", on))
    return months


def coverage(view: View, on: datetime.date, employee_until: Month | None = None
             ) -> tuple[bool, datetime.date | None, str]:
    """Resident pooled benefits on `on`: (covered, from, reason naming the rule).

    `employee_until` is the last month the person's employee (or flexible) insurance was paid, as known by `on`:
    it is earlier cover for RES-7's lapse, and a resident cover that follows it with no gap waits nothing.
    """
    paid = payments(view)
    payment = paid.get(on.year)
    if payment is None:
        upcoming = paid.get(on.year + 1)
        since = datetime.date(on.year + 1, 1, 1) if upcoming and upcoming.in_window else None
        return False, since, N_("WAIT-8: {year} is not paid").format(year=on.year)
    if payment.back_paid:
        return False, None, N_("RES-7: {year} was paid back afterwards; it covers nothing itself").format(year=on.year)
    start, reason = _cover_start(view.policy, paid, payment, hardship_on(view, on), employee_until)
    return start <= on, start, reason


def cover_starts(view: View) -> set[datetime.date]:
    """Where a paid year's cover may start (the read side's change points): its first day, its payment day, and
    its start after a wait, whether or not it follows employee cover with no gap."""
    paid = payments(view)
    starts = set()
    for payment in paid.values():
        begins = max(payment.on, datetime.date(payment.year, 1, 1))
        starts.add(begins)
        for employee_until in (None, Month.of(begins) - 1):
            try:
                starts.add(_cover_start(view.policy, paid, payment, set(), employee_until)[0])
            except RuleViolation:
                pass
    return starts


def _cover_start(policy: Policy, paid: dict[int, ResidentContributionPaid], payment: ResidentContributionPaid,
                 flags: set[str], employee_until: Month | None) -> tuple[datetime.date, str]:
    year = payment.year
    begins = max(payment.on, datetime.date(year, 1, 1))
    last = last_covered_year(paid, year, employee_until)
    lapsed = last is not None and last < year - 1
    if payment.newborn:
        return begins, N_("WAIT-8: a newborn enrolled within six months is covered at once (R7)")
    if payment.in_window and not lapsed:
        return begins, N_("WAIT-8: {year} paid in the window").format(year=year)
    if flags:
        return begins, N_("RES-7: special group ({groups}) exempt from waiting").format(groups=", ".join(sorted(flags)))
    if employee_until is not None and employee_until + 1 >= Month.of(begins):
        return begins, N_("RES-7: from employee insurance (paid to {month}) with no gap, no wait").format(
            month=employee_until)
    late_from = datetime.date.fromisoformat(policy.parameter("resident_late_enrolment_from", begins).value)
    if datetime.date(year, 1, 1) < late_from:
        return begins, N_("WAIT-8: {year} paid in the window").format(year=year)
    # The wait is the covered year's rule: a window payment made in the autumn before 2025 waits as 2025 says.
    months = waiting_months(policy, paid, year, begins, employee_until)
    start = (Month.of(begins) + months).day(begins.day)
    if payment.in_window:
        return start, N_("RES-7: enrolled after {lapsed} lapsed years, {months} months' wait").format(
            lapsed=year - last - 1, months=months)
    return start, N_("RES-7: enrolled late on {on}, {months} months' wait").format(on=payment.on, months=months)


def signing_takes_effect(view: View, kind: str, on: datetime.date) -> datetime.date:
    """RES-5: a primary-care change only in June or December, from next month; RES-6: chronic facilities
    change only in Q2 or Q4, from the first month of the next quarter. A first signing holds at once."""
    if not any(e.kind == kind for e in view.of(FacilitySigned)):
        return on
    month = Month.of(on)
    if kind == "primary":
        if month.number not in (6, 12):
            raise RuleViolation("RES-5", _("a primary-care signing changes only in June or December, not on {on}")
                                .format(on=on))
        return (month + 1).first_day
    if month.number not in (4, 5, 6, 10, 11, 12):
        raise RuleViolation("RES-6", _("chronic-outpatient facilities change only in Q2 or Q4, not on {on}").format(
            on=on))
    return (month + (3 - (month.number - 1) % 3)).first_day


def check_chronic_facilities(facilities: list[tuple[str, str]]) -> None:
    """RES-6: three facilities, two of level II or above and one primary."""
    levels = sorted(level for _name, level in facilities)
    if len(facilities) != 3 or sum(level in ("II", "III") for level in levels) != 2 or levels.count("primary") != 1:
        raise RuleViolation("RES-6", _("chronic outpatient needs three facilities: two of level II or above, "
                                       "one primary"))


def facilities_on(view: View, on: datetime.date) -> dict[str, object]:
    """RES-5, RES-6: the primary-care facility and the chronic-outpatient facilities in force on `on`."""
    primary, chronic = None, []
    for event in view.of(FacilitySigned):
        if event.effective_from <= on:
            if event.kind == "primary":
                primary = event.facilities[0]
            else:
                chronic = list(event.facilities)
    return {"primary": primary, "chronic": chronic}


def check_flag(view: View, state, kind: str, on: datetime.date) -> None:
    """RES-2: a group is flagged once at a time; 离休干部遗孀 is for a widow without employee insurance."""
    if kind == "离休干部遗孀" and state.scheme != "resident":
        raise RuleViolation("RES-2", _("离休干部遗孀 is a group for a widow without employee insurance "
                                       "({id_number} is in the {scheme} scheme on {on})").format(
            id_number=state.id_number, scheme=term(state.scheme), on=on))
    if kind in hardship_on(view, on):
        raise RuleViolation("RES-2", _("{kind} is already recorded on {on}").format(kind=kind, on=on))


def check_unflag(view: View, kind: str, on: datetime.date) -> None:
    if kind not in hardship_on(view, on):
        raise RuleViolation("RES-2", _("{kind} is not recorded on {on}").format(kind=kind, on=on))


def check_payer(state) -> None:
    """RES-3: a resident's contribution is paid by someone in the resident scheme."""
    if state.scheme != "resident":
        raise RuleViolation("RES-3", _("{id_number} is in the {scheme} scheme, not the resident one").format(
            id_number=state.id_number, scheme=term(state.scheme)))
