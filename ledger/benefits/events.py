"""Facts of an insured life that decide benefits: interruption, resumption, transfer, retirement, spending."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.core.events import LedgerEvent, formerly
from ledger.core.month import Month


@formerly("ledger.lifecycle_events:PaymentInterrupted")
class PaymentInterrupted(LedgerEvent):
    """中断缴费 (WAIT-4): `month` is the first month not paid; pooled benefits stop from it."""

    month: Month


@formerly("ledger.lifecycle_events:PaymentResumed")
class PaymentResumed(LedgerEvent):
    """续保 (WAIT-5): paying again after an interruption starts a new waiting period."""

    on: datetime.date


@formerly("ledger.lifecycle_events:TransferredIn")
class TransferredIn(LedgerEvent):
    """转入 (TRF-1): months and an account balance brought from another province or region."""

    from_region: str
    months: int
    balance: Decimal
    on: datetime.date


@formerly("ledger.lifecycle_events:TransferredOut")
class TransferredOut(LedgerEvent):
    """转出 (TRF-1): the person leaves with their account balance; the registration here ends."""

    to_region: str
    balance: Decimal
    on: datetime.date


@formerly("ledger.lifecycle_events:Retired")
class Retired(LedgerEvent):
    """在职转退休 (RET-1): `shortfall` months must be back-paid before benefits start."""

    on: datetime.date
    months: int
    minimum: int
    shortfall: int


@formerly("ledger.lifecycle_events:AccountSpent")
class AccountSpent(LedgerEvent):
    """个人账户支付 (ACC-3): spending at a designated pharmacy or outpatient facility."""

    amount: Decimal
    facility: str | None
    on: datetime.date
