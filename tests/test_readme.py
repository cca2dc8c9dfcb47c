"""The README is the front door: its tour runs as written, and CI runs its set-up commands verbatim."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from projections.privacy import mask_id

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def fenced_after(marker: str) -> str:
    match = re.search(re.escape(marker) + r"\s*```bash\n(.*?)```", README, re.S)
    assert match, f"README has no bash block after {marker}"
    return match.group(1)


def test_the_tour_runs_as_written(tmp_path):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "200"}
    env.pop("YIBAO_DB", None)
    script = "".join(fenced_after(f"<!-- {name} -->") for name in ("tour", "tour-contributions", "tour-eligibility",
                                                                   "tour-maternity", "tour-resident", "tour-benefits",
                                                                   "tour-audit"))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"│ 2 +│ PersonChanged +│ 2024-05-01 .*│ 3 +│", result.stdout)
    assert "3 rows: 3 matched, 0 unmatched, 0 already recorded" in result.stdout
    assert "the log still leads to the digest taken" in result.stdout and "included: event 3 of stream" in result.stdout
    assert "3 rows: 0 matched, 0 unmatched, 3 already recorded" in result.stdout
    assert re.search(r"2025-01 .*│ +5160\.00 .*│ +24\.56 │ trued-up", result.stdout)  # figures right-aligned
    # March's first assessment is overdue; February's true-up is not due before the end of the year (CON-3)
    assert "owes 437.36 (arrears 388.24, deferred 0.00)" in result.stdout
    statuses = [json.loads(block) for block in re.findall(r"^\{\n.*?^\}$", result.stdout, re.S | re.M)]
    statuses = [s for s in statuses if "benefits" in s]
    waiting, interrupted, resumed = [s["benefits"] for s in statuses if s["id_number"] == mask_id("640102198506120020")]
    assert waiting == {"account": True, "pooled": False, "pooled_from": "2026-09-01",
                       "reason": "WAIT-2: 4 of 6 months paid", "scheme": None}
    assert (interrupted["account"], interrupted["pooled"]) == (True, False)
    assert interrupted["reason"].startswith("WAIT-4")
    assert resumed["reason"] == "WAIT-5: resumed: 3 of 6 months paid"
    assert "back_paid" in result.stdout and "contribution_months.back_paid" in result.stdout
    assert "MAT-3: a nursing-subsidy claim needs spouse-discharge-record" in result.stderr
    assert "to pay nursing-subsidy 4300.00 (2025-02-14+25d)" in result.stderr  # proposed, then approved
    assert "MAT-1: maternity benefits are for the employee scheme" in result.stderr
    assert '"maternity_continuous_months": 2' in result.stdout
    assert "AUD-1: 'visitor' is not an operator of this ledger" in result.stderr
    assert "AUD-1: clerk02 is the handler of voucher" in result.stderr
    assert "AUD-1: reviewer01 is the reviewer of voucher" in result.stderr
    assert len(re.findall(r"voucher V\d{8}-[0-9A-F]{6} approved by approver01", result.stdout)) == 5
    assert "to refund 400.00 for the resident year 2025" in result.stdout
    baby = next(s for s in statuses if s["id_number"] == mask_id("640104202405100508"))
    assert (baby["benefits"]["pooled"], baby["benefits"]["scheme"]) == (True, "resident")
    father = next(s for s in statuses if s["id_number"] == mask_id("640122198508014294"))
    assert father["facilities"]["primary"] == "永宁县杨和镇卫生院 (primary)"
    assert "RES-5: a primary-care signing changes only in June or December" in result.stderr
    assert "WAIT-8: 2024 is paid from 2023-09-01" in result.stderr
    assert "settled: inpatient at H64010400001 on 2024-12-28" in result.stdout
    assert "already recorded: inpatient at H64010400001" in result.stdout
    assert "x 0.65 = 11050.00" in result.stderr  # (18000 - 1000) x 65 %, a resident at level 3
    assert "BEN-4: not payable by the fund: a third party bears it" in result.stderr
    assert re.search(r"WAIT-2: no fund part on 2025-03-25", result.stderr)
    tian = [s for s in statuses if s["id_number"] == mask_id("640122198508014294") and s["on"] == "2024-12-31"][0]
    assert tian["benefits_paid"]["fund"] == "18248.00"  # 7150 + 48 + 11050
    assert "written to timeline-640102.html (" in result.stdout and (tmp_path / "timeline-640102.html").exists()
    assert "written to report-2025.xlsx (10 sheets)" in result.stdout and "maternity payments" in result.stdout


DAYS = {"zh_CN": ("clerks-day-zh", "auditors-day-zh"), "en": ("clerks-day", "auditors-day")}
"""The clerk's and the auditor's days, in each language: each marked bash block followed by what it prints."""
VOLATILE = [(re.compile(r"V\d{8}-[0-9A-F]{6}"), "V<voucher>"), (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
            (re.compile(r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}:\d{2}"), "<time>")]
"""What differs from one run to the next: voucher numbers, hashes and the times things were recorded (a time
keeps its width, so a line wraps where it wrapped in the README)."""


def shown_after(marker: str) -> list[tuple[str, str]]:
    """Each (commands, output) of the marker's blocks: a bash block and the text block after it."""
    found = re.findall(re.escape(marker) + r"\s*```bash\n(.*?)```\s*```text\n(.*?)```", README, re.S)
    assert found, f"README has no bash block with its output after {marker}"
    return found


def as_shown(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.mark.parametrize("language", DAYS)
def test_the_days_print_what_the_readme_shows(tmp_path, language):
    blocks = [block for name in DAYS[language] for block in shown_after(f"<!-- {name} -->")]
    apart = "@@@ the next block @@@"
    script = "exec 2>&1\n" + "".join(f"echo '{apart}'\n{commands}" for commands, _output in blocks)
    env = {name: value for name, value in os.environ.items() if not name.startswith("YIBAO_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", COLUMNS="80")
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    printed = result.stdout.split(apart + "\n")[1:]
    assert len(printed) == len(blocks)
    for (commands, shown), output in zip(blocks, printed):
        assert as_shown(output) == as_shown(shown), f"{commands}printed:\n{output}"
    if language == "zh_CN":
        assert untranslated("".join(printed)) == []


def untranslated(output: str) -> list[str]:
    """The catalog's English sentences (four words or more) found in output that should be all Chinese."""
    from babel.messages.pofile import read_po

    with (ROOT / "ledger" / "locale" / "zh_CN" / "LC_MESSAGES" / "yibao.po").open("rb") as file:
        messages = [m.id for m in read_po(file) if isinstance(m.id, str) and m.context is None]
    pieces = {piece.strip() for message in messages for piece in re.split(r"\{[^}]*\}|\n", message)}
    return sorted(piece for piece in pieces if len(piece.split()) >= 4 and piece in output)


def test_ci_runs_the_readmes_set_up_commands():
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    for command in ("pip install . && yibao demo", "pip install '.[test]' && pytest"):
        assert f"```bash\n{command}\n```" in README
        assert f"\n{command}\n" in ci
