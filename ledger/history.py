"""Pure helpers every fold starts with: what was known at a moment, what still stands, in what order."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from ledger.errors import RuleViolation
from ledger.events import EventReversed, LedgerEvent


def known_at(events: Iterable[LedgerEvent], moment: datetime.datetime | None) -> list[LedgerEvent]:
    """The facts recorded by `moment` (all of them when it is None)."""
    return [e for e in events if moment is None or e.timestamp <= moment]


def reversals(events: Iterable[LedgerEvent]) -> dict[int, int]:
    """Reversed seq -> the seq of the reversal that reversed it."""
    return {e.seq: e.originator_version for e in events if isinstance(e, EventReversed)}


def standing(events: Iterable[LedgerEvent]) -> list[LedgerEvent]:
    """The facts not reversed, in effective order: effective date, then recorded sequence."""
    events = list(events)
    reversed_seqs = reversals(events)
    kept = [
        e for e in events
        if not isinstance(e, EventReversed) and e.originator_version not in reversed_seqs
    ]
    return sorted(kept, key=lambda e: (e.effective_date, e.originator_version))


def standing_by(events: Iterable[LedgerEvent], on: datetime.date) -> list[LedgerEvent]:
    """The standing facts already in effect on `on`, in effective order: what a fold for that date reads."""
    return [e for e in standing(events) if e.effective_date <= on]


def check_reversible(events: list[LedgerEvent], seq: int) -> None:
    """AUD-2: a correction names an existing, standing, ordinary fact."""
    by_seq = {e.originator_version: e for e in events}
    target = by_seq.get(seq)
    if target is None:
        raise RuleViolation("AUD-2", f"there is no event {seq} to correct (last is {len(events)})")
    if isinstance(target, EventReversed):
        raise RuleViolation("AUD-2", f"event {seq} is itself a correction; record a new fact instead")
    if seq in reversals(events):
        raise RuleViolation("AUD-2", f"event {seq} was already reversed by event {reversals(events)[seq]}")
