"""A batch of receipts (a tax-bureau file, or a day at the counter): where unmatched money waits (挂账).

The batch also records how far an import got, in the same transaction as the receipts it recorded,
so an interrupted import resumes exactly where it stopped.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.events import LedgerCreated, LedgerEvent
from ledger.month import Month


class ReceiptBatchOpened(LedgerCreated):
    source: str
    digest: str
    rows: int
    on: datetime.date


class ReceiptUnmatched(LedgerEvent):
    """CON-6: money received that settles no assessment; it is kept here, never dropped."""

    row: int
    id_number: str
    month: Month
    amount: Decimal
    received_on: datetime.date
    reason: str
    receipt_id: str


class ReceiptBatchProgressed(LedgerEvent):
    """The first `rows_done` rows of the file are recorded (with the receipts of this chunk)."""

    rows_done: int
    matched: int
    unmatched: int
    on: datetime.date


class ReceiptBatch(Aggregate):
    def __init__(self) -> None:
        self.history: list[LedgerEvent] = []

    @staticmethod
    def id_for(digest: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"yibao:receipt-batch:{digest}")

    @classmethod
    def open(cls, *, source: str, digest: str, rows: int, on: datetime.date, operator: str) -> ReceiptBatch:
        return cls._create(ReceiptBatchOpened, id=cls.id_for(digest), source=source, digest=digest, rows=rows,
                           on=on, operator=operator, documents=[source])

    @property
    def rows_done(self) -> int:
        progress = [e for e in self.history if isinstance(e, ReceiptBatchProgressed)]
        return progress[-1].rows_done if progress else 0

    @property
    def rows(self) -> int:
        return self.history[0].rows

    def unmatched(self, **receipt) -> None:
        self.trigger_event(ReceiptUnmatched, documents=[], **receipt)

    def progressed(self, *, rows_done: int, matched: int, unmatched: int, on: datetime.date, operator: str) -> None:
        self.trigger_event(ReceiptBatchProgressed, rows_done=rows_done, matched=matched, unmatched=unmatched,
                           on=on, operator=operator, documents=[])
