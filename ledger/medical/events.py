"""Facts of medical benefit payments: an institution's designation; a settlement or a reimbursement on the person's
stream, each carrying what decided it (the scheme whose pooled benefits paid, the waiting rule's reason)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.core.events import LedgerCreated, LedgerEvent


class InstitutionRegistered(LedgerCreated):
    """定点医药机构: a designated hospital or pharmacy, its level and its region (GB/T 2260)."""

    code: str
    name: str
    level: str
    kind: str
    region: str
    on: datetime.date


class BenefitSettled(LedgerEvent):
    """直接结算 (BEN-1, BEN-2): what a designated institution settled for one visit, stay or purchase.

    `on` is the date of service (the admission for a stay; its year is the settlement year, BEN-2); `discharged`
    the end of a stay, when it is settled and the account part is paid. `scheme` is whose pooled fund paid the
    fund part (None when there is none) and `rule` the eligibility that decided it.
    """

    kind: str
    institution: str
    institution_name: str
    level: str
    on: datetime.date
    discharged: datetime.date | None
    total: Decimal
    fund: Decimal
    account: Decimal
    own: Decimal
    settlement_no: str | None
    scheme: str | None
    rule: str


class ReimbursementPaid(LedgerEvent):
    """零星报销 (BEN-3..BEN-5): a claim for care that could not be settled directly, with its computation.

    The fund part is (`in_scope` - `deductible`) x `ratio`, capped by what the year's ceiling left (`ceiling_left`).
    Until vouchers exist (AUD-1) a claim is recorded as approved by the operator who took it.
    """

    kind: str
    institution_name: str
    level: str
    on: datetime.date
    cost: Decimal
    in_scope: Decimal
    deductible: Decimal
    ratio: Decimal
    computed: Decimal
    ceiling_left: Decimal
    fund: Decimal
    cause: str
    scheme: str
    rule: str


class SettlementNumbered(LedgerCreated):
    """The settlement number an institution gave a settlement, kept once: a file imported again records nothing."""

    institution: str
    number: str
    person_id: str
    on: datetime.date
