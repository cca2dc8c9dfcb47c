"""Fixtures: the same tests run on SQLite and on a fresh PostgreSQL database per session."""

from __future__ import annotations

import datetime
import os
import random
import uuid

import psycopg
import pytest
from click.testing import CliRunner

from commands.main import cli
from commands.synthetic import credit_code, id_number
from ledger.store.application import Ledger
from ledger.store.opening import open_ledger
from ledger.store.storage import store_for
from tests.builders import Desk, enrol

# The suite reads the English texts whatever the machine's locale; tests/test_language.py asks in Chinese itself.
os.environ["YIBAO_LANG"] = "en"

ADMIN_URL = os.environ.get("YIBAO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_POSTGRES = os.environ.get("YIBAO_REQUIRE_POSTGRES") == "1"
OPERATOR = "tester"

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_database():
    """A database of our own for the session, dropped afterwards; skipped (or failed) with no server."""
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error as error:
        message = f"PostgreSQL not reachable at {ADMIN_URL} ({error.__class__.__name__}); set YIBAO_TEST_POSTGRES"
        if REQUIRE_POSTGRES:
            pytest.fail(f"YIBAO_REQUIRE_POSTGRES=1 but {message}")
        pytest.skip(message)
    name = f"yibao_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    """An empty store: a new SQLite file, or the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    url = request.getfixturevalue("postgres_database")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return url


@pytest.fixture
def ledger(store_url):
    """A clerk's desk over a new ledger in the store: every handler a method, the ledger's own reads besides;
    the ledger's invariants are checked after every command."""
    ledger = open_ledger(store_url, initialise=True)
    yield Desk(ledger, checked=True)
    ledger.close()


@pytest.fixture
def desk():
    """A clerk's desk over a new ledger on the library's in-memory store: the rule tests' (the rules are pure;
    what the stores do is the application suite's)."""
    return Desk(Ledger(env=store_for("memory:").settings))


@pytest.fixture
def yibao(store_url, monkeypatch):
    """Run the real `yibao` entry point against the test store: yibao("status", IDNO, "--json")."""
    monkeypatch.setenv("YIBAO_DB", store_url)
    monkeypatch.setenv("YIBAO_OPERATOR", OPERATOR)
    runner = CliRunner()

    def run(*args: str, operator: bool = True):
        env = None if operator else {"YIBAO_OPERATOR": None}
        result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        if args[:1] == ("init",) and "--db" not in args and result.exit_code == 0:
            ledger = open_ledger(store_url)
            enrol(ledger)  # the tests' operators (AUD-1), as an administrator would have added them
            ledger.close()
        return result

    return run


@pytest.fixture
def rng():
    return random.Random(20241124)


@pytest.fixture
def make_id(rng):
    """Fresh valid citizen ID numbers: make_id(sex="F", birth=date(1990, 1, 1))."""
    def make(sex: str = "M", birth: datetime.date = datetime.date(1990, 1, 1)) -> str:
        return id_number(rng, birth, sex)
    return make


@pytest.fixture
def make_code(rng):
    return lambda: credit_code(rng)


def stored_event_count(url: str) -> int:
    """Rows in the events table, counted directly: nothing the ledger says about itself."""
    ledger = open_ledger(url)
    try:
        with ledger.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT count(*) AS n FROM {ledger.recorder.events_table_name}")
            row = cursor.fetchone()
        return row["n"] if hasattr(row, "keys") else row[0]
    finally:
        ledger.close()
