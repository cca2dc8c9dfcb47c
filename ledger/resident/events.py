"""Facts of the urban-rural resident scheme (城乡居民医保) on a person's stream."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.core.events import LedgerEvent, formerly


@formerly("ledger.resident_events:HardshipFlagged")
class HardshipFlagged(LedgerEvent):
    """RES-2: a special-hardship status (特困, 低保, 重残, 孤儿, 建档立卡, 优抚, ...) confirmed by `body`."""

    kind: str
    body: str
    on: datetime.date


@formerly("ledger.resident_events:HardshipEnded")
class HardshipEnded(LedgerEvent):
    kind: str
    on: datetime.date


@formerly("ledger.resident_events:ResidentContributionPaid")
class ResidentContributionPaid(LedgerEvent):
    """RES-3: a year's financing: the total, the personal part, the fiscal and the medical-assistance subsidy."""

    year: int
    total: Decimal
    personal_part: Decimal
    fiscal_subsidy: Decimal
    assistance_subsidy: Decimal
    newborn: bool
    in_window: bool
    back_paid: bool
    """RES-7: a lapsed year paid afterwards: it shortens a later wait and covers nothing itself."""
    on: datetime.date


@formerly("ledger.resident_events:FacilitySigned")
class FacilitySigned(LedgerEvent):
    """RES-5, RES-6: a primary-care facility, or the chronic-outpatient facilities, in force from `effective`."""

    kind: str
    facilities: list[str]
    effective_from: datetime.date
    on: datetime.date


class ConditionRecognised(LedgerEvent):
    """门诊大病认定 (R23): a chronic or major outpatient condition recognised, on the diagnosis papers."""

    condition: str
    on: datetime.date
