"""`yibao person ...`: register, change and cancel insured persons (REG-2, REG-3, REG-5)."""

from __future__ import annotations

import click

from commands.options import (
    db_option, document_refs, documents_option, effective_date, ledger_from, on_option, operator_option, parse_settings,
    require_operator, stdout,
)
from ledger import validation
from ledger.errors import BadInput
from ledger.person import CANCEL_REASONS, SCHEMES

SEXES = ("M", "F")


@click.group("person")
def command() -> None:
    """Insured persons (参保人员).

    Example:

        yibao person register --id 640102199003070011 --name 马明 --sex M --scheme flexible --on 2024-03-01
    """


@command.command("register")
@click.option("--id", "id_number", required=True, metavar="IDNO", help="Citizen ID number (18 characters).")
@click.option("--name", required=True)
@click.option("--sex", required=True, metavar="M|F")
@click.option("--scheme", required=True, metavar="|".join(SCHEMES))
@on_option("Insured date YYYY-MM-DD (default: today).")
@click.option("--employer", metavar="USCC", help="Employer's credit code (employee scheme).")
@click.option("--birth", metavar="DATE", help="Birth date; must agree with the ID number.")
@click.option("--hukou", help="Household registration (户籍).")
@click.option("--phone")
@click.option("--address")
@documents_option
@operator_option
@db_option
@click.pass_context
def register(ctx, id_number, name, sex, scheme, on, employer, birth, hukou, phone, address, documents, operator):
    """Register a person (REG-2); a cancelled person registers again on the same record.

    Example:

        yibao person register --id 640102199003070011 --name 马明 --sex M --scheme employee \\
            --employer 91640100MA76A1B2CR --on 2024-03-01 --operator clerk01
    """
    operator = require_operator(operator)
    id_number = validation.id_number(id_number, "id")
    birth_date = validation.birth_date_of(id_number)
    if birth and validation.date(birth, "birth") != birth_date:
        raise BadInput("birth", f"{birth} does not agree with the ID number (which says {birth_date})")
    sex = validation.choice(sex, "sex", SEXES)
    if sex != validation.sex_of(id_number):
        raise BadInput("sex", f"{sex} does not agree with the ID number's order code")
    fields = dict(
        id_number=id_number, name=validation.text(name, "name", limit=60), sex=sex,
        scheme=validation.choice(scheme, "scheme", SCHEMES), on=effective_date(on),
        employer=validation.credit_code(employer, "employer") if employer else None, birth=birth_date,
        hukou=validation.text(hukou, "hukou", required=False), phone=validation.text(phone, "phone", required=False),
        address=validation.text(address, "address", required=False), operator=operator,
        documents=document_refs(documents),
    )
    ledger_from(ctx).register_person(**fields)
    stdout.print(f"registered {id_number} ({fields['scheme']}) on {fields['on']}")


PERSON_FIELDS = {
    "name": lambda v, f: validation.text(v, f, limit=60),
    "sex": lambda v, f: validation.choice(v, f, SEXES),
    "id_number": validation.id_number,
    "birth": validation.date,
    "hukou": lambda v, f: validation.text(v, f),
    "phone": lambda v, f: validation.text(v, f),
    "address": lambda v, f: validation.text(v, f),
}


@command.command("change")
@click.option("--id", "id_number", required=True, metavar="IDNO")
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE",
              help=f"A new value; FIELD is one of {', '.join(PERSON_FIELDS)}. Repeat for several.")
@click.option("--reason", help="Why the record changes.")
@on_option()
@documents_option
@operator_option
@db_option
@click.pass_context
def change(ctx, id_number, settings, reason, on, documents, operator):
    """Record a change of a person's details (REG-3); name, sex, ID number and birth need a --document.

    Example:

        yibao person change --id 640102199003070011 --set address=银川市金凤区 --on 2024-05-01 --operator clerk01
    """
    operator = require_operator(operator)
    id_number = validation.id_number(id_number, "id")
    changes = parse_settings(settings, PERSON_FIELDS)
    ledger_from(ctx).change_person(
        id_number=id_number, changes=changes, on=effective_date(on), operator=operator,
        reason=validation.text(reason, "reason", required=False), documents=document_refs(documents),
    )
    stdout.print(f"changed {', '.join(changes)} of {id_number}")


@command.command("cancel")
@click.option("--id", "id_number", required=True, metavar="IDNO")
@click.option("--reason", required=True, metavar="|".join(CANCEL_REASONS))
@on_option()
@documents_option
@operator_option
@db_option
@click.pass_context
def cancel(ctx, id_number, reason, on, documents, operator):
    """Cancel a person's registration (REG-5): death, missing, abroad or left.

    Example:

        yibao person cancel --id 640102199003070011 --reason death --on 2024-06-10 --document 死亡证明-2024-118 --operator clerk01
    """
    operator = require_operator(operator)
    id_number = validation.id_number(id_number, "id")
    ledger_from(ctx).cancel_person(
        id_number=id_number, reason=validation.choice(reason, "reason", CANCEL_REASONS), on=effective_date(on),
        operator=operator, documents=document_refs(documents),
    )
    stdout.print(f"cancelled {id_number} ({reason})")
