"""The auditor's timeline as one self-contained HTML page (`yibao timeline IDNO --html FILE`): the month grid
the text timeline shows (projections/grid.py: contribution months and benefits) with its legend, then every event
with its effective date, its recorded time in Beijing time, its operator (and a voucher's three signatures, AUD-1),
the event that reversed it (struck through, AUD-2) and its data; then the vouchers about the subject, step by step.
Rendered by Jinja2 with autoescaping on (a name or a reason typed at the counter is text, never markup), with no
resource from elsewhere, printable on A4. Its words are in the reader's language: the template's through Jinja2's
i18n extension (`{{ _("...") }}`, extracted by Babel's `jinja2` method, pyproject.toml), event names through
`event_name`, field names through `term`, the grid's marks through `legend`.

Jinja2 is imported here only, and only when a page is written.
"""

from __future__ import annotations

import datetime
import json
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from commands.options import CODE
from ledger.core.errors import BadInput
from ledger.core.i18n import _, event_name, language, ngettext, pgettext, term
from ledger.core.zone import BEIJING, shown
from projections.grid import MARKS, STATES, present

TEMPLATE = "timeline.html.j2"


def legend(states: Iterable[str] = STATES) -> list[tuple[str, str, str]]:
    """(state, mark, what it means) for each of `states` the grid shows, in the reader's language: the month's
    money first, then the benefits, then the registration (projections/grid.py says which state wins when several
    hold of a month)."""
    said = {
        "paid": pgettext("month legend", "paid"),
        "trued-up": pgettext("month legend", "trued-up: a difference owed (CON-3)"),
        "back-paid": pgettext("month legend", "back-paid (WAIT-6)"),
        "deferred": pgettext("month legend", "deferred (CON-8)"),
        "assessed": pgettext("month legend", "assessed, not received"),
        "cancelled": pgettext("month legend", "cancelled (CON-5)"),
        "none": pgettext("month legend", "nothing assessed"),
        "waiting": pgettext("month legend", "waiting: paid, pooled benefits start later (WAIT-2, WAIT-5, WAIT-8)"),
        "interrupted": pgettext("month legend", "interrupted (WAIT-4)"),
        "resident-cover": pgettext("month legend", "resident cover: the year's payment covers it (WAIT-8, WAIT-9)"),
        "uncovered": pgettext("month legend", "resident, not covered: the year not paid (WAIT-8)"),
        "transferred-in": pgettext("month legend", "months transferred in from another region (TRF-1)"),
        "retired": pgettext("month legend", "retired (RET-1)"),
        "ended": pgettext("month legend", "registration ended (REG-5)"),
    }
    shown = set(states)
    return [(state, MARKS[state], label) for state, label in said.items() if state in shown]


def page(*, subject: str, rows: list[dict[str, Any]], vouchers: list[dict[str, Any]],
         years: dict[int, list[str | None]], until: datetime.date, known_at: datetime.datetime | None,
         revealed: bool) -> str:
    """The page's HTML: `rows` as `timeline --json` gives them, `vouchers` as `review show --json` (already masked,
    or revealed), `years` the month grid up to `until` (projections/grid.py)."""
    from jinja2 import Environment, StrictUndefined

    from commands.version import version

    environment = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              extensions=["jinja2.ext.i18n"])
    environment.install_gettext_callables(_, ngettext, newstyle=False, pgettext=pgettext)
    environment.globals.update(term=term, event_name=event_name)
    template = environment.from_string(resources.files("commands").joinpath("templates", TEMPLATE).read_text("utf-8"))
    return template.render(
        version=version(), lang="zh-CN" if language() == "zh_CN" else "en",
        title=_("Timeline of {subject}").format(subject=subject), subject=subject,
        known_at=shown(known_at) if known_at else _("now"),
        generated_at=shown(datetime.datetime.now(BEIJING)),
        privacy=_("Personal data is masked.") if not revealed else
        _("Personal data is shown in clear; the reveal is recorded (AUD-2)."),
        events=[_event(row) for row in rows], vouchers=[_voucher(v) for v in vouchers],
        grid=cells(years), until=until.isoformat(), legend=legend(present(years)))


def _event(row: dict[str, Any]) -> dict[str, Any]:
    day, _space, time = shown(row["recorded_at"]).partition(" ")
    return {**row, "recorded_day": day, "recorded_time": time,
            "data": [(term(key), _text(value)) for key, value in row["data"].items()
                     if value not in (None, [], {}, "")]}


def _voucher(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "steps": [{**step, "at": shown(step["at"])} for step in document["steps"]]}


def _text(value: Any) -> str:
    """A field's value: a code (a scheme, a reason) in the reader's language, anything else as recorded."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return term(value) if isinstance(value, str) and CODE.fullmatch(value) else str(value)


def cells(years: dict[int, list[str | None]]) -> list[tuple[int, list[dict[str, str]]]]:
    """The grid of projections/grid.py as the template's rows: a row a year, a cell a month with its state, its
    mark and what the mark means (empty outside the months shown)."""
    said = {state: label for state, _mark, label in legend()}
    return [(year, [{"month": f"{year}-{number:02d}", "state": state or "", "mark": MARKS[state] if state else "",
                     "label": said[state] if state else ""} for number, state in enumerate(states, 1)])
            for year, states in years.items()]


def write(path: Path, html: str) -> None:
    try:
        path.write_text(html, "utf-8")
    except OSError as error:
        raise BadInput("html", _("cannot write {file}: {reason}; give a file in a folder you may write to").format(
            file=path, reason=error.strerror or error)) from None
