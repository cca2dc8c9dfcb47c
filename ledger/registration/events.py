"""The facts of registration (参保登记, E ch.2, R ch.2): persons and employers registered, changed, cancelled."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ledger.core.events import LedgerCreated, LedgerEvent, formerly


@formerly("ledger.person_events:PersonRegistered")
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


@formerly("ledger.person_events:PersonReregistered")
class PersonReregistered(LedgerEvent):
    """A cancelled person registers again; earlier contribution months carry over (MON-3)."""

    scheme: str
    employer: str | None
    on: datetime.date


@formerly("ledger.person_events:PersonChanged")
class PersonChanged(LedgerEvent):
    """变更登记 (REG-3): the new values; the old ones stay in earlier facts."""

    changes: dict[str, Any]
    reason: str | None
    on: datetime.date


@formerly("ledger.person_events:PersonCancelled")
class PersonCancelled(LedgerEvent):
    """注销登记 (REG-5): death, missing (court declaration), settling abroad or leaving the scheme."""

    reason: str
    on: datetime.date


@formerly("ledger.lifecycle_events:SchemeSwitched")
class SchemeSwitched(LedgerEvent):
    """A change of scheme (employee, flexible, resident) from `on`."""

    scheme: str
    on: datetime.date


@formerly("ledger.employer_events:EmployerRegistered")
class EmployerRegistered(LedgerCreated):
    """单位参保登记 (REG-1); `late` when registered more than the due days after founding."""

    code: str
    name: str
    unit_type: str
    address: str | None
    legal_rep: str | None
    bank_account: str | None
    contact: str | None
    founded: datetime.date | None
    insured_from: datetime.date
    late: bool
    on: datetime.date


@formerly("ledger.employer_events:EmployerChanged")
class EmployerChanged(LedgerEvent):
    """单位变更登记 (REG-3)."""

    changes: dict[str, Any]
    reason: str | None
    on: datetime.date


@formerly("ledger.employer_events:EmployerCancelled")
class EmployerCancelled(LedgerEvent):
    """单位注销 (REG-4): recorded only when nothing is owed; `owed` is the amount checked (zero)."""

    reason: str
    owed: Decimal
    on: datetime.date
