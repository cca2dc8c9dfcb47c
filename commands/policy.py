"""`yibao policy ...`: the effective-dated parameters in force, and what clerks publish (section P)."""

from __future__ import annotations

import datetime

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    effective_date,
    json_option,
    known_at_moment,
    known_at_option,
    ledger_from,
    on_option,
    operator_option,
    print_json,
    record,
    require_operator,
    stdout,
)
from ledger.contributions import handlers as contributions
from ledger.contributions.bases import base_ceiling, base_floor, reference_wage
from ledger.core.errors import BadInput, RuleViolation
from ledger.core.month import Month
from ledger.intake import validation
from ledger.policy import handlers as policy_handlers


@click.group("policy")
def command() -> None:
    """Policy parameters (政策参数).

    Example:

        yibao policy show --on 2024-06-01
    """


@command.command("show")
@click.option("--on", metavar="DATE", help="Show the values in force on this date (default: today).")
@known_at_option
@json_option
@db_option
@click.pass_context
def show(ctx, on, known_at, as_json):
    """Print the parameters in force on a date, each with its source, and the base limits of that year.

    Example:

        yibao policy show --on 2024-06-01 --json
    """
    day = effective_date(on)
    policy = ledger_from(ctx).policy_at(known_at_moment(known_at))
    parameters = {}
    for name in policy.names():
        try:
            parameter = policy.parameter(name, day)
        except LookupError:
            continue
        parameters[name] = {"value": parameter.value, "from": parameter.effective_from.isoformat(),
                            "source": parameter.source, "assumed": parameter.assumed}
    document = {"on": day.isoformat(), "parameters": parameters,
                "average_wages": {str(y): str(w.annual) for y, w in sorted(policy.average_wages.items())},
                "bases": _bases(policy, Month.of(day))}
    if as_json:
        print_json(document)
        return
    from rich.table import Table

    table = Table(title=f"policy in force on {day}")
    for column in ("parameter", "value", "from", "source"):
        table.add_column(column, overflow="fold")
    for name, parameter in parameters.items():
        table.add_row(name, parameter["value"], parameter["from"],
                      ("[yellow]assumed[/] " if parameter["assumed"] else "") + parameter["source"])
    stdout.print(table)
    stdout.print(f"average wages: {document['average_wages']}; bases {day.year}: {document['bases']}")


def _bases(policy, month: Month) -> dict | None:
    try:
        reference = reference_wage(policy, month.year)
    except RuleViolation:
        return None
    return {"reference_year": reference.year, "provisional": reference.provisional_for(month.year),
            "floor": str(base_floor(policy, reference, month)), "ceiling": str(base_ceiling(policy, reference, month))}


@command.command("publish-average-wage")
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help="The year the average wage is of.")
@click.option("--annual", required=True, metavar="AMOUNT", help="Average annual wage in yuan.")
@on_option("Publication date (default: today).")
@documents_option
@operator_option
@db_option
@click.pass_context
def publish_average_wage(ctx, year, annual, on, documents, operator):
    """Record a published average wage; year+1's months assessed on an older one are trued up (CON-3).

    Example:

        yibao policy publish-average-wage --year 2023 --annual 97056 --on 2024-06-30 --operator clerk01
    """
    operator = require_operator(operator)
    report = record(ctx, contributions.publish_average_wage, year=year, annual=validation.money(annual, "annual"),
                                                  on=effective_date(on), operator=operator,
                                                  documents=document_refs(documents))
    stdout.print(f"{year}'s average wage published; {report.reassessed} person-months of {year + 1} trued up (CON-3)")


@command.command("set")
@click.argument("name")
@click.argument("value")
@click.option("--from", "effective_from", required=True, metavar="DATE", help="The value holds from this date.")
@documents_option
@operator_option
@db_option
@click.pass_context
def set_(ctx, name, value, effective_from, documents, operator):
    """Set a policy parameter from a date; earlier computations keep the values they used.

    Example:

        yibao policy set employee_rate_employer 0.065 --from 2025-01-01 --operator clerk01
    """
    operator = require_operator(operator)
    choices = ledger_from(ctx).default_policy.choices(name)
    value = validation.choice(value, "value", choices) if choices else validation.parameter_value(value)
    record(ctx, policy_handlers.set_parameter, name=name, value=value,
                                  effective_from=validation.date(effective_from, "from"), on=datetime.date.today(),
                                  operator=operator, documents=document_refs(documents))
    stdout.print(f"{name} = {value} from {effective_from}")


@command.command("codes")
@click.argument("table_name", metavar="[TABLE]", required=False)
@click.option("--on", metavar="DATE", help="The codes in force on this date (default: today).")
@json_option
@db_option
@click.pass_context
def codes(ctx, table_name, on, as_json):
    """List the national code tables in force (医保信息业务编码), or one table's codes, provisional ones flagged.

    Each table names its sources and the date it applies from; a code not confirmed by a source at hand is
    provisional, a Ningxia or ledger extension is local (ledger/standards/tables/*.json).

    Example:

        yibao policy codes insutype --on 2024-06-01 --json
    """
    from ledger.standards.codes import code_book

    day = effective_date(on)
    book = code_book()
    if table_name is not None and table_name not in book.names():
        raise BadInput("TABLE", f"{table_name!r} is not a code table: one of {', '.join(book.names())}")
    names = [table_name] if table_name else book.names()
    document = {"on": day.isoformat(), "tables": {name: _code_table(book[name], day) for name in names}}
    if as_json:
        print_json(document)
        return
    from rich.table import Table

    for name, table_data in document["tables"].items():
        listed = table_data["codes"] if table_name else [c for c in table_data["codes"] if c["provisional"]]
        title = (f"{name} {table_data['title']} ({len(table_data['codes'])} codes in force on {day}"
                 + (", provisional table" if table_data["provisional"] else "") + ")")
        if not table_name:
            title += f": {len(listed)} provisional" if listed else ""
        table = Table(title=title)
        for column in ("code", "name", "flags", "note"):
            table.add_column(column, overflow="fold")
        for code in listed:
            flags = " ".join(f for f in ("provisional", "local") if code[f])
            table.add_row(code["code"], code["name"], flags, code.get("note") or "")
        if listed or table_name:
            stdout.print(table)
        else:
            stdout.print(title)
    if table_name:
        sources = document["tables"][table_name]["sources"]
        stdout.print("sources: " + "; ".join(f"[{key}] {source}" for key, source in sources.items()))


def _code_table(table, day: datetime.date) -> dict:
    return {"title": table.title, "length": table.length, "from": table.effective_from.isoformat(),
            "provisional": table.provisional, "about": table.about, "sources": table.sources,
            "codes": [code.listing() for code in table.on(day)]}
