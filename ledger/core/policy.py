"""Effective-dated policy parameters (政策参数): every number the rules use comes from here.

The defaults ship in policy_defaults.json; what clerks publish later is recorded in the PolicyBook
stream and layered on top, so a computation can be redone with the policy as it was known then.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ledger.core.errors import RuleViolation
from ledger.core.i18n import _


class PolicyGap(RuleViolation, LookupError):
    """A computation needs a parameter that has no value in force on its date."""


@dataclass(frozen=True)
class Parameter:
    name: str
    value: str
    effective_from: datetime.date
    source: str
    assumed: bool
    choices: tuple[str, ...] = ()
    """For a parameter that names a rule rather than a number: the values it may take."""


@dataclass(frozen=True)
class AverageWage:
    """The region's full-caliber urban average annual wage of `year` (全口径城镇单位就业人员平均工资)."""

    year: int
    annual: Decimal
    published_on: datetime.date
    source: str
    assumed: bool


class Policy:
    """Parameters by name, each a series of values taking effect on their `from` date; average wages by year."""

    def __init__(self, parameters: list[Parameter], average_wages: list[AverageWage] = ()):
        self.parameters = sorted(parameters, key=lambda p: (p.name, p.effective_from))
        self._series: dict[str, list[Parameter]] = {}
        for parameter in self.parameters:
            self._series.setdefault(parameter.name, []).append(parameter)
        self.average_wages = {wage.year: wage for wage in average_wages}

    @classmethod
    def defaults(cls) -> Policy:
        data = json.loads((Path(__file__).parent / "policy_defaults.json").read_text("utf-8"))
        return cls(
            [Parameter(p["name"], p["value"], datetime.date.fromisoformat(p["from"]), p["source"], p["assumed"],
                       tuple(p.get("choices", ()))) for p in data["parameters"]],
            [AverageWage(w["year"], Decimal(w["annual"]), datetime.date.fromisoformat(w["published_on"]),
                         w["source"], w["assumed"]) for w in data["average_wages"]],
        )

    def with_published(self, parameters: list[Parameter], average_wages: list[AverageWage]) -> Policy:
        """This policy with later publications layered on top (a wage published again replaces the earlier)."""
        return Policy(self.parameters + parameters, [*self.average_wages.values(), *average_wages])

    def parameter(self, name: str, on: datetime.date) -> Parameter:
        in_force = [p for p in self._series.get(name, []) if p.effective_from <= on]
        if not in_force:
            raise PolicyGap("P", _("policy parameter {name} has no value in force on {on}: publish one with "
                                   "`yibao policy set {name} VALUE --from DATE`").format(name=name, on=on))
        return in_force[-1]

    def integer(self, name: str, on: datetime.date) -> int:
        return int(self.parameter(name, on).value)

    def decimal(self, name: str, on: datetime.date) -> Decimal:
        return Decimal(self.parameter(name, on).value)

    def names(self) -> list[str]:
        return sorted(self._series)

    def choices(self, name: str) -> tuple[str, ...]:
        return next((p.choices for p in self._series.get(name, []) if p.choices), ())
