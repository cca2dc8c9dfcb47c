"""Option bundles shared by the command groups, and the small renderers they share."""

from __future__ import annotations

import datetime
import json
import os
from typing import Any, Callable

import click

from commands.console import stderr, stdout  # noqa: F401 (the commands' consoles, made on first use)
from ledger.core.errors import BadInput
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
    from ledger.audit.handlers import submit

    outcome = record(ctx, submit, operation=operation, **fields)
    if outcome.voucher is not None:
        stdout.print(f"voucher {outcome.voucher} proposed (AUD-1): needs review and approval")
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
        raise BadInput("reason", "--reveal needs --reason TEXT (--reveal-reason): why the data is shown (it is "
                                 "recorded)")
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


def on_option(help_text: str = "Effective date YYYY-MM-DD (default: today).") -> Callable:
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


def document_refs(documents: tuple[str, ...]) -> list[str]:
    return [validation.text(d, "document") for d in documents]


def json_option(command: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document and nothing else.")(command)


def print_json(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def key_values(document: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """A JSON document as rows for people: nested fields as `benefits.pooled`, yes/no for flags, `-` for none,
    lists joined by commas; never a Python repr."""
    rows: list[tuple[str, str]] = []
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            rows += key_values(value, name + ".")
        else:
            rows.append((name, readable(value)))
    return rows


def readable(value: Any) -> str:
    if value is None or value == {} or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(readable(v) if not isinstance(v, dict) else
                         " ".join(f"{k}={readable(x)}" for k, x in v.items()) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={readable(x)}" for k, x in value.items())
    return str(value)


def parse_settings(pairs: tuple[str, ...], parsers: dict[str, Callable[[str, str], Any]]) -> dict[str, Any]:
    """`--set FIELD=VALUE` pairs, each value parsed by its field's parser; unknown fields refused."""
    if not pairs:
        raise BadInput("set", "give at least one --set FIELD=VALUE")
    changes: dict[str, Any] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        field = field.strip().replace("-", "_")
        if not sep or field not in parsers:
            raise BadInput("set", f"{pair!r}: expected FIELD=VALUE with FIELD one of {', '.join(parsers)}")
        changes[field] = parsers[field](value.strip(), field)
    return changes
