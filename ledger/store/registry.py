"""Who is in the ledger: streams found by reading the notification log for their first facts, page by page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ledger.core.events import topics_of
from ledger.registration.events import EmployerRegistered, PersonRegistered

PAGE = 1000


def notifications(ledger: Any, event_class: type) -> Iterator[Any]:
    """Every stored event of one class (under any topic it had), in recorded order."""
    start, topics = 1, topics_of(event_class)
    while True:
        page = ledger.recorder.select_notifications(start, PAGE, topics=topics)
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def person_ids(ledger: Any) -> list:
    return [n.originator_id for n in notifications(ledger, PersonRegistered)]


def employer_ids(ledger: Any) -> list:
    return [n.originator_id for n in notifications(ledger, EmployerRegistered)]
