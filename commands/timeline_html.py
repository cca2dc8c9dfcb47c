"""The auditor's timeline as one self-contained HTML page (`yibao timeline IDNO --html FILE`): the contribution
months as a grid with its legend, then every event with its effective date, its recorded time in Beijing time, its
operator (and a voucher's three signatures, AUD-1), the event that reversed it (struck through, AUD-2) and its data;
then the vouchers about the subject, step by step. Rendered by Jinja2 with autoescaping on (a name or a reason
typed at the counter is text, never markup), with no resource from elsewhere, printable on A4.

Jinja2 is imported here only, and only when a page is written.
"""

from __future__ import annotations

import datetime
import json
from importlib import resources
from pathlib import Path
from typing import Any

from ledger.core.errors import BadInput
from ledger.core.zone import BEIJING, shown

TEMPLATE = "timeline.html.j2"
LEGEND = (
    ("paid", "P", "已缴 paid"),
    ("back-paid", "B", "补缴 back-paid (WAIT-6)"),
    ("trued-up", "T", "补差 trued-up: a difference owed (CON-3)"),
    ("deferred", "D", "缓缴 deferred (CON-8)"),
    ("assessed", "A", "已核定未到账 assessed, not received"),
    ("cancelled", "C", "撤销核定 cancelled (CON-5)"),
    ("none", "·", "未核定 nothing assessed"),
)
MARKS = {state: mark for state, mark, _label in LEGEND}


def page(*, subject: str, rows: list[dict[str, Any]], vouchers: list[dict[str, Any]], months: list[dict[str, Any]],
         known_at: datetime.datetime | None, revealed: bool) -> str:
    """The page's HTML: `rows` as `timeline --json` gives them, `vouchers` as `review show --json`, `months` as
    `months --json` (already masked, or revealed)."""
    from jinja2 import Environment, StrictUndefined

    from commands.version import version

    environment = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = environment.from_string(resources.files("commands").joinpath("templates", TEMPLATE).read_text("utf-8"))
    return template.render(
        version=version(), title=f"参保人时间线 Timeline of {subject}", subject=subject,
        known_at=shown(known_at) if known_at else "现在 now",
        generated_at=shown(datetime.datetime.now(BEIJING)),
        privacy="个人信息已按规定脱敏。Personal data is masked." if not revealed else
        "个人信息按查阅申请明文显示（已记录）。Personal data is shown in clear; the reveal is recorded (AUD-2).",
        events=[_event(row) for row in rows], vouchers=[_voucher(v) for v in vouchers],
        grid=grid(months), legend=LEGEND)


def _event(row: dict[str, Any]) -> dict[str, Any]:
    day, _space, time = shown(row["recorded_at"]).partition(" ")
    return {**row, "recorded_day": day, "recorded_time": time,
            "data": [(key, _text(value)) for key, value in row["data"].items() if value not in (None, [], {}, "")]}


def _voucher(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "steps": [{**step, "at": shown(step["at"])} for step in document["steps"]]}


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def grid(months: list[dict[str, Any]]) -> list[tuple[int, list[dict[str, str]]]]:
    """MON-1: a row a year from the first month assessed to the last, a cell a month with its state."""
    states = {row["month"]: row["state"] for row in months}
    if not states:
        return []
    years = range(int(min(states)[:4]), int(max(states)[:4]) + 1)
    found = []
    for year in years:
        cells = []
        for number in range(1, 13):
            month = f"{year}-{number:02d}"
            state = states.get(month, "none")
            cells.append({"month": month, "state": state, "mark": MARKS.get(state, "?")})
        found.append((year, cells))
    return found


def write(path: Path, html: str) -> None:
    try:
        path.write_text(html, "utf-8")
    except OSError as error:
        raise BadInput("html", f"cannot write {path}: {error.strerror or error}; give a file in a folder you may "
                               "write to") from None
