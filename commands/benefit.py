"""`yibao benefit ...`: direct settlements, a day's settlement file, reimbursement claims, and what was paid."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    json_option,
    ledger_from,
    operator_option,
    print_json,
    record,
    require_operator,
    stdout,
    vouchered,
)
from ledger.core.errors import BadInput
from ledger.intake import files, validation
from ledger.medical import handlers as medical
from ledger.medical.rules import (
    CAUSES,
    CLAIM_KINDS,
    DOCUMENT_NAMES,
    SETTLEMENT_KINDS,
    Settlement,
)
from projections.benefits import payment_rows
from projections.reader import person_view


@click.group("benefit")
def command() -> None:
    """Medical benefit payments (医疗待遇): settlements and reimbursements.

    Example:

        yibao benefit list 640102199003070011 --year 2025
    """


@command.command("settle")
@click.option("--id", "id_number", required=True, metavar="IDNO",
              help="The person's citizen ID number (18 characters).")
@click.option("--institution", required=True, metavar="CODE", help="The designated institution's code.")
@click.option("--kind", required=True, metavar="|".join(SETTLEMENT_KINDS), help="What was settled (BEN-1).")
@click.option("--on", required=True, metavar="DATE", help="Date of service; the admission for a stay (BEN-2).")
@click.option("--discharged", metavar="DATE", help="End of a stay (inpatient, delivery): settled then.")
@click.option("--total", required=True, metavar="AMOUNT", help="The whole cost.")
@click.option("--fund", required=True, metavar="AMOUNT", help="What the pooled fund pays.")
@click.option("--account", required=True, metavar="AMOUNT", help="What the personal account pays (ACC-3).")
@click.option("--own", required=True, metavar="AMOUNT", help="What the person pays.")
@click.option("--settlement-no", metavar="REF", help="The institution's settlement number; recorded once.")
@documents_option
@operator_option
@db_option
@click.pass_context
def settle(ctx, id_number, institution, kind, on, discharged, total, fund, account, own, settlement_no, documents,
           operator):
    """Record what a designated institution settled (BEN-1, BEN-2); the parts add up to the total.

    Example:

        yibao benefit settle --id 640102199003070011 --institution H64010200001 --kind inpatient \\
            --on 2025-12-28 --discharged 2026-01-05 --total 12000 --fund 9000 --account 500 --own 2500 \\
            --settlement-no JS-2026-0001 --operator clerk01
    """
    operator = require_operator(operator)
    settlement = Settlement(
        id_number=validation.id_number(id_number, "id"), institution=validation.institution_code(institution),
        kind=validation.choice(kind, "kind", SETTLEMENT_KINDS), on=validation.date(on, "on"),
        discharged=validation.date(discharged, "discharged") if discharged is not None else None,
        total=validation.money(total, "total"), fund=validation.money(fund, "fund"),
        account=validation.money(account, "account"), own=validation.money(own, "own"),
        settlement_no=validation.text(settlement_no, "settlement-no", required=False, limit=64))
    outcome = record(ctx, medical.settle, settlement, operator=operator, documents=document_refs(documents))
    stdout.print(f"{outcome}: {kind} at {settlement.institution} on {settlement.on}: fund {settlement.fund}, "
                 f"account {settlement.account}, own {settlement.own}")


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@operator_option
@db_option
@click.pass_context
def import_(ctx, file: Path, operator):
    """Import a day's settlements (columns: settlement_no,id_number,institution,kind,service_on,discharged_on,
    total,fund,account,own); all or nothing, idempotent and resumable.

    Example:

        yibao benefit import settlements-2026-01-05.csv --operator clerk01
    """
    operator = require_operator(operator)
    data = file.read_bytes()
    rows = files.settlement_rows(data, SETTLEMENT_KINDS)
    from commands.progress import RowProgress

    with RowProgress("settling", len(rows)) as progress:
        summary = record(ctx, medical.import_settlements, rows, digest=files.digest(data), source=file.name,
                         on=datetime.date.today(), operator=operator, progress=progress.advance)
    stdout.print(f"{summary.rows} rows: {summary.settled} settled, {summary.already} already recorded")


@command.command("claim")
@click.option("--id", "id_number", required=True, metavar="IDNO",
              help="The person's citizen ID number (18 characters).")
@click.option("--kind", required=True, metavar="|".join(CLAIM_KINDS), help="What is claimed back (BEN-3).")
@click.option("--on", required=True, metavar="DATE", help="Date of the care (the admission for a stay).")
@click.option("--institution-name", required=True, help="Where the care was given.")
@click.option("--level", required=True, type=click.Choice(["1", "2", "3"]), help="The institution's level.")
@click.option("--cost", required=True, metavar="AMOUNT", help="The whole cost on the bills.")
@click.option("--in-scope", required=True, metavar="AMOUNT", help="What of it is within the scheme's scope.")
@click.option("--document", "documents", multiple=True, metavar="KIND:REF",
              help=f"A paper the article lists, KIND one of {', '.join(DOCUMENT_NAMES)}; repeat for each.")
@click.option("--cause", default="illness", show_default=True, type=click.Choice(CAUSES),
              help="illness, or injury (which needs the medical record; BEN-4).")
@click.option("--third-party", is_flag=True, help="A third party must bear the cost (BEN-4: refused).")
@click.option("--work-injury", is_flag=True, help="The work-injury fund must pay (BEN-4: refused).")
@click.option("--public-health", is_flag=True, help="Public health must bear the cost (BEN-4: refused).")
@click.option("--abroad", is_flag=True, help="Care abroad (BEN-4: refused).")
@operator_option
@db_option
@click.pass_context
def claim(ctx, id_number, kind, on, institution_name, level, cost, in_scope, documents, cause, third_party,
          work_injury, public_health, abroad, operator):
    """Claim reimbursement (零星报销, BEN-3..BEN-5): the computation is shown with what is paid.

    Example:

        yibao benefit claim --id 640102199003070011 --kind emergency-inpatient --on 2025-08-02 \\
            --institution-name 西安市第一医院 --level 3 --cost 20000 --in-scope 18000 --document card:社保卡 \\
            --document cost-list:清单-1 --document discharge-summary:出院-1 --document bill:票据-1 --operator clerk01
    """
    operator = require_operator(operator)
    computed, done = vouchered(ctx, "reimbursement",
        id_number=validation.id_number(id_number, "id"),
        kind=validation.choice(kind, "kind", CLAIM_KINDS), on=validation.date(on, "on"),
        institution_name=validation.text(institution_name, "institution-name"), level=level,
        cost=validation.money(cost, "cost"), in_scope=validation.money(in_scope, "in-scope"),
        documents=_documents(documents), cause=cause, third_party=third_party, work_injury=work_injury,
        public_health=public_health, abroad=abroad, operator=operator)
    stdout.print(f"({in_scope} - deductible {computed.deductible}) x {computed.ratio} = {computed.computed}; "
                 f"the year's ceiling leaves {computed.ceiling_left}: fund {'pays' if done else 'to pay'} {computed.fund} "
                 "(BEN-5)")


def _documents(pairs: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        kind, sep, reference = pair.partition(":")
        if not sep or kind not in DOCUMENT_NAMES or not reference.strip():
            raise BadInput("document", f"{pair!r}: expected KIND:REF with KIND one of {', '.join(DOCUMENT_NAMES)}")
        found[kind] = validation.text(reference, "document")
    return found


@command.command("list")
@click.argument("id_number", metavar="IDNO")
@click.option("--year", type=click.IntRange(1990, 2100), help="Only services in this year (BEN-2).")
@json_option
@db_option
@click.pass_context
def list_(ctx, id_number, year, as_json):
    """List a person's settlements and reimbursements with their parts and the rule that decided them.

    Example:

        yibao benefit list 640102199003070011 --year 2025 --json
    """
    rows = payment_rows(person_view(ledger_from(ctx), validation.id_number(id_number, "IDNO")), year)
    if as_json:
        print_json(rows)
        return

    from commands.layout import Col, print_fitted

    print_fitted(stdout, f"benefit payments of {id_number}" + (f" in {year}" if year else ""),
                 [Col("seq", kind="number", repeat=True), Col("kind"), Col("on", kind="fixed"), Col("where"),
                  Col("total", kind="number"), Col("fund", kind="number"), Col("account", kind="number"),
                  Col("own", kind="number"), Col("rule")],
                 [{**row, "kind": f"[strike]{row['kind']}[/]" if row["reversed_by"] else row["kind"],
                   "where": row["institution_name"]} for row in rows])
