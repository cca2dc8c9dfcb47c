"""`yibao policy ...`: the effective-dated parameters in force, and what clerks publish (section P)."""

from __future__ import annotations

import datetime

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    effective_date,
    format_option,
    known_at_moment,
    known_at_option,
    ledger_from,
    on_option,
    operator_option,
    printed,
    record,
    require_operator,
    stdout,
)
from ledger.contributions import handlers as contributions
from ledger.contributions.bases import base_ceiling, base_floor, reference_wage
from ledger.core.errors import BadInput, RuleViolation
from ledger.core.i18n import N_, _, reworded, term
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
@format_option
@db_option
@click.pass_context
def show(ctx, on, known_at, output_format):
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
    if printed(output_format, document, [{"name": name, **parameter} for name, parameter in parameters.items()]):
        return
    from rich.table import Table

    table = Table(title=_("policy in force on {day}").format(day=day))
    for column in (_("parameter"), _("value"), _("from"), _("source")):
        table.add_column(column, overflow="fold")
    for name, parameter in parameters.items():
        source = reworded(parameter["source"])
        table.add_row(name, parameter["value"], parameter["from"],
                      _("[yellow]assumed[/] {source}").format(source=source) if parameter["assumed"] else source)
    stdout.print(table)
    stdout.print(_("average wages: {wages}; bases {year}: {bases}").format(
        wages=document["average_wages"], year=day.year, bases=document["bases"]))


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
@on_option(N_("Publication date (default: today)."))
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
    stdout.print(_("{year}'s average wage published; {reassessed} person-months of {next_year} trued up "
                   "(CON-3)").format(year=year, reassessed=report.reassessed, next_year=year + 1))


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
    stdout.print(_("{name} = {value} from {day}").format(name=name, value=value, day=effective_from))


@command.command("codes")
@click.argument("table_name", metavar="[TABLE]", required=False)
@click.option("--on", metavar="DATE", help="The codes in force on this date (default: today).")
@format_option
@db_option
@click.pass_context
def codes(ctx, table_name, on, output_format):
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
        raise BadInput("TABLE", _("{table!r} is not a code table: one of {tables}").format(
            table=table_name, tables=", ".join(book.names())))
    names = [table_name] if table_name else book.names()
    document = {"on": day.isoformat(), "tables": {name: _code_table(book[name], day) for name in names}}
    rows = [{"table": name, **code} for name, table in document["tables"].items() for code in table["codes"]]
    if printed(output_format, document, rows):
        return
    from rich.table import Table

    for name, table_data in document["tables"].items():
        listed = table_data["codes"] if table_name else [c for c in table_data["codes"] if c["provisional"]]
        title = _code_title(table_data, name, day, len(listed) if listed and not table_name else 0)
        table = Table(title=title)
        for column in (_("code"), _("name"), _("flags"), _("note")):
            table.add_column(column, overflow="fold")
        for code in listed:
            flags = " ".join(term(f) for f in ("provisional", "local") if code[f])
            table.add_row(code["code"], code["name"], flags, code.get("note") or "")
        if listed or table_name:
            stdout.print(table)
        else:
            stdout.print(title)
    if table_name:
        sources = document["tables"][table_name]["sources"]
        stdout.print(_("sources: {sources}").format(
            sources="; ".join(f"[{key}] {source}" for key, source in sources.items())))


def _code_title(table_data: dict, name: str, day: datetime.date, provisional: int) -> str:
    """A code table's title: its codes in force, whether the table is provisional, and how many of its codes are
    (`provisional`, 0 when not said); one whole sentence for each case."""
    if table_data["provisional"] and provisional:
        title = _("{name} {title} ({count} codes in force on {day}, provisional table): {provisional} provisional")
    elif table_data["provisional"]:
        title = _("{name} {title} ({count} codes in force on {day}, provisional table)")
    elif provisional:
        title = _("{name} {title} ({count} codes in force on {day}): {provisional} provisional")
    else:
        title = _("{name} {title} ({count} codes in force on {day})")
    return title.format(name=name, title=table_data["title"], count=len(table_data["codes"]), day=day,
                        provisional=provisional)


def _code_table(table, day: datetime.date) -> dict:
    return {"title": table.title, "length": table.length, "from": table.effective_from.isoformat(),
            "provisional": table.provisional, "about": table.about, "sources": table.sources,
            "codes": [code.listing() for code in table.on(day)]}
