"""`yibao demo`: fill a ledger with a synthetic region, then show one person's timeline and status."""

from __future__ import annotations

import datetime
import os
import random

import click
from rich.progress import Progress

from commands.context import open_ledger
from commands.months import command as months_command
from commands.options import stdout
from commands.status import command as status_command
from commands.synthetic import credit_code, fill_region
from commands.timeline import command as timeline_command
from ledger.employer import Employer
from ledger.storage import DEFAULT_URL


@click.command("demo")
@click.option("--persons", default=300, show_default=True, type=click.IntRange(1, 100_000),
              help="How many people the region has.")
@click.option("--seed", default=1, show_default=True, type=int, help="Seed of the synthetic region.")
@click.option("--db", metavar="URL", help="Store URL (env YIBAO_DB; default sqlite:///yibao.sqlite3).")
@click.pass_context
def command(ctx: click.Context, persons: int, seed: int, db: str | None) -> None:
    """Fill a ledger (created if needed) with a synthetic Ningxia region and show a sample person.

    Example:

        yibao demo --persons 300
    """
    url = db or ctx.ensure_object(dict).get("db") or os.environ.get("YIBAO_DB") or DEFAULT_URL
    ctx.ensure_object(dict)["db"] = url
    ledger = open_ledger(url, initialise=True)
    try:
        while Employer.id_for(credit_code(random.Random(seed))) in ledger.repository:
            seed += 1  # this region is already here: add a new one rather than collide with it
        with Progress(console=stdout, transient=True) as progress:
            task = progress.add_task("registering the region", total=persons)
            region = fill_region(ledger, persons, seed=seed, progress=lambda: progress.advance(task))
    finally:
        ledger.close()
    stdout.print(f"[bold]{len(region.employers)} employers and {len(region.persons)} persons recorded in {url}[/]")
    stdout.print("A clerk typed another person's address; the correction reversed it and nothing was erased:")
    ctx.invoke(timeline_command, number=region.sample, known_at=None, as_json=False)
    ctx.invoke(status_command, id_number=region.sample, on=datetime.date.today().isoformat(), known_at=None,
               as_json=False)
    ctx.invoke(months_command, id_number=region.sample, year=2024, known_at=None, as_json=False)
