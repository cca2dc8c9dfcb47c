"""With a cipher key the read side's tables hold no ID number in clear (issue 14): a raw scan of every table and
column of the database finds none, while every answer is the one the same ledger gives unencrypted."""

from __future__ import annotations

import datetime
import random
import re
import sqlite3
from pathlib import Path

import psycopg
import pytest

from commands.synthetic import credit_code, id_number
from ledger.core import ids
from ledger.core.ids import id_key
from ledger.store.opening import open_ledger
from tests.builders import small_ledger

REVEAL = ("--reveal", "--reason", "对账")
MOMENTS = re.compile(r"\d{4}-\d\d-\d\dT?[ ]?\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z| \(Beijing time\))?")
DRAWN = re.compile(r"V\d{8}-[0-9A-F]{6}|(?<=\"receipt_id\": \")[0-9a-f]{32}")
"""When something was recorded or asked, the vouchers' codes (drawn at random) and the counter receipts' ids (of
the moment they were taken): the two runs differ there, and nowhere else."""


@pytest.fixture
def keyed(monkeypatch, tmp_path):
    """Switch a test's ledger to encryption at rest; the process's id key is reset afterwards."""
    yield lambda key: monkeypatch.setenv("YIBAO_CIPHER_KEY", key)
    ids.use_key(None)


def numbers_and_codes(seed: int = 7):
    rng = random.Random(seed)
    return (lambda sex="M", birth=datetime.date(1990, 1, 1): id_number(rng, birth, sex)), \
        (lambda: credit_code(rng))


def ledger_with_everything(yibao, tmp_path) -> dict[str, str]:
    """test_reports' small ledger (employer, staff, flexible, residents, vouchers, settlements), a receipts import
    with a row naming nobody, and a voucher still waiting."""
    make_id, make_code = numbers_and_codes()
    people = small_ledger(yibao, make_id, make_code, tmp_path)
    people["unknown"] = make_id(sex="F")
    receipts = tmp_path / "receipts.csv"
    receipts.write_text("id_number,month,amount,received_on\n"
                        f"{people['flexible']},2024-06,388.24,2024-06-10\n"
                        f"{people['unknown']},2024-06,388.24,2024-06-10\n", "utf-8")
    assert yibao("contributions", "import", str(receipts)).exit_code == 0
    waiting = yibao("person", "transfer-in", "--id", people["flexible"], "--from-region", "610100", "--months", "12",
                    "--balance", "800.00", "--on", "2024-12-02", "--document", "转移接续表-1")
    assert waiting.exit_code == 0 and "proposed" in waiting.output, waiting.output
    return people


def answers(yibao, people: dict[str, str]) -> dict[str, object]:
    """What the queries say of the ledger, the moments of recording and asking aside."""
    found: dict[str, object] = {}
    ask = {"check": ("projections", "check"), "residents": ("resident", "list", "--status", "registered", "--year",
                                                          "2024", "--json"),
           "unpaid": ("resident", "list", "--status", "unpaid", "--year", "2025", "--json"),
           "monthly": ("report", "monthly", "--month", "2024-06", "--json"),
           "annual": ("report", "annual", "--year", "2024", "--json"),
           "vouchers": ("review", "list", "--json")}
    for who, number in people.items():
        if who == "unknown":
            continue
        ask |= {f"status {who}": ("status", number, "--on", "2024-12-31", "--json"),
                f"revealed {who}": ("status", number, "--on", "2024-12-31", "--json", *REVEAL),
                f"months {who}": ("months", number, "--json"),
                f"timeline {who}": ("timeline", number, "--json"),
                f"insuinfo {who}": ("export", "insuinfo", number, "--on", "2024-12-31", *REVEAL)}
    for name, args in ask.items():
        result = yibao(*args)
        assert result.exit_code == 0, (name, result.output)
        found[name] = same(result.output)
    every = yibao("export", "insuinfo", "--all", "--on", "2024-12-31", "--format", "ndjson", *REVEAL)
    assert every.exit_code == 0, every.output
    # ID-number order on an unencrypted ledger; on an encrypted one the keyed identifiers' (which tells nothing)
    found["insuinfo --all"] = sorted(same(line) for line in every.stdout.splitlines())
    changed = yibao("person", "change", "--id", people["flexible"], "--set", "phone=13900000009", "--on",
                    "2025-01-02")
    found["change"] = changed.output
    return found


def same(output: str) -> str:
    return DRAWN.sub("<drawn>", MOMENTS.sub("<moment>", output))


def cells(store_url: str) -> list[tuple[str, str, object]]:
    """(table, column, value) of every cell of every table of the database, read raw."""
    if store_url.startswith("sqlite"):
        with sqlite3.connect(store_url.removeprefix("sqlite:///")) as connection:
            tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            found = []
            for table in tables:
                cursor = connection.execute(f'SELECT * FROM "{table}"')
                columns = [d[0] for d in cursor.description]
                found += [(table, c, v) for row in cursor for c, v in zip(columns, row)]
            return found
    with psycopg.connect(store_url) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
        found = []
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM public."{table}"')
            columns = [d.name for d in cursor.description]
            found += [(table, c, v) for row in cursor for c, v in zip(columns, row)]
        return found


def holding(store_url: str, numbers: list[str]) -> set[tuple[str, str]]:
    """The (table, column) pairs where any of these ID numbers is found in clear."""
    found = set()
    for table, column, value in cells(store_url):
        text = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
        if any(number.encode() in text for number in numbers):
            found.add((table, column))
    return found


def emptied(store_url: str) -> None:
    if store_url.startswith("sqlite"):
        path = Path(store_url.removeprefix("sqlite:///"))
        for file in path.parent.glob(path.name + "*"):
            file.unlink()
        return
    with psycopg.connect(store_url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def test_an_unencrypted_ledger_keeps_its_id_numbers_in_the_tables_as_before(yibao, store_url, tmp_path):
    people = ledger_with_everything(yibao, tmp_path)
    assert yibao("projections", "catch-up").exit_code == 0
    found = holding(store_url, list(people.values()))
    assert {("yibao_views", "id_number"), ("yibao_registrations", "id_number"), ("yibao_staff", "id_number"),
            ("yibao_vouchers", "subject")} <= found
    assert any(column == "state" for _, column in found)  # the scan reaches the events table too


def test_with_a_key_no_table_holds_an_id_number_in_clear_and_every_answer_is_the_same(yibao, store_url, tmp_path,
                                                                                    keyed):
    people = ledger_with_everything(yibao, tmp_path)
    clear = answers(yibao, people)
    emptied(store_url)
    keyed(yibao("keygen").output.strip())
    assert ledger_with_everything(yibao, tmp_path) == people
    assert yibao("projections", "catch-up").exit_code == 0
    assert holding(store_url, list(people.values())) == set()
    encrypted = answers(yibao, people)
    assert holding(store_url, list(people.values())) == set()
    assert {k: v for k, v in encrypted.items() if v != clear[k]} == {}
    assert yibao("init").exit_code == 0 and yibao("projections", "check").exit_code == 0  # an existing ledger


def test_with_a_key_the_tables_hold_each_id_number_as_its_keyed_identifier(yibao, store_url, tmp_path, keyed):
    keyed(yibao("keygen").output.strip())
    people = ledger_with_everything(yibao, tmp_path)
    assert yibao("projections", "catch-up").exit_code == 0
    ledger = open_ledger(store_url)
    try:
        with ledger.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT id_number FROM yibao_views")
            held = {row["id_number"] for row in cursor.fetchall()}
        registered = [n for who, n in people.items() if who != "unknown"]
        assert held == {id_key(ledger, n) for n in registered}
        assert all(re.fullmatch("[0-9a-f]{64}", key) for key in held)
    finally:
        ledger.close()


def test_the_keyed_identifier_depends_on_the_key_and_is_the_number_itself_without_one(store_url, keyed,
                                                                                     monkeypatch):
    number = numbers_and_codes()[0]()
    ledger = open_ledger(store_url, initialise=True)
    try:
        assert id_key(ledger, number) == number
    finally:
        ledger.close()
    emptied(store_url)
    keys = []
    for key in ("MDEyMzQ1Njc4OWFiY2RlZg==", "ZmVkY2JhOTg3NjU0MzIxMA=="):
        keyed(key)
        emptied(store_url)
        ledger = open_ledger(store_url, initialise=True)
        try:
            keys.append(id_key(ledger, number))
        finally:
            ledger.close()
    assert number not in keys and len(set(keys)) == 2


def test_with_a_key_a_search_finds_a_whole_id_number_by_its_keyed_identifier_and_refuses_a_part(yibao, store_url,
                                                                                                keyed):
    from ledger.core.errors import BadInput
    from projections.search import persons_found

    keyed(yibao("keygen").output.strip())
    assert yibao("init").exit_code == 0
    number = numbers_and_codes()[0]()
    assert yibao("person", "register", "--id", number, "--name", "马明", "--sex", "M", "--scheme", "flexible",
                 "--on", "2024-03-10").exit_code == 0
    assert yibao("projections", "catch-up").exit_code == 0
    ledger = open_ledger(store_url)
    try:
        found = persons_found(ledger.unit_of_work(), id_part=number)
        assert [(row["id_number"], row["name"]) for row in found] == [(number, "马明")]
        with pytest.raises(BadInput, match="whole"):
            persons_found(ledger.unit_of_work(), id_part=number[6:14])
    finally:
        ledger.close()
