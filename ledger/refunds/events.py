"""Facts of special refunds (特殊退费, E ch.9; R18, R19) on a person's stream."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.core.events import LedgerEvent, formerly


@formerly("ledger.maternity_events:RefundPaid")
class RefundPaid(LedgerEvent):
    """特殊退费 (REF-1, REF-2): the pooled-fund part of the latest year's flexible payment, refunded."""

    reason: str
    year: int
    months: list[str]
    amount: Decimal
    on: datetime.date


@formerly("ledger.resident_events:ResidentRefunded")
class ResidentRefunded(LedgerEvent):
    """REF-3: a paid next-year contribution refunded in full before the benefit year starts."""

    year: int
    reason: str
    amount: Decimal
    on: datetime.date
