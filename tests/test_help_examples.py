"""Every command's help example runs as written (issue 15): against one ledger built through the CLI, each example
in its turn, the turns derived from a table of what each example needs before it. An example that cannot run is a
defect of the example, and so is one that cannot run beside the others: they tell one story, as a reader pastes them.
"""

from __future__ import annotations

import graphlib
import json
import re
import shlex
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result

from commands.main import cli
from tests.builders import every_command, examples

A = "640102199003070011"  # 马明: an employee of E from March 2024, then back to Xi'an in 2026
B = "640102199001011237"  # 马红: flexible, interrupted in November 2024, resumed in February 2025
C = "640102198506120020"  # 丁燕: an employee of E, a mother in June 2025
D = "640104202405100508"  # 田乐: born 10 May 2024, a resident of a 低保 family
F = "640122198508014294"  # 田明: a resident, died on 10 June 2024
G = "640102199208150023"  # 李静: flexible, then a resident from 2025
E = "91640100MA76A1B2CR"  # 宁夏塞上建材有限公司, A's and C's employer

EXAMPLE_VOUCHER = "V20250620-3F9A2C"
"""The voucher number the examples show: voucher numbers are drawn at random, so it stands for the one proposed
by the example VOUCHER_OF names."""
VOUCHER_OF = {"review": "correct", "review show": "correct", "review approve": "correct", "review reject": "refund"}

OWN_STORE = {"demo"}
"""Examples that fill an empty ledger only: run on a store of their own."""

FILES = {
    "wages-2024.csv": f"id_number,monthly_wage\n{A},4863\n{C},6000\n",
    "wages-2025.csv": f"id_number,monthly_wage\n{A},4863\n{C},6000\n",
    "wages-2026.csv": f"id_number,monthly_wage\n{A},4863\n{C},6000\n",
    "students.csv": "id_number,name,sex\n64010620050301595X,田勇,M\n",
    "settlements-2026-01-05.csv": "settlement_no,id_number,institution,kind,service_on,discharged_on,total,fund,"
                                  f"account,own\nYD-2026-0105-01,{A},P64010400001,pharmacy,2026-01-05,,120.00,0.00,"
                                  "80.00,40.00\n",
}
"""The files the examples name, as the counter would have them."""


def months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    listed = []
    while f"{year}-{month:02d}" <= last:
        listed.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return listed


class Counter:
    """The ledger's counter: runs command lines as a clerk types them, keeping the vouchers each example proposed."""

    def __init__(self, url: str, folder: Path):
        self.url, self.folder, self.runner, self.vouchers = url, folder, CliRunner(), {}

    def run(self, line: str, store: str | None = None) -> Result:
        """`yibao ...` as typed: `$(yibao ...)` runs the command inside, `> FILE` keeps its stdout in the folder, and
        `--db` names this ledger (an example's server is the reader's, not the test's)."""
        inner = re.search(r"\$\((yibao [^)]*)\)", line)
        words = shlex.split(inner.group(1) if inner else line, comments=True)
        assert words[0] == "yibao", line
        words, target = (words[:words.index(">")], words[words.index(">") + 1]) if ">" in words else (words, None)
        words = [self.url if index and words[index - 1] == "--db" else word for index, word in enumerate(words)]
        result = self.runner.invoke(cli, words[1:], env={"YIBAO_DB": store or self.url, "YIBAO_OPERATOR": "clerk01"})
        if target and result.exit_code == 0:
            (self.folder / target).write_text(result.stdout, "utf-8")
        return result

    def must(self, *lines: str) -> None:
        for line in lines:
            result = self.run(line)
            assert result.exit_code == 0, f"{line}\n{result.output}"

    def owed(self, number: str, first: str, last: str) -> list[str]:
        """Receipt rows for what the person owes for the months first..last, each received on its due date."""
        rows = []
        for row in json.loads(self.run(f"yibao months {number} --json").stdout):
            owed = Decimal(row["total"]) + Decimal(row["true_up"]) - Decimal(row["received"])
            if first <= row["month"] <= last and row["state"] not in ("paid", "back-paid", "cancelled") and owed > 0:
                rows.append(f"{number},{row['month']},{owed},{row['due_on']}\n")
        return rows

    def receipts(self, name: str, *owing: tuple[str, str, str]) -> None:
        rows = [row for number, first, last in owing for row in self.owed(number, first, last)]
        (self.folder / name).write_text("id_number,month,amount,received_on\n" + "".join(rows), "utf-8")

    def pay(self, *owing: tuple[str, str, str]) -> None:
        """The tax bureau's receipts for what is owed, imported (a flexible month unpaid past its due date is
        cancelled by the next assessment, so its receipt comes before any other)."""
        self.receipts("owed.csv", *owing)
        self.must("yibao contributions import owed.csv")


GLUE: dict[str, Callable[[Counter], None]] = {
    "+people": lambda counter: counter.must(
        f"yibao person register --id {C} --name 丁燕 --sex F --scheme employee --employer {E} --on 2024-03-01",
        f"yibao person register --id {D} --name 田乐 --sex F --scheme resident --on 2024-06-01 --hukou 宁夏永宁县 "
        "--document birth-certificate:Q640121-2024-118",
        f"yibao person register --id {F} --name 田明 --sex M --scheme resident --on 2023-09-01 --hukou 宁夏永宁县",
        f"yibao person register --id {G} --name 李静 --sex F --scheme flexible --on 2024-09-01"),
    "+bases": lambda counter: counter.must(
        f"yibao employer declare-bases --code {E} --year 2025 --file wages-2025.csv",
        "yibao policy publish-average-wage --year 2024 --annual 103200 --on 2025-06-30",  # 2026's reference
        f"yibao employer declare-bases --code {E} --year 2026 --file wages-2026.csv"),
    "+assess 2024-03": lambda counter: counter.must("yibao contributions assess --month 2024-03"),
    "+April's receipts": lambda counter: counter.receipts("receipts-2024-04.csv", (A, "2024-04", "2024-04"),
                                                          (B, "2024-03", "2024-10")),
    "+B's 2025": lambda counter: (counter.must("yibao contributions assess --month 2025-02"),
                                  counter.pay((B, "2025-02", "2025-12"))),
    "+B's back-payment": lambda counter: (
        counter.must(*(f"yibao review approve {counter.vouchers['person backpay']} --operator {signer}"
                       for signer in ("reviewer01", "approver01"))),
        counter.pay((B, "2024-11", "2025-01"))),
    "+A's and C's months": lambda counter: (
        counter.must(*(f"yibao contributions assess --month {month}" for month in months("2024-05", "2026-01"))),
        counter.pay((A, "2024-03", "2026-01"), (C, "2024-03", "2026-01"))),
}
"""What the examples take for granted and none of them does, through the CLI."""

AFTER: dict[str, list[str]] = {
    "operator": [], "operator add": [], "operator remove": [],
    "policy publish-average-wage": [], "policy set": [],
    "employer register": [], "employer": [], "employer change": ["employer register"],
    "employer cancel": ["employer"], "employer declare-bases": ["person register", "+people"],
    "employer defer": ["employer register"],
    "employer leave": ["person change"], "employer hire": ["employer leave"],
    "institution": [], "institution register": [],
    "person register": ["employer register"],
    "person change": ["person register"],  # A's event 2, which `correct --seq 2` reverses
    "person": [],
    "person interrupt": ["contributions import"],  # B paid to October
    "contributions close-year": ["person interrupt"], "contributions choose-base": ["person interrupt"],
    "person resume": ["contributions choose-base", "contributions close-year"],
    "person backpay": ["+B's 2025"],
    "refund": ["+B's back-payment"], "refund request": ["+B's back-payment"],  # B's 2025 paid in full
    "person transfer-in": ["person change"], "person retire": ["person change"],
    "person transfer-out": ["person retire", "person transfer-in", "employer hire", "account spend", "benefit settle",
                            "benefit import", "benefit claim", "review approve", "+A's and C's months"],
    "person cancel": ["resident recognise"], "person switch-scheme": ["+people"],
    "contributions": ["+assess 2024-03"], "contributions assess": ["+assess 2024-03"],
    "contributions pay": ["+assess 2024-03"], "contributions import": ["+April's receipts"],
    "account spend": ["+A's and C's months"],
    "benefit settle": ["+A's and C's months", "institution register"],
    "benefit import": ["+A's and C's months", "institution"], "benefit claim": ["+A's and C's months"],
    "maternity claim": ["+A's and C's months"],
    "resident register-batch": [], "resident recognise": ["+people"], "resident sign": ["+people"],
    "resident flag": ["+people"], "resident pay": ["resident flag"], "resident": ["resident pay"],
    "resident unflag": ["resident flag"],
    "correct": ["person change"], "review": ["correct"], "review approve": ["review"], "review reject": ["refund"],
    "+people": ["employer register"], "+bases": ["employer declare-bases"],
    "+assess 2024-03": ["person change", "person", "+people", "employer declare-bases"],
    "+April's receipts": ["contributions assess", "contributions"],
    "+B's 2025": ["person resume", "+bases"], "+B's back-payment": ["person backpay"],
    "+A's and C's months": ["+B's back-payment", "employer defer", "policy set", "contributions pay",
                            "contributions import", "+bases"],
}
"""The story's steps, each after what it needs. Every other example reads, once the story is told (READ_AFTER:
after another read it needs)."""
READ_AFTER = {"export check": ["export insuinfo"]}

COMMANDS = {" ".join(path): command for path, command in every_command()}


def command_lines(command) -> list[str]:
    """The example's command lines, a line continued with a backslash joined to the next."""
    lines, held = [], ""
    for line in examples(command):
        if line.endswith("\\"):
            held += line[:-1]
        else:
            lines.append(held + line)
            held = ""
    return lines


def expected_exit(line: str) -> int:
    """0, or what an example whose point is a refusal says it exits with (`# refused: exit 1`)."""
    said = re.search(r"#.*\bexit (\d)\b", line)
    return int(said.group(1)) if said else 0


def order() -> list[str]:
    told = "+the story is told"
    graph = {step: set(needs) for step, needs in AFTER.items()}
    graph[told] = set(AFTER)
    for name in COMMANDS:
        if name not in AFTER:
            graph[name] = {told, *READ_AFTER.get(name, ())}
    return [step for step in graphlib.TopologicalSorter(graph).static_order() if step != told]


def operators(lines: list[str]) -> dict[str, str]:
    """Everyone the examples name as an operator, with the role their name says (clerk01: clerk)."""
    named = {name for line in lines for name in re.findall(r"(?:--operator|operator add|operator remove) (\w+)", line)}
    return {name: name.rstrip("0123456789") for name in sorted(named)}


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """One ledger: its administrator and the operators the examples name, then every step in its turn; what each
    example line gave, by command."""
    folder = tmp_path_factory.mktemp("counter")
    counter = Counter(f"sqlite:///{folder / 'ledger.sqlite3'}", folder)
    every_line = [line for command in COMMANDS.values() for line in command_lines(command)]
    for name, content in FILES.items():
        (folder / name).write_text(content, "utf-8")
    results: dict[str, list[tuple[str, int, Result]]] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)  # the examples name their files as the clerk's working folder has them
        counter.must("yibao init --admin admin01", *(f"yibao operator add {name} --role {role} --operator admin01"
                                                     for name, role in operators(every_line).items()
                                                     if name != "admin01"))
        for step in order():
            if step in GLUE:
                GLUE[step](counter)
                continue
            results[step] = []
            for line in command_lines(COMMANDS[step]):
                if step in VOUCHER_OF:
                    line = line.replace(EXAMPLE_VOUCHER, counter.vouchers.get(VOUCHER_OF[step], EXAMPLE_VOUCHER))
                store = f"sqlite:///{folder / (step + '.sqlite3')}" if step in OWN_STORE else None
                result = counter.run(line, store)
                proposed = re.search(r"V\d{8}-[0-9A-F]{6}", result.output)
                if proposed:
                    counter.vouchers.setdefault(step, proposed.group(0))
                results[step].append((line, expected_exit(line), result))
    return results


def test_every_command_has_an_example_and_the_story_names_only_commands():
    assert [name for name, command in COMMANDS.items() if not command_lines(command)] == []
    assert [step for step in AFTER if not step.startswith("+") and step not in COMMANDS] == []
    assert set(GLUE) == {step for step in AFTER if step.startswith("+")}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_help_example_runs(ran, name):
    for line, expected, result in ran[name]:
        crash = "" if isinstance(result.exception, SystemExit) else repr(result.exception)
        assert result.exit_code == expected, f"{line}\nexit {result.exit_code}:\n{result.output}{crash}"
