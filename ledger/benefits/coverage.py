"""A person's months up to a date, as they stood on that date, indexed for the waiting rules (WAIT-1..WAIT-5).

The waiting rules ask of the months up to the current one: which count (paid in time with their own money),
which are covered whatever the date (counting, or deferred by the employer, CON-8), where the unbroken run of
covered months that reaches a month begins, and which months a due date still to come may cover. Answering
that by walking the month table at every date makes the eligibility table of a long history quadratic (a
40-year employee has ~1,400 dates where the answer may change, each walking back up to 480 months).

So the index is built forward: `at(on)` for a later date extends it by the months that began and re-reads only
the months that received money since the last date; an earlier date starts it again. The months it holds are
exactly `table_on(view, on)`'s up to the current month (tests/test_rules_benefits.py compares them).
"""

from __future__ import annotations

import bisect
import datetime

from ledger.contributions.months import PersonMonth, table
from ledger.core.month import Month
from ledger.core.view import Deferrals, View


def counts(person_month: PersonMonth | None) -> bool:
    """A month that counts for benefits: paid with its own money in time, not a back-payment (WAIT-6)."""
    return person_month is not None and person_month.settled and not person_month.back_pay


def may_cover(person_month: PersonMonth) -> bool:
    return not person_month.cancelled and not person_month.back_pay


class Coverage:
    def __init__(self, full: dict[Month, PersonMonth], deferrals: Deferrals):
        self.full, self.deferrals = full, deferrals
        self.order = list(full)  # the table is in month order
        self.latest = {m: max(r[0] for r in pm.receipts) for m, pm in full.items() if pm.receipts}
        self.paid_days = sorted((day, m) for m, pm in full.items() for day in {r[0] for r in pm.receipts})
        self.on: datetime.date | None = None
        self._start()

    def _start(self) -> None:
        self.months: dict[Month, PersonMonth] = {}
        self.counting: list[Month] = []
        self.covered: list[Month] = []
        self.run_start: dict[Month, Month] = {}
        self.uncovered: list[Month] = []
        """Months that may cover but neither count nor are deferred: a due date still to come covers them."""
        self.upto = 0  # how many of `order` are in `months`

    def at(self, on: datetime.date) -> Coverage:
        if on == self.on:
            return self
        if self.on is not None and on < self.on:
            self.on = None
            self._start()
        if self.on is not None:
            first = bisect.bisect_right(self.paid_days, (self.on, Month(9999, 12)))
            last = bisect.bisect_right(self.paid_days, (on, Month(9999, 12)))
            changed = [m for _, m in self.paid_days[first:last] if m in self.months]
            if changed:
                self._cut(min(changed))
        self.on = on
        current = Month.of(on)
        while self.upto < len(self.order) and self.order[self.upto] <= current:
            self._add(self.order[self.upto], on)
        return self

    def _add(self, month: Month, on: datetime.date) -> None:
        person_month = self.full[month]
        if self.latest.get(month, on) > on:
            person_month = person_month.as_of(on)
        self.months[month] = person_month
        self.upto += 1
        if counts(person_month):
            self.counting.append(month)
        if not may_cover(person_month):
            return
        if counts(person_month) or person_month.deferred_under(self.deferrals):
            self.covered.append(month)
            self.run_start[month] = self.run_start.get(month - 1, month)
        else:
            self.uncovered.append(month)

    def _cut(self, month: Month) -> None:
        """Forget `month` and every later month, to add them again as they stand now."""
        self.upto = bisect.bisect_left(self.order, month)
        for later in self.order[self.upto:]:
            if self.months.pop(later, None) is None:
                break
            self.run_start.pop(later, None)
        del self.counting[bisect.bisect_left(self.counting, month):]
        del self.covered[bisect.bisect_left(self.covered, month):]
        del self.uncovered[bisect.bisect_left(self.uncovered, month):]

    # -- what the waiting rules ask ---------------------------------------------------------------------

    def due_later(self, month: Month, on: datetime.date) -> bool:
        person_month = self.months.get(month)
        return person_month is not None and may_cover(person_month) and person_month.due_on >= on

    def covered_on(self, month: Month, on: datetime.date) -> bool:
        return month in self.run_start or self.due_later(month, on)

    def run_from(self, month: Month, on: datetime.date) -> Month:
        """The first month of the unbroken run of months covered on `on` that ends at `month` (covered)."""
        start = month
        while True:
            if start - 1 in self.run_start:
                start = self.run_start[start - 1]
            elif self.due_later(start - 1, on):
                start -= 1
            else:
                return start

    def last_covered_before(self, month: Month, on: datetime.date) -> Month | None:
        before = bisect.bisect_left(self.covered, month)
        found = [self.covered[before - 1]] if before else []
        found += [m for m in self.uncovered if m < month and self.due_later(m, on)]
        return max(found, default=None)

    def first_counting_from(self, month: Month) -> Month | None:
        at = bisect.bisect_left(self.counting, month)
        return self.counting[at] if at < len(self.counting) else None

    def last_counting_before(self, month: Month) -> Month | None:
        at = bisect.bisect_left(self.counting, month)
        return self.counting[at - 1] if at else None

    def counting_run_from(self, month: Month) -> Month:
        """The first month of the unbroken run of counting months that ends at `month` (counting)."""
        at = bisect.bisect_left(self.counting, month)
        low, high = 0, at  # the run is counting[i..at], where counting[i] + (at - i) == month
        while low < high:
            middle = (low + high) // 2
            if self.counting[middle] + (at - middle) == month:
                high = middle
            else:
                low = middle + 1
        return self.counting[low]


def coverage(view: View, on: datetime.date) -> Coverage:
    return view.memo("coverage", lambda: Coverage(table(view), view.deferrals)).at(on)
