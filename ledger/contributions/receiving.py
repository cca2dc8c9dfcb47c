"""Receipt handlers (到账, CON-6): at the counter or from the tax bureau's file; unmatched money is kept, never lost.

The import commits each chunk of rows together with the file's progress, so a second run of the same file
records nothing and an interrupted one resumes after its last chunk.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from ledger.benefits.events import TransferredOut
from ledger.contributions.events import ContributionReceived
from ledger.contributions.months import table, unmatched_reason
from ledger.contributions.receipts import (
    Receipt,
    ReceiptBatch,
    ReceiptBatchProgressed,
    ReceiptUnmatched,
)
from ledger.core.errors import Conflict, RuleViolation
from ledger.core.i18n import N_
from ledger.core.month import Month
from ledger.core.view import View
from ledger.registration.events import PersonCancelled
from ledger.registration.person import Person
from ledger.registration.person_state import state_on

CHUNK_ROWS = 500
KEEP_STREAMS = 5000
RETRIES = 3


@dataclass
class Summary:
    rows: int = 0
    matched: int = 0
    unmatched: int = 0
    duplicates: int = 0


def receipt_ids(view: View) -> frozenset[str]:
    """The receipts already recorded for the person (those standing in the month table): a receipt is never
    recorded twice."""
    return view.memo("receipt ids", lambda: frozenset(
        receipt[2] for person_month in table(view).values() for receipt in person_month.receipts),
        advance=_with_receipt)


def _with_receipt(ids: frozenset[str], event: object) -> frozenset[str]:
    return ids | {event.receipt_id} if isinstance(event, ContributionReceived) else ids


def check_receipt(view: View, month: Month, amount: Decimal) -> None:
    """CON-6: money settles exactly what the month still owes, for a month the registration covers. The refusal
    is an unmatched receipt's stored reason: English (N_), read in the reader's language where it is shown."""
    if any(isinstance(e, (PersonCancelled, TransferredOut)) for e in view.events):
        state = state_on(view, month.first_day)
        if not state.registered and state.cancelled_on is not None:
            raise RuleViolation("TRF-1" if state.transferred_out else "REG-5", N_(
                "{month} is after {id_number} was {reason} on {on}").format(
                month=month, id_number=state.id_number, reason=state.cancelled_reason, on=state.cancelled_on))
    reason = unmatched_reason(table(view), month, amount)
    if reason:
        raise RuleViolation("CON-6", reason)


def record(uow, person: Person | None, batch: ReceiptBatch, receipt: Receipt, digest: str, source: str,
           operator: str) -> str:
    """Record one receipt where it belongs; returns matched, unmatched or duplicate."""
    receipt_id = receipt.receipt_id(digest)
    if person is not None and receipt_id in receipt_ids(uow.view(person)):
        return "duplicate"
    try:
        if person is None:
            raise RuleViolation("REG-2", N_("no person is registered with ID number {id_number}").format(
                id_number=receipt.id_number))
        check_receipt(uow.view(person), receipt.month, receipt.amount)
        person.record(ContributionReceived, month=receipt.month, amount=receipt.amount,
                      received_on=receipt.received_on, source=source, receipt_id=receipt_id, operator=operator,
                      documents=[source])
        return "matched"
    except RuleViolation as refusal:
        batch.record(ReceiptUnmatched, row=receipt.row, id_number=receipt.id_number, month=receipt.month,
                     amount=receipt.amount, received_on=receipt.received_on, reason=str(refusal),
                     receipt_id=receipt_id, operator=operator, documents=[])
        return "unmatched"


def import_receipts(uow, receipts: Iterable[Receipt], *, digest: str, source: str, on: datetime.date, operator: str,
                    rows: int | None = None, progress: Callable[[int], None] | None = None) -> Summary:
    """Import a file's receipts in chunks, read as they come (`rows` of them: a list's length unless given); each
    chunk and the batch's progress commit together, so a second run carries on after the last chunk."""
    rows = len(receipts) if rows is None else rows
    summary = Summary(rows=rows)
    batch = _batch(uow, digest, source, rows, on, operator)
    summary.duplicates = done = batch.rows_done
    if progress:
        progress(done)
    remaining = itertools.islice(receipts, done, None)
    while chunk := list(itertools.islice(remaining, CHUNK_ROWS)):
        done += len(chunk)
        outcome = _import_chunk(uow, chunk, done, digest, source, rows, on, operator)
        summary.matched += outcome["matched"]
        summary.unmatched += outcome["unmatched"]
        summary.duplicates += outcome["duplicate"]
        if progress:
            progress(len(chunk))
    return summary


def _batch(uow, digest: str, source: str, rows: int, on: datetime.date, operator: str) -> ReceiptBatch:
    batch = uow.get(ReceiptBatch.id_for(digest))
    if batch is None:
        batch = uow.add(ReceiptBatch.start(source=source, digest=digest, rows=rows, on=on, operator=operator))
    return batch


def _import_chunk(uow, chunk: list[Receipt], done: int, digest: str, source: str, rows: int, on: datetime.date,
                  operator: str) -> dict[str, int]:
    for attempt in range(RETRIES):
        batch = _batch(uow, digest, source, rows, on, operator)
        outcome = {"matched": 0, "unmatched": 0, "duplicate": 0}
        persons = uow.persons_by_number(r.id_number for r in chunk)
        for receipt in chunk:
            outcome[record(uow, persons.get(receipt.id_number), batch, receipt, digest, source, operator)] += 1
        batch.record(ReceiptBatchProgressed, rows_done=done, matched=outcome["matched"],
                     unmatched=outcome["unmatched"], on=on, operator=operator, documents=[])
        try:
            uow.commit()
            uow.trim(KEEP_STREAMS)
            return outcome
        except Conflict:
            if attempt == RETRIES - 1:
                raise
            # Someone wrote to one of these streams meanwhile: read everything again and redo the chunk.
            uow.rollback()
    raise AssertionError("unreachable")


def pay_at_counter(uow, *, id_number: str, first: Month, last: Month, amount: Decimal, received_on: datetime.date,
                   operator: str) -> str | None:
    """One counter receipt for months first..last; returns why it is unmatched (kept in suspense), or None.

    The amount settles the months only when it is exactly what they still owe together.
    """
    person = uow.person_or_none(id_number)
    months = [first + i for i in range(first.months_until(last) + 1)]
    # Each counter receipt is a new receipt: its identity is the moment it was taken, not only its content.
    source_id = f"counter|{operator}|{datetime.datetime.now(datetime.timezone.utc).isoformat()}"
    reason = _counter_mismatch(uow.view(person) if person else None, months, amount)
    if reason is None:
        owed = table(uow.view(person))
        for row, month in enumerate(months, start=1):
            receipt = Receipt(row, id_number, month, owed[month].outstanding, received_on)
            check_receipt(uow.view(person), month, receipt.amount)
            person.record(ContributionReceived, month=month, amount=receipt.amount, received_on=received_on,
                          source="counter", receipt_id=receipt.receipt_id(source_id), operator=operator,
                          documents=[])
        uow.commit()
        return None
    # One suspense stream per clerk and day: clerks at different counters never contend for it.
    batch = _batch(uow, f"counter-{operator}-{received_on}", "counter", 0, received_on, operator)
    receipt = Receipt(len(batch.history), id_number, first, amount, received_on)
    batch.record(ReceiptUnmatched, row=receipt.row, id_number=id_number, month=first, amount=amount,
                 received_on=received_on, reason=reason, receipt_id=receipt.receipt_id(source_id), operator=operator,
                 documents=[])
    uow.commit()
    return reason


def _counter_mismatch(view: View | None, months: list[Month], amount: Decimal) -> str | None:
    if view is None:
        return N_("REG-2: no person is registered with this ID number")
    owed = table(view)
    if len(months) == 1:
        reason = unmatched_reason(owed, months[0], amount)
        return f"CON-6: {reason}" if reason else None
    missing = [str(m) for m in months if m not in owed or owed[m].outstanding <= 0]
    if missing:
        return N_("CON-6: nothing is owed for {months}").format(months=", ".join(missing))
    together = sum(owed[m].outstanding for m in months)
    return None if together == amount else N_("CON-6: wrong amount: {first}..{last} owe {owed}").format(
        first=months[0], last=months[-1], owed=together)
