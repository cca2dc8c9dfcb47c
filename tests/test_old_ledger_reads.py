"""A ledger written by 0.6.0 (before the house moved to its domain folders) reads as it did then.

`fixtures/ledger-0.6.0.sqlite3` was made by 0.6.0's `yibao demo --persons 30` followed by the README's tour and
commands that record every other kind of event; `fixtures/ledger-0.6.0.json` holds what 0.6.0 printed for the
commands below. Moved event classes keep their old stored topics readable (`formerly` in ledger/core/events.py); what later
versions add to a document (a new key) is allowed, what 0.6.0 printed must still be there, unchanged, except that
personal data is masked since 1.0.0 (issue 14) unless revealed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands.main import cli
from projections.privacy import masked

FIXTURES = Path(__file__).parent / "fixtures"
EVERYONE = "2099-01-01T00:00:00+00:00"
BEFORE_THE_CORRECTION = "2026-11-30T09:02:26.500000+00:00"  # after 马明's wrong address, before its reversal
TOUR_EMPLOYER, CANCELLED_EMPLOYER = "91640100MA76A1B2CR", "91640300MA77C3D4E8"


def commands(persons: list[str]) -> list[list[str]]:
    found = []
    for person in persons:
        found += [
            ["status", person, "--on", "2024-06-30", "--known-at", EVERYONE, "--json"],
            ["status", person, "--on", "2027-04-15", "--known-at", EVERYONE, "--json"],
            ["status", person, "--on", "2025-07-31", "--known-at", BEFORE_THE_CORRECTION, "--json"],
            ["months", person, "--json"],
            ["timeline", person, "--json"],
            ["account", "statement", person, "--from", "2024-01-01", "--to", "2027-12-31", "--json"],
            ["maternity", "show", person, "--json"],
        ]
    return found + [
        ["timeline", TOUR_EMPLOYER, "--json"], ["timeline", CANCELLED_EMPLOYER, "--json"],
        ["employer", "arrears", "--code", TOUR_EMPLOYER, "--on", "2025-07-31", "--json"],
        ["resident", "list", "--status", "paid", "--year", "2025", "--json"],
        ["resident", "list", "--status", "unpaid", "--year", "2025", "--json"],
        ["contributions", "unmatched", "--json"],
    ]


def contains(expected, actual, where: str = "") -> list[str]:
    """Where `actual` differs from `expected`; keys `actual` adds are not differences."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return [d for key, value in expected.items()
                for d in (contains(value, actual[key], f"{where}.{key}") if key in actual else [f"{where}.{key} gone"])]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in contains(e, a, f"{where}[{i}]")]
    return [] if expected == actual else [f"{where}: {expected!r} became {actual!r}"]


@pytest.fixture(scope="module")
def old_ledger(tmp_path_factory):
    copy = tmp_path_factory.mktemp("old") / "ledger.sqlite3"
    shutil.copy(FIXTURES / "ledger-0.6.0.sqlite3", copy)
    url = f"sqlite:///{copy}"
    assert CliRunner().invoke(cli, ["--db", url, "init"]).exit_code == 0  # later schema versions upgrade it
    return url


EXPECTED = json.loads((FIXTURES / "ledger-0.6.0.json").read_text("utf-8"))


@pytest.mark.parametrize("args", [entry["args"] for entry in EXPECTED], ids=" ".join)
def test_a_0_6_0_ledger_prints_what_0_6_0_printed(old_ledger, args):
    expected = next(entry["output"] for entry in EXPECTED if entry["args"] == args)
    result = CliRunner().invoke(cli, ["--db", old_ledger, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert contains(masked(expected), json.loads(result.output)) == []
