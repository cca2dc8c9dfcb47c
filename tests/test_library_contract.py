"""The eventsourcing library's own persistence test cases, run against the recorders and the transcoder our
ledger is configured with, on a new SQLite file and on PostgreSQL.

Catch-up and rebuild (projections/) trust the library's contract: notification ids in commit order and never
interleaved, a conflicting write refused whole, tracking positions that only go forward. A recorder, tracking
recorder or transcoder of ours that broke it (a subclass swapped in later, say) would not fail loudly: the read
side would skip or repeat events. So each is taken from what `open_ledger` builds, never named here.
"""

from __future__ import annotations

import datetime
import threading
import unittest
from decimal import Decimal

import psycopg
import pytest
from eventsourcing.tests import persistence as library

from ledger.core.month import Month
from ledger.store.opening import open_ledger


class OnSQLite:
    """Each test's ledger in a new SQLite file."""

    @pytest.fixture(autouse=True)
    def _sqlite_store(self, tmp_path):
        self.store_url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"


@pytest.mark.postgres
class OnPostgres:
    """Each test's ledger in the session's own PostgreSQL database (conftest), emptied first: the library's
    cases count notification ids from 1."""

    @pytest.fixture(autouse=True)
    def _postgres_store(self, postgres_database):
        with psycopg.connect(postgres_database, autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
        self.store_url = postgres_database


class LedgerStore:
    """A ledger opened as the application opens it (migrations applied), closed when the test ends."""

    store_url: str

    def open_ledger(self):
        ledger = open_ledger(self.store_url, initialise=True)
        running = set(threading.enumerate())

        def close():
            # test_concurrent_no_conflicts returns with its reader threads still querying: closing the store
            # under them crashes the process (a segfault in SQLite). Non-daemon threads are the ones meant to end.
            for thread in set(threading.enumerate()) - running:
                if not thread.daemon:
                    thread.join(timeout=10)
            ledger.close()

        self.addCleanup(close)
        return ledger


class OurApplicationRecorder(LedgerStore):
    def create_recorder(self):
        return self.open_ledger().recorder


class OurTrackingRecorder(LedgerStore):
    def create_recorder(self):
        return self.open_ledger().factory.tracking_recorder()


class OurProcessRecorder(LedgerStore):
    """What a process application following our ledger would write with: its events and its position, in one
    transaction."""

    def create_recorder(self):
        return self.open_ledger().factory.process_recorder()


class OurTranscoder(LedgerStore):
    def construct_transcoder(self):
        transcoder = self.open_ledger().mapper.transcoder
        # The library's cases nest two custom types of their own.
        transcoder.register(library.CustomType1AsDict())
        transcoder.register(library.CustomType2AsDict())
        return transcoder

    # The library's own test of its JSONTranscoder skips these six: tuples come back as lists and subclasses of
    # dict, list, str and int as the base type, by design.
    @unittest.skip("JSONTranscoder converts tuples to lists (skipped by the library's own test too)")
    def test_tuple(self):
        pass

    @unittest.skip("JSONTranscoder converts tuples to lists (skipped by the library's own test too)")
    def test_mixed(self):
        pass

    @unittest.skip("JSONTranscoder converts dict subclasses to dict (skipped by the library's own test too)")
    def test_dict_subclass(self):
        pass

    @unittest.skip("JSONTranscoder converts list subclasses to list (skipped by the library's own test too)")
    def test_list_subclass(self):
        pass

    @unittest.skip("JSONTranscoder converts str subclasses to str (skipped by the library's own test too)")
    def test_str_subclass(self):
        pass

    @unittest.skip("JSONTranscoder converts int subclasses to int (skipped by the library's own test too)")
    def test_int_subclass(self):
        pass

    def test_dates_and_months_round_trip(self):
        facts = {
            "on": datetime.date(2024, 2, 29),
            "months": [Month(2023, 12), Month(2024, 1)],
            "recorded": datetime.datetime(2024, 3, 1, 9, 30, tzinfo=datetime.UTC),
            "amount": Decimal("1234.50"),
        }
        data = self.transcoder.encode(facts)
        # Stored events hold these names: renaming a transcoding would leave old events unreadable.
        assert b'{"_type_":"date_iso","_data_":"2024-02-29"}' in data
        assert b'{"_type_":"month","_data_":"2023-12"}' in data
        decoded = self.transcoder.decode(data)
        assert decoded == facts
        assert type(decoded["on"]) is datetime.date
        assert type(decoded["recorded"]) is datetime.datetime


class TestApplicationRecorderOnSQLite(OnSQLite, OurApplicationRecorder, library.ApplicationRecorderTestCase):
    pass


class TestApplicationRecorderOnPostgres(OnPostgres, OurApplicationRecorder, library.ApplicationRecorderTestCase):
    pass


class TestNonInterleavingOnSQLite(OnSQLite, OurApplicationRecorder, library.NonInterleavingNotificationIDsBaseCase):
    pass


class TestNonInterleavingOnPostgres(
    OnPostgres, OurApplicationRecorder, library.NonInterleavingNotificationIDsBaseCase
):
    pass


class TestTrackingRecorderOnSQLite(OnSQLite, OurTrackingRecorder, library.TrackingRecorderTestCase):
    pass


class TestTrackingRecorderOnPostgres(OnPostgres, OurTrackingRecorder, library.TrackingRecorderTestCase):
    pass


class TestProcessRecorderOnSQLite(OnSQLite, OurProcessRecorder, library.ProcessRecorderTestCase):
    pass


class TestProcessRecorderOnPostgres(OnPostgres, OurProcessRecorder, library.ProcessRecorderTestCase):
    pass


class TestTranscoderOnSQLite(OnSQLite, OurTranscoder, library.TranscoderTestCase):
    pass


class TestTranscoderOnPostgres(OnPostgres, OurTranscoder, library.TranscoderTestCase):
    pass
