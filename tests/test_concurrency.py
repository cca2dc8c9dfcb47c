"""Clerks writing to the same person at once: a clerk who loses the stream to another is retried on what is stored
then, never lost and never refused while retries remain; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import threading

import pytest

from ledger.core.errors import Conflict
from ledger.registration.events import PersonChanged
from ledger.registration.handlers import change_person
from ledger.store.opening import open_ledger
from ledger.store.unit_of_work import RETRIES, attempt
from tests.builders import OP, Desk, flexible

D = datetime.date


def phone(uow, *, id_number: str, number: str) -> None:
    change_person(uow, id_number=id_number, changes={"phone": number}, on=D(2024, 6, 1), operator=OP)


def test_a_clerk_who_loses_the_stream_is_run_again_on_what_is_stored_then(store_url, make_id):
    ledger = open_ledger(store_url, initialise=True)
    try:
        number = flexible(Desk(ledger), make_id)
        tries = []

        def clerk(uow, **fields):
            uow.person(number)  # read: the stream's version is now this clerk's to continue
            tries.append(1)
            if len(tries) == 1:  # another clerk records on the person before this one commits
                phone(ledger.unit_of_work(), id_number=number, number="13900000001")
            phone(uow, **fields)

        attempt(ledger.unit_of_work, clerk, id_number=number, number="13900000002")
        changes = [e.changes["phone"] for e in ledger.find_person(number).history if isinstance(e, PersonChanged)]
        assert len(tries) == 2 and changes == ["13900000001", "13900000002"]
    finally:
        ledger.close()


def test_a_clerk_is_told_of_the_conflict_only_when_the_retries_run_out(store_url, make_id):
    ledger = open_ledger(store_url, initialise=True)
    try:
        number = flexible(Desk(ledger), make_id)

        beaten = []

        def always_beaten(uow):
            uow.person(number)
            beaten.append(1)
            phone(ledger.unit_of_work(), id_number=number, number=f"1390000{len(beaten):04d}")
            phone(uow, id_number=number, number="13800000000")

        with pytest.raises(Conflict):
            attempt(ledger.unit_of_work, always_beaten)
        changes = [e for e in ledger.find_person(number).history if isinstance(e, PersonChanged)]
        assert len(changes) == RETRIES  # only the other clerk's, once per try: nothing of the beaten one's
    finally:
        ledger.close()


def test_clerks_in_parallel_on_one_person_lose_nothing(store_url, make_id):
    ledger = open_ledger(store_url, initialise=True)
    number = flexible(Desk(ledger), make_id)
    ledger.close()
    failures = []

    def clerk(n: int) -> None:
        mine = open_ledger(store_url)
        try:
            for i in range(6):
                attempt(mine.unit_of_work, phone, id_number=number, number=f"139{n:04d}{i:04d}")
        except Exception as error:  # noqa: BLE001  (reported below, with the clerk's number)
            failures.append((n, error))
        finally:
            mine.close()

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ledger = open_ledger(store_url)
    try:
        changes = [e for e in ledger.find_person(number).history if isinstance(e, PersonChanged)]
        assert failures == [] and len(changes) == 24
    finally:
        ledger.close()
