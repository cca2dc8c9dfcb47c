"""`yibao person search` (issue 15): persons found by name (exact or its start), phone, or part of the ID number,
from the read side, as registered now; masked unless revealed (the reveal recorded)."""

from __future__ import annotations

import csv
import datetime
import io
import json

from click.testing import CliRunner

from commands.main import cli
from ledger.audit.reveals import DataRevealed
from ledger.store.opening import open_ledger
from projections.privacy import mask_id, mask_phone


def register(yibao, number: str, name: str, phone: str | None = None) -> None:
    extra = ("--phone", phone) if phone else ()
    result = yibao("person", "register", number, "--name", name, "--sex", "M", "--scheme", "flexible",
                   "--on", "2024-03-10", *extra)
    assert result.exit_code == 0, result.output


def people(yibao, make_id) -> dict[str, str]:
    assert yibao("init").exit_code == 0
    found = {"马明": make_id(sex="M", birth=datetime.date(1990, 3, 7)),
             "马明亮": make_id(sex="M", birth=datetime.date(1985, 6, 1)),
             "马丽": make_id(sex="M", birth=datetime.date(1992, 11, 30)),
             "李马": make_id(sex="M", birth=datetime.date(1979, 1, 15))}
    for index, (name, number) in enumerate(found.items()):
        register(yibao, number, name, phone=f"1390000000{index}")
    return found


def search(yibao, *args: str) -> list[dict]:
    result = yibao("person", "search", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_name_finds_the_persons_whose_name_is_it_or_starts_with_it_masked(yibao, make_id):
    numbers = people(yibao, make_id)
    found = search(yibao, "--name", "马明")
    assert [row["id_number"] for row in found] == sorted(mask_id(numbers[n]) for n in ("马明", "马明亮"))
    assert {row["name"] for row in found} == {"马*", "马**"}
    assert len(search(yibao, "--name", "马")) == 3  # not 李马: the name's start only
    assert search(yibao, "--name", "马明亮") == [{
        "id_number": mask_id(numbers["马明亮"]), "name": "马**", "sex": "M", "birth": "1985-06-01",
        "phone": mask_phone("13900000001"), "scheme": "flexible", "registered": True, "registered_on": "2024-03-10"}]
    assert search(yibao, "--name", "王") == []


def test_a_phone_finds_whose_phone_it_is_now(yibao, make_id):
    numbers = people(yibao, make_id)
    [found] = search(yibao, "--phone", "13900000002")
    assert found["id_number"] == mask_id(numbers["马丽"])
    assert search(yibao, "--phone", "1390000000") == []  # the whole number, not its start
    assert yibao("person", "change", numbers["马丽"], "--set", "phone=13911112222", "--on", "2024-05-01").exit_code == 0
    assert search(yibao, "--phone", "13900000002") == []
    assert [row["id_number"] for row in search(yibao, "--phone", "13911112222")] == [mask_id(numbers["马丽"])]


def test_a_renamed_person_is_found_by_the_new_name_only(yibao, make_id):
    numbers = people(yibao, make_id)
    assert yibao("person", "change", numbers["马丽"], "--set", "name=王丽", "--document", "户口本",
                 "--on", "2024-05-01").exit_code == 0
    assert mask_id(numbers["马丽"]) not in [row["id_number"] for row in search(yibao, "--name", "马")]
    assert [row["id_number"] for row in search(yibao, "--name", "王丽")] == [mask_id(numbers["马丽"])]


def test_part_of_an_id_number_finds_whose_number_holds_it(yibao, make_id):
    numbers = people(yibao, make_id)
    assert [row["id_number"] for row in search(yibao, "--id-part", "19850601")] == [mask_id(numbers["马明亮"])]
    assert len(search(yibao, "--id-part", numbers["马明"][:6])) == sum(n[:6] == numbers["马明"][:6]
                                                                      for n in numbers.values())
    assert [row["id_number"] for row in search(yibao, "--id-part", numbers["李马"])] == [mask_id(numbers["李马"])]


def test_limit_and_formats(yibao, make_id):
    numbers = people(yibao, make_id)
    assert len(search(yibao, "--name", "马", "--limit", "2")) == 2
    listed = yibao("person", "search", "--name", "马明", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert listed.stdout.splitlines()[0] == "id_number,name,sex,birth,phone,scheme,registered,registered_on"
    assert [row["id_number"] for row in rows] == sorted(mask_id(numbers[n]) for n in ("马明", "马明亮"))
    table = yibao("person", "search", "--name", "马明")
    assert table.exit_code == 0 and "persons found (2)" in table.stdout and numbers["马明"] not in table.stdout
    assert "马明" not in table.stdout
    nobody = yibao("person", "search", "--name", "王", "--format", "csv")
    assert nobody.exit_code == 0 and nobody.stdout == "id_number,name,sex,birth,phone,scheme,registered,registered_on\n"


def test_a_reveal_shows_the_persons_found_in_clear_and_is_recorded(yibao, make_id, store_url):
    numbers = people(yibao, make_id)
    shown = search(yibao, "--phone", "13900000000", "--reveal", "--reason", "来电核实身份")
    assert shown[0]["id_number"] == numbers["马明"] and shown[0]["name"] == "马明"
    ledger = open_ledger(store_url)
    try:
        [event] = [ledger.mapper.to_domain_event(n) for n in ledger.recorder.select_notifications(start=1, limit=10_000)
                   if n.topic.endswith(DataRevealed.__qualname__)]
    finally:
        ledger.close()
    assert (event.subject, event.command, event.reason) == ("person search by phone", "person search", "来电核实身份")


def test_one_of_name_phone_or_six_digits_of_an_id_number_is_asked_for(yibao, make_id):
    people(yibao, make_id)
    for args, said in [((), "--name: give one of --name, --phone or --id-part"),
                       (("--name", "马", "--phone", "139"), "--phone: give one of"),
                       (("--id-part", "64010"), "--id-part: '64010': give at least 6 digits"),
                       (("--id-part", "6401x9"), "--id-part: '6401x9': give at least 6 digits"),
                       (("--name", " "), "--name: must not be empty")]:
        result = yibao("person", "search", *args)
        assert result.exit_code == 2 and said in result.output, (args, result.output)


def test_an_encrypted_ledger_is_searched_by_whole_id_number_only(tmp_path, make_id, monkeypatch):
    from ledger.core import ids

    runner, url, number = CliRunner(), f"sqlite:///{tmp_path / 'secret.sqlite3'}", make_id(sex="M")
    monkeypatch.setenv("YIBAO_CIPHER_KEY", runner.invoke(cli, ["keygen"]).output.strip())
    try:
        assert runner.invoke(cli, ["init", "--admin", "admin01", "--db", url]).exit_code == 0
        assert runner.invoke(cli, ["operator", "add", "clerk01", "--role", "clerk", "--operator", "admin01",
                                   "--db", url]).exit_code == 0
        assert runner.invoke(cli, ["person", "register", number, "--name", "马明", "--sex", "M", "--scheme",
                                   "flexible", "--on", "2024-03-10", "--phone", "13900000001", "--operator",
                                   "clerk01", "--db", url]).exit_code == 0
        found = runner.invoke(cli, ["person", "search", "--id-part", number, "--json", "--db", url])
        assert found.exit_code == 0 and [row["name"] for row in json.loads(found.stdout)] == ["马*"]
        for args in (["--name", "马"], ["--phone", "13900000001"], ["--id-part", number[:10]]):
            result = runner.invoke(cli, ["person", "search", *args, "--db", url])
            assert result.exit_code == 2 and "encrypted at rest" in result.output, result.output
            assert result.output.startswith(f"error {args[0]}:") and "whole ID number" in result.output
    finally:
        ids.use_key(None)
