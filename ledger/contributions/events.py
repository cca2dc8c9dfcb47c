"""The facts of contributions: staff changes and bases on the employer's stream; assessment, re-assessment,
receipt and cancellation on the person's."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

from ledger.core.events import LedgerEvent, formerly
from ledger.core.month import Month


@formerly("ledger.employer_events:StaffHired")
class StaffHired(LedgerEvent):
    """人员增加 (CON-9): on the staff from `month`, the month the declaration takes effect."""

    person_id: UUID
    id_number: str
    requested_month: Month
    declared_on: datetime.date
    month: Month


@formerly("ledger.employer_events:StaffLeft")
class StaffLeft(LedgerEvent):
    """人员减少 (CON-9): off the staff from `month` (the first month no longer covered)."""

    person_id: UUID
    id_number: str
    requested_month: Month
    declared_on: datetime.date
    month: Month


@formerly("ledger.employer_events:BasesDeclared")
class BasesDeclared(LedgerEvent):
    """缴费基数申报 (CON-1): each employee's declared monthly wage for the contribution year.

    `wages` maps person id (hex) to the wage; `id_numbers` the same ids to the numbers as declared.
    """

    year: int
    wages: dict[str, Decimal]
    id_numbers: dict[str, str]
    file_digest: str
    on: datetime.date


@formerly("ledger.employer_events:DeferralAgreed")
class DeferralAgreed(LedgerEvent):
    """缓缴协议 (CON-8): contributions of months [month, until) may be paid late; benefits continue."""

    month: Month
    until: Month
    on: datetime.date


@formerly("ledger.contribution_events:ContributionAssessed")
class ContributionAssessed(LedgerEvent):
    """核定 (CON-6, CON-7): what is due for one person-month, on which base and why.

    `basis` is declared (CON-2), provisional or estimate (CON-4), minimum or chosen (CON-5);
    `reference_year` is the year of the average wage the base was held against (CON-3).
    `notice` (核定单) groups the months due together, such as a flexible person's lump sum.
    """

    month: Month
    scheme: str
    employer: str | None
    base: Decimal
    employer_part: Decimal
    personal_part: Decimal
    total: Decimal
    basis: str
    reference_year: int | None
    notice: str
    due_on: datetime.date


@formerly("ledger.contribution_events:ContributionReassessed")
class ContributionReassessed(LedgerEvent):
    """重新核定 / 补差 (CON-3, CON-4): the month's new amounts; `difference` is what is now owed on top."""

    month: Month
    base: Decimal
    employer_part: Decimal
    personal_part: Decimal
    total: Decimal
    basis: str
    reference_year: int | None
    difference: Decimal
    rule: str
    due_on: datetime.date


@formerly("ledger.contribution_events:ContributionReceived")
class ContributionReceived(LedgerEvent):
    """到账 (CON-6): money for a contribution month reported received on `received_on`.

    `receipt_id` identifies the receipt (its content and source), so it is never recorded twice.
    """

    month: Month
    amount: Decimal
    received_on: datetime.date
    source: str
    receipt_id: str


@formerly("ledger.contribution_events:AssessmentCancelled")
class AssessmentCancelled(LedgerEvent):
    """撤销核定单 (CON-5): a month left unpaid past its due date no longer stands as owed."""

    month: Month
    notice: str
    rule: str
    on: datetime.date


@formerly("ledger.contribution_events:BaseChosen")
class BaseChosen(LedgerEvent):
    """CON-5: a flexible person chooses a monthly base above the minimum, from `month` on."""

    month: Month
    base: Decimal
