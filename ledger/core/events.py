"""What every ledger fact carries, and the reversal that corrects one without erasing it.

A fact's recorded time is the library's `timestamp` (UTC, set when the event is created);
its effective time is a field of the event (`on`, or `month` for monthly facts).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, AggregateCreated, AggregateEvent
from eventsourcing.utils import get_topic, register_topic

from ledger.core.month import Month

T = TypeVar("T")
_FORMER_TOPICS: dict[type, tuple[str, ...]] = {}


def formerly(*topics: str) -> Callable[[T], T]:
    """Where a class was stored before it moved: facts recorded under an old topic still read (AUD-2)."""

    def remember(cls: T) -> T:
        for topic in topics:
            register_topic(topic, cls)
        _FORMER_TOPICS[cls] = topics
        return cls

    return remember


def topics_of(cls: type) -> list[str]:
    """Every topic a class's facts are stored under: today's and those it had before it moved."""
    return [get_topic(cls), *_FORMER_TOPICS.get(cls, ())]


class LedgerEvent(AggregateEvent):
    """A fact recorded by a named operator, with the references of its supporting documents."""

    operator: str
    documents: list[str]
    approval = None
    """A voucher's signatures (voucher, handler, reviewer, approver) on a fact its approval recorded (AUD-1);
    not a field: stored only on those facts, and absent from every fact recorded before vouchers existed."""

    def apply(self, aggregate: Any) -> None:
        # Streams keep their facts; state is always a fold over them (the person's view).
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


@formerly("ledger.events:EventReversed")
class EventReversed(LedgerEvent):
    """A correction (冲正): the fact at `seq` no longer stands, from the moment this is recorded.

    The reversed fact stays in the stream; folds skip it.
    """

    seq: int
    reason: str
    on: datetime.date


class Stream(Aggregate):
    """A stream of facts that keeps them all: what holds on a date is a fold over them, never stored state."""

    def __init__(self) -> None:
        self.history: list[LedgerEvent] = []

    def record(self, event_class: type[LedgerEvent], **fields: Any) -> None:
        """Append a fact the rules allowed (rules are checked before, by the handler)."""
        self.trigger_event(event_class, **fields)

    @classmethod
    def open(cls, created: type[LedgerCreated], stream_id: UUID, **fields: Any) -> Any:
        return cls._create(created, id=stream_id, **fields)

    @classmethod
    def continuing(cls, stream_id: UUID, version: int) -> Any:
        """The stream at `version` with none of its facts in memory: a batch job that knows its view from the read
        side records new facts at the next version (the store refuses them if someone recorded meanwhile)."""
        stream = object.__new__(cls)
        stream.__base_init__(stream_id, version, datetime.datetime.now(datetime.timezone.utc))
        stream.history = []
        return stream

    @classmethod
    def replayed(cls, events: list[LedgerEvent]) -> Any:
        """The stream rebuilt from its facts as loaded (the library's replay, without a store read)."""
        stream = None
        for event in events:
            stream = event.mutate(stream)
        return stream
