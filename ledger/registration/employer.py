"""The employer (参保单位): one stream per unified social credit code."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from ledger.core.events import Stream, formerly
from ledger.registration.events import EmployerRegistered


@formerly("ledger.employer:Employer")
class Employer(Stream):
    @staticmethod
    def id_for(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"yibao:employer:{code}")

    @classmethod
    def register(cls, *, code: str, **fields: Any) -> Employer:
        return cls.open(EmployerRegistered, cls.id_for(code), code=code, **fields)
