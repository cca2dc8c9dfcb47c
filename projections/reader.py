"""The query path: a person's view as known now, from the read side's tables when they are current for that
person, else folded from the stream. A clerk never reads a stale answer: the rows are used only when no stream
their fold read (the person's, the employers' whose deferrals it used, the policy book) has moved on since."""

from __future__ import annotations

import datetime
from typing import Any

from ledger.core.errors import RuleViolation
from ledger.core.view import View
from ledger.registration.person import IdNumberIndex
from ledger.store.tables import Tables


def person_view(ledger: Any, id_number: str, known_at: datetime.datetime | None = None) -> View:
    """As known at a past moment: folded from the stream. As known now: from the tables when current."""
    if known_at is None:
        found = current_view(ledger, id_number)
        if found is not None:
            return found
    return ledger.view(id_number, known_at)


def current_view(ledger: Any, id_number: str) -> View | None:
    index = ledger.stream(IdNumberIndex.id_for(id_number))
    if index is None:
        raise RuleViolation("REG-2", f"no person is registered with ID number {id_number}")
    with ledger.recorder.datastore.transaction(commit=False) as cursor:
        found = Tables(ledger).current_views(cursor, [index.person_id], ledger.policy_at_position)
    return found[index.person_id][0] if found else None
