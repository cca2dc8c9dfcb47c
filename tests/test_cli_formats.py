"""The CLI conventions of issue 15 item 4 left after the first round: `--quiet`, `--format table|csv|json` on every
query (`--json` its alias), and one convention for the person (positional IDNO or `--id`) on every command."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest

from commands.options import print_csv
from commands.progress import RowProgress
from projections.privacy import mask_id
from tests.builders import every_command

QUERIES = ("status", "months", "timeline", "diff", "account statement", "benefit list", "maternity show",
           "resident list", "contributions unmatched", "employer arrears", "policy show", "policy codes",
           "review list", "operator list", "export check")


def registered(yibao, make_id, **options: str) -> str:
    assert yibao("init").exit_code == 0
    number = make_id(sex="M")
    args = [f"--{key}={value}" for key, value in options.items()]
    result = yibao("person", "register", number, "--name", "马明", "--sex", "M", "--scheme", "flexible",
                   "--on", "2024-03-10", *args)
    assert result.exit_code == 0, result.output
    return number


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_every_query_takes_format_table_csv_json_and_json_as_its_alias():
    commands = {" ".join(path): command for path, command in every_command()}
    for name in QUERIES:
        options = {o: p for p in commands[name].params for o in getattr(p, "opts", ())}
        assert list(options["--format"].type.choices) == ["table", "csv", "json"], name
        assert "--json" in options, name


def test_json_is_format_json_and_the_two_disagreeing_is_bad_input(yibao, make_id):
    number = registered(yibao, make_id)
    alias = yibao("status", number, "--on", "2024-04-01", "--known-at", "2030-01-01T00:00:00Z", "--json")
    spelled = yibao("status", number, "--on", "2024-04-01", "--known-at", "2030-01-01T00:00:00Z", "--format", "json")
    assert alias.exit_code == spelled.exit_code == 0 and json.loads(alias.stdout) == json.loads(spelled.stdout)
    both = yibao("status", number, "--json", "--format", "csv")
    assert both.exit_code == 2 and "--json is --format json" in both.output and both.stdout == ""


def test_a_document_is_csv_as_dotted_fields_and_values_as_in_its_json(yibao, make_id):
    number = registered(yibao, make_id)
    asked = ("status", number, "--on", "2024-04-01", "--known-at", "2030-01-01T00:00:00Z")
    document = json.loads(yibao(*asked, "--json").stdout)
    result = yibao(*asked, "--format", "csv")
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == "field,value"
    fields = {row["field"]: row["value"] for row in rows_of(result.stdout)}
    assert fields["id_number"] == document["id_number"] == mask_id(number)
    assert fields["name"] == "马*" and fields["scheme"] == "flexible"
    assert fields["benefits.pooled"] == "false" and fields["account.balance"] == document["account"]["balance"]
    assert fields["contribution_months.total"] == str(document["contribution_months"]["total"])


def test_rows_are_csv_under_a_header_of_their_json_keys_one_line_a_row(yibao, make_id):
    number = registered(yibao, make_id)
    assert yibao("contributions", "assess", "--month", "2024-03").exit_code == 0
    rows = json.loads(yibao("months", number, "--json").stdout)
    result = yibao("months", number, "--format", "csv")
    assert result.exit_code == 0 and len(rows) >= 2
    assert result.stdout.splitlines()[0] == ",".join(rows[0])
    assert rows_of(result.stdout) == [{key: "" if value is None else str(value) for key, value in row.items()}
                                      for row in rows]
    events = rows_of(yibao("timeline", number, "--format", "csv").stdout)
    assert [event["type"] for event in events] == ["PersonRegistered"] + ["ContributionAssessed"] * len(rows)
    data = json.loads(events[0]["data"])  # a nested value: its JSON in one cell, the header unchanged
    assert data["name"] == "马*" and data["id_number"] == mask_id(number)


def test_csv_is_masked_as_the_table_and_in_clear_only_when_revealed(yibao, make_id):
    number = registered(yibao, make_id, phone="13900000001")
    masked = yibao("timeline", number, "--format", "csv").stdout
    assert number not in masked and "13900000001" not in masked and "马明" not in masked
    revealed = yibao("timeline", number, "--format", "csv", "--reveal", "--reason", "争议复核")
    assert revealed.exit_code == 0 and number in revealed.stdout and "13900000001" in revealed.stdout


def test_a_changed_name_is_listed_by_diff_but_masked_unless_revealed(yibao, make_id):
    number = registered(yibao, make_id)
    middle = json.loads(yibao("timeline", number, "--json").stdout)[0]["recorded_at"]
    assert yibao("person", "change", number, "--set", "name=马丽", "--document", "户口本",
                 "--on", "2024-04-01").exit_code == 0
    asked = ("diff", number, "--known-at", middle, "--vs", "2099-01-01T00:00:00Z", "--on", "2024-05-01")
    change = next(row for row in rows_of(yibao(*asked, "--format", "csv").stdout) if row["field"] == "name")
    assert (change["month"], change["before"], change["after"]) == ("", "马*", "马*")
    shown = yibao(*asked, "--json", "--reveal", "--reason", "争议复核").stdout
    assert {"field": "name", "before": "马明", "after": "马丽"} in json.loads(shown)["status"]


def test_csv_neutralises_what_a_spreadsheet_would_run_and_keeps_numbers(capsys):
    print_csv([{"note": "=HYPERLINK(\"x\")", "amount": "-12.50", "seq": 3, "paid": True, "who": "@b", "none": None,
                "roles": ["clerk"]}])
    assert capsys.readouterr().out.splitlines() == [
        "note,amount,seq,paid,who,none,roles", "\"'=HYPERLINK(\"\"x\"\")\",-12.50,3,true,'@b,,\"[\"\"clerk\"\"]\""]


def test_csv_with_no_row_prints_the_header_it_knows_or_nothing(capsys):
    print_csv([], ("line", "field"))
    print_csv([])
    assert capsys.readouterr().out == "line,field\n"


# -- --quiet ------------------------------------------------------------------------------------------------------


def test_quiet_leaves_out_a_writes_confirmation_and_keeps_errors_and_exit_codes(yibao, make_id):
    assert yibao("init").exit_code == 0
    number = make_id(sex="M")
    register = ("person", "register", number, "--name", "马明", "--sex", "M", "--scheme", "flexible",
                "--on", "2024-03-10")
    done = yibao("--quiet", *register)
    assert done.exit_code == 0 and done.output == ""
    again = yibao("-q", *register)
    assert again.exit_code == 1 and again.stdout == "" and "REG-2" in again.stderr
    assert yibao("-q", "person", "change", number, "--set", "x=1").exit_code == 2
    said = yibao("person", "change", number, "--set", "phone=13900000001", "--on", "2024-04-01")
    assert said.exit_code == 0 and "changed" in said.stdout  # without --quiet, as before


def test_quiet_still_prints_what_a_query_was_asked_for(yibao, make_id):
    number = registered(yibao, make_id)
    table = yibao("-q", "status", number, "--on", "2024-04-01")
    assert table.exit_code == 0 and "benefits.pooled" in table.stdout
    assert json.loads(yibao("-q", "months", number, "--json").stdout) == []
    assert yibao("-q", "operator", "list", "--format", "csv").stdout.startswith("name,")


def test_quiet_still_prints_a_proposed_vouchers_id(yibao, make_id):
    number = registered(yibao, make_id)
    proposed = yibao("-q", "person", "transfer-in", number, "--from-region", "610100", "--months", "12",
                     "--balance", "300", "--on", "2024-04-02")
    assert proposed.exit_code == 0
    [line] = proposed.stdout.splitlines()
    assert line.startswith("voucher V") and line.endswith("proposed (AUD-1): needs review and approval")


def test_an_import_under_quiet_prints_nothing(yibao, make_id, tmp_path):
    assert yibao("init").exit_code == 0
    receipts = tmp_path / "receipts.csv"
    receipts.write_text("id_number,month,amount,received_on\n" +
                        "".join(f"{make_id()},2024-03,1.00,2024-03-20\n" for _ in range(3)))
    loud = yibao("contributions", "import", str(receipts))
    assert loud.exit_code == 0 and "3 rows: 0 matched, 3 unmatched" in loud.stdout
    quiet = yibao("-q", "contributions", "import", str(receipts))
    assert quiet.exit_code == 0 and quiet.output == ""


def test_the_nightly_jobs_under_quiet_print_nothing_when_all_is_well(yibao, make_id):
    """cron mails what a job prints: a quiet catch-up, rebuild or check that succeeds says nothing."""
    registered(yibao, make_id)
    for job in (("projections", "catch-up"), ("projections", "rebuild"), ("projections", "check")):
        assert yibao(*job).stdout != ""
        quiet = yibao("-q", *job)
        assert quiet.exit_code == 0 and quiet.output == "", (job, quiet.output)


def test_progress_is_silenced_by_quiet_and_speaks_again_after(capsys, monkeypatch):
    from commands import console

    monkeypatch.setattr(console, "quiet", True)
    with RowProgress("importing", 3, every=1) as progress:
        progress.advance(3)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(console, "quiet", False)
    with RowProgress("importing", 3, every=1) as progress:
        progress.advance(3)
    assert capsys.readouterr().err.splitlines() == ["importing: 3 of 3 rows", "importing: 3 rows done"]


# -- the person: IDNO or --id ------------------------------------------------------------------------------------

EXCEPTIONS = {
    "correct": "--id IDNO or --code USCC: one of two kinds of stream, never a bare number",
    "refund request": "commands/refund.py takes --id only so far",
}


def test_every_command_about_a_person_takes_idno_and_id():
    about_a_person = []
    for path, command in every_command():
        names = {o for p in command.params for o in getattr(p, "opts", ())} | \
                {p.metavar for p in command.params if isinstance(p, click.Argument)}
        if "--id" in names or "IDNO" in names:
            about_a_person.append(" ".join(path))
            if " ".join(path) not in EXCEPTIONS:
                assert {"--id", "IDNO"} <= names, path
    assert {"status", "person register", "employer hire", "account spend", "export insuinfo"} <= set(about_a_person)


def test_a_query_takes_id_and_a_write_takes_the_positional_idno(yibao, make_id):
    number = registered(yibao, make_id)  # the positional IDNO on a write
    asked = ("--on", "2024-04-01", "--known-at", "2030-01-01T00:00:00Z", "--json")
    assert yibao("status", "--id", number, *asked).stdout == yibao("status", number, *asked).stdout
    assert yibao("status", number, "--id", number, *asked).exit_code == 0  # the same number twice


@pytest.mark.parametrize("args, said", [
    (("status", "640102199001011237", "--id", "640102199003070011"), "--id: IDNO 640102********1237 and --id "),
    (("status",), "IDNO: give the person's citizen ID number, as IDNO or --id IDNO"),
    (("person", "interrupt", "--month", "2024-05"), "IDNO: give the person's"),
])
def test_no_person_or_two_different_ones_is_bad_input(yibao, args, said):
    assert yibao("init").exit_code == 0
    result = yibao(*args)
    assert result.exit_code == 2 and said in result.output, result.output
