"""A batch of receipts (a tax-bureau file, or a day at the counter): where unmatched money waits (挂账).

The batch also records how far an import got, in the same transaction as the receipts it recorded,
so an interrupted import resumes exactly where it stopped.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from uuid import NAMESPACE_URL, UUID, uuid5

from ledger.core.events import LedgerCreated, LedgerEvent, Stream, formerly
from ledger.core.month import Month


@dataclass(frozen=True)
class Receipt:
    """One row of money reported received (到账) for a person-month."""

    row: int
    id_number: str
    month: Month
    amount: Decimal
    received_on: datetime.date

    def receipt_id(self, digest: str) -> str:
        """A receipt is its content within its source: the same row of the same file is the same receipt."""
        content = f"{digest}|{self.row}|{self.id_number}|{self.month}|{self.amount}|{self.received_on}"
        return hashlib.sha256(content.encode()).hexdigest()[:32]


@formerly("ledger.receipt_batch:ReceiptBatchOpened")
class ReceiptBatchOpened(LedgerCreated):
    source: str
    digest: str
    rows: int
    on: datetime.date


@formerly("ledger.receipt_batch:ReceiptUnmatched")
class ReceiptUnmatched(LedgerEvent):
    """CON-6: money received that settles no assessment; it is kept here, never dropped."""

    row: int
    id_number: str
    month: Month
    amount: Decimal
    received_on: datetime.date
    reason: str
    receipt_id: str


@formerly("ledger.receipt_batch:ReceiptBatchProgressed")
class ReceiptBatchProgressed(LedgerEvent):
    """The first `rows_done` rows of the file are recorded (with the receipts of this chunk)."""

    rows_done: int
    matched: int
    unmatched: int
    on: datetime.date


@formerly("ledger.receipt_batch:ReceiptBatch")
class ReceiptBatch(Stream):
    @staticmethod
    def id_for(digest: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"yibao:receipt-batch:{digest}")

    @classmethod
    def start(cls, *, source: str, digest: str, rows: int, on: datetime.date, operator: str) -> ReceiptBatch:
        return cls.open(ReceiptBatchOpened, cls.id_for(digest), source=source, digest=digest, rows=rows, on=on,
                        operator=operator, documents=[source])

    @property
    def rows_done(self) -> int:
        progress = [e for e in self.history if isinstance(e, ReceiptBatchProgressed)]
        return progress[-1].rows_done if progress else 0

    @property
    def rows(self) -> int:
        return self.history[0].rows
