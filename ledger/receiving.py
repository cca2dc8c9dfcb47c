"""Receipts (到账, CON-6): at the counter or from the tax bureau's file; unmatched money is kept, never lost."""

from __future__ import annotations

import datetime
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from ledger.contribution_months import unmatched_reason
from ledger.errors import RuleViolation, StorageFailure
from ledger.month import Month
from ledger.person import IdNumberIndex, Person
from ledger.receipt_batch import ReceiptBatch

CHUNK_ROWS = 500
CACHE_PERSONS = 5000
RETRIES = 3


@dataclass(frozen=True)
class Receipt:
    row: int
    id_number: str
    month: Month
    amount: Decimal
    received_on: datetime.date

    def receipt_id(self, digest: str) -> str:
        """A receipt is its content within its source: the same row of the same file is the same receipt."""
        content = f"{digest}|{self.row}|{self.id_number}|{self.month}|{self.amount}|{self.received_on}"
        return hashlib.sha256(content.encode()).hexdigest()[:32]


@dataclass
class Summary:
    rows: int = 0
    matched: int = 0
    unmatched: int = 0
    duplicates: int = 0


class People:
    """Persons by ID number, kept for a while: a receipts file visits each person for several months."""

    def __init__(self, ledger: Any):
        self.ledger, self.cache = ledger, OrderedDict()

    def get(self, id_number: str) -> Person | None:
        if id_number in self.cache:
            self.cache.move_to_end(id_number)
            return self.cache[id_number]
        try:
            index = self.ledger.repository.get(IdNumberIndex.id_for(id_number))
            person = self.ledger.repository.get(index.person_id)
        except AggregateNotFoundError:
            person = None
        self.cache[id_number] = person
        if len(self.cache) > CACHE_PERSONS:
            self.cache.popitem(last=False)
        return person

    def forget(self) -> None:
        self.cache.clear()


def record(person: Person | None, batch: ReceiptBatch, receipt: Receipt, digest: str, source: str,
           operator: str) -> str:
    """Record one receipt where it belongs; returns matched, unmatched or duplicate."""
    receipt_id = receipt.receipt_id(digest)
    if person is not None and receipt_id in person.receipt_ids():
        return "duplicate"
    try:
        if person is None:
            raise RuleViolation("REG-2", f"no person is registered with ID number {receipt.id_number}")
        person.record_receipt(month=receipt.month, amount=receipt.amount, received_on=receipt.received_on,
                              source=source, receipt_id=receipt_id, operator=operator, documents=[source])
        return "matched"
    except RuleViolation as refusal:
        batch.unmatched(row=receipt.row, id_number=receipt.id_number, month=receipt.month, amount=receipt.amount,
                        received_on=receipt.received_on, reason=str(refusal), receipt_id=receipt_id,
                        operator=operator)
        return "unmatched"


def import_receipts(ledger: Any, receipts: list[Receipt], *, digest: str, source: str, on: datetime.date,
                    operator: str, progress: Callable[[int], None] | None = None) -> Summary:
    """Import a file's receipts in chunks; each chunk and the batch's progress commit together.

    Importing the same file again records nothing; an import that stopped resumes after its last chunk.
    """
    summary = Summary(rows=len(receipts))
    batch = _batch(ledger, digest, source, len(receipts), on, operator)
    done = batch.rows_done
    summary.duplicates = done
    if progress:
        progress(done)
    people = People(ledger)
    for start in range(done, len(receipts), CHUNK_ROWS):
        chunk = receipts[start:start + CHUNK_ROWS]
        batch, outcome = _import_chunk(ledger, people, batch, chunk, start + len(chunk), digest, source, on,
                                       operator)
        summary.matched += outcome["matched"]
        summary.unmatched += outcome["unmatched"]
        summary.duplicates += outcome["duplicate"]
        if progress:
            progress(len(chunk))
    return summary


def _batch(ledger, digest: str, source: str, rows: int, on: datetime.date, operator: str) -> ReceiptBatch:
    try:
        return ledger.repository.get(ReceiptBatch.id_for(digest))
    except AggregateNotFoundError:
        return ReceiptBatch.open(source=source, digest=digest, rows=rows, on=on, operator=operator)


def _import_chunk(ledger, people: People, batch: ReceiptBatch, chunk: list[Receipt], done: int, digest: str,
                  source: str, on: datetime.date, operator: str) -> tuple[ReceiptBatch, dict[str, int]]:
    for attempt in range(RETRIES):
        outcome = {"matched": 0, "unmatched": 0, "duplicate": 0}
        touched: dict = {}
        for receipt in chunk:
            person = people.get(receipt.id_number)
            outcome[record(person, batch, receipt, digest, source, operator)] += 1
            if person is not None and person.pending_events:
                touched[person.id] = person
        batch.progressed(rows_done=done, matched=outcome["matched"], unmatched=outcome["unmatched"],
                         on=on, operator=operator)
        try:
            ledger.commit(batch, *touched.values())
            return batch, outcome
        except StorageFailure:
            if attempt == RETRIES - 1:
                raise
            # Someone wrote to one of these streams meanwhile: read everything again and redo the chunk.
            people.forget()
            batch = ledger.repository.get(batch.id) if batch.id in ledger.repository else _batch(
                ledger, digest, source, batch.rows, on, operator)
    raise AssertionError("unreachable")


def pay_at_counter(ledger: Any, *, id_number: str, first: Month, last: Month, amount: Decimal,
                   received_on: datetime.date, operator: str) -> str | None:
    """One counter receipt for months first..last; returns why it is unmatched (kept in suspense), or None.

    The amount settles the months only when it is exactly what they still owe together.
    """
    person = People(ledger).get(id_number)
    months = [first + i for i in range(first.months_until(last) + 1)]
    # Each counter receipt is a new receipt: its identity is the moment it was taken, not only its content.
    source_id = f"counter|{operator}|{datetime.datetime.now(datetime.timezone.utc).isoformat()}"
    reason = _counter_mismatch(person, months, amount)
    if reason is None:
        owed = person.months()
        for row, month in enumerate(months, start=1):
            receipt = Receipt(row, id_number, month, owed[month].outstanding, received_on)
            person.record_receipt(month=month, amount=receipt.amount, received_on=received_on, source="counter",
                                  receipt_id=receipt.receipt_id(source_id), operator=operator, documents=[])
        ledger.commit(person)
        return None
    batch = _batch(ledger, f"counter-{received_on}", "counter", 0, received_on, operator)
    receipt = Receipt(len(batch.history), id_number, first, amount, received_on)
    batch.unmatched(row=receipt.row, id_number=id_number, month=first, amount=amount, received_on=received_on,
                    reason=reason, receipt_id=receipt.receipt_id(source_id), operator=operator)
    ledger.commit(batch)
    return reason


def _counter_mismatch(person: Person | None, months: list[Month], amount: Decimal) -> str | None:
    if person is None:
        return "REG-2: no person is registered with this ID number"
    if len(months) == 1:
        reason = unmatched_reason(person.months(), months[0], amount)
        return f"CON-6: {reason}" if reason else None
    owed = person.months()
    missing = [str(m) for m in months if m not in owed or owed[m].outstanding <= 0]
    if missing:
        return f"CON-6: nothing is owed for {', '.join(missing)}"
    together = sum(owed[m].outstanding for m in months)
    return None if together == amount else f"CON-6: wrong amount: {months[0]}..{months[-1]} owe {together}"
