"""The policy book: what clerks publish after the defaults were shipped (one stream for the region)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.domain import Aggregate

from ledger import history
from ledger.errors import RuleViolation
from ledger.events import LedgerCreated, LedgerEvent
from ledger.policy import AverageWage, Parameter, Policy


class PolicyBookOpened(LedgerCreated):
    on: datetime.date


class AverageWagePublished(LedgerEvent):
    """The statistics bureau published year `year`'s average wage (CON-2, CON-3)."""

    year: int
    annual: Decimal
    on: datetime.date


class PolicyParameterSet(LedgerEvent):
    """A parameter takes a new value from `effective_from`; `on` is when it was decided."""

    name: str
    value: str
    effective_from: datetime.date
    on: datetime.date


class PolicyBook(Aggregate):
    ID = uuid5(NAMESPACE_URL, "yibao:policy-book")

    def __init__(self) -> None:
        self.history: list[LedgerEvent] = []

    @classmethod
    def open(cls, *, on: datetime.date, operator: str) -> PolicyBook:
        return cls._create(PolicyBookOpened, id=cls.ID, on=on, operator=operator, documents=[])

    def publish_average_wage(self, *, year: int, annual: Decimal, on: datetime.date, operator: str,
                             documents: list[str]) -> None:
        if annual <= 0:
            raise RuleViolation("CON-2", f"an average wage of {annual} cannot be a reference")
        if on.year <= year:
            raise RuleViolation("CON-3", f"year {year}'s average wage cannot be published before the year is over")
        self.trigger_event(AverageWagePublished, year=year, annual=annual, on=on, operator=operator,
                           documents=documents)

    def set_parameter(self, *, defaults: Policy, name: str, value: str, effective_from: datetime.date,
                      on: datetime.date, operator: str, documents: list[str]) -> None:
        if name not in defaults.names():
            raise RuleViolation("P", f"there is no policy parameter {name}; known: {', '.join(defaults.names())}")
        choices = defaults.choices(name)
        if choices and value not in choices:
            raise RuleViolation("P", f"{name} takes one of {', '.join(choices)}, not {value!r}")
        self.trigger_event(PolicyParameterSet, name=name, value=value, effective_from=effective_from, on=on,
                           operator=operator, documents=documents)


def policy_from(defaults: Policy, events: list[LedgerEvent]) -> Policy:
    """The defaults with every standing publication among `events` (filter by known-at first)."""
    parameters, wages = [], []
    for event in history.standing(events):
        if isinstance(event, AverageWagePublished):
            wages.append(AverageWage(event.year, event.annual, event.on, f"published by {event.operator}", False))
        elif isinstance(event, PolicyParameterSet):
            parameters.append(Parameter(event.name, event.value, event.effective_from,
                                        f"set by {event.operator} on {event.on}", False))
    return defaults.with_published(parameters, wages)
