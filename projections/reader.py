"""The query path: a person's answers as known now from the read side's rows when they are current for that
person, else from the folds over the stream. A clerk never reads a stale answer: the rows are used only when no
stream their fold read (the person's, the employers' whose deferrals it used, the policy book) has moved on since
they were written, checked in the same transaction that reads them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ledger.core.view import View
from ledger.registration.person import not_registered
from ledger.store.tables import Tables
from projections.standing import Folded, Tabled


@contextmanager
def standing(ledger: Any, id_number: str, known_at: datetime.datetime | None = None) -> Iterator[Folded]:
    """The rows when they are current, as known now, or as known at a past moment after which none of the streams
    they were folded from recorded anything (the view as known then is the view as known now). Otherwise the
    folds over the view as known then."""
    if ledger.factory.__class__.__module__ != "eventsourcing.popo":
        tables = Tables(ledger)
        with tables.reading() as cursor:
            person_id = tables.index(cursor, [id_number]).get(id_number)
            if person_id is None:
                raise not_registered(id_number)
            found = tables.current_views(cursor, [person_id], ledger.policy_at_position, months_later=True)
            current = found.get(person_id)
            if current and (known_at is None or tables.recorded_by(cursor, current, known_at)):
                yield Tabled(current, tables, cursor, person_id)
                return
    yield Folded(ledger.view(id_number, known_at))


def person_view(ledger: Any, id_number: str, known_at: datetime.datetime | None = None) -> View:
    """The person's view: from the rows when they are current (its month table read from them), else folded."""
    with standing(ledger, id_number, known_at) as found:
        view = found.view
        if isinstance(found, Tabled):
            view.memo("months", dict)  # read inside the transaction that found the rows current
    return view

