"""The real `yibao` entry point on SQLite and PostgreSQL: exit codes, refusals that write nothing, as-of reads."""

from __future__ import annotations

import datetime
import json

import click
import pytest
from click.testing import CliRunner

from commands.main import cli
from projections.privacy import mask_id
from tests.builders import approved
from tests.conftest import stored_event_count


def setup_employer_and_person(yibao, make_id, make_code):
    code, number = make_code(), make_id()
    assert yibao("init").exit_code == 0
    assert yibao("employer", "register", "--code", code, "--name", "宁夏塞上建材有限公司", "--type", "enterprise",
                 "--on", "2024-01-05").exit_code == 0
    result = yibao("person", "register", "--id", number, "--name", "马明", "--sex", "M", "--scheme", "employee",
                   "--employer", code, "--on", "2024-03-01", "--birth", "1990-01-01")
    assert result.exit_code == 0, result.output
    return code, number


def test_init_twice_changes_nothing(yibao, store_url):
    first = yibao("init")
    assert first.exit_code == 0 and "applied migration 001" in first.output
    enrolled = stored_event_count(store_url)  # the tests' operators (conftest): nothing else
    second = yibao("init")
    assert second.exit_code == 0 and "already current" in second.output
    assert stored_event_count(store_url) == enrolled


def test_a_command_on_an_uninitialised_store_says_to_run_init(yibao):
    result = yibao("status", "640102199001011237")
    assert result.exit_code == 2
    assert "yibao init" in result.output


@pytest.mark.parametrize("args, field", [
    (("person", "register", "--id", "640102199001011235", "--name", "马明", "--sex", "M", "--scheme", "flexible"), "id"),
    (("employer", "register", "--code", "91640100MA76A1B2C4", "--name", "x", "--type", "enterprise"), "code"),
    (("person", "register", "--id", "{id}", "--name", "马明", "--sex", "M", "--scheme", "flexible",
      "--on", "2024-02-30"), "on"),
    (("contributions", "pay", "--id", "{id}", "--month", "2024-03", "--amount", "-12.00", "--on", "2024-03-15"),
     "amount"),
    (("contributions", "pay", "--id", "{id}", "--month", "2024-13", "--amount", "12.00"), "month"),
    (("person", "register", "--id", "{id}", "--name", "马明", "--sex", "M", "--scheme", "flexible",
      "--birth", "1991-01-01"), "birth"),
    (("person", "register", "--id", "{id}", "--name", "马明", "--sex", "F", "--scheme", "flexible"), "sex"),
    (("person", "change", "--id", "{id}", "--set", "colour=blue"), "set"),
])
def test_bad_input_exits_2_naming_the_field_and_writes_nothing(yibao, store_url, make_id, make_code, args, field):
    _, number = setup_employer_and_person(yibao, make_id, make_code)
    before = stored_event_count(store_url)
    result = yibao(*[a.replace("{id}", number) for a in args])
    assert result.exit_code == 2, result.output
    assert f"{field}:" in result.output
    assert stored_event_count(store_url) == before


def test_a_write_without_an_operator_exits_2_and_writes_nothing(yibao, store_url, make_id, make_code):
    _, number = setup_employer_and_person(yibao, make_id, make_code)
    before = stored_event_count(store_url)
    result = yibao("person", "change", "--id", number, "--set", "phone=13900000001", operator=False)
    assert result.exit_code == 2 and "operator:" in result.output
    assert stored_event_count(store_url) == before


@pytest.mark.parametrize("args, rule", [
    (("person", "register", "--id", "{id}", "--name", "马明", "--sex", "M", "--scheme", "flexible"), "REG-2"),
    (("person", "change", "--id", "{id}", "--set", "name=马敏", "--on", "2024-04-01"), "REG-3"),
    (("correct", "--id", "{id}", "--seq", "7", "--reason", "typo"), "AUD-2"),
    (("employer", "hire", "--code", "{code}", "--id", "{id}", "--month", "2024-04", "--declared-on", "2024-03-01"),
     "CON-9"),
])
def test_a_refusal_exits_1_naming_the_rule_and_writes_nothing(yibao, store_url, make_id, make_code, args, rule):
    code, number = setup_employer_and_person(yibao, make_id, make_code)
    before = stored_event_count(store_url)
    result = yibao(*[a.replace("{id}", number).replace("{code}", code) for a in args])
    assert result.exit_code == 1, result.output
    assert f"{rule}:" in result.output
    assert stored_event_count(store_url) == before


def test_changing_a_cancelled_person_is_refused_with_reg_5(yibao, store_url, make_id, make_code):
    _, number = setup_employer_and_person(yibao, make_id, make_code)
    assert yibao("person", "cancel", "--id", number, "--reason", "death", "--on", "2024-06-10",
                 "--document", "death-certificate:死亡证明-118").exit_code == 0
    result = yibao("person", "change", "--id", number, "--set", "phone=139", "--on", "2024-07-01")
    assert result.exit_code == 1 and "REG-5:" in result.output


def test_reg_4_cancelling_an_employer_that_owes_nothing_succeeds(yibao, make_id, make_code):
    code, _ = setup_employer_and_person(yibao, make_id, make_code)
    assert yibao("employer", "cancel", "--code", code, "--reason", "解散", "--on", "2024-12-31").exit_code == 0
    again = yibao("employer", "cancel", "--code", code, "--reason", "解散", "--on", "2025-01-31")
    assert again.exit_code == 1 and "REG-4:" in again.output


def test_timeline_known_at_shows_exactly_the_events_recorded_before(yibao, make_id, make_code):
    _, number = setup_employer_and_person(yibao, make_id, make_code)
    between = datetime.datetime.now(datetime.timezone.utc).isoformat()
    assert yibao("person", "change", "--id", number, "--set", "address=银川市金凤区", "--on", "2024-05-01").exit_code == 0
    approved(yibao, yibao("correct", "--id", number, "--seq", "2", "--reason", "wrong person"))

    before = json.loads(yibao("timeline", number, "--known-at", between, "--json").output)
    after = json.loads(yibao("timeline", number, "--json").output)
    assert [row["type"] for row in before] == ["PersonRegistered"]
    assert [(row["seq"], row["type"], row["reversed_by"]) for row in after] == [
        (1, "PersonRegistered", None), (2, "PersonChanged", 3), (3, "EventReversed", None)]
    assert after[1]["data"]["changes"] == {"address": "银川市***"}  # masked unless revealed (tests/test_privacy.py)
    assert after[1]["effective"] == "2024-05-01" and after[1]["operator"] == "tester"
    assert all(row["recorded_at"] <= between for row in before)
    assert after[1]["recorded_at"] > between


def test_status_json_has_the_contract_fields_and_answers_as_known_at(yibao, make_id, make_code):
    _, number = setup_employer_and_person(yibao, make_id, make_code)
    between = datetime.datetime.now(datetime.timezone.utc).isoformat()
    assert yibao("person", "cancel", "--id", number, "--reason", "abroad", "--on", "2024-06-01",
                 "--document", "settled-abroad:定居证明-7").exit_code == 0
    then = json.loads(yibao("status", number, "--on", "2024-07-01", "--known-at", between, "--json").output)
    now = json.loads(yibao("status", number, "--on", "2024-07-01", "--json").output)
    assert then["id_number"] == mask_id(number) and then["on"] == "2024-07-01"
    assert (then["scheme"], then["registered"], now["registered"]) == ("employee", True, False)
    assert datetime.datetime.fromisoformat(then["known_at"]) == datetime.datetime.fromisoformat(between)
    assert now["maternity_continuous_months"] == 0
    assert now["contribution_months"] == {"paid": 0, "back_paid": 0, "transferred_in": 0, "total": 0}
    assert now["benefits"] == {"account": False, "pooled": False, "pooled_from": None,
                               "reason": "REG-5: registration ended (abroad) on 2024-06-01", "scheme": None}
    assert then["benefits"]["reason"] == "WAIT-1: no paid month yet"
    assert now["account"] == {"balance": "0.00", "credited": "0.00", "spent": "0.00"}
    before_registration = json.loads(yibao("status", number, "--on", "2024-02-01", "--json").output)
    assert before_registration["registered"] is False


def test_an_unknown_person_is_not_found_exit_2_naming_the_id_and_reg_2(yibao):
    yibao("init")
    result = yibao("status", "640102199001011237", "--json")
    assert result.exit_code == 2 and "id: no person is registered" in result.output and "REG-2" in result.output


def test_an_employer_timeline_is_read_by_credit_code(yibao, make_id, make_code):
    code, number = setup_employer_and_person(yibao, make_id, make_code)
    rows = json.loads(yibao("timeline", code, "--json").output)
    assert [row["type"] for row in rows] == ["EmployerRegistered", "StaffHired"]
    assert rows[1]["data"]["id_number"] == mask_id(number) and rows[1]["effective"] == "2024-03"


def test_a_storage_failure_exits_3(monkeypatch):
    monkeypatch.setenv("YIBAO_DB", "postgresql://postgres@127.0.0.1:1/nowhere")
    result = CliRunner().invoke(cli, ["status", "640102199001011237"])
    assert result.exit_code == 3, result.output


def walk(command: click.Command, path: tuple[str, ...] = ()):
    """Every command under `command`, the root's lazily loaded ones included (loaded here)."""
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from walk(command.get_command(ctx, name), path + (name,))


@pytest.mark.parametrize("path, command", list(walk(cli)), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_help_with_an_example(path, command):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"yibao {' '.join(path)} --help has no example"


def test_aud_3_supporting_documents_stay_with_their_event(yibao, make_id, make_code):
    _, number = setup_employer_and_person(yibao, make_id, make_code)
    assert yibao("person", "change", "--id", number, "--set", "name=马敏", "--on", "2024-04-01",
                 "--document", "改名证明-2024-17", "--document", "户口簿-3").exit_code == 0
    rows = json.loads(yibao("timeline", number, "--json").output)
    assert rows[-1]["type"] == "PersonChanged"
    assert rows[-1]["data"]["documents"] == ["改名证明-2024-17", "户口簿-3"]
