"""Long jobs that span many transactions (the demo's region, later the nightly ones): started, finished.

A job's stream says whether it ran to its end, so a second run knows what the first left behind.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from ledger.core.events import LedgerCreated, LedgerEvent, Stream, formerly


@formerly("ledger.jobs:JobStarted")
class JobStarted(LedgerCreated):
    kind: str
    key: str
    parameters: dict[str, Any]
    on: datetime.date


class JobProgressed(LedgerEvent):
    """The first `done` steps (rows of a file) are recorded, in the same transaction as what they recorded."""

    done: int
    summary: dict[str, Any]
    on: datetime.date


@formerly("ledger.jobs:JobFinished")
class JobFinished(LedgerEvent):
    summary: dict[str, Any]
    on: datetime.date


@formerly("ledger.jobs:Job")
class Job(Stream):
    @staticmethod
    def id_for(kind: str, key: str | None = None) -> UUID:
        """One job of a kind (the demo's region), or one per key (a file, by its digest)."""
        return uuid5(NAMESPACE_URL, f"yibao:job:{kind}" + (f":{key}" if key is not None else ""))

    @classmethod
    def start(cls, *, kind: str, key: str, parameters: dict[str, Any], on: datetime.date, operator: str,
              keyed: bool = False) -> Job:
        return cls.open(JobStarted, cls.id_for(kind, key if keyed else None), kind=kind, key=key,
                        parameters=parameters, on=on, operator=operator, documents=[])

    @property
    def done(self) -> int:
        progress = [e for e in self.history if isinstance(e, JobProgressed)]
        return progress[-1].done if progress else 0

    def progressed(self, *, done: int, summary: dict[str, Any], on: datetime.date, operator: str) -> None:
        self.record(JobProgressed, done=done, summary=summary, on=on, operator=operator, documents=[])

    @property
    def finished(self) -> JobFinished | None:
        return next((e for e in self.history if isinstance(e, JobFinished)), None)

    def finish(self, *, summary: dict[str, Any], on: datetime.date, operator: str) -> None:
        self.record(JobFinished, summary=summary, on=on, operator=operator, documents=[])
