"""Facts of maternity benefits (生育保险待遇, E ch.8) on a person's stream: claims and what they paid."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.core.events import LedgerEvent, formerly


@formerly("ledger.maternity_events:MaternityClaimed")
class MaternityClaimed(LedgerEvent):
    """A maternity claim (生育待遇申领, MAT-3) with what decided it: the count, the base and the months it
    averaged (MAT-5), the days, and whether the delivery was an emergency at a non-designated hospital (E49).

    Until review exists a claim takes effect when recorded; a later approval step pays it instead.
    """

    class_version = 2

    kind: str
    birth: datetime.date
    continuous_months: int
    average_base: Decimal | None
    averaged: str | None
    leave_days: int | None
    elsewhere_unsigned: bool
    emergency: bool
    on: datetime.date

    @staticmethod
    def upcast_v1_v2(state: dict) -> None:
        # Claims recorded before the averaging period and emergency deliveries were shown.
        state.setdefault("averaged", None)
        state.setdefault("emergency", False)


@formerly("ledger.maternity_events:BenefitPaid")
class BenefitPaid(LedgerEvent):
    """A benefit paid (MAT-3..MAT-5): to the person, or the delivery package to the hospital (MAT-4)."""

    kind: str
    amount: Decimal
    birth: datetime.date
    period: str
    claim_seq: int
    on: datetime.date
