"""`yibao timeline`: every fact of a person (or employer) in recorded order, as known at a moment."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import click

from commands.options import (
    CODE,
    db_option,
    effective_date,
    format_option,
    known_at_moment,
    known_at_option,
    ledger_from,
    on_option,
    person_argument,
    printed,
    reveal_option,
    shown,
    stdout,
    uow_from,
)
from ledger.audit.vouchers import STAGES
from ledger.core.errors import BadInput
from ledger.core.i18n import N_, _, event_name, reworded, term
from ledger.core.zone import in_beijing
from ledger.core.zone import shown as beijing
from ledger.intake import validation
from projections.grid import MARKS, grid, present
from projections.timeline import timeline
from projections.vouchers import voucher_document


@click.command("timeline")
@person_argument("number")
@known_at_option
@on_option(N_("The month grid's last day (default: the day of --known-at, else today)."))
@format_option
@click.option("--html", "html", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the timeline as one self-contained, printable HTML page to FILE (the auditor's copy: "
                   "month grid, events, vouchers with their signatures; masked unless --reveal).")
@reveal_option
@db_option
@click.pass_context
def command(ctx, number, known_at, on, output_format, html=None):
    """List a person's events (or an employer's, given a credit code), reversed ones marked.

    A person's months come first, as a grid: a line a year, a letter a month (paid, back-paid, waiting,
    interrupted ...), explained below it. Times are shown in Beijing time; --json keeps ISO 8601 with the offset.

    Example:

        yibao timeline 640102199003070011 --known-at 2024-03-01T08:00:00 --json
        yibao timeline 640102199003070011 --html timeline.html
    """
    moment = known_at_moment(known_at)
    view = _view(ledger_from(ctx), number, moment)
    rows = shown(ctx, timeline(view), number)
    until = effective_date(on) if on is not None or moment is None else in_beijing(moment).date()
    if html is not None:
        _write_page(ctx, html, number, rows, _months(view, number, until), until, moment)
    if printed(output_format, rows):
        return
    if html is not None:
        stdout.print(_("timeline of {number} written to {file} ({count} events)").format(
            number=number, file=html, count=len(rows)), highlight=False, soft_wrap=True)
        return
    title = (_("timeline of {number} as known at {time} (Beijing time)").format(number=number, time=beijing(moment))
             if moment else _("timeline of {number}").format(number=number))
    _print_grid(number, _months(view, number, until), until)
    if stdout.width >= WIDE:
        _print_table(title, rows)
    else:
        _print_compact(title, rows)
    for document in _voucher_documents(ctx, number, moment):
        steps = "; ".join(_step(s) for s in document["steps"])
        stdout.print(_("voucher {voucher} {operation} ({stage}): {steps}").format(
            voucher=document["voucher"], operation=term(document["operation"]), stage=term(document["stage"]),
            steps=steps))


def _step(step: dict) -> str:
    """A voucher's step: who signed it and when (and why, for a rejection)."""
    said = _("{step} by {operator} {at} ({reason})") if step.get("reason") else _("{step} by {operator} {at}")
    return said.format(step=term(step["step"]), operator=step["operator"], at=beijing(step["at"]),
                       reason=step.get("reason"))


def _months(view, number: str, until: datetime.date) -> dict[int, list[str | None]]:
    """A person's month grid up to `until` (an employer has none); made only for the page or the screen."""
    return grid(view, until) if _is_person(number) else {}


def _print_grid(number: str, years: dict[int, list[str | None]], until: datetime.date) -> None:
    """The month grid (projections/grid.py): a line a year, a letter a month in three columns (42 columns in all,
    whatever the language), then what each letter shown means, above the events."""
    from commands.timeline_html import legend

    if not years:
        return
    stdout.print(_("months of {number} to {until} (MON-1, WAIT-1..WAIT-9)").format(number=number, until=until),
                 highlight=False, markup=False)
    stdout.print(" " * 4 + "".join(f"{month:>3}" for month in range(1, 13)), highlight=False)
    for year, states in years.items():
        stdout.print(f"{year}" + "".join(f"{MARKS[state] if state else '':>3}" for state in states).rstrip(),
                     highlight=False, markup=False)
    for line in _packed([f"{mark} {label}" for _state, mark, label in legend(present(years))], stdout.width):
        stdout.print(line, highlight=False, markup=False)
    stdout.print()


def _packed(entries: list[str], width: int) -> list[str]:
    """The legend's entries side by side, as many to a line as fit `width` terminal cells (a Chinese character
    takes two), never one split across lines."""
    from rich.cells import cell_len

    lines: list[str] = []
    for entry in entries:
        if lines and cell_len(lines[-1]) + 3 + cell_len(entry) <= width:
            lines[-1] += "   " + entry
        else:
            lines.append(entry)
    return lines


WIDE = 120
"""From this console width on, one table row an event; narrower (a counter's 80 columns), a block an event."""


def _print_table(title: str, rows: list[dict]) -> None:
    from rich.table import Table

    table = Table(title=title)
    table.add_column(_("seq"), no_wrap=True)
    table.add_column(_("type"), overflow="fold")
    table.add_column(_("effective"), no_wrap=True)
    table.add_column(_("recorded (Beijing)"), no_wrap=True)
    table.add_column(_("operator (/ reviewer / approver)"), overflow="fold")
    table.add_column(_("reversed by"), no_wrap=True)
    table.add_column(_("data"), overflow="fold", ratio=1)
    for row in rows:
        kind = f"[strike]{event_name(row['type'])}[/]" if row["reversed_by"] else event_name(row["type"])
        table.add_row(str(row["seq"]), kind, str(row["effective"]), beijing(row["recorded_at"]), _who(row),
                      str(row["reversed_by"] or ""), _compact(row["data"]))
    stdout.print(table)


def _print_compact(title: str, rows: list[dict]) -> None:
    """A block an event, readable at 80 columns: its number and type (struck through when reversed, naming the
    reversal), then when it holds and when it was recorded and by whom, then its data, indented."""
    from rich.markup import escape
    from rich.padding import Padding

    stdout.print(f"[bold]{escape(title)}[/]", highlight=False)
    for row in rows:
        kind = escape(event_name(row["type"]))
        reversed_by = escape(_("(reversed by {seq})").format(seq=row["reversed_by"]))
        head = f"[bold]{row['seq']:>3}[/] " + (f"[strike]{kind}[/] {reversed_by}" if row["reversed_by"] else kind)
        stdout.print(head, highlight=False)
        stdout.print(Padding(escape(_("effective {date} · recorded {time} · {who}").format(
            date=row["effective"], time=beijing(row["recorded_at"]), who=_who(row))), (0, 0, 0, 4)), highlight=False)
        if row["data"]:
            stdout.print(Padding(escape(_compact(row["data"])), (0, 0, 0, 4)), highlight=False, style="dim")


def _who(row: dict) -> str:
    signed = row["voucher"]
    return row["operator"] + (f" / {signed['reviewer']} / {signed['approver']}" if signed else "")


def _voucher_documents(ctx, number: str, moment) -> list[dict]:
    """AUD-1: the vouchers about this person or employer, each step with who signed it and when (as known now:
    the vouchers' table holds no earlier moment)."""
    if moment is not None:
        return []
    return [voucher_document(ledger_from(ctx), listed["voucher"])
            for listed in uow_from(ctx).vouchers(STAGES, subject=number)]


def _write_page(ctx, path: Path, number: str, rows: list[dict], years: dict, until: datetime.date, moment) -> None:
    from commands import console
    from commands.timeline_html import page, write
    from projections.privacy import mask_id, masked

    revealed = bool(ctx.ensure_object(dict).get("reveal"))  # recorded by `shown` (which refuses a bare --reveal)
    vouchers = _voucher_documents(ctx, number, moment)
    html = page(subject=number if revealed else mask_id(number), rows=rows,
                vouchers=vouchers if revealed else masked(vouchers), years=years, until=until, known_at=moment,
                revealed=revealed)
    write(path, html if revealed else console.mask_text(html))


def _compact(data: dict) -> str:
    """key=value, leaving out what is empty, so a row reads like the clerk's form (the field's name and a code
    value in the reader's language)."""
    return ", ".join(f"{term(key)}={_value(value)}" for key, value in data.items() if value not in (None, [], {}, ""))


def _value(value) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return term(value) if CODE.fullmatch(value) else reworded(value)  # a reason stored in English, read here
    return str(value)


def _is_person(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit()


def _view(ledger, number, moment):
    """An ID number is all digits but a final check character; a credit code has letters."""
    if _is_person(number):
        return ledger.view(validation.known_id_number(number, "IDNO"), moment)
    try:
        return ledger.employer_view(validation.credit_code(number, "IDNO"), moment)
    except BadInput:
        raise BadInput("IDNO", _("{number!r} is neither a citizen ID number nor a credit code").format(
            number=number)) from None
