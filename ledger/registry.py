"""Who is in the ledger: streams found by reading the notification log for their first facts, page by page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eventsourcing.utils import get_topic

from ledger.employer_events import EmployerRegistered
from ledger.person_events import PersonRegistered

PAGE = 1000


def notifications(ledger: Any, event_class: type) -> Iterator[Any]:
    """Every stored event of one class, in recorded order."""
    start, topic = 1, get_topic(event_class)
    while True:
        page = ledger.recorder.select_notifications(start, PAGE, topics=[topic])
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def person_ids(ledger: Any) -> list:
    return [n.originator_id for n in notifications(ledger, PersonRegistered)]


def employer_ids(ledger: Any) -> list:
    return [n.originator_id for n in notifications(ledger, EmployerRegistered)]
