"""Money held in suspense (挂账, CON-6): receipts that settled no assessment, oldest first."""

from __future__ import annotations

from typing import Any

from ledger.contributions.receipts import ReceiptUnmatched
from ledger.store.registry import notifications
from projections.plain import plain


def unmatched_receipts(ledger: Any, limit: int) -> list[dict[str, Any]]:
    rows = []
    for notification in notifications(ledger, ReceiptUnmatched):
        event = ledger.mapper.to_domain_event(notification)
        rows.append(plain({"id_number": event.id_number, "month": event.month, "amount": event.amount,
                           "received_on": event.received_on, "row": event.row, "reason": event.reason,
                           "recorded_at": event.timestamp}))
        if len(rows) == limit:
            break
    return rows
