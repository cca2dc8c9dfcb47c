"""The edge (issue 14): hostile input refused with exit 2 naming its field, writing nothing; a ledger encrypted at
rest; no password printed; no traceback ever."""

from __future__ import annotations

import os
import sqlite3
import stat
from uuid import NAMESPACE_URL, uuid5

import pytest
from click.testing import CliRunner

from commands.main import cli
from ledger.registration.person import IdNumberIndex
from tests.conftest import stored_event_count

CODE = "91640100MA76A1B2CR"


@pytest.fixture
def ready(yibao, make_id):
    assert yibao("init").exit_code == 0
    assert yibao("employer", "register", "--code", CODE, "--name", "宁夏塞上建材有限公司", "--type", "enterprise",
                 "--on", "2024-01-05").exit_code == 0
    number = make_id(sex="M")
    assert yibao("person", "register", "--id", number, "--name", "马明", "--sex", "M", "--scheme", "flexible",
                 "--on", "2024-03-10").exit_code == 0
    return number


HOSTILE = [
    (["person", "change", "--id", "{id}", "--set", "address=银川\x1b[31m红", "--on", "2024-04-01"], "address"),
    (["person", "change", "--id", "{id}", "--set", "address=银川\u202e市", "--on", "2024-04-01"], "address"),
    (["person", "change", "--id", "{id}", "--set", "phone=\udcff", "--on", "2024-04-01"], "phone"),
    (["person", "change", "--id", "{id}", "--set", "address=银川\n2024-01-01 PersonRegistered", "--on",
      "2024-04-01"], "address"),
    (["person", "change", "--id", "{id}", "--set", "address=" + "银" * 201, "--on", "2024-04-01"], "address"),
    (["person", "change", "--id", "{id}", "--set", "address=银川", "--on", ""], "on"),
    (["person", "change", "--id", "{id}", "--set", "address=银川", "--on", "0001-01-01"], "on"),
    (["person", "change", "--id", "{id}", "--set", "address=银川", "--on", "9999-12-31"], "on"),
    (["person", "change", "--id", "{id}", "--set", "address=银川", "--on", "2024-04-01", "--operator",
      "clerk01\nadmin01"], "operator"),
    (["contributions", "pay", "--id", "{id}", "--month", "2024-04", "--amount", "1e400", "--on", "2024-04-02"],
     "amount"),
    (["contributions", "pay", "--id", "{id}", "--month", "2024-04", "--amount", "1e12", "--on", "2024-04-02"],
     "amount"),
    (["contributions", "pay", "--id", "{id}", "--month", "2024-04", "--amount", "99999999999999999999.99", "--on",
      "2024-04-02"], "amount"),
    (["contributions", "pay", "--id", "{id}", "--month", "1025-01", "--to", "2025-01", "--amount", "1", "--on",
      "2024-04-02"], "month"),
    (["employer", "register", "--code", "91640300MA77C3D4E8", "--name", "测试", "--type", "enterprise", "--on",
      "2024-01-05", "--founded", "9999-12-31"], "founded"),
    (["employer", "register", "--code", "91640300MA77C3D4E8", "--name", "测试", "--type", "enterprise", "--on",
      "2024-01-05", "--founded", "2024-02-01"], "founded"),
    (["employer", "register", "--code", "91640300MA77C3D4E8", "--name", "=HYPERLINK(\"x\")", "--type",
      "enterprise", "--on", "2024-01-05"], "name"),
    (["status", "{id}", "--on", "2024-05-01", "--known-at", ""], "known-at"),
]


@pytest.mark.parametrize("args,field", HOSTILE, ids=[repr(a[-3:])[:60] for a, _ in HOSTILE])
def test_hostile_input_exits_2_naming_its_field_and_writes_nothing(ready, yibao, store_url, args, field):
    before = stored_event_count(store_url)
    result = yibao(*[a.replace("{id}", ready) for a in args])
    assert result.exit_code == 2, result.output
    assert field in result.output and "Traceback" not in result.output
    assert stored_event_count(store_url) == before


def csv_cases(number: str) -> list[tuple[str, bytes]]:
    header = b"id_number,month,amount,received_on\n"
    return [
        ("extra field", header + f"{number},2024-04,1.00,2024-04-20,surplus\n".encode()),
        ("header only", header),
        ("GB18030", header + f"{number},2024-04,1.00,2024-04-20\n".encode() + "马明".encode("gb18030") + b"\n"),
        ("huge field", header + f"{number},2024-04,\"{'1' * 200_000}\",2024-04-20\n".encode()),
        ("wrong header", b"id,month,amount,received\n" + f"{number},2024-04,1.00,2024-04-20\n".encode()),
        ("exponent", header + f"{number},2024-04,1e400,2024-04-20\n".encode()),
    ]


@pytest.mark.parametrize("case", range(6), ids=["extra field", "header only", "GB18030", "huge field",
                                                "wrong header", "exponent"])
def test_a_bad_receipts_file_is_refused_whole_naming_the_file(ready, yibao, store_url, tmp_path, case):
    name, data = csv_cases(ready)[case]
    path = tmp_path / "receipts.csv"
    path.write_bytes(data)
    before = stored_event_count(store_url)
    result = yibao("contributions", "import", str(path))
    assert result.exit_code == 2 and "file" in result.output and "Traceback" not in result.output, result.output
    if name == "GB18030":
        assert "UTF-8" in result.output and "GB18030" in result.output
    assert stored_event_count(store_url) == before


def test_an_unexpected_error_exits_3_with_a_short_message_and_the_details_in_a_log(ready, yibao, monkeypatch,
                                                                                 tmp_path):
    import commands.status

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a defect")

    monkeypatch.setattr(commands.status, "standing", broken)
    monkeypatch.setenv("YIBAO_LOG_DIR", str(tmp_path / "logs"))
    result = yibao("status", ready, "--on", "2024-05-01")
    assert result.exit_code == 3 and "Traceback" not in result.output and "internal error" in result.output
    log = (tmp_path / "logs" / "errors.log").read_text("utf-8")
    assert "ZeroDivisionError: a defect" in log and "Traceback" in log
    assert stat.S_IMODE(os.stat(tmp_path / "logs" / "errors.log").st_mode) == 0o600


def test_a_database_password_is_never_printed():
    result = CliRunner().invoke(cli, ["init", "--db", "postgresql://postgres:S3cretPw@127.0.0.1:1/yibao"])
    assert result.exit_code == 3 and "S3cretPw" not in result.output and "***" in result.output


def test_a_new_sqlite_ledger_is_readable_by_its_owner_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    assert CliRunner().invoke(cli, ["init", "--db", url]).exit_code == 0
    assert stat.S_IMODE(os.stat(tmp_path / "ledger.sqlite3").st_mode) == 0o600


def test_an_encrypted_ledger_is_unreadable_without_its_key_and_its_id_index_untestable(tmp_path, make_id,
                                                                                      monkeypatch):
    from ledger.core import ids

    runner, path = CliRunner(), tmp_path / "secret.sqlite3"
    url, number = f"sqlite:///{path}", make_id(sex="M")
    key = runner.invoke(cli, ["keygen"]).output.strip()
    monkeypatch.setenv("YIBAO_CIPHER_KEY", key)
    try:
        assert runner.invoke(cli, ["init", "--admin", "admin01", "--db", url]).exit_code == 0
        assert runner.invoke(cli, ["operator", "add", "clerk01", "--role", "clerk", "--operator", "admin01",
                                   "--db", url]).exit_code == 0
        registered = runner.invoke(cli, ["person", "register", "--id", number, "--name", "马明", "--sex", "M",
                                         "--scheme", "flexible", "--on", "2024-03-10", "--operator", "clerk01",
                                         "--db", url])
        assert registered.exit_code == 0, registered.output
        assert runner.invoke(cli, ["status", number, "--on", "2024-04-01", "--db", url]).exit_code == 0

        with sqlite3.connect(path) as connection:
            states = [row[0] for row in connection.execute("SELECT state FROM stored_events")]
            streams = {row[0] for row in connection.execute("SELECT originator_id FROM stored_events")}
        assert not any(number.encode() in state or "马明".encode() in state for state in states)
        unkeyed = uuid5(NAMESPACE_URL, f"yibao:person:{number}")
        assert unkeyed.hex not in {s.replace("-", "") for s in streams}
        assert IdNumberIndex.id_for(number).hex in {s.replace("-", "") for s in streams}

        for wrong in (None, runner.invoke(cli, ["keygen"]).output.strip(), "not a key"):
            env = {"YIBAO_CIPHER_KEY": wrong}
            result = runner.invoke(cli, ["status", number, "--on", "2024-04-01", "--db", url], env=env)
            assert result.exit_code == 3 and "YIBAO_CIPHER_KEY" in result.output, result.output
            assert "Traceback" not in result.output
    finally:
        ids.use_key(None)


def test_a_stream_with_an_event_deleted_in_the_middle_is_a_storage_failure_pointing_to_verify(tmp_path, make_id):
    runner, path = CliRunner(), tmp_path / "edited.sqlite3"
    url, number = f"sqlite:///{path}", make_id(sex="M")
    assert runner.invoke(cli, ["init", "--admin", "admin01", "--db", url]).exit_code == 0
    assert runner.invoke(cli, ["operator", "add", "clerk01", "--role", "clerk", "--operator", "admin01",
                               "--db", url]).exit_code == 0
    for args in (["person", "register", "--id", number, "--name", "马明", "--sex", "M", "--scheme", "flexible",
                  "--on", "2024-03-10"],
                 ["person", "change", "--id", number, "--set", "phone=13900000001", "--on", "2024-04-01"],
                 ["person", "change", "--id", number, "--set", "phone=13900000002", "--on", "2024-05-01"]):
        assert runner.invoke(cli, [*args, "--operator", "clerk01", "--db", url]).exit_code == 0
    with sqlite3.connect(path) as connection:  # an insider, around the append-only trigger
        connection.execute("DROP TRIGGER yibao_events_no_delete")
        stream = connection.execute("SELECT originator_id FROM stored_events WHERE originator_version = 3 AND "
                                    "topic LIKE '%PersonChanged'").fetchone()[0]
        connection.execute("DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 2", [stream])
    result = runner.invoke(cli, ["timeline", number, "--db", url])
    assert result.exit_code == 3 and "yibao verify" in result.output and "Traceback" not in result.output, \
        result.output
