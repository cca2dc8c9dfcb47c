"""`yibao institution register`: designated hospitals and pharmacies (定点医药机构), named by settlements."""

from __future__ import annotations

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    effective_date,
    on_option,
    operator_option,
    record,
    require_operator,
    stdout,
)
from ledger.core.i18n import N_, _, term
from ledger.intake import validation
from ledger.medical import handlers as medical
from ledger.medical.institution import KINDS, LEVELS


@click.group("institution")
def command() -> None:
    """Designated institutions (定点医药机构).

    Example:

        yibao institution register --code P64010400001 --name 银川市第一人民医院药房 --level primary --kind pharmacy --region 640104
    """


@command.command("register")
@click.option("--code", required=True, metavar="CODE", help="National code: H or P, the region, a sequence.")
@click.option("--name", required=True, help="The institution's name, as the resident signing names it.")
@click.option("--level", required=True, metavar="|".join(LEVELS), help="1, 2, 3 or primary (基层).")
@click.option("--kind", required=True, metavar="|".join(KINDS), help="hospital or pharmacy.")
@click.option("--region", required=True, metavar="CODE", help="Administrative division code (GB/T 2260).")
@on_option(N_("Date of the designation (default: today)."))
@documents_option
@operator_option
@db_option
@click.pass_context
def register(ctx, code, name, level, kind, region, on, documents, operator):
    """Register a designated hospital or pharmacy; settlements name it by its code.

    Example:

        yibao institution register --code H64010200001 --name 宁夏回族自治区人民医院 --level 3 --kind hospital \\
            --region 640104 --operator clerk01
    """
    operator = require_operator(operator)
    day = effective_date(on)
    code = validation.institution_code(code, "code")
    record(ctx, medical.register_institution,
        code=code, name=validation.text(name, "name"), level=validation.choice(level, "level", LEVELS),
        kind=validation.choice(kind, "kind", KINDS), region=validation.division_code(region, "region", day), on=day,
        operator=operator, documents=document_refs(documents))
    stdout.print(_("registered institution {code} ({name}, level {level})").format(code=code, name=name,
                                                                                  level=term(level)))
