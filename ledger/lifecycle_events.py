"""Facts of an insured life after registration: interruption, resumption, transfer, retirement, scheme, spending."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.events import LedgerEvent
from ledger.month import Month


class PaymentInterrupted(LedgerEvent):
    """中断缴费 (WAIT-4): `month` is the first month not paid; pooled benefits stop from it."""

    month: Month


class PaymentResumed(LedgerEvent):
    """续保 (WAIT-5): paying again after an interruption starts a new waiting period."""

    on: datetime.date


class TransferredIn(LedgerEvent):
    """转入 (TRF-1): months and an account balance brought from another province or region."""

    from_region: str
    months: int
    balance: Decimal
    on: datetime.date


class TransferredOut(LedgerEvent):
    """转出 (TRF-1): the person leaves with their account balance; the registration here ends."""

    to_region: str
    balance: Decimal
    on: datetime.date


class Retired(LedgerEvent):
    """在职转退休 (RET-1): `shortfall` months must be back-paid before benefits start."""

    on: datetime.date
    months: int
    minimum: int
    shortfall: int


class SchemeSwitched(LedgerEvent):
    """A change of scheme (employee, flexible, resident) from `on`."""

    scheme: str
    on: datetime.date


class AccountSpent(LedgerEvent):
    """个人账户支付 (ACC-3): spending at a designated pharmacy or outpatient facility."""

    amount: Decimal
    facility: str | None
    on: datetime.date
