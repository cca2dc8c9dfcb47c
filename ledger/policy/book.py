"""The policy book: what clerks publish after the defaults were shipped (one stream for the region)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import NAMESPACE_URL, uuid5

from ledger.core import history
from ledger.core.errors import BadInput, RuleViolation
from ledger.core.events import LedgerCreated, LedgerEvent, Stream, formerly
from ledger.core.i18n import N_, _
from ledger.core.policy import AverageWage, Parameter, Policy


@formerly("ledger.policy_book:PolicyBookOpened")
class PolicyBookOpened(LedgerCreated):
    on: datetime.date


@formerly("ledger.policy_book:AverageWagePublished")
class AverageWagePublished(LedgerEvent):
    """The statistics bureau published year `year`'s average wage (CON-2, CON-3)."""

    year: int
    annual: Decimal
    on: datetime.date


@formerly("ledger.policy_book:PolicyParameterSet")
class PolicyParameterSet(LedgerEvent):
    """A parameter takes a new value from `effective_from`; `on` is when it was decided."""

    name: str
    value: str
    effective_from: datetime.date
    on: datetime.date


@formerly("ledger.policy_book:PolicyBook")
class PolicyBook(Stream):
    """The region's one policy book: the defaults shipped, then what clerks publish (section P)."""

    ID = uuid5(NAMESPACE_URL, "yibao:policy-book")

    @classmethod
    def start(cls, *, on: datetime.date, operator: str) -> PolicyBook:
        return cls.open(PolicyBookOpened, cls.ID, on=on, operator=operator, documents=[])


def check_average_wage(year: int, annual: Decimal, on: datetime.date) -> None:
    """CON-2, CON-3: a positive figure, published once its year is over."""
    if annual <= 0:
        raise RuleViolation("CON-2", _("an average wage of {annual} cannot be a reference").format(annual=annual))
    if on.year <= year:
        raise RuleViolation("CON-3", _("year {year}'s average wage cannot be published before the year is over")
                            .format(year=year))


def check_parameter(defaults: Policy, name: str, value: str) -> None:
    """P: only a parameter the ledger knows, and for a rule-naming one only a value it may take."""
    if name not in defaults.names():
        raise BadInput("NAME", _("there is no policy parameter {name}; known: {known}").format(
            name=name, known=", ".join(defaults.names())))
    choices = defaults.choices(name)
    if choices and value not in choices:
        raise RuleViolation("P", _("{name} takes one of {choices}, not {value!r}").format(
            name=name, choices=", ".join(choices), value=value))


def policy_from(defaults: Policy, events: list[LedgerEvent]) -> Policy:
    """The defaults with every standing publication among `events` (filter by known-at first)."""
    parameters, wages = [], []
    for event in history.standing(events):
        if isinstance(event, AverageWagePublished):
            wages.append(AverageWage(event.year, event.annual, event.on,
                                     N_("published by {operator}").format(operator=event.operator), False))
        elif isinstance(event, PolicyParameterSet):
            parameters.append(Parameter(event.name, event.value, event.effective_from,
                                        N_("set by {operator} on {on}").format(operator=event.operator, on=event.on),
                                        False))
    return defaults.with_published(parameters, wages)
