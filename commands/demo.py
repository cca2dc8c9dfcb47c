"""`yibao demo`: fill a ledger with a synthetic region, then show one person's timeline and status."""

from __future__ import annotations

import datetime
import os

import click

from commands.months import command as months_command
from commands.options import stdout
from commands.progress import RowProgress
from commands.status import command as status_command
from commands.synthetic import DEMO_OPERATOR, fill_region, staff_the_ledger
from commands.timeline import command as timeline_command
from ledger.core.errors import BadInput
from ledger.core.i18n import _
from ledger.core.jobs import Job
from ledger.store.application import Ledger
from ledger.store.opening import open_ledger
from ledger.store.storage import DEFAULT_URL


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
        sample = _fill_once(ledger, ledger.shown_url, persons, seed)
    finally:
        ledger.close()
    stdout.print(_("A clerk typed another person's address; the correction reversed it and nothing was erased:"))
    ctx.invoke(timeline_command, number=sample, known_at=None, output_format="table")
    ctx.invoke(status_command, id_number=sample, on=datetime.date.today().isoformat(), known_at=None,
               output_format="table")
    ctx.invoke(months_command, id_number=sample, year=2024, known_at=None, output_format="table")


def _fill_once(ledger: Ledger, url: str, persons: int, seed: int) -> str:
    """Fill an empty ledger with one region and mark it finished; a finished region is shown again, and a ledger
    holding anything else (another ledger's facts, or a region that stopped part-way) is refused untouched."""
    job = ledger.job("demo")
    if job is not None and job.finished:
        summary = job.finished.summary
        stdout.print(_("[bold]{url} already holds the demo region ({employers} employers, {persons} persons); "
                       "nothing was added[/]").format(url=url, employers=summary["employers"],
                                                      persons=summary["persons"]))
        return summary["sample"]
    if ledger.event_count():
        if job:
            message = _("{url} already holds {count} events (a demo region that stopped part-way): the demo fills an "
                        "empty ledger only, so that nothing is doubled; give it a new store, e.g. "
                        "--db sqlite:///demo.sqlite3")
        else:
            message = _("{url} already holds {count} events (a ledger's facts): the demo fills an empty ledger only, "
                        "so that nothing is doubled; give it a new store, e.g. --db sqlite:///demo.sqlite3")
        raise BadInput("db", message.format(url=url, count=ledger.event_count()))
    job = Job.start(kind="demo", key=f"persons={persons} seed={seed}", parameters={"persons": persons, "seed": seed},
                    on=datetime.date.today(), operator=DEMO_OPERATOR)
    ledger.commit(job)
    staff_the_ledger(ledger)
    with RowProgress(_("registering the region"), persons, every=1_000) as progress:
        region = fill_region(ledger, persons, seed=seed, progress=progress.advance)
    job.finish(summary={"sample": region.sample, "employers": len(region.employers), "persons": len(region.persons)},
               on=datetime.date.today(), operator=DEMO_OPERATOR)
    ledger.commit(job)
    stdout.print(_("[bold]{employers} employers and {persons} persons recorded in {url}[/]").format(
        employers=len(region.employers), persons=len(region.persons), url=url))
    return region.sample
