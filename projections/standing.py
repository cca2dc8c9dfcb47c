"""What a person's status asks of their history on a date, from one of two sources that give the same answers:
the folds over a view (any moment's knowledge), or the read side's rows the same folds wrote (as known now: a
few index lookups, however long the history). Dates past the rows' horizon, and questions the rows cannot
answer to the letter, fall back to the folds over the same view.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.benefits import account
from ledger.benefits.eligibility import Eligibility, eligibility
from ledger.contributions.months import (
    contribution_months,
    month_counts,
    transferred_in,
)
from ledger.core.month import Month
from ledger.core.view import View
from ledger.maternity.rules import continuous_months, merged_month, with_transfers
from ledger.store.tables import Current, Tables


class Folded:
    """Every answer folded from the view."""

    def __init__(self, view: View):
        self.view = view

    def eligibility(self, on: datetime.date) -> Eligibility:
        return eligibility(self.view, on)

    def contribution_months(self, on: datetime.date) -> dict[str, int]:
        return contribution_months(self.view, on)

    def account(self, on: datetime.date) -> dict[str, Decimal]:
        return account.summary(account.movements(self.view, on))

    def movements(self, until: datetime.date) -> list[account.Movement]:
        return account.movements(self.view, until)

    def maternity_continuous_months(self, on: datetime.date) -> int:
        return continuous_months(self.view, Month.of(on), on)


class Tabled(Folded):
    """The answers read from one person's current rows, within the transaction that found them current."""

    def __init__(self, current: Current, tables: Tables, cursor: Any, person_id: UUID):
        super().__init__(current.view)
        self.current, self.tables, self.cursor, self.person_id = current, tables, cursor, person_id

    def _within(self, on: datetime.date) -> bool:
        return on < self.current.horizon

    def eligibility(self, on: datetime.date) -> Eligibility:
        row = self.tables.eligibility_on(self.cursor, self.person_id, on) if self._within(on) else None
        if row is None:
            return super().eligibility(on)
        return Eligibility(bool(row["account"]), bool(row["pooled"]), row["pooled_from"], row["reason"],
                           row["scheme"])

    def contribution_months(self, on: datetime.date) -> dict[str, int]:
        counted, back_paid = self.tables.counted_months(self.cursor, self.person_id, on)
        return month_counts(counted, back_paid, transferred_in(self.view, on))

    def account(self, on: datetime.date) -> dict[str, Decimal]:
        if not self._within(on):
            return super().account(on)
        return self.tables.account_on(self.cursor, self.person_id, on)

    def movements(self, until: datetime.date) -> list[account.Movement]:
        if not self._within(until):
            return super().movements(until)
        return [account.Movement(*row) for row in self.tables.movements_until(self.cursor, self.person_id, until)]

    def maternity_continuous_months(self, on: datetime.date) -> int:
        # The rows say from when each month counted under the merge month in force at their horizon.
        if not self._within(on) or \
                merged_month(self.view.policy, on) != merged_month(self.view.policy, self.current.horizon):
            return super().maternity_continuous_months(on)
        month = Month.of(on)
        return with_transfers(self.view, self.tables.run_until(self.cursor, self.person_id, month, on), month, on)
