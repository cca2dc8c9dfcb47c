"""`yibao export ...`: the ledger in the national platform's codes: interface 1101's person document, FHIR R4
Coverage, and the reconciliation of a platform extract (issue 16)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import click

from commands.options import (
    db_option,
    effective_date,
    format_option,
    known_at_moment,
    known_at_option,
    ledger_from,
    person_argument,
    print_json,
    printed,
    reveal_option,
    shown,
    stdout,
    uow_from,
)
from commands.progress import RowProgress
from ledger.core.errors import BadInput
from ledger.core.i18n import _
from ledger.intake import validation

FILE = "FILE.ndjson"


@click.group("export")
def command() -> None:
    """Export in the national platform's codes (1101 insuinfo, FHIR Coverage) and check a platform extract.

    Example:

        yibao export insuinfo 640102199003070011 --on 2024-06-30
    """


@command.command("insuinfo")
@person_argument(required=False)
@click.option("--all", "everyone", is_flag=True, help="Every person registered by the date, from the read side.")
@click.option("--on", metavar="DATE", help="The date asked about (default: today).")
@known_at_option
@click.option("--format", "shape", type=click.Choice(["json", "ndjson"]),
              help="json: one document (with --all, a list); ndjson: one document a line (default with --all).")
@reveal_option
@db_option
@click.pass_context
def insuinfo(ctx, id_number, everyone, on, known_at, shape):
    """Print a person's insurance as interface 1101 answers it (人员信息获取: baseinfo, insuinfo, idetinfo).

    Codes from the national tables (`yibao policy codes`); masked unless --reveal. With --all, every person
    registered by the date, streamed in ID-number order from the read side, progress on stderr.

    Example:

        yibao export insuinfo 640102199003070011 --on 2024-06-30

        yibao export insuinfo --all --on 2024-06-30 --format ndjson --reveal --reason 平台对账 > extract.ndjson
    """
    day = effective_date(on)
    if everyone:
        if id_number:
            raise BadInput("all", _("give an ID number or --all, not both"))
        if known_at is not None:
            raise BadInput("known-at", _("--all reads the read side's tables, which hold what is known now: export "
                                         "one person at a time to ask what was known at a past moment"))
        _export_everyone(ctx, day, shape or "ndjson")
        return
    if not id_number:
        raise BadInput("IDNO", _("give the person's ID number, or --all for everyone"))
    from projections.exports import person_document

    id_number = validation.known_id_number(id_number, "IDNO")
    document = shown(ctx, person_document(ledger_from(ctx), id_number, day, known_at_moment(known_at)), id_number)
    if shape == "ndjson":
        click.echo(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    else:
        print_json(document)


def _export_everyone(ctx: click.Context, day: datetime.date, shape: str) -> None:
    from commands import console
    from projections.exports import all_documents, person_count
    from projections.privacy import masked

    shown(ctx, {}, f"export insuinfo --all --on {day}")  # a reveal is asked for and recorded once, for the whole
    clear = bool(ctx.ensure_object(dict).get("reveal"))
    uow = uow_from(ctx)
    moment = datetime.datetime.now(datetime.timezone.utc)
    written = 0
    with RowProgress(_("exporting"), person_count(uow), unit=_("persons")) as progress:
        if shape == "json":
            click.echo("[")
        for document in all_documents(uow, day, moment, progress=progress):
            line = json.dumps(document if clear else masked(document), ensure_ascii=False,
                              separators=(",", ":"))
            click.echo(("," if written and shape == "json" else "") + line)
            written += 1
        if shape == "json":
            click.echo("]")
    console.said(_("{written} persons registered by {day} exported ({read} read)").format(
        written=written, day=day, read=progress.done), err=True)


@command.command("coverage")
@person_argument()
@click.option("--on", metavar="DATE", help="The date asked about (default: today).")
@known_at_option
@reveal_option
@db_option
@click.pass_context
def coverage(ctx, id_number, on, known_at):
    """Print a person's insurances as FHIR R4 Coverage resources in a Bundle, one per insutype.

    Built and validated by fhir.resources (its R4B models): status, period, type, class plan = insutype and group
    = psn_type, the beneficiary Patient identified by the ID number, the payor of the insured area; the exact
    psn_insu_stas (暂停参保 has no FHIR status) and psn_clct_stas in extensions. Masked unless --reveal.

    Example:

        yibao export coverage 640102199003070011 --on 2024-06-30
    """
    from projections.exports import coverage_bundle, person_document

    id_number = validation.known_id_number(id_number, "IDNO")
    document = shown(ctx, person_document(ledger_from(ctx), id_number, effective_date(on), known_at_moment(known_at)),
                     id_number)
    print_json(coverage_bundle(document))


@command.command("check")
@click.argument("path", metavar=FILE, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--on", metavar="DATE", help="The date of lines that carry none ('on').")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 1_000_000),
              help="List at most this many differing persons (all are counted).")
@format_option
@reveal_option
@db_option
@click.pass_context
def check(ctx, path: Path, on, limit, output_format):
    """Compare a platform extract (1101 documents, one a line) with the ledger; exit 1 listing who differs.

    Each line is compared with the ledger's document for the same person (certno, in clear) on the line's date,
    as known now: baseinfo, each insuinfo row by insutype (codes, dates, balance), each idetinfo row.

    Example:

        yibao export check extract.ndjson --json
    """
    from projections.exports import check_extract
    from projections.privacy import masked

    shown(ctx, {}, f"export check {path.name}")
    clear = bool(ctx.ensure_object(dict).get("reveal"))
    day = validation.date(on, "on") if on is not None else None
    moment = datetime.datetime.now(datetime.timezone.utc)
    try:
        with path.open(encoding="utf-8") as handle, \
                RowProgress(_("checking"), _line_count(path), unit=_("lines")) as progress:
            report = check_extract(uow_from(ctx), handle, file_name=FILE, on=day, clear=clear, limit=limit,
                                   moment=moment, progress=progress)
    except UnicodeDecodeError as error:
        raise BadInput(FILE, _("{file} is not UTF-8 text ({reason})").format(file=path.name,
                                                                             reason=error.reason)) from None
    document = report.listing(path.name) if clear else masked(report.listing(path.name))
    rows = [{"line": person["line"], "certno": person["certno"], "on": person["on"], **difference}
            for person in document["persons"] for difference in person["differences"]]
    if not printed(output_format, document, rows, keys=("line", "certno", "on", "field", "extract", "ledger")):
        _render_check(document)
    if report.differing:
        click.echo(_("differences: {differing} of {checked} persons differ from the ledger").format(
            differing=report.differing, checked=report.checked), err=True)
        ctx.exit(1)


def _render_check(document: dict) -> None:
    counts = {"file": document["file"], "differing": document["differing"], "checked": document["checked"],
              "listed": document["listed"]}
    if not document["persons"]:
        stdout.print(_("{file}: {differing} of {checked} persons differ from the ledger").format(**counts))
        return
    from rich.table import Table

    if document["listed"] < document["differing"]:
        title = _("{file}: {differing} of {checked} persons differ from the ledger ({listed} listed)")
    else:
        title = _("{file}: {differing} of {checked} persons differ from the ledger")
    table = Table(title=title.format(**counts))
    for column in (_("line"), _("certno"), _("on"), _("field"), _("extract"), _("ledger")):
        table.add_column(column, overflow="fold")
    for person in document["persons"]:
        for difference in person["differences"]:
            table.add_row(str(person["line"]), person["certno"], person["on"], difference["field"],
                          _cell(difference["extract"]), _cell(difference["ledger"]))
    stdout.print(table)


def _cell(value) -> str:
    return "-" if value is None else str(value)


def _line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _line in handle)
