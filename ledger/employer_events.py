"""The facts of an employer (参保单位): registration, change, cancellation, staff changes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.events import LedgerCreated, LedgerEvent
from ledger.month import Month


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


class EmployerChanged(LedgerEvent):
    """单位变更登记 (REG-3)."""

    changes: dict[str, Any]
    reason: str | None
    on: datetime.date


class EmployerCancelled(LedgerEvent):
    """单位注销 (REG-4): recorded only when nothing is owed; `owed` is the amount checked (zero)."""

    reason: str
    owed: Decimal
    on: datetime.date


class StaffHired(LedgerEvent):
    """人员增加 (CON-9): on the staff from `month`, the month the declaration takes effect."""

    person_id: UUID
    id_number: str
    requested_month: Month
    declared_on: datetime.date
    month: Month


class StaffLeft(LedgerEvent):
    """人员减少 (CON-9): off the staff from `month` (the first month no longer covered)."""

    person_id: UUID
    id_number: str
    requested_month: Month
    declared_on: datetime.date
    month: Month


class BasesDeclared(LedgerEvent):
    """缴费基数申报 (CON-1): each employee's declared monthly wage for the contribution year.

    `wages` maps person id (hex) to the wage; `id_numbers` the same ids to the numbers as declared.
    """

    year: int
    wages: dict[str, Decimal]
    id_numbers: dict[str, str]
    file_digest: str
    on: datetime.date


class DeferralAgreed(LedgerEvent):
    """缓缴协议 (CON-8): contributions of months [month, until) may be paid late; benefits continue."""

    month: Month
    until: Month
    on: datetime.date
