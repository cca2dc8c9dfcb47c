"""The facts of a person's registration (参保登记): registered, re-registered, changed, cancelled."""

from __future__ import annotations

import datetime
from typing import Any

from ledger.events import LedgerCreated, LedgerEvent


class PersonRegistered(LedgerCreated):
    """参保登记 (REG-2); registering for employee insurance registers maternity too (REG-6)."""

    id_number: str
    name: str
    sex: str
    birth: datetime.date
    scheme: str
    employer: str | None
    hukou: str | None
    phone: str | None
    address: str | None
    on: datetime.date


class PersonReregistered(LedgerEvent):
    """A cancelled person registers again; earlier contribution months carry over (MON-3)."""

    scheme: str
    employer: str | None
    on: datetime.date


class PersonChanged(LedgerEvent):
    """变更登记 (REG-3): the new values; the old ones stay in earlier facts."""

    changes: dict[str, Any]
    reason: str | None
    on: datetime.date


class PersonCancelled(LedgerEvent):
    """注销登记 (REG-5): death, missing (court declaration), settling abroad or leaving the scheme."""

    reason: str
    on: datetime.date
