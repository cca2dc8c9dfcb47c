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


@formerly("ledger.jobs:JobFinished")
class JobFinished(LedgerEvent):
    summary: dict[str, Any]
    on: datetime.date


@formerly("ledger.jobs:Job")
class Job(Stream):
    @staticmethod
    def id_for(kind: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"yibao:job:{kind}")

    @classmethod
    def start(cls, *, kind: str, key: str, parameters: dict[str, Any], on: datetime.date, operator: str) -> Job:
        return cls.open(JobStarted, cls.id_for(kind), kind=kind, key=key, parameters=parameters, on=on,
                        operator=operator, documents=[])

    @property
    def finished(self) -> JobFinished | None:
        return next((e for e in self.history if isinstance(e, JobFinished)), None)

    def finish(self, *, summary: dict[str, Any], on: datetime.date, operator: str) -> None:
        self.record(JobFinished, summary=summary, on=on, operator=operator, documents=[])
