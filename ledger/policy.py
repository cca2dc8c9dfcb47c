"""Effective-dated policy parameters (政策参数): every number the rules use comes from here."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources


@dataclass(frozen=True)
class Parameter:
    name: str
    value: str
    effective_from: datetime.date
    source: str
    assumed: bool


class Policy:
    """Parameters by name, each a series of values taking effect on their `from` date."""

    def __init__(self, parameters: list[Parameter]):
        self._series: dict[str, list[Parameter]] = {}
        for parameter in sorted(parameters, key=lambda p: p.effective_from):
            self._series.setdefault(parameter.name, []).append(parameter)

    @classmethod
    def defaults(cls) -> Policy:
        data = json.loads(resources.files("ledger").joinpath("policy_defaults.json").read_text("utf-8"))
        return cls([
            Parameter(p["name"], p["value"], datetime.date.fromisoformat(p["from"]), p["source"], p["assumed"])
            for p in data["parameters"]
        ])

    def parameter(self, name: str, on: datetime.date) -> Parameter:
        in_force = [p for p in self._series[name] if p.effective_from <= on]
        if not in_force:
            raise LookupError(f"policy parameter {name} has no value in force on {on}")
        return in_force[-1]

    def integer(self, name: str, on: datetime.date) -> int:
        return int(self.parameter(name, on).value)

    def decimal(self, name: str, on: datetime.date) -> Decimal:
        return Decimal(self.parameter(name, on).value)
