"""`yibao benefit ...`: direct settlements, a day's settlement file, reimbursement claims, and what was paid."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    encoding_option,
    format_option,
    ledger_from,
    operator_option,
    person_argument,
    printed,
    record,
    require_operator,
    stdout,
    vouchered,
)
from ledger.core.errors import BadInput
from ledger.core.i18n import _, reworded, term
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
@person_argument()
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
    day = validation.date(on, "on")
    settlement = Settlement(
        id_number=validation.id_number(id_number, "id"), institution=validation.institution_code(institution),
        kind=validation.choice(kind, "kind", SETTLEMENT_KINDS), on=day,
        discharged=validation.date(discharged, "discharged") if discharged is not None else None,
        total=validation.amount(total, "total", validation.SETTLEMENT_MAX, ledger_from(ctx).policy, day),
        fund=validation.money(fund, "fund"),
        account=validation.money(account, "account"), own=validation.money(own, "own"),
        settlement_no=validation.text(settlement_no, "settlement-no", required=False, limit=64))
    outcome = record(ctx, medical.settle, settlement, operator=operator, documents=document_refs(documents))
    if outcome == "settled":
        line = _("settled: {kind} at {institution} on {on}: fund {fund}, account {account}, own {own}")
    else:
        line = _("already recorded: {kind} at {institution} on {on}: fund {fund}, account {account}, own {own}")
    stdout.print(line.format(kind=term(settlement.kind), institution=settlement.institution, on=settlement.on,
                             fund=settlement.fund, account=settlement.account, own=settlement.own))


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@encoding_option
@operator_option
@db_option
@click.pass_context
def import_(ctx, file: Path, encoding, operator):
    """Import a day's settlements (columns: settlement_no,id_number,institution,kind,service_on,discharged_on,
    total,fund,account,own); all or nothing, idempotent and resumable.

    Example:

        yibao benefit import settlements-2026-01-05.csv --operator clerk01
    """
    operator = require_operator(operator)
    data = file.read_bytes()
    rows = files.settlement_rows(data, SETTLEMENT_KINDS, encoding=encoding, policy=ledger_from(ctx).policy)
    from commands.progress import RowProgress

    with RowProgress(_("settling"), len(rows)) as progress:
        summary = record(ctx, medical.import_settlements, rows, digest=files.digest(data), source=file.name,
                         on=datetime.date.today(), operator=operator, progress=progress.advance)
    stdout.print(_("{rows} rows: {settled} settled, {already} already recorded").format(
        rows=summary.rows, settled=summary.settled, already=summary.already))


@command.command("claim")
@person_argument()
@click.option("--kind", required=True, metavar="|".join(CLAIM_KINDS), help="What is claimed back (BEN-3).")
@click.option("--on", required=True, metavar="DATE", help="Date of the care (the admission for a stay).")
@click.option("--institution-name", required=True, help="Where the care was given.")
@click.option("--level", required=True, type=click.Choice(["1", "2", "3"]), help="The institution's level.")
@click.option("--cost", required=True, metavar="AMOUNT", help="The whole cost on the bills.")
@click.option("--in-scope", required=True, metavar="AMOUNT", help="What of it is within the scheme's scope.")
@click.option("--document", "documents", multiple=True, metavar="KIND:REF",
              help="A paper the article lists, KIND one of card, cost-list, discharge-summary, bill, bill-stub, promise, "
                   "emergency-diagnosis, prescription, medical-record; repeat for each.")
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
    day, policy = validation.date(on, "on"), ledger_from(ctx).policy
    computed, done = vouchered(ctx, "reimbursement",
        id_number=validation.id_number(id_number, "id"),
        kind=validation.choice(kind, "kind", CLAIM_KINDS), on=day,
        institution_name=validation.text(institution_name, "institution-name"), level=level,
        cost=validation.amount(cost, "cost", validation.REIMBURSEMENT_MAX, policy, day),
        in_scope=validation.amount(in_scope, "in-scope", validation.REIMBURSEMENT_MAX, policy, day),
        documents=_documents(documents), cause=cause, third_party=third_party, work_injury=work_injury,
        public_health=public_health, abroad=abroad, operator=operator)
    if done:
        line = _("({in_scope} - deductible {deductible}) x {ratio} = {computed}; the year's ceiling leaves "
                 "{ceiling_left}: fund pays {fund} (BEN-5)")
    else:
        line = _("({in_scope} - deductible {deductible}) x {ratio} = {computed}; the year's ceiling leaves "
                 "{ceiling_left}: fund to pay {fund} (BEN-5)")
    stdout.print(line.format(in_scope=in_scope, deductible=computed.deductible, ratio=computed.ratio,
                             computed=computed.computed, ceiling_left=computed.ceiling_left, fund=computed.fund))


def _documents(pairs: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        kind, sep, reference = pair.partition(":")
        if not sep or kind not in DOCUMENT_NAMES or not reference.strip():
            raise BadInput("document", _("{pair!r}: expected KIND:REF with KIND one of {kinds}").format(
                pair=pair, kinds=", ".join(DOCUMENT_NAMES)))
        found[kind] = validation.text(reference, "document")
    return found


@command.command("list")
@person_argument()
@click.option("--year", type=click.IntRange(1990, 2100), help="Only services in this year (BEN-2).")
@format_option
@db_option
@click.pass_context
def list_(ctx, id_number, year, output_format):
    """List a person's settlements and reimbursements with their parts and the rule that decided them.

    Example:

        yibao benefit list 640102199003070011 --year 2025 --json
    """
    rows = payment_rows(person_view(ledger_from(ctx), validation.known_id_number(id_number, "IDNO")), year)
    if printed(output_format, rows):
        return

    from commands.layout import Col, print_fitted

    title = (_("benefit payments of {id_number} in {year}") if year else _("benefit payments of {id_number}")).format(
        id_number=id_number, year=year)
    print_fitted(stdout, title,
                 [Col("seq", kind="number", repeat=True), Col("kind"), Col("on", kind="fixed"), Col("where"),
                  Col("total", kind="number"), Col("fund", kind="number"), Col("account", kind="number"),
                  Col("own", kind="number"), Col("rule")],
                 [{**row, "kind": f"[strike]{term(row['kind'])}[/]" if row["reversed_by"] else term(row["kind"]),
                   "where": row["institution_name"], "rule": reworded(row["rule"])} for row in rows])
