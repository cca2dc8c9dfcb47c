"""A stream's facts in recorded order, as known at a moment: the auditor's view (AUD-2), each fact a voucher's
approval recorded naming its voucher, handler, reviewer and approver (AUD-1)."""

from __future__ import annotations

from typing import Any

from ledger.core.view import View
from projections.plain import plain

# Fields every event has; the rest of an event is its data.
ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "operator", "on", "month",
            "approval"}


def timeline(view: View) -> list[dict[str, Any]]:
    return [
        {
            "seq": event.originator_version,
            "type": type(event).__name__,
            "effective": plain(event.effective),
            "recorded_at": event.timestamp.isoformat(),
            "operator": event.operator,
            "data": plain({k: v for k, v in vars(event).items() if k not in ENVELOPE}),
            "reversed_by": view.reversed_by.get(event.originator_version),
            "voucher": event.approval,
        }
        for event in sorted(view.events, key=lambda e: e.originator_version)
    ]
