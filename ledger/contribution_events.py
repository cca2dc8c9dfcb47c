"""The facts of contributions on a person's stream: assessed, re-assessed, received, cancelled."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.events import LedgerEvent
from ledger.month import Month


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


class ContributionReceived(LedgerEvent):
    """到账 (CON-6): money for a contribution month reported received on `received_on`.

    `receipt_id` identifies the receipt (its content and source), so it is never recorded twice.
    """

    month: Month
    amount: Decimal
    received_on: datetime.date
    source: str
    receipt_id: str


class AssessmentCancelled(LedgerEvent):
    """撤销核定单 (CON-5): a month left unpaid past its due date no longer stands as owed."""

    month: Month
    notice: str
    rule: str
    on: datetime.date


class BaseChosen(LedgerEvent):
    """CON-5: a flexible person chooses a monthly base above the minimum, from `month` on."""

    month: Month
    base: Decimal
