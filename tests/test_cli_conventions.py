"""The conventions people expect of a CLI (issue 15): one version, agreeing with the changelog; help on every
option and examples kept as written (and valid); errors naming the option as typed; progress on stderr; no
Python repr on a screen; Beijing time for people, ISO 8601 with its offset for scripts; figures never broken."""

from __future__ import annotations

import datetime
import json
import re
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from commands.main import cli
from commands.progress import RowProgress
from ledger.core.errors import BadInput
from ledger.intake import validation
from tests.builders import every_command, examples

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_one_the_packages_and_the_changelogs_newest():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    newest = re.search(r"^## Changelog\n\n- (\d+\.\d+\.\d+):", (ROOT / "README.md").read_text("utf-8"), re.M)
    assert newest and newest.group(1) == declared
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output == f"yibao {declared}\n"


def test_every_option_says_what_it_is_for():
    missing = [f"{' '.join(path)} {parameter.opts[0]}" for path, command in every_command()
               for parameter in command.params
               if isinstance(parameter, click.Option) and not parameter.hidden and not parameter.help]
    assert missing == []


@pytest.mark.parametrize("path, command", list(every_command()), ids=lambda v: " ".join(v) if isinstance(v, list)
                         else "")
def test_help_examples_are_printed_as_written_at_any_width(path, command):
    found = examples(command)
    assert found, f"{' '.join(path)} has no example"
    for width in (40, 80):
        ctx = click.Context(command, info_name=" ".join(path), terminal_width=width, max_content_width=width)
        shown = [line.strip() for line in command.get_help(ctx).splitlines()]
        for example in found:
            assert example in shown, (width, example)


def test_help_examples_name_valid_id_numbers():
    wrong = []
    for path, command in every_command():
        for number in re.findall(r"(?<![0-9A-Z])\d{17}[\dX](?![0-9A-Z])", command.help or ""):
            try:
                validation.id_number(number)
            except BadInput:
                wrong.append(f"{' '.join(path)}: {number}")
    assert wrong == []


def test_errors_name_the_option_as_typed(yibao, make_id):
    assert yibao("init").exit_code == 0
    number = make_id()
    assert yibao("person", "register", "--id", number, "--name", "马红", "--sex", "M", "--scheme", "flexible",
                 "--on", "2024-03-01").exit_code == 0
    for args, named in [
        (("status", number, "--known-at", "yesterday"), "--known-at: 'yesterday' is not an ISO 8601"),
        (("diff", number, "--known-at", "x", "--vs", "2024-01-01"), "--known-at: 'x' is not"),
        (("contributions", "pay", "--id", number, "--month", "2024-13", "--amount", "1", "--on", "2024-03-01"),
         "--month: "),
        (("contributions", "assess", "--month", "2024-03", "--estimate-base", "abc"), "--estimate-base: "),
        (("status", "12345"), "IDNO: "),
        (("months", "12345"), "IDNO: "),
        (("person", "change", "--id", "1", "--set", "phone=1", "--on", "2024-03-01"), "--id: "),
    ]:
        result = yibao(*args)
        assert result.exit_code == 2 and named in result.output, (args, result.output)
        assert "known_at" not in result.output and "estimate_base" not in result.output


def test_a_known_at_without_an_offset_is_beijing_time_and_json_keeps_the_offset(yibao, make_id):
    assert yibao("init").exit_code == 0
    number = make_id()
    assert yibao("person", "register", "--id", number, "--name", "马红", "--sex", "M", "--scheme", "flexible",
                 "--on", "2024-03-01").exit_code == 0
    document = json.loads(yibao("status", number, "--known-at", "2099-03-01T08:00", "--json").output)
    assert document["known_at"] == "2099-03-01T08:00:00+08:00"
    recorded = json.loads(yibao("timeline", number, "--json").output)[0]["recorded_at"]
    moment = datetime.datetime.fromisoformat(recorded)
    assert moment.utcoffset() == datetime.timedelta(0)  # JSON: as stored, with its offset
    beijing = (moment + datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    assert beijing in yibao("timeline", number).output  # people: Beijing time


def test_status_for_people_shows_rows_not_python_dicts(yibao, make_id):
    assert yibao("init").exit_code == 0
    number = make_id()
    assert yibao("person", "register", "--id", number, "--name", "马红", "--sex", "M", "--scheme", "flexible",
                 "--on", "2024-03-01").exit_code == 0
    shown = yibao("status", number, "--on", "2024-03-15").output
    assert "{" not in shown and "True" not in shown and "False" not in shown and "None" not in shown
    assert re.search(r"benefits\.pooled +│ no", shown) and "contribution_months.total" in shown
    assert "(Beijing time)" in shown


def test_tables_never_break_a_figure_at_80_columns(yibao, make_id, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert yibao("init").exit_code == 0
    number = make_id()
    assert yibao("person", "register", "--id", number, "--name", "马红", "--sex", "M", "--scheme", "flexible",
                 "--on", "2024-03-01").exit_code == 0
    assert yibao("contributions", "assess", "--month", "2024-03").exit_code == 0
    assert yibao("contributions", "pay", "--id", number, "--month", "2024-03", "--amount", "388.24", "--on",
                 "2024-03-05").exit_code == 0
    rows = json.loads(yibao("months", number, "--json").output)
    shown = yibao("months", number).output
    assert max(len(line) for line in shown.splitlines()) <= 80
    for row in rows:
        for key in ("month", "base", "personal", "total", "received", "credited"):
            assert re.search(rf"(?<![\d.]){re.escape(row[key])}(?![\d.])", shown), (key, row[key])
    timeline = yibao("timeline", number).output
    assert max(len(line) for line in timeline.splitlines()) <= 80 and "ContributionReceived" in timeline


def test_progress_goes_to_stderr_as_plain_lines_when_it_is_no_terminal(capsys):
    with RowProgress("importing", 5, every=2) as progress:
        for _ in range(5):
            progress.advance()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == ["importing: 2 of 5 rows", "importing: 4 of 5 rows", "importing: 5 rows done"]


def test_an_import_prints_only_its_summary_on_stdout(yibao, make_id, tmp_path):
    assert yibao("init").exit_code == 0
    receipts = tmp_path / "receipts.csv"
    receipts.write_text(f"id_number,month,amount,received_on\n{make_id()},2024-03,1.00,2024-03-20\n")
    result = yibao("contributions", "import", str(receipts))
    assert result.exit_code == 0
    assert result.stdout.strip() == "1 rows: 0 matched, 1 unmatched, 0 already recorded"
