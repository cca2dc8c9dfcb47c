"""Designated institutions (定点医药机构, E34, R ch.6): registered data that settlements name by code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from ledger.core.events import Stream
from ledger.medical.events import InstitutionRegistered, SettlementNumbered

LEVELS = ("1", "2", "3", "primary")
KINDS = ("hospital", "pharmacy")


@dataclass(frozen=True)
class Designation:
    code: str
    name: str
    level: str
    kind: str
    region: str

    @property
    def table_level(self) -> str:
        """The level whose deductible and ratio apply (BEN-5): a primary-care facility pays as level 1."""
        return "1" if self.level == "primary" else self.level


class Institution(Stream):
    @staticmethod
    def id_for(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"yibao:institution:{code}")

    @classmethod
    def register(cls, *, code: str, **fields: Any) -> Institution:
        return cls.open(InstitutionRegistered, cls.id_for(code), code=code, **fields)

    @property
    def designation(self) -> Designation:
        first = self.history[0]
        return Designation(first.code, first.name, first.level, first.kind, first.region)


class SettlementNumber(Stream):
    """One per settlement number an institution used: recording a number twice conflicts in the store."""

    @staticmethod
    def id_for(institution: str, number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"yibao:settlement:{institution}:{number}")

    @classmethod
    def record_once(cls, *, institution: str, number: str, **fields: Any) -> SettlementNumber:
        return cls.open(SettlementNumbered, cls.id_for(institution, number), institution=institution, number=number,
                        **fields)
