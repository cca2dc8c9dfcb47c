"""A stream's facts as known at a moment, folded once (beancount's `realize`): the value every fold reads.

The facts known by the moment are kept in recorded order; those that stand (not reversed, not reversals) are
sorted once into effective order. What the domains derive from them (a person's month table, their state on
a date) is computed once per view and remembered here, so a query that asks ten folds sorts once.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Iterable
from typing import Any

from ledger.core.events import EventReversed, LedgerEvent
from ledger.core.history import effective_order, reversals
from ledger.core.month import Month
from ledger.core.policy import Policy

Deferrals = dict[str, list[tuple[Month, Month]]]
Advance = Callable[[Any, LedgerEvent], Any]
_MISSING = object()


class View:
    __slots__ = ("events", "known_at", "policy", "deferrals", "reversed_by", "standing", "_dates", "_memo")

    def __init__(self, events: Iterable[LedgerEvent], *, policy: Policy, known_at: datetime.datetime | None = None,
                 deferrals: Deferrals | None = None):
        known = [e for e in events if known_at is None or e.timestamp <= known_at]
        self.events: tuple[LedgerEvent, ...] = tuple(known)
        self.known_at, self.policy, self.deferrals = known_at, policy, deferrals or {}
        self.reversed_by = reversals(known)
        self.standing: list[LedgerEvent] = sorted(
            (e for e in known if not isinstance(e, EventReversed) and e.originator_version not in self.reversed_by),
            key=effective_order)
        self._dates = [e.effective_date for e in self.standing]
        self._memo: dict[Any, tuple[Any, Advance | None]] = {}

    @property
    def version(self) -> int:
        return self.events[-1].originator_version if self.events else 0

    def of(self, *classes: type) -> list[Any]:
        """The standing facts of these kinds, in effective order."""
        return self.memo(("of", classes), lambda: [e for e in self.standing if isinstance(e, classes)])

    def by(self, on: datetime.date) -> list[LedgerEvent]:
        """The standing facts already in effect on `on`, in effective order."""
        return self.standing[:bisect.bisect_right(self._dates, on)]

    def memo(self, key: Any, compute: Callable[[], Any], advance: Advance | None = None) -> Any:
        """`compute()` once per view; with `advance`, an extended view updates the value instead of recomputing."""
        found, kept_advance = self._memo.get(key, (_MISSING, None))
        if found is _MISSING:
            found = compute()
            self._memo[key] = (found, advance)
        elif isinstance(found, _Later):
            found = found.load()
            self._memo[key] = (found, kept_advance)
        return found

    def preset(self, key: Any, value: Any, advance: Advance | None = None) -> View:
        """A derived value already known (read from the read side's tables, which the same fold filled); with
        `advance`, a view extended by facts recorded afterwards advances it as it would its own."""
        self._memo[key] = (value, advance)
        return self

    def preset_later(self, key: Any, load: Callable[[], Any], advance: Advance | None = None) -> View:
        """As `preset`, read only if a fold asks for it (a query the read side's rows answer never does)."""
        self._memo[key] = (_Later(load), advance)
        return self

    def with_deferrals(self, deferrals: Deferrals) -> View:
        """The employers' deferrals (CON-8) that the person's months were assessed under, as known at the moment."""
        if deferrals != self.deferrals:
            self.deferrals = deferrals
            self._memo = {k: v for k, v in self._memo.items() if isinstance(k, tuple) and k[0] == "of"}
        return self

    def extended(self, new: Iterable[LedgerEvent]) -> View:
        """This view with facts just recorded added (a batch job's next step, with no store read).

        Derived values that know how to advance over a new fact are carried; the rest are derived again.
        """
        new = list(new)
        if any(isinstance(e, EventReversed) for e in new):
            return View([*self.events, *new], policy=self.policy, deferrals=self.deferrals)
        view = object.__new__(View)
        view.events, view.known_at, view.policy = (*self.events, *new), None, self.policy
        view.deferrals, view.reversed_by = self.deferrals, self.reversed_by
        view.standing, view._dates = list(self.standing), list(self._dates)
        for event in new:
            at = bisect.bisect_right(view.standing, effective_order(event), key=effective_order)
            view.standing.insert(at, event)
            view._dates.insert(at, event.effective_date)
        view._memo = {}
        for key, (value, advance) in self._memo.items():
            if advance is not None:
                value = value.load() if isinstance(value, _Later) else value
                for event in new:
                    value = advance(value, event)
                view._memo[key] = (value, advance)
        return view


class _Later:
    __slots__ = ("load",)

    def __init__(self, load: Callable[[], Any]):
        self.load = load
