"""The root `yibao` command: maps the ledger's named failures onto the contract's exit codes."""

from __future__ import annotations

import sqlite3

import click
import psycopg
from eventsourcing.persistence import PersistenceError
from rich.markup import escape

from commands import (
    account,
    benefit,
    contributions,
    correct,
    demo,
    diff,
    employer,
    init,
    institution,
    maternity,
    months,
    person,
    policy,
    refund,
    resident,
    status,
    timeline,
)
from commands.options import stderr
from ledger.core.errors import LedgerError


class LedgerGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LedgerError as error:
            label = "refused" if error.exit_code == 1 else "error"
            stderr.print(f"[bold red]{label}[/] {escape(str(error))}", highlight=False)
            raise click.exceptions.Exit(error.exit_code) from None
        except (PersistenceError, psycopg.Error, sqlite3.Error) as error:
            stderr.print(f"[bold red]storage failure[/] {escape(str(error))}; nothing was written", highlight=False)
            raise click.exceptions.Exit(3) from None


@click.group(cls=LedgerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="URL", envvar="YIBAO_DB",
              help="Store URL: sqlite:///path (default ./yibao.sqlite3) or postgresql://user:pw@host:port/db.")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """yibao: the event-sourced ledger of Ningxia medical-insurance histories.

    Example:

        yibao init && yibao demo
    """
    obj = ctx.ensure_object(dict)
    if db:
        obj.setdefault("db", db)


for module in (init, policy, employer, person, contributions, account, institution, benefit, maternity, resident, refund,
               correct, timeline, status, months, diff, demo):
    cli.add_command(module.command)
