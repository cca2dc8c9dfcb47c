"""A quick CLI: the root group imports a command's module only when the command runs or its help is shown,
`yibao --help` lists every command from summaries kept beside their modules' names, a JSON query imports neither
rich nor psycopg, and failures still map onto the contract's exit codes."""

from __future__ import annotations

import inspect
import json
import sqlite3
import subprocess
import sys

import click
import psycopg
import pytest
from click.testing import CliRunner
from eventsourcing.persistence import PersistenceError

from commands.main import COMMANDS, LedgerGroup, cli, load_command
from ledger.core.errors import BadInput, RuleViolation

PROBE = """
import json, sys
from commands.main import cli
try:
    cli(sys.argv[2:], prog_name="yibao")
    code = 0
except SystemExit as exit:
    code = exit.code
with open(sys.argv[1], "w") as out:
    json.dump({"exit": code, "modules": sorted(sys.modules)}, out)
"""


def run_yibao(tmp_path, *args: str) -> tuple[int, set[str], str]:
    """`yibao ARGS` in a fresh interpreter: its exit code, the modules it imported, what it printed."""
    report = tmp_path / "probe.json"
    result = subprocess.run([sys.executable, "-c", PROBE, str(report), *args], capture_output=True, text=True,
                            timeout=120)
    assert report.exists(), result.stderr
    probe = json.loads(report.read_text())
    return probe["exit"], set(probe["modules"]), result.stdout + result.stderr


def imported(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_summary_is_the_first_line_of_its_commands_docstring(name):
    target, summary = COMMANDS[name]
    command = load_command(target)
    assert command.name == name, f"{target} is the command {command.name!r}"
    assert summary == inspect.cleandoc(command.help).splitlines()[0], f"the summary of {name!r} drifted"
    assert command.short_help is None or command.short_help == summary


@pytest.mark.parametrize("width", [50, 80, 200])
def test_the_listing_is_the_one_the_commands_themselves_give(width):
    """Listed from summaries, or from a mix of loaded and unloaded commands, the lines are click's own."""

    def listing(group: click.Group) -> str:
        ctx = click.Context(group, terminal_width=width)
        formatter = ctx.make_formatter()
        group.format_commands(ctx, formatter)
        return formatter.getvalue()

    eager = click.Group("yibao", commands=[load_command(target) for target, _ in COMMANDS.values()])
    lazy = LedgerGroup("yibao", lazy=COMMANDS)
    assert listing(lazy) == listing(eager)
    assert not lazy.commands  # nothing was imported to list them
    for name in list(COMMANDS)[::2]:
        lazy.get_command(click.Context(lazy), name)
    assert listing(lazy) == listing(eager)


def test_help_imports_no_command_no_store_no_driver_and_no_rich(tmp_path):
    code, modules, output = run_yibao(tmp_path, "--help")
    assert code == 0 and all(name in output for name in COMMANDS)
    heavy = ["rich", "psycopg", "eventsourcing", "stdnum", "ledger.store", "projections", "commands.options",
             *(target.partition(":")[0] for target, _ in COMMANDS.values())]
    assert not [package for package in heavy if imported(modules, package)]


def test_a_json_query_on_sqlite_imports_neither_rich_nor_psycopg(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    runner, number = CliRunner(), "640102199001011237"
    assert runner.invoke(cli, ["init", "--admin", "admin01", "--db", url]).exit_code == 0
    assert runner.invoke(cli, ["operator", "add", "tester", "--role", "clerk", "--operator", "admin01",
                               "--db", url]).exit_code == 0
    registered = runner.invoke(cli, ["person", "register", "--id", number, "--name", "马红", "--sex", "M",
                                     "--scheme", "flexible", "--on", "2025-03-10", "--operator", "tester", "--db", url])
    assert registered.exit_code == 0, registered.output

    code, modules, output = run_yibao(tmp_path, "status", number, "--on", "2025-04-01", "--json", "--db", url)
    assert code == 0, output
    assert json.loads(output)["id_number"] == "640102********1237"
    assert not imported(modules, "rich") and not imported(modules, "psycopg")
    # A query looks a registered number up: python-stdnum's table of places is not read (60 ms).
    assert not imported(modules, "stdnum.cn") and not imported(modules, "stdnum.numdb")

    code, modules, output = run_yibao(tmp_path, "status", number, "--on", "2025-04-01", "--db", url)
    assert code == 0 and "status of 640102********1237" in output and imported(modules, "rich.table")


def test_telling_a_storage_failure_imports_no_driver(tmp_path):
    script = ("import sys; from commands.main import is_storage_failure; "
              "assert not is_storage_failure(ValueError('x')); "
              "assert 'psycopg' not in sys.modules and 'eventsourcing.persistence' not in sys.modules")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("error, exit_code, said", [
    (RuleViolation("REG-4", "already registered"), 1, "refused REG-4: already registered"),
    (BadInput("on", "not a date"), 2, "error on: not a date"),
    (sqlite3.OperationalError("disk I/O error"), 3, "storage failure disk I/O error; nothing was written"),
    (PersistenceError("lost"), 3, "storage failure lost; nothing was written"),
    (psycopg.OperationalError("server closed the connection"), 3,
     "storage failure server closed the connection; nothing was written"),
], ids=lambda v: type(v).__name__ if isinstance(v, Exception) else None)
def test_failures_map_onto_the_exit_codes(error, exit_code, said):
    group = LedgerGroup("yibao")

    @group.command("fail")
    def fail():
        raise error

    result = CliRunner().invoke(group, ["fail"])
    assert result.exit_code == exit_code
    assert said in result.stderr


def test_other_errors_are_not_storage_failures_but_internal_errors_exit_3_without_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_LOG_DIR", str(tmp_path))
    group = LedgerGroup("yibao")

    @group.command("fail")
    def fail():
        raise ValueError("a bug")

    result = CliRunner().invoke(group, ["fail"])
    assert result.exit_code == 3 and "storage failure" not in result.output and "internal error" in result.output
    assert "Traceback" not in result.output and "ValueError: a bug" in (tmp_path / "errors.log").read_text()


@pytest.mark.skipif(not hasattr(click.exceptions, "NoSuchCommand"), reason="click < 8.4 suggests no command")
def test_a_mistyped_command_is_offered_the_closest_even_when_not_loaded():
    result = CliRunner().invoke(LedgerGroup("yibao", lazy=COMMANDS), ["stats"])
    assert result.exit_code == 2
    assert "No such command 'stats'. Did you mean 'status'?" in result.output
