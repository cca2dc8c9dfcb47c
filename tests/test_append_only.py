"""AUD-2: the events and their chain are append-only. On SQLite triggers refuse UPDATE and DELETE; on PostgreSQL
the application role may only add to them and the auditor only read, and triggers stop even the tables' owner."""

from __future__ import annotations

import datetime
import sqlite3
import uuid

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent

from ledger.store.opening import open_ledger
from ledger.store.verify import digest, verify
from tests.builders import OP, Desk, flexible

PROTECTED = ("events", "yibao_chain", "yibao_merkle", "yibao_chain_start")
COLUMN = {"yibao_events": "topic", "yibao_chain": "frontier_tail", "yibao_merkle": "hash",
          "yibao_chain_start": "before_chain", "yibao_schema_version": "name"}  # one to UPDATE in each


def written(url: str, make_id) -> tuple:
    """A ledger with a person, through the handlers; its URL's ledger stays open for the caller to close."""
    ledger = open_ledger(url, initialise=True)
    desk = Desk(ledger)
    return ledger, flexible(desk, make_id)


def test_aud_2_sqlite_refuses_changing_or_removing_events_and_their_chain(tmp_path, make_id):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    ledger, _number = written(url, make_id)
    ledger.recorder.insert_events([StoredEvent(uuid.uuid4(), v, "tests:Fact", b"x") for v in range(1, 300)])
    ledger.close()  # (enough events for a stored subtree: SQLite's triggers fire per row)
    connection = sqlite3.connect(tmp_path / "ledger.sqlite3", isolation_level=None)
    for table in ("stored_events", *PROTECTED[1:]):
        column = COLUMN.get(table, "topic")
        for statement in (f"UPDATE {table} SET {column} = {column}", f"DELETE FROM {table}"):
            with pytest.raises(sqlite3.IntegrityError, match="AUD-2: .*append-only"):
                connection.execute(statement)
    assert connection.execute("SELECT count(*) FROM stored_events").fetchone()[0] > 300
    connection.close()


@pytest.fixture
def postgres_ledger(request, make_id):
    """A ledger in the session's PostgreSQL database (emptied), written through the handlers."""
    url = request.getfixturevalue("postgres_database")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    ledger, number = written(url, make_id)
    yield url, ledger, number
    ledger.close()


@pytest.fixture
def login(postgres_ledger):
    """Login roles made members of yibao_app or yibao_auditor, as a DBA would make them; each session starts in
    its group role (so what a rebuild creates belongs to the group), and is dropped afterwards."""
    url = postgres_ledger[0]
    admin = psycopg.connect(url, autocommit=True)
    made = []

    def make(group: str) -> str:
        name = f"yibao_test_{group.removeprefix('yibao_')}_{uuid.uuid4().hex[:8]}"
        admin.execute(f"CREATE ROLE {name} LOGIN IN ROLE {group}")
        admin.execute(f"ALTER ROLE {name} SET role = '{group}'")
        made.append(name)
        return url.replace("postgresql://postgres@", f"postgresql://{name}@", 1)

    yield make
    for name in made:
        admin.execute(f"DROP ROLE IF EXISTS {name}")
    admin.close()


@pytest.mark.postgres
@pytest.mark.parametrize("table", PROTECTED)
def test_aud_2_postgres_triggers_stop_even_the_owner(postgres_ledger, table):
    url = postgres_ledger[0]
    table = "yibao_events" if table == "events" else table
    with psycopg.connect(url, autocommit=True) as owner:
        assert owner.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
        for statement in (f"UPDATE {table} SET {COLUMN[table]} = NULL", f"DELETE FROM {table}",
                          f"TRUNCATE {table}"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="AUD-2: .*append-only"):
                owner.execute(statement)


@pytest.mark.postgres
def test_aud_2_the_application_role_adds_to_the_log_and_changes_nothing_in_it(postgres_ledger, login, make_id):
    url, ledger, number = postgres_ledger
    clerk = login("yibao_app")
    with psycopg.connect(clerk, autocommit=True) as connection:
        assert connection.execute("SELECT current_user").fetchone()[0] == "yibao_app"
        for table in ("yibao_events", "yibao_chain", "yibao_merkle", "yibao_chain_start", "yibao_schema_version"):
            for statement in (f"UPDATE {table} SET {COLUMN[table]} = NULL", f"DELETE FROM {table}",
                              f"TRUNCATE {table}"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                    connection.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"), connection.transaction():
            connection.execute("LOCK TABLE yibao_events IN EXCLUSIVE MODE")  # only through yibao_lock_events()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("ALTER TABLE yibao_events DISABLE TRIGGER yibao_events_append_only")

    # the clerk's ledger writes events, chain rows and the read side's rows, and can rebuild the read side
    as_clerk = open_ledger(clerk)
    desk = Desk(as_clerk)
    other = flexible(desk, make_id)
    desk.change_person(id_number=number, changes={"phone": "13900000002"}, on=datetime.date(2024, 5, 1),
                       operator=OP)
    from projections.build import catch_up
    from projections.rebuild import check, rebuild

    catch_up(as_clerk)
    rebuild(as_clerk)
    assert check(as_clerk) == []
    assert as_clerk.find_person(other) is not None
    found = verify(as_clerk)
    as_clerk.close()
    assert found.broken is None and found.events == verify(ledger).events


@pytest.mark.postgres
def test_aud_2_the_auditor_reads_and_verifies_and_writes_nothing(postgres_ledger, login, make_id):
    url, ledger, _number = postgres_ledger
    auditor = login("yibao_auditor")
    as_auditor = open_ledger(auditor)
    found = verify(as_auditor)
    assert found.broken is None and digest(as_auditor).root == found.digest.root
    with pytest.raises(Exception, match="permission denied"):
        flexible(Desk(as_auditor), make_id)
    as_auditor.close()
    with psycopg.connect(auditor, autocommit=True) as connection:
        for statement in ("INSERT INTO yibao_chain_start VALUES (1)", "DELETE FROM yibao_events",
                          "UPDATE yibao_views SET position = 0", "SELECT yibao_lock_events(0)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                connection.execute(statement)
    assert verify(ledger).events == found.events


@pytest.mark.postgres
def test_aud_2_roles_are_set_up_again_by_every_init(postgres_ledger):
    url, ledger, _number = postgres_ledger
    with psycopg.connect(url, autocommit=True) as owner:
        owner.execute("GRANT UPDATE, DELETE ON yibao_events TO yibao_app")  # drift, by hand
    open_ledger(url, initialise=True).close()
    with psycopg.connect(url, autocommit=True) as owner:
        rights = owner.execute("SELECT privilege_type FROM information_schema.role_table_grants "
                               "WHERE grantee = 'yibao_app' AND table_name = 'yibao_events'").fetchall()
        assert sorted(r[0] for r in rights) == ["INSERT", "SELECT"]
        roles = owner.execute("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN "
                              "('yibao_app', 'yibao_auditor') ORDER BY rolname").fetchall()
        assert roles == [("yibao_app", False), ("yibao_auditor", False)]
