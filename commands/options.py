"""Option bundles shared by the command groups, and the small renderers they share."""

from __future__ import annotations

import datetime
import functools
import json
import os
import re
from typing import Any, Callable

import click

from commands.console import stderr, stdout  # noqa: F401 (the commands' consoles, made on first use)
from ledger.core.errors import BadInput
from ledger.core.i18n import N_, _, reworded, term
from ledger.intake import validation
from ledger.store.application import Ledger
from ledger.store.opening import open_ledger
from ledger.store.storage import DEFAULT_URL
from ledger.store.unit_of_work import UnitOfWork, attempt


def db_option(command: Callable) -> Callable:
    """--db on every command as well as on the root group, so it can go anywhere on the line."""

    def remember(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
        if value:
            ctx.ensure_object(dict)["db"] = value

    return click.option("--db", metavar="URL", expose_value=False, callback=remember, is_eager=True,
                        help="sqlite:///path or postgresql://user:pw@host:port/db (env YIBAO_DB).")(command)


def ledger_from(ctx: click.Context) -> Ledger:
    """The ledger of this invocation, opened once."""
    obj = ctx.ensure_object(dict)
    if "ledger" not in obj:
        url = obj.get("db") or os.environ.get("YIBAO_DB") or DEFAULT_URL
        obj["ledger"] = open_ledger(url)
        ctx.find_root().call_on_close(obj["ledger"].close)
    return obj["ledger"]


def uow_from(ctx: click.Context) -> UnitOfWork:
    """A unit of work on this invocation's ledger: what one command reads and records; a batch job's reads of the
    read side's tables bring them to the end of the log first."""
    ledger = ledger_from(ctx)
    return ledger.unit_of_work(refresh=lambda: _catch_up(ledger))


def record(ctx: click.Context, handler: Callable[..., Any], *args: Any, **fields: Any) -> Any:
    """Run a handler on this invocation's ledger; a clerk who lost a stream to a concurrent writer is retried
    (the rules decided afresh on what is stored then), and told only once the retries run out (exit 3)."""
    return attempt(lambda: uow_from(ctx), handler, *args, **fields)


def vouchered(ctx: click.Context, operation: str, **fields: Any) -> tuple[Any, bool]:
    """A high-impact operation (AUD-1): proposed as a voucher (its line printed) when it needs one, else applied.
    Returns what the handler gave (for a proposal, what it will record once approved) and whether it took
    effect."""
    from commands import console
    from ledger.audit.handlers import submit

    outcome = record(ctx, submit, operation=operation, **fields)
    if outcome.voucher is not None:
        with console.needed():  # under --quiet too: its id is what the reviewer and the approver sign
            stdout.print(_("voucher {voucher} proposed (AUD-1): needs review and approval").format(
                voucher=outcome.voucher))
    return outcome.result, outcome.voucher is None


def _catch_up(ledger: Ledger) -> None:
    from projections.build import catch_up

    catch_up(ledger)


def reveal_option(command: Callable | None = None, *, reason: tuple[str, ...] = ("--reason", "--reveal-reason")):
    """`--reveal --reason TEXT` (and the operator revealing): personal data in clear, the reveal recorded first.

    A command whose `--reason` already means something else (`resident list`) takes `--reveal-reason` only."""
    if command is None:
        return lambda command: reveal_option(command, reason=reason)

    def remember(key: str) -> Callable:
        def keep(ctx: click.Context, _: click.Parameter, value: Any) -> None:
            if value:
                ctx.ensure_object(dict)[key] = value
        return keep

    command = click.option(*reason, "reveal_reason", metavar="TEXT", expose_value=False,
                           callback=remember("reveal_reason"),
                           help="Why personal data is shown in clear (with --reveal; recorded).")(command)
    command = click.option("--operator", envvar="YIBAO_OPERATOR", metavar="NAME", expose_value=False,
                           callback=remember("operator"), help="Who asks (with --reveal); env YIBAO_OPERATOR.")(command)
    return click.option("--reveal", is_flag=True, expose_value=False, callback=remember("reveal"),
                        help="Show ID numbers, names, phones and addresses in clear: needs --reason and an "
                             "operator whose role allows it (clerk, auditor, admin); the reveal is recorded "
                             "(AUD-2).")(command)


def shown(ctx: click.Context, document: Any, subject: str) -> Any:
    """The document as this command may show it: masked, or in clear once the reveal is recorded."""
    from commands import console
    from projections.privacy import masked

    asked = ctx.ensure_object(dict)
    if not asked.get("reveal"):
        return masked(document)
    reason = asked.get("reveal_reason")
    if not reason:
        raise BadInput("reason", _("--reveal needs --reason TEXT (--reveal-reason): why the data is shown (it is "
                                   "recorded)"))
    from ledger.audit.handlers import reveal

    record(ctx, reveal, subject=subject, command=ctx.command_path.partition(" ")[2] or ctx.command_path,
           reason=validation.text(reason, "reason"), operator=require_operator(asked.get("operator")))
    console.masking = False
    return document


def operator_option(command: Callable) -> Callable:
    return click.option("--operator", envvar="YIBAO_OPERATOR", metavar="NAME",
                        help="Who records this (经办人); env YIBAO_OPERATOR. Required for every write.")(command)


def require_operator(operator: str | None) -> str:
    return validation.text(operator, "operator", limit=64) or ""


def on_option(help_text: str = N_("Effective date YYYY-MM-DD (default: today).")) -> Callable:
    """--on; a help text other than the default is given marked, `on_option(N_("..."))` (translated when shown)."""
    return click.option("--on", "on", metavar="DATE", help=help_text)


def effective_date(text: str | None, field: str = "on") -> datetime.date:
    """The date typed, or today when the option was not given at all (an empty one is bad input, never today)."""
    return validation.date(text, field) if text is not None else datetime.date.today()


def known_at_option(command: Callable) -> Callable:
    return click.option("--known-at", metavar="TS",
                        help="Use only what had been recorded by this moment (ISO 8601; Beijing time when no "
                             "offset is given, e.g. 2024-03-01T09:00; default: now).")(command)


def known_at_moment(text: str | None) -> datetime.datetime | None:
    return validation.timestamp(text, "known-at") if text is not None else None


def documents_option(command: Callable) -> Callable:
    return click.option("--document", "documents", multiple=True, metavar="REF",
                        help="Reference of a supporting document; repeat for several.")(command)


def encoding_option(command: Callable) -> Callable:
    """--encoding of an imported file (ledger.intake.files.ENCODINGS)."""
    return click.option("--encoding", type=click.Choice(["utf-8", "gb18030"]), default="utf-8", show_default=True,
                        help="The file's text encoding: gb18030 for a CSV saved by Excel or WPS on a Chinese "
                             "Windows.")(command)


def document_refs(documents: tuple[str, ...]) -> list[str]:
    return [validation.text(d, "document") for d in documents]


def json_option(command: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document and nothing else.")(command)


def print_json(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


FORMATS = ("table", "csv", "json")
JSON_ASKED = "yibao.json"


def format_option(command: Callable) -> Callable:
    """A query's `--format table|csv|json` and its alias `--json`, given to the command as one value,
    `output_format` (`--json` is read first: it is eager)."""

    def remember(ctx: click.Context, _: click.Parameter, value: bool) -> None:
        if value:
            ctx.meta[JSON_ASKED] = True

    def resolve(ctx: click.Context, parameter: click.Parameter, value: str) -> str:
        if not ctx.meta.get(JSON_ASKED):
            return value
        if value != "json" and ctx.get_parameter_source(parameter.name) == click.core.ParameterSource.COMMANDLINE:
            raise click.BadParameter(_("--json is --format json: give one of them"), ctx=ctx, param=parameter)
        return "json"

    command = click.option("--json", is_flag=True, expose_value=False, is_eager=True, callback=remember,
                           help="As --format json: print one JSON document and nothing else.")(command)
    return click.option("--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True,
                        callback=resolve,
                        help="table (for people), csv (a header line of the JSON keys, then a line a row; masked as "
                             "the table is) or json (one document).")(command)


def printed(output_format: str, document: Any, rows: Any = None, keys: tuple[str, ...] = ()) -> bool:
    """The document printed as JSON, or `rows` (the document when not given) as CSV, when asked: whether it was
    (the caller prints its table when not). `keys` head the CSV even when there is no row."""
    if output_format == "json":
        print_json(document)
        return True
    if output_format == "csv":
        print_csv(document if rows is None else rows, keys)
        return True
    return False


NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def print_csv(data: list[dict[str, Any]] | dict[str, Any], keys: tuple[str, ...] = ()) -> None:
    """CSV on stdout for scripts and spreadsheets: a list of rows under a header of their JSON keys (a nested
    value, an event's `data`, as compact JSON in its cell: the header stays the same whatever the rows hold), or a
    document of fields as two columns `field,value`, nested fields dotted (`benefits.pooled`). Keys and values stay
    as in the JSON (English, `true`/`false`); text a spreadsheet would run as a formula is neutralised as the
    report's CSV does; what the table would mask is masked. No row and no `keys`: nothing at all (no header to
    say)."""
    import csv
    import io

    from commands import console

    if isinstance(data, dict):
        header, lines = ["field", "value"], [{"field": k, "value": v} for k, v in _flat(data).items()]
    else:
        lines = data
        header = list(dict.fromkeys([*keys, *(key for line in lines for key in line)]))
    if not header:
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_csv_cell(line.get(key)) for key in header] for line in lines)
    text = buffer.getvalue()
    click.echo(console.mask_text(text) if console.masking else text, nl=False)


def _flat(document: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in document.items():
        if isinstance(value, dict) and value:
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _csv_cell(value: Any) -> str:
    from commands.spreadsheet import neutralised

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return neutralised(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    text = str(value)
    return text if NUMBER.fullmatch(text) else neutralised(text)


def person_argument(name: str = "id_number", *, required: bool = True) -> Callable:
    """The person, one convention on every command: the positional IDNO or `--id IDNO`, either (both only when
    they agree), given to the command as `name`; the text as typed (each command validates it). A command invoked
    from another (`ctx.invoke(status, id_number=..)`) is given the person by `name`."""

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def resolved(*args: Any, idno: str | None = None, id_option: str | None = None, **kwargs: Any) -> Any:
            if kwargs.get(name) is None:
                kwargs[name] = one_person(idno, id_option, required)
            return command(*args, **kwargs)

        resolved = click.option("--id", "id_option", metavar="IDNO",
                                help="The person's citizen ID number (18 characters), as the IDNO argument.")(resolved)
        return click.argument("idno", metavar="IDNO", required=False)(resolved)

    return decorate


def one_person(argument: str | None, option: str | None, required: bool = True) -> str | None:
    """IDNO or --id: the one given, the same number if both are."""
    if argument is not None and option is not None and argument.strip() != option.strip():
        raise BadInput("id", _("IDNO {argument} and --id {option} name two persons: give the ID number once").format(
            argument=argument, option=option))
    given = argument if argument is not None else option
    if given is None and required:
        raise BadInput("IDNO", _("give the person's citizen ID number, as IDNO or --id IDNO"))
    return given


def key_values(document: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """A JSON document as rows for people: nested fields as `benefits.pooled`, yes/no for flags, `-` for none,
    lists joined by commas; never a Python repr. Each part of a field's name and each code value (a scheme, a
    state) in the reader's language (the JSON document itself never changes)."""
    rows: list[tuple[str, str]] = []
    for key, value in document.items():
        name = f"{prefix}{term(key)}"
        if isinstance(value, dict) and value:
            rows += key_values(value, name + ".")
        else:
            rows.append((name, readable(value)))
    return rows


CODE = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*|[A-Z]")
"""A value that is a code (`flexible`, `trued-up`, `out-of-province`, a sex `F`), not free text, a date or a
figure: shown through the `term` catalog (a code it does not know is shown as it is)."""


def readable(value: Any) -> str:
    if value is None or value == {} or value == []:
        return "-"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(readable(v) if not isinstance(v, dict) else
                         " ".join(f"{term(k)}={readable(x)}" for k, x in v.items()) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{term(k)}={readable(x)}" for k, x in value.items())
    if isinstance(value, str):
        return term(value) if CODE.fullmatch(value) else reworded(value)  # a reason stored in English, read here
    return str(value)


def parse_settings(pairs: tuple[str, ...], parsers: dict[str, Callable[[str, str], Any]]) -> dict[str, Any]:
    """`--set FIELD=VALUE` pairs, each value parsed by its field's parser; unknown fields refused."""
    if not pairs:
        raise BadInput("set", _("give at least one --set FIELD=VALUE"))
    changes: dict[str, Any] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        field = field.strip().replace("-", "_")
        if not sep or field not in parsers:
            raise BadInput("set", _("{pair!r}: expected FIELD=VALUE with FIELD one of {fields}").format(
                pair=pair, fields=", ".join(parsers)))
        changes[field] = parsers[field](value.strip(), field)
    return changes
