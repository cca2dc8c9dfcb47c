"""`yibao timeline`: every fact of a person (or employer) in recorded order, as known at a moment."""

from __future__ import annotations

import json
from pathlib import Path

import click

from commands.options import (
    db_option,
    json_option,
    known_at_moment,
    known_at_option,
    ledger_from,
    print_json,
    reveal_option,
    shown,
    stdout,
    uow_from,
)
from ledger.audit.vouchers import STAGES
from ledger.core.errors import BadInput
from ledger.core.zone import shown as beijing
from ledger.intake import validation
from projections.timeline import timeline
from projections.vouchers import voucher_document


@click.command("timeline")
@click.argument("number", metavar="IDNO")
@known_at_option
@json_option
@click.option("--html", "html", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the timeline as one self-contained, printable HTML page to FILE (the auditor's copy: "
                   "month grid, events, vouchers with their signatures; masked unless --reveal).")
@reveal_option
@db_option
@click.pass_context
def command(ctx, number, known_at, as_json, html=None):
    """List a person's events (or an employer's, given a credit code), reversed ones marked.

    Times are shown in Beijing time; --json keeps ISO 8601 with the offset.

    Example:

        yibao timeline 640102199003070011 --known-at 2024-03-01T08:00:00 --json
        yibao timeline 640102199003070011 --html timeline.html
    """
    moment = known_at_moment(known_at)
    view = _view(ledger_from(ctx), number, moment)
    rows = shown(ctx, timeline(view), number)
    if html is not None:
        _write_page(ctx, html, number, view, rows, moment)
    if as_json:
        print_json(rows)
        return
    if html is not None:
        stdout.print(f"timeline of {number} written to {html} ({len(rows)} events)", highlight=False, soft_wrap=True)
        return
    title = f"timeline of {number}" + (f" as known at {beijing(moment)} (Beijing time)" if moment else "")
    if stdout.width >= WIDE:
        _print_table(title, rows)
    else:
        _print_compact(title, rows)
    for document in _voucher_documents(ctx, number, moment):
        steps = "; ".join(f"{s['step']} by {s['operator']} {beijing(s['at'])}"
                          + (f" ({s['reason']})" if s.get("reason") else "") for s in document["steps"])
        stdout.print(f"voucher {document['voucher']} {document['operation']} ({document['stage']}): {steps}")


WIDE = 120
"""From this console width on, one table row an event; narrower (a counter's 80 columns), a block an event."""


def _print_table(title: str, rows: list[dict]) -> None:
    from rich.table import Table

    table = Table(title=title)
    table.add_column("seq", no_wrap=True)
    table.add_column("type", overflow="fold")
    table.add_column("effective", no_wrap=True)
    table.add_column("recorded (Beijing)", no_wrap=True)
    table.add_column("operator (/ reviewer / approver)", overflow="fold")
    table.add_column("reversed by", no_wrap=True)
    table.add_column("data", overflow="fold", ratio=1)
    for row in rows:
        kind = f"[strike]{row['type']}[/]" if row["reversed_by"] else row["type"]
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
        kind = escape(row["type"])
        head = f"[bold]{row['seq']:>3}[/] " + (f"[strike]{kind}[/] (reversed by {row['reversed_by']})"
                                                if row["reversed_by"] else kind)
        stdout.print(head, highlight=False)
        stdout.print(Padding(f"effective {row['effective']} · recorded {beijing(row['recorded_at'])} · "
                             f"{escape(_who(row))}", (0, 0, 0, 4)), highlight=False)
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


def _write_page(ctx, path: Path, number: str, view, rows: list[dict], moment) -> None:
    from commands import console
    from commands.timeline_html import page, write
    from projections.months import month_rows
    from projections.privacy import mask_id, masked

    revealed = bool(ctx.ensure_object(dict).get("reveal"))  # recorded by `shown` (which refuses a bare --reveal)
    vouchers = _voucher_documents(ctx, number, moment)
    months = month_rows(view) if _is_person(number) else []
    html = page(subject=number if revealed else mask_id(number), rows=rows,
                vouchers=vouchers if revealed else masked(vouchers), months=months, known_at=moment,
                revealed=revealed)
    write(path, html if revealed else console.mask_text(html))


def _compact(data: dict) -> str:
    """key=value, leaving out what is empty, so a row reads like the clerk's form."""
    return ", ".join(
        f"{key}={json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value}"
        for key, value in data.items() if value not in (None, [], {}, "")
    )


def _is_person(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit()


def _view(ledger, number, moment):
    """An ID number is all digits but a final check character; a credit code has letters."""
    if _is_person(number):
        return ledger.view(validation.id_number(number, "IDNO"), moment)
    try:
        return ledger.employer_view(validation.credit_code(number, "IDNO"), moment)
    except BadInput:
        raise BadInput("IDNO", f"{number!r} is neither a citizen ID number nor a credit code") from None
