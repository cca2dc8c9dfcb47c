"""The resident scheme's rules (RES-1..RES-7, WAIT-8, WAIT-9, REF-3): pure functions of policy, facts and dates."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from ledger import history
from ledger.errors import RuleViolation
from ledger.events import LedgerEvent
from ledger.month import Month
from ledger.policy import Policy
from ledger.resident_events import (
    FacilitySigned,
    HardshipEnded,
    HardshipFlagged,
    ResidentContributionPaid,
    ResidentRefunded,
)

FEN = Decimal("0.01")
HARDSHIP_KINDS = ("特困", "低保", "重残", "孤儿", "建档立卡", "优抚", "离休干部遗孀", "高龄低收入")
FULLY_SUBSIDISED = ("特困", "重残", "孤儿")  # R9: their personal part is paid by medical assistance
REFUND_REASONS = ("out-of-province", "abroad", "death", "to-employee")


def window(policy: Policy, year: int) -> tuple[datetime.date, datetime.date]:
    """R15: 1 September to 31 December of the year before the benefit year."""
    month, day = policy.parameter("resident_window_opens", datetime.date(year - 1, 1, 1)).value.split("-")
    return datetime.date(year - 1, int(month), int(day)), datetime.date(year - 1, 12, 31)


def hardship_on(events: Iterable[LedgerEvent], on: datetime.date) -> set[str]:
    flags: set[str] = set()
    for event in history.standing(events):
        if isinstance(event, HardshipFlagged) and event.on <= on:
            flags.add(event.kind)
        elif isinstance(event, HardshipEnded) and event.on <= on:
            flags.discard(event.kind)
    return flags


def amounts(policy: Policy, year: int, flags: set[str]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """RES-3: total financing, personal part, fiscal subsidy, medical-assistance subsidy (of the personal part)."""
    on = datetime.date(year, 1, 1)
    personal = policy.decimal("resident_personal_part", on).quantize(FEN)
    fiscal = policy.decimal("resident_fiscal_subsidy", on).quantize(FEN)
    if flags & set(FULLY_SUBSIDISED):
        assistance = personal
    elif flags:
        assistance = (personal * policy.decimal("resident_assistance_partial_ratio", on)).quantize(FEN, ROUND_HALF_UP)
    else:
        assistance = Decimal("0.00")
    return personal + fiscal, personal, fiscal, assistance


def newborn_in_time(policy: Policy, birth: datetime.date, paid_on: datetime.date) -> bool:
    """R7: enrolled within six months of birth."""
    months = policy.integer("newborn_enrolment_months", paid_on)
    return paid_on <= (Month.of(birth) + months).day(birth.day)


def check_payment(policy: Policy, events: list[LedgerEvent], year: int, paid_on: datetime.date,
                  birth: datetime.date, back_pay: bool = False) -> tuple[bool, bool]:
    """WAIT-8: in the window; a newborn pays for its birth year at once; from 2025 late payment waits (RES-7)."""
    if payments(events).get(year):
        raise RuleViolation("RES-3", f"{year} is paid already")
    if back_pay:
        if year >= paid_on.year or year < birth.year:
            raise RuleViolation("RES-7", f"only a lapsed past year is paid back, not {year} on {paid_on}")
        return False, False
    opens, closes = window(policy, year)
    if opens <= paid_on <= closes:
        return True, False
    if year == paid_on.year and newborn_in_time(policy, birth, paid_on):
        return False, True
    late_from = datetime.date.fromisoformat(policy.parameter("resident_late_enrolment_from", paid_on).value)
    if paid_on.year != year or datetime.date(year, 1, 1) < late_from:
        raise RuleViolation("WAIT-8", f"{year} is paid from {opens} to {closes}; {paid_on} is outside the window")
    return False, False


def payments(events: Iterable[LedgerEvent]) -> dict[int, ResidentContributionPaid]:
    """Standing, not refunded payments by benefit year."""
    paid: dict[int, ResidentContributionPaid] = {}
    for event in history.standing(events):
        if isinstance(event, ResidentContributionPaid):
            paid[event.year] = event
        elif isinstance(event, ResidentRefunded):
            paid.pop(event.year, None)
    return paid


def waiting_months(policy: Policy, paid: dict[int, ResidentContributionPaid], year: int, on: datetime.date) -> int:
    """RES-7: 3 months, one more for each further lapsed year; at least 6 after a lapse of 4 years or more."""
    earlier = [y for y, payment in paid.items() if y < year and not payment.back_paid]
    lapsed = year - max(earlier) - 1 if earlier else 1
    paid_back = sum(1 for y, payment in paid.items() if payment.back_paid and y < year and y > year - 1 - lapsed)
    base = policy.integer("resident_waiting_months", on)
    months = max(base, base + max(0, lapsed - 1) - paid_back)
    if lapsed >= 4:
        months = max(months, policy.integer("resident_waiting_months_long_lapse", on))
    return months


def coverage(policy: Policy, events: list[LedgerEvent], flags: set[str], on: datetime.date
             ) -> tuple[bool, datetime.date | None, str]:
    """Resident pooled benefits on `on`: (covered, from, reason naming the rule)."""
    paid = payments(events)
    payment = paid.get(on.year)
    if payment is None:
        upcoming = paid.get(on.year + 1)
        since = datetime.date(on.year + 1, 1, 1) if upcoming and upcoming.in_window else None
        return False, since, f"WAIT-8: {on.year} is not paid"
    if payment.back_paid:
        return False, None, f"RES-7: {on.year} was paid back afterwards; it covers nothing itself"
    if payment.in_window:
        start, reason = datetime.date(on.year, 1, 1), f"WAIT-8: {on.year} paid in the window"
    elif payment.newborn:
        start, reason = payment.on, "WAIT-8: a newborn enrolled within six months is covered at once (R7)"
    elif flags:
        start, reason = payment.on, f"RES-7: special group ({', '.join(sorted(flags))}) exempt from waiting"
    else:
        months = waiting_months(policy, paid, on.year, payment.on)
        start = (Month.of(payment.on) + months).day(payment.on.day)
        reason = f"RES-7: enrolled late on {payment.on}, {months} months' wait"
    return start <= on, start, reason


def signing_takes_effect(events: Iterable[LedgerEvent], kind: str, on: datetime.date) -> datetime.date:
    """RES-5: a primary-care change only in June or December, from next month; RES-6: chronic facilities
    change only in Q2 or Q4, from the first month of the next quarter. A first signing holds at once."""
    if not any(isinstance(e, FacilitySigned) and e.kind == kind for e in history.standing(events)):
        return on
    month = Month.of(on)
    if kind == "primary":
        if month.number not in (6, 12):
            raise RuleViolation("RES-5", f"a primary-care signing changes only in June or December, not on {on}")
        return (month + 1).first_day
    if month.number not in (4, 5, 6, 10, 11, 12):
        raise RuleViolation("RES-6", f"chronic-outpatient facilities change only in Q2 or Q4, not on {on}")
    return (month + (3 - (month.number - 1) % 3)).first_day


def check_chronic_facilities(facilities: list[tuple[str, str]]) -> None:
    """RES-6: three facilities, two of level II or above and one primary."""
    levels = sorted(level for _, level in facilities)
    if len(facilities) != 3 or sum(level in ("II", "III") for level in levels) != 2 or levels.count("primary") != 1:
        raise RuleViolation("RES-6", "chronic outpatient needs three facilities: two of level II or above, one primary")


def facilities_on(events: Iterable[LedgerEvent], on: datetime.date) -> dict[str, object]:
    primary, chronic = None, []
    for event in history.standing(events):
        if isinstance(event, FacilitySigned) and event.effective_from <= on:
            if event.kind == "primary":
                primary = event.facilities[0]
            else:
                chronic = list(event.facilities)
    return {"primary": primary, "chronic": chronic}


def refund(events: list[LedgerEvent], reason: str, on: datetime.date) -> ResidentContributionPaid:
    """REF-3: a paid next-year contribution comes back in full before its benefit year starts, never after."""
    upcoming = [p for year, p in payments(events).items() if p.on <= on]
    if not upcoming:
        raise RuleViolation("REF-3", "no resident contribution is paid")
    latest = max(upcoming, key=lambda p: p.year)
    if on >= datetime.date(latest.year, 1, 1):
        raise RuleViolation("REF-3", f"the benefit year {latest.year} started on {latest.year}-01-01: no refund")
    return latest
