"""Pure helpers over a stream's facts: what was known at a moment, what still stands, in what order."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from ledger.core.events import EventReversed, LedgerEvent


def known_at(events: Iterable[LedgerEvent], moment: datetime.datetime | None) -> list[LedgerEvent]:
    """The facts recorded by `moment` (all of them when it is None)."""
    return [e for e in events if moment is None or e.timestamp <= moment]


def reversals(events: Iterable[LedgerEvent]) -> dict[int, int]:
    """Reversed seq -> the seq of the reversal that reversed it."""
    return {e.seq: e.originator_version for e in events if isinstance(e, EventReversed)}


def effective_order(event: LedgerEvent) -> tuple:
    """The one total order of facts (beancount's entry_sortkey): effective date, then recorded sequence."""
    return event.effective_date, event.originator_version


def standing(events: Iterable[LedgerEvent]) -> list[LedgerEvent]:
    """The facts not reversed, in effective order."""
    events = list(events)
    reversed_seqs = reversals(events)
    kept = [e for e in events if not isinstance(e, EventReversed) and e.originator_version not in reversed_seqs]
    return sorted(kept, key=effective_order)
