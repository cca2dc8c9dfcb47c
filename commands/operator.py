"""`yibao operator ...`: the ledger's operators and their roles (AUD-1), kept by an administrator."""

from __future__ import annotations

import datetime

import click

from commands.options import (
    db_option,
    format_option,
    ledger_from,
    operator_option,
    printed,
    record,
    require_operator,
    stdout,
)
from ledger.audit import handlers as audit
from ledger.audit.roster import ROLES
from ledger.core.i18n import _, term
from ledger.intake import validation
from projections.operators import operator_rows


@click.group("operator")
def command() -> None:
    """Operators and their roles (经办、复核、审批、审计、管理, AUD-1).

    Example:

        yibao operator add clerk01 --role clerk --operator admin01
    """


@command.command("add")
@click.argument("name")
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice(ROLES),
              help="A role; repeat for several (a second `add` replaces the roles).")
@operator_option
@db_option
@click.pass_context
def add(ctx, name, roles, operator):
    """Add an operator, or give one in office new roles (an administrator does).

    Example:

        yibao operator add reviewer01 --role reviewer --operator admin01
    """
    operator = require_operator(operator)
    name = validation.text(name, "NAME", limit=64)
    record(ctx, audit.add_operator, name=name, roles=list(roles), on=datetime.date.today(), operator=operator)
    stdout.print(_("{name}: {roles}").format(name=name, roles=", ".join(term(role) for role in sorted(set(roles)))))


@command.command("remove")
@click.argument("name")
@click.option("--reason", required=True, metavar="TEXT", help="Why the operator is removed (recorded).")
@operator_option
@db_option
@click.pass_context
def remove(ctx, name, reason, operator):
    """Remove an operator: they may record nothing from now on; what they recorded stays theirs.

    Example:

        yibao operator remove clerk07 --reason 调岗 --operator admin01
    """
    operator = require_operator(operator)
    record(ctx, audit.remove_operator, name=validation.text(name, "NAME", limit=64),
           reason=validation.text(reason, "reason"), on=datetime.date.today(), operator=operator)
    stdout.print(_("{name} removed").format(name=name))


@command.command("list")
@format_option
@db_option
@click.pass_context
def list_(ctx, output_format):
    """List every operator ever added: roles, who added them and when, and whether still in office.

    Example:

        yibao operator list --json
    """
    rows = operator_rows(ledger_from(ctx))
    if printed(output_format, rows):
        return
    from rich.table import Table

    table = Table(title=_("operators"))
    for column in (_("name"), _("roles"), _("in_office"), _("added_on"), _("added_by")):
        table.add_column(column)
    for row in rows:
        table.add_row(row["name"], ", ".join(term(role) for role in row["roles"]),
                      _("yes") if row["in_office"] else _("no"), row["added_on"], row["added_by"])
    stdout.print(table)
