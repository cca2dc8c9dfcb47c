"""`yibao resident ...`: the urban-rural resident scheme (RES-1..RES-7, WAIT-8)."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    effective_date,
    encoding_option,
    format_option,
    on_option,
    operator_option,
    person_argument,
    printed,
    record,
    require_operator,
    reveal_option,
    shown,
    stdout,
)
from ledger.core.errors import BadInput
from ledger.core.i18n import N_, _, term
from ledger.intake import files, validation
from ledger.resident import handlers as resident
from ledger.resident.rules import HARDSHIP_GROUPS, hardship_group
from projections.residents import residents


@click.group("resident")
def command() -> None:
    """Urban-rural resident insurance (城乡居民医保).

    Example:

        yibao resident pay --id 640104202405100508 --year 2025 --on 2024-10-10
    """


@command.command("register-batch")
@click.argument("path", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school", required=True, help="The school registering its students (RES-1, R6).")
@on_option(N_("Registration date (default: today)."))
@encoding_option
@operator_option
@db_option
@click.pass_context
def register_batch(ctx, path: Path, school, on, encoding, operator):
    """Register a school's students from `id_number,name,sex`; one bad row refuses the whole file.

    Example:

        yibao resident register-batch students.csv --school 宁夏大学 --on 2024-09-20 --operator clerk01
    """
    operator = require_operator(operator)
    rows = files.student_rows(path.read_bytes(), encoding=encoding)
    count = record(ctx, resident.register_students, school=validation.text(school, "school"), rows=rows,
                                               on=effective_date(on), operator=operator)
    stdout.print(_("{count} students of {school} registered").format(count=count, school=school))


@command.command("pay")
@person_argument()
@click.option("--year", required=True, type=click.IntRange(2000, 2100), help="The benefit year paid for.")
@click.option("--back-pay", is_flag=True, help="Pay back a lapsed past year (RES-7): it shortens a later wait.")
@on_option(N_("Date of payment (default: today)."))
@documents_option
@operator_option
@db_option
@click.pass_context
def pay(ctx, id_number, year, back_pay, on, documents, operator):
    """Record a year's contribution (RES-3): in the window of the year before, or a newborn's at once (WAIT-8).

    Example:

        yibao resident pay --id 640104202405100508 --year 2024 --on 2024-09-15 --operator clerk01
    """
    operator = require_operator(operator)
    total, personal, fiscal, assistance = record(ctx, resident.pay,
        id_number=validation.id_number(id_number, "id"), year=year, on=effective_date(on), operator=operator,
        back_pay=back_pay, documents=document_refs(documents))
    stdout.print(_("{year} paid: total {total} = personal {personal} (of which assistance {assistance}) + fiscal "
                   "subsidy {fiscal}").format(year=year, total=total, personal=personal, assistance=assistance,
                                              fiscal=fiscal))


@command.command("flag")
@person_argument()
@click.option("--kind", required=True, metavar="KIND",
              help="R9's group: 特困, 重残, 三级残疾, 离休干部遗孀, 优抚, 高龄低收入, 建档立卡, 监测对象, 低保, 孤儿 "
                   "(or the group's full name, e.g. 三级中度残疾人员).")
@click.option("--body", required=True, help="The body that confirmed it (民政, 残联, 乡村振兴局, ...).")
@on_option()
@documents_option
@operator_option
@db_option
@click.pass_context
def flag(ctx, id_number, kind, body, on, documents, operator):
    """Record a special-hardship status (RES-2); it subsidises the personal part.

    Example:

        yibao resident flag --id 640104202405100508 --kind 低保 --body 银川市民政局 --on 2024-08-01 --operator clerk01
    """
    operator = require_operator(operator)
    record(ctx, resident.flag_hardship, id_number=validation.id_number(id_number, "id"),
                                   kind=_hardship_kind(kind), body=validation.text(body, "body"), on=effective_date(on), operator=operator,
                                   documents=document_refs(documents))
    stdout.print(_("{id_number}: {kind} from {date}").format(id_number=id_number, kind=kind, date=effective_date(on)))


def _hardship_kind(text: str) -> str:
    group = hardship_group(text)
    if group is None:
        raise BadInput("kind", _("{text!r} is not one of R9's groups: {groups}").format(
            text=text, groups=", ".join(f"{g.kind} ({g.name})" for g in HARDSHIP_GROUPS)))
    return group.kind


@command.command("unflag")
@person_argument()
@click.option("--kind", required=True, metavar="KIND",
              help="R9's group: 特困, 重残, 三级残疾, 离休干部遗孀, 优抚, 高龄低收入, 建档立卡, 监测对象, 低保, 孤儿.")
@on_option()
@operator_option
@db_option
@click.pass_context
def unflag(ctx, id_number, kind, on, operator):
    """End a special-hardship status (RES-2).

    Example:

        yibao resident unflag --id 640104202405100508 --kind 低保 --on 2025-08-01 --operator clerk01
    """
    operator = require_operator(operator)
    record(ctx, resident.end_hardship, id_number=validation.id_number(id_number, "id"),
                                  kind=_hardship_kind(kind), on=effective_date(on),
                                  operator=operator)
    stdout.print(_("{id_number}: {kind} ended on {date}").format(id_number=id_number, kind=kind,
                                                                 date=effective_date(on)))


@command.command("sign")
@person_argument()
@click.option("--facility", "facilities", multiple=True, required=True, metavar="NAME[:LEVEL]",
              help="One primary-care facility; or, with --chronic, three: NAME:II or NAME:III twice, NAME:primary once.")
@click.option("--chronic", is_flag=True, help="Sign the chronic-outpatient (门诊大病) facilities (RES-6).")
@on_option()
@operator_option
@db_option
@click.pass_context
def sign(ctx, id_number, facilities, chronic, on, operator):
    """Sign a primary-care facility (RES-5) or the chronic-outpatient facilities (RES-6).

    Example:

        yibao resident sign --id 640104202405100508 --facility 兴庆区社区卫生服务中心 --on 2024-06-15 --operator clerk01
    """
    operator = require_operator(operator)
    parsed = [(name, level or "primary") for name, _, level in (f.partition(":") for f in facilities)]
    if not chronic and len(parsed) != 1:
        raise BadInput("facility", _("a primary-care signing names one facility"))
    effective_from = record(ctx, resident.sign_facility,
        id_number=validation.id_number(id_number, "id"), kind="chronic" if chronic else "primary",
        facilities=[(validation.text(n, "facility"), level) for n, level in parsed], on=effective_date(on),
        operator=operator)
    stdout.print(_("signed, in force from {date}").format(date=effective_from))


@command.command("recognise")
@person_argument()
@click.option("--condition", required=True, help="The chronic or major outpatient condition (门诊大病病种).")
@on_option(N_("Date of the recognition (default: today)."))
@click.option("--document", "documents", multiple=True, metavar="KIND:REF",
              help="card:REF (社会保障卡) and diagnosis:REF (病历诊断资料), both needed (R23).")
@operator_option
@db_option
@click.pass_context
def recognise(ctx, id_number, condition, on, documents, operator):
    """Recognise a chronic outpatient condition (门诊大病认定, R23): chronic outpatient pooling needs one (BEN-6).

    Example:

        yibao resident recognise --id 640122198508014294 --condition 糖尿病 --on 2024-03-01 \\
            --document card:社保卡 --document diagnosis:诊断-2024-31 --operator clerk01
    """
    operator = require_operator(operator)
    papers = {}
    for pair in documents:
        kind, sep, reference = pair.partition(":")
        if not sep or not reference.strip():
            raise BadInput("document", _("{pair!r}: expected KIND:REF, e.g. diagnosis:诊断-2024-31").format(pair=pair))
        papers[kind] = validation.text(reference, "document")
    record(ctx, resident.recognise_condition, id_number=validation.id_number(id_number, "id"),
                                 condition=validation.text(condition, "condition"), on=effective_date(on),
                                 operator=operator, documents=papers)
    stdout.print(_("{id_number}: {condition} recognised from {date} (R23)").format(
        id_number=id_number, condition=condition, date=effective_date(on)))


@command.command("list")
@click.option("--status", required=True, type=click.Choice(["registered", "paid", "unpaid"]),
              help="RES-4's class: registered, paid or unpaid.")
@click.option("--reason", type=click.Choice(["interrupted", "dead", "other"]), help="Only unpaid for this reason.")
@click.option("--year", type=click.IntRange(2000, 2100), help="Benefit year (default: this year).")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 1_000_000),
              help="List at most this many persons.")
@format_option
@reveal_option(reason=("--reveal-reason",))
@db_option
@click.pass_context
def list_(ctx, status, reason, year, limit, output_format):
    """List residents by class (RES-4): registered, paid, unpaid (interrupted, dead, other).

    Example:

        yibao resident list --status unpaid --reason interrupted --year 2025 --json
    """
    year = year or datetime.date.today().year
    rows = shown(ctx, record(ctx, residents, status=status, reason=reason, year=year, limit=limit),
                 f"resident list {status} {year}")
    if printed(output_format, rows):
        return

    from commands.layout import Col, print_fitted

    print_fitted(stdout, _("residents {status} for {year}").format(status=term(status), year=year),
                 [Col("id_number", "ID number", "fixed", repeat=True), Col("name"), Col("status"), Col("reason")],
                 [{**row, "status": term(row["status"]), "reason": term(row["reason"]) if row["reason"] else None}
                  for row in rows])
