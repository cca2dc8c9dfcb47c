"""The facts of contributions on a person's stream."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.events import LedgerEvent
from ledger.month import Month


class ContributionReceived(LedgerEvent):
    """到账 (CON-6): money for a contribution month reported received on `received_on`."""

    month: Month
    amount: Decimal
    received_on: datetime.date
    source: str
