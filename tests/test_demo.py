"""`yibao demo`, the README's main job: works on a fresh directory with no server, and on PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def yibao_executable() -> str:
    """The installed console script, beside this interpreter when pytest runs from a virtual environment."""
    beside = Path(sys.executable).with_name("yibao")
    return str(beside) if beside.exists() else (shutil.which("yibao") or pytest.fail("the yibao script is not installed"))


def test_demo_runs_on_the_sqlite_default_in_a_fresh_directory(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("YIBAO_DB", "YIBAO_OPERATOR")} | {"COLUMNS": "200"}
    result = subprocess.run([yibao_executable(), "demo", "--persons", "40"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "yibao.sqlite3").exists()
    assert "persons recorded" in result.stdout and "EventReversed" in result.stdout

    again = subprocess.run([yibao_executable(), "demo", "--persons", "5"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr  # a second run adds a new region beside the first


def test_demo_fills_any_store_with_valid_people(yibao, store_url):
    result = yibao("demo", "--persons", "30")
    assert result.exit_code == 0, result.output
    sample = next(line.split()[-1] for line in result.output.splitlines() if "timeline of" in line)
    rows = json.loads(yibao("timeline", sample, "--json").output)
    assert [row["reversed_by"] for row in rows][:3] == [None, 3, None]
