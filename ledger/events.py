"""What every ledger fact carries, and the reversal that corrects one without erasing it.

A fact's recorded time is the library's `timestamp` (UTC, set when the event is created);
its effective time is a field of the event (`on`, or `month` for monthly facts).
"""

from __future__ import annotations

import datetime
from typing import Any

from eventsourcing.domain import AggregateCreated, AggregateEvent

from ledger.month import Month


class LedgerEvent(AggregateEvent):
    """A fact recorded by a named operator, with the references of its supporting documents."""

    operator: str
    documents: list[str]

    def apply(self, aggregate: Any) -> None:
        # Aggregates keep their facts; state is always a fold over them (ledger.history).
        aggregate.history.append(self)

    @property
    def effective(self) -> datetime.date | Month:
        return getattr(self, "month", None) or self.on  # type: ignore[attr-defined]

    @property
    def effective_date(self) -> datetime.date:
        effective = self.effective
        return effective.first_day if isinstance(effective, Month) else effective


class LedgerCreated(AggregateCreated, LedgerEvent):
    """The first fact of a stream."""


class EventReversed(LedgerEvent):
    """A correction (冲正): the fact at `seq` no longer stands, from the moment this is recorded.

    The reversed fact stays in the stream; folds skip it.
    """

    seq: int
    reason: str
    on: datetime.date
