"""A stream's facts in recorded order, as known at a moment: the auditor's view (AUD-2)."""

from __future__ import annotations

import datetime
from typing import Any

from ledger import history
from ledger.events import LedgerEvent
from projections.plain import plain

# Fields every event has; the rest of an event is its data.
ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "operator", "on", "month"}


def timeline(events: list[LedgerEvent], known_at: datetime.datetime | None = None) -> list[dict[str, Any]]:
    visible = history.known_at(events, known_at)
    reversed_by = history.reversals(visible)
    return [
        {
            "seq": event.originator_version,
            "type": type(event).__name__,
            "effective": plain(event.effective),
            "recorded_at": event.timestamp.isoformat(),
            "operator": event.operator,
            "data": plain({k: v for k, v in vars(event).items() if k not in ENVELOPE}),
            "reversed_by": reversed_by.get(event.originator_version),
        }
        for event in sorted(visible, key=lambda e: e.originator_version)
    ]
