"""The account statement: movements with a running balance, and the status summary (ACC-1..ACC-4)."""

from __future__ import annotations

import datetime
from typing import Any

from ledger.benefits.account import Movement
from ledger.core.money import ZERO


def statement(moves: list[Movement], first: datetime.date) -> list[dict[str, Any]]:
    """Rows from `first` on; the movements before it are carried as an opening balance."""
    opening = sum((m.amount for m in moves if m.on < first), ZERO)
    rows = [{"on": first.isoformat(), "kind": "opening", "amount": str(opening), "balance": str(opening),
             "detail": ""}] if opening else []
    running = opening
    for move in moves:
        if move.on < first:
            continue
        running += move.amount
        rows.append({"on": move.on.isoformat(), "kind": move.kind, "amount": str(move.amount),
                     "balance": str(running), "detail": move.detail})
    return rows
