"""Facts of maternity benefits and special refunds on a person's stream."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.events import LedgerEvent


class MaternityClaimed(LedgerEvent):
    """A maternity claim (生育待遇申领, MAT-3) with what decided it: the count, the base, the days.

    Until review exists a claim takes effect when recorded; a later approval step pays it instead.
    """

    kind: str
    birth: datetime.date
    continuous_months: int
    average_base: Decimal | None
    leave_days: int | None
    elsewhere_unsigned: bool
    on: datetime.date


class BenefitPaid(LedgerEvent):
    """A benefit paid (MAT-3..MAT-5): to the person, or the delivery package to the hospital (MAT-4)."""

    kind: str
    amount: Decimal
    birth: datetime.date
    period: str
    claim_seq: int
    on: datetime.date


class RefundPaid(LedgerEvent):
    """特殊退费 (REF-1, REF-2): the pooled-fund part of the latest year's flexible payment, refunded."""

    reason: str
    year: int
    months: list[str]
    amount: Decimal
    on: datetime.date
