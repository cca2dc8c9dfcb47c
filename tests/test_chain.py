"""AUD-2 on both stores: the hash chains written with every event, and `verify` naming the first broken link after
an insider with the database edits, deletes, inserts or reorders events in plain SQL, or rewrites the whole log
and re-chains it consistently (which only a digest kept outside the database exposes)."""

from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent

from ledger.audit.chain import stored_originator
from ledger.audit.proofs import Digest, check_inclusion
from ledger.core.errors import RuleViolation, StorageFailure
from ledger.core.month import Month
from ledger.store.chain import chain_backlog, chain_upgrade
from ledger.store.opening import open_ledger
from ledger.store.verify import digest, inclusion_proof, verify
from tests.builders import OP, Desk, flexible, pay

FIXTURES = Path(__file__).parent / "fixtures"


class Database:
    """The store as an insider reaches it: plain SQL as the owner, the append-only triggers dropped first."""

    def __init__(self, url: str):
        self.url = url
        self.postgres = url.startswith("postgresql")
        if self.postgres:
            self.connection = psycopg.connect(url, autocommit=True)
            self.events, self.nid, self.mark = "yibao_events", "notification_id", "%s"
        else:
            self.connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            self.events, self.nid, self.mark = "stored_events", "rowid", "?"

    def __call__(self, statement: str, params: tuple = ()) -> list[tuple]:
        cursor = self.connection.execute(statement.replace("?", self.mark), params)
        return cursor.fetchall() if cursor.description else []

    def many(self, statement: str, rows: list[tuple]) -> None:
        """One statement for many rows, in one transaction (as a bulk loader would)."""
        statement = statement.replace("?", self.mark)
        if self.postgres:
            with self.connection.transaction():
                self.connection.cursor().executemany(statement, rows)
        else:
            self("BEGIN")
            self.connection.executemany(statement, rows)
            self("COMMIT")

    def unprotect(self) -> None:
        if self.postgres:
            for table in ("yibao_events", "yibao_chain", "yibao_merkle"):
                self(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        else:
            for table in ("events", "chain", "merkle"):
                for operation in ("update", "delete"):
                    self(f"DROP TRIGGER yibao_{table}_no_{operation}")

    def event(self, notification_id: int) -> tuple:
        return self(f"SELECT originator_id, originator_version, topic, state FROM {self.events} WHERE {self.nid} = ?",
                    (notification_id,))[0]

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def small_ledger(store_url, make_id):
    """A ledger with a few persons and payments written by the handlers: about twenty events, several streams."""
    ledger = open_ledger(store_url, initialise=True)
    desk = Desk(ledger)
    numbers = [flexible(desk, make_id) for _ in range(3)]
    desk.assess_month(month=Month(2024, 3), operator=OP)
    pay(desk, numbers[0], "2024-03", on=datetime.date(2024, 3, 20))
    desk.change_person(id_number=numbers[1], changes={"phone": "13900000001"}, on=datetime.date(2024, 4, 1),
                       operator=OP)
    yield ledger, numbers
    ledger.close()


@pytest.fixture
def database(store_url):
    found = Database(store_url)
    yield found
    found.close()


def said(result) -> str:
    """What the CLI printed, its lines unwrapped (rich wraps stderr at the terminal's width)."""
    return " ".join(result.output.split())


def person_events(ledger, number: str) -> list[int]:
    """The notification ids of a person's events, in order."""
    person = ledger.find_person(number)
    ids = []
    for notification in ledger.recorder.select_notifications(1, 10_000):
        if notification.originator_id == person.id:
            ids.append(notification.id)
    return ids


def test_aud_2_every_event_is_chained_and_the_log_verifies(small_ledger, database):
    ledger, _numbers = small_ledger
    found = verify(ledger)
    assert found.broken is None
    events = database(f"SELECT count(*) FROM {database.events}")[0][0]
    assert found.events == events == database("SELECT count(*) FROM yibao_chain")[0][0] > 10
    kept = digest(ledger)
    assert (kept.size, kept.root, kept.head) == (found.digest.size, found.digest.root, found.digest.head)
    assert kept.last_notification_id == database(f"SELECT max({database.nid}) FROM {database.events}")[0][0]


def test_aud_2_an_edited_event_is_named(small_ledger, database):
    ledger, numbers = small_ledger
    target = person_events(ledger, numbers[1])[-1]
    originator, version, _topic, state = database.event(target)
    database.unprotect()
    database(f"UPDATE {database.events} SET state = ? WHERE {database.nid} = ?",
             (bytes(state).replace(b"13900000001", b"13900000009"), target))
    broken = verify(ledger).broken
    assert (broken.kind, broken.notification_id, broken.version) == ("edited", target, version)
    assert broken.stream_id == str(uuid.UUID(stored_originator(originator)))
    with pytest.raises(RuleViolation, match=f"AUD-2: the log is broken at notification {target} .*edited"):
        verify(ledger).require_intact()


def test_aud_2_a_deleted_event_is_named(small_ledger, database):
    ledger, numbers = small_ledger
    target = person_events(ledger, numbers[0])[1]
    database.unprotect()
    database(f"DELETE FROM {database.events} WHERE {database.nid} = ?", (target,))
    broken = verify(ledger).broken
    assert (broken.kind, broken.notification_id) == ("deleted", target)
    assert "missing from the events table" in broken.detail


def test_aud_2_an_event_deleted_with_its_chain_row_is_named_where_the_chain_skips(small_ledger, database):
    ledger, numbers = small_ledger
    target = person_events(ledger, numbers[0])[1]
    database.unprotect()
    database(f"DELETE FROM {database.events} WHERE {database.nid} = ?", (target,))
    database("DELETE FROM yibao_chain WHERE notification_id = ?", (target,))
    broken = verify(ledger).broken
    following = database(f"SELECT min({database.nid}) FROM {database.events} WHERE {database.nid} > ?",
                         (target,))[0][0]
    assert (broken.kind, broken.notification_id) == ("deleted", following)
    assert "missing" in broken.detail


def test_aud_2_an_inserted_event_is_named_and_the_ledger_writes_nothing_after_it(small_ledger, database, make_id):
    ledger, numbers = small_ledger
    last = person_events(ledger, numbers[2])[-1]
    originator, version, topic, state = database.event(last)
    database(f"INSERT INTO {database.events} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
             (originator, version + 1, topic, state))  # an INSERT is what the append-only triggers allow
    forged = database(f"SELECT max({database.nid}) FROM {database.events}")[0][0]
    broken = verify(ledger).broken
    assert (broken.kind, broken.notification_id, broken.version) == ("inserted", forged, version + 1)
    with pytest.raises(StorageFailure, match=f"AUD-2: the event at notification {forged} was stored without"):
        flexible(Desk(ledger), make_id)  # fail-closed: chaining past it would hide it
    assert verify(ledger).broken.notification_id == forged


def test_aud_2_an_event_inserted_before_the_first_is_named(small_ledger, database):
    ledger, numbers = small_ledger
    originator, version, topic, state = database.event(person_events(ledger, numbers[0])[0])
    database(f"INSERT INTO {database.events} ({database.nid}, originator_id, originator_version, topic, state) "
             "VALUES (?, ?, ?, ?, ?)", (0, originator, version + 100, topic, state))
    broken = verify(ledger).broken
    assert (broken.kind, broken.notification_id) == ("inserted", 0)


def test_aud_2_two_reordered_events_are_named(small_ledger, database):
    ledger, numbers = small_ledger
    first, second = person_events(ledger, numbers[0])[0], person_events(ledger, numbers[1])[0]
    database.unprotect()
    database(f"UPDATE {database.events} SET {database.nid} = -1 WHERE {database.nid} = ?", (first,))
    database(f"UPDATE {database.events} SET {database.nid} = ? WHERE {database.nid} = ?", (first, second))
    database(f"UPDATE {database.events} SET {database.nid} = ? WHERE {database.nid} = -1", (second,))
    broken = verify(ledger).broken
    assert (broken.kind, broken.notification_id) == ("reordered", first)
    assert f"chained at notification {second}" in broken.detail


def test_aud_2_a_chain_row_altered_alone_is_named(small_ledger, database):
    ledger, _numbers = small_ledger
    database.unprotect()
    position = database("SELECT max(position) - 1 FROM yibao_chain")[0][0]
    database("UPDATE yibao_chain SET log_link = leaf WHERE position = ?", (position,))
    nid = database("SELECT notification_id FROM yibao_chain WHERE position = ?", (position,))[0][0]
    broken = verify(ledger).broken
    assert (broken.kind, broken.notification_id) == ("edited", nid)
    assert "log link" in broken.detail


def test_aud_2_a_rewritten_and_rechained_log_fails_only_against_the_kept_digest(small_ledger, database, yibao):
    ledger, numbers = small_ledger
    kept = digest(ledger)
    target = person_events(ledger, numbers[1])[-1]
    _originator, _version, _topic, state = database.event(target)
    database.unprotect()
    database(f"UPDATE {database.events} SET state = ? WHERE {database.nid} = ?",
             (bytes(state).replace(b"13900000001", b"13900000009"), target))
    database("DELETE FROM yibao_chain")
    database("DELETE FROM yibao_merkle")
    assert chain_backlog(ledger) == kept.size  # the insider re-chains every event
    assert verify(ledger).broken is None  # consistent again: nothing inside the database shows it
    broken = verify(ledger, against=kept).broken
    assert broken.kind == "rewritten" and broken.notification_id == kept.last_notification_id
    assert digest(ledger).root != kept.root

    assert yibao("verify").exit_code == 0
    result = yibao("verify", "--against", kept.token)
    assert result.exit_code == 1
    assert "AUD-2" in said(result) and "no longer leads to the digest" in said(result)


def test_aud_2_the_cli_verifies_digests_and_proves(small_ledger, yibao, tmp_path, monkeypatch):
    ledger, numbers = small_ledger
    result = yibao("verify")
    assert result.exit_code == 0, result.output
    assert f"verified {verify(ledger).events} events" in said(result)
    token = yibao("verify", "--digest").output.strip()
    kept = Digest.parse(token)
    assert kept.size == verify(ledger).events
    document = json.loads(yibao("verify", "--digest", "--json").output)
    assert document["root"] == kept.root.hex() and document["token"].startswith("yibao-digest:v1:")
    (tmp_path / "kept.txt").write_text(token + "\n")

    flexible(Desk(ledger), make_id=lambda sex="M": "640102199001011237")  # the log grows after the digest
    result = yibao("verify", "--against", str(tmp_path / "kept.txt"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"] is True

    result = yibao("verify", "--event", numbers[0], "--seq", "1", "--against", token, "--json")
    assert result.exit_code == 0, result.output
    proof = json.loads(result.output)
    assert check_inclusion(proof, kept, seq=1) and proof["tree_size"] == kept.size
    (tmp_path / "proof.json").write_text(json.dumps(proof))

    # the auditor's check touches no database: a store URL that does not exist stays so
    absent = tmp_path / "no-ledger.sqlite3"
    monkeypatch.setenv("YIBAO_DB", f"sqlite:///{absent}")
    result = yibao("verify", "--proof", str(tmp_path / "proof.json"), "--against", token)
    assert result.exit_code == 0, result.output
    assert "included" in said(result) and not absent.exists()
    proof["path"][0] = "00" * 32
    (tmp_path / "forged.json").write_text(json.dumps(proof))
    result = yibao("verify", "--proof", str(tmp_path / "forged.json"), "--against", token)
    assert result.exit_code == 1 and "AUD-2" in said(result) and not absent.exists()


@pytest.mark.parametrize("args, field", [
    (("verify", "--against", "yibao-digest:v1:nonsense"), "against"),
    (("verify", "--seq", "3"), "seq"),
    (("verify", "--event", "00000000-0000-0000-0000-000000000001"), "seq"),
    (("verify", "--proof", "proof.json"), "against"),
    (("verify", "--event", "00000000-0000-0000-0000-000000000001", "--seq", "1"), "seq"),
])
def test_aud_2_bad_verify_input_exits_2_naming_the_option(small_ledger, yibao, args, field):
    result = yibao(*args)
    assert result.exit_code == 2, result.output
    assert f"{field}:" in said(result)


def test_aud_2_the_cli_names_the_first_broken_link(small_ledger, database, yibao):
    ledger, numbers = small_ledger
    target = person_events(ledger, numbers[0])[0]
    database.unprotect()
    database(f"UPDATE {database.events} SET topic = ? WHERE {database.nid} = ?", ("ledger.forged:Fact", target))
    result = yibao("verify")
    assert result.exit_code == 1
    assert f"AUD-2: the log is broken at notification {target}" in said(result) and "edited" in said(result)
    result = yibao("verify", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["break"]["notification_id"] == target
    result = yibao("verify", "--event", numbers[0], "--seq", "1")
    assert result.exit_code == 1 and "edited after it was chained" in said(result)


def test_aud_2_a_proof_from_the_store_verifies_under_its_digest(small_ledger):
    ledger, numbers = small_ledger
    person = ledger.find_person(numbers[2])
    kept = digest(ledger)
    proof = inclusion_proof(ledger, person.id, 1)
    assert check_inclusion(proof, kept) and check_inclusion(proof, Digest.parse(proof["digest"]["token"]))
    assert proof["event"]["stream_id"] == str(person.id)


def test_aud_2_concurrent_writers_chain_in_notification_order(store_url):
    """The library's recorder under concurrent writers (its own contract tests write so): the chain follows."""
    ledger = open_ledger(store_url, initialise=True)
    errors = []

    def write(worker: int):
        try:
            for batch in range(15):
                stream = uuid.uuid4()
                ledger.recorder.insert_events([StoredEvent(stream, v, "tests:Fact", b"%d.%d" % (worker, batch))
                                               for v in range(1, 4)])
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    process = ledger.factory.process_recorder()
    process.insert_events([StoredEvent(uuid.uuid4(), 1, "tests:Fact", b"by a process")])
    found = verify(ledger)
    ledger.close()
    assert not errors and found.broken is None and found.events == 4 * 15 * 3 + 1


def test_aud_2_events_written_around_the_recorder_are_chained_only_on_purpose(store_url, database):
    """The bench's bulk loader copies rows straight into the events table, then calls chain_backlog."""
    ledger = open_ledger(store_url, initialise=True)
    stream = uuid.uuid4()
    ledger.recorder.insert_events([StoredEvent(stream, 1, "tests:Fact", b"one")])
    database.many(f"INSERT INTO {database.events} (originator_id, originator_version, topic, state) VALUES "
                  "(?, ?, ?, ?)", [(stream if database.postgres else stream.hex, version, "tests:Fact", b"bulk")
                                   for version in range(2, 600)])
    assert verify(ledger).broken.kind == "inserted"
    chain_upgrade(ledger)  # the upgrade chains only what was stored before the chain existed
    assert verify(ledger).broken.kind == "inserted"
    assert chain_backlog(ledger, batch=100) == 598
    found = verify(ledger)
    assert found.broken is None and found.events == 599
    assert chain_backlog(ledger) == 0
    proof = inclusion_proof(ledger, stream, 300)
    assert check_inclusion(proof, digest(ledger), seq=300)
    ledger.close()


def test_aud_2_init_chains_a_ledger_written_before_the_chain(tmp_path):
    """A 0.6.0 ledger (no chain): `yibao init` chains its events in notification order, resumably."""
    copy = tmp_path / "old.sqlite3"
    copy.write_bytes((FIXTURES / "ledger-0.6.0.sqlite3").read_bytes())
    url = f"sqlite:///{copy}"
    old = sqlite3.connect(copy)
    events = old.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    old.close()
    ledger = open_ledger(url, initialise=True)
    found = verify(ledger)
    assert found.broken is None and found.events == events > 100
    kept = digest(ledger)
    ledger.close()
    again = open_ledger(url, initialise=True)  # idempotent
    assert digest(again).root == kept.root and verify(again, against=kept).broken is None
    again.close()


def test_aud_2_an_interrupted_upgrade_resumes(tmp_path, monkeypatch):
    """An init that stopped (a power cut) after some batches of the upgrade: the next init carries on from the
    chain's head, in order, and chains each event once."""
    from ledger.store import chain

    copy = tmp_path / "old.sqlite3"
    copy.write_bytes((FIXTURES / "ledger-0.6.0.sqlite3").read_bytes())
    connection = sqlite3.connect(copy)
    before = connection.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
    connection.close()
    monkeypatch.setattr(chain, "BATCH", 50)
    original, calls = chain.extend, []

    def power_cut(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("power cut")
        return original(*args, **kwargs)

    monkeypatch.setattr(chain, "extend", power_cut)
    with pytest.raises(StorageFailure, match="power cut"):
        open_ledger(f"sqlite:///{copy}", initialise=True)
    monkeypatch.setattr(chain, "extend", original)
    partial = sqlite3.connect(copy)
    assert partial.execute("SELECT count(*) FROM yibao_chain").fetchone()[0] == 100
    partial.close()
    ledger = open_ledger(f"sqlite:///{copy}", initialise=True)
    found = verify(ledger)
    ledger.close()
    assert found.broken is None and found.events == before


def test_aud_2_a_proof_names_the_state_by_the_hash_of_its_stored_bytes(small_ledger):
    ledger, numbers = small_ledger
    person = ledger.find_person(numbers[0])
    stored = ledger.recorder.select_events(person.id)[-1]
    proof = inclusion_proof(ledger, person.id, stored.originator_version)
    assert proof["event"]["state_sha256"] == hashlib.sha256(stored.state).hexdigest()
    assert proof["event"]["topic"] == stored.topic


def kept_subtree(ledger, level: int, index: int) -> bytes:
    """A subtree's root recomputed from the chain's leaves (what the stored one should be)."""
    from ledger.audit.merkle import root_of

    with ledger.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT leaf FROM yibao_chain WHERE position >= {index << level} AND position < "
                       f"{(index + 1) << level} ORDER BY position")
        return root_of([bytes(row["leaf"]) for row in cursor.fetchall()])


def test_aud_2_verify_split_among_processes_finds_what_one_pass_finds(store_url, database, monkeypatch):
    from ledger.store import verify as verifying

    ledger = open_ledger(store_url, initialise=True)
    streams, versions = [uuid.uuid4() for _ in range(7)], {}
    for batch in range(6):
        rows = []
        for n in range(200):
            stream = streams[(batch * 200 + n) % 7]
            versions[stream] = versions.get(stream, 0) + 1
            rows.append(StoredEvent(stream, versions[stream], "tests:Fact", b"%d" % (batch * 200 + n)))
        ledger.recorder.insert_events(rows)
    monkeypatch.setattr(verifying, "CHUNK", 256)  # five stretches: 0, 256, 512, 768 and 1024 on
    kept = digest(ledger)
    whole, split = verify(ledger), verify(ledger, against=kept, workers=2)
    assert whole.broken is None and split.broken is None and split.events == whole.events == 1200
    assert (split.digest.root, split.digest.head) == (whole.digest.root, whole.digest.head) == (kept.root, kept.head)

    database.unprotect()
    database("UPDATE yibao_merkle SET hash = ? WHERE level = 8 AND idx = 2", (b"\x00" * 32,))
    broken = verify(ledger).broken
    assert broken.kind == "edited" and "stored subtree (8, 2)" in broken.detail
    database("UPDATE yibao_merkle SET hash = ? WHERE level = 8 AND idx = 2", (kept_subtree(ledger, 8, 2),))
    assert verify(ledger).broken is None
    nids = [row[0] for row in database(f"SELECT {database.nid} FROM {database.events} ORDER BY {database.nid}")]
    for position in (900, 300):
        database(f"UPDATE {database.events} SET state = ? WHERE {database.nid} = ?", (b"forged", nids[position]))
    broken = verify(ledger, workers=2).broken
    assert (broken.kind, broken.notification_id) == ("edited", nids[300]) == (verify(ledger).broken.kind,
                                                                              verify(ledger).broken.notification_id)
    ledger.close()


def test_aud_2_an_empty_ledger_verifies_and_has_a_digest(store_url):
    ledger = open_ledger(store_url, initialise=True)
    found, kept = verify(ledger), digest(ledger)
    ledger.close()
    assert found.broken is None and found.events == 0
    assert (kept.size, kept.last_notification_id, kept.root, kept.head) == \
        (0, 0, hashlib.sha256(b"").digest(), found.digest.head) == (0, found.digest.last_notification_id,
                                                                    found.digest.root, bytes(32))
