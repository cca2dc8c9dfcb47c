"""`yibao employer ...`: register, change and cancel employers; declare staff changes (REG-1, REG-4, CON-9)."""

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
    ledger_from,
    on_option,
    operator_option,
    parse_settings,
    person_argument,
    printed,
    record,
    require_operator,
    stdout,
    vouchered,
)
from ledger.contributions import handlers as contributions
from ledger.contributions.arrears import debt_of
from ledger.core.errors import BadInput
from ledger.core.i18n import N_, _, term
from ledger.intake import files, validation
from ledger.registration import handlers as registration
from ledger.registration.rules import UNIT_TYPES


@click.group("employer")
def command() -> None:
    """Employers (参保单位).

    Example:

        yibao employer register --code 91640100MA76C3D4EB --name 宁夏贺兰山葡萄酒有限公司 --type enterprise --on 2024-01-05
    """


def founded_by(founded: str | None, registered: datetime.date) -> datetime.date | None:
    """The founding date, which cannot come after the registration it is declared in."""
    if founded is None:
        return None
    date = validation.date(founded, "founded")
    if date > registered:
        raise BadInput("founded", _("{founded} is after the registration date {registered}").format(
            founded=founded, registered=registered))
    return date


@command.command("register")
@click.option("--code", required=True, metavar="USCC", help="Unified social credit code (18 characters).")
@click.option("--name", required=True, help="The employer's registered name.")
@click.option("--type", "unit_type", required=True, metavar="|".join(UNIT_TYPES), help="The unit type (单位类型).")
@on_option(N_("Registration date YYYY-MM-DD (default: today)."))
@click.option("--founded", metavar="DATE", help="Founding date; registration is due within 30 days of it.")
@click.option("--insured-from", metavar="DATE", help="Insurance start date (default: --on).")
@click.option("--address", help="The registered address.")
@click.option("--legal-rep", help="Legal representative (法定代表人).")
@click.option("--bank-account", help="The bank account the contributions are collected from.")
@click.option("--contact", help="Contact person and phone.")
@documents_option
@operator_option
@db_option
@click.pass_context
def register(ctx, code, name, unit_type, on, founded, insured_from, address, legal_rep, bank_account, contact,
             documents, operator):
    """Register an employer (REG-1); a registration past the due days is accepted and flagged late.

    Example:

        yibao employer register --code 91640100MA76A1B2CR --name 宁夏塞上建材有限公司 --type enterprise \\
            --founded 2023-12-20 --on 2024-01-05 --operator clerk01
    """
    operator = require_operator(operator)
    code = validation.credit_code(code, "code")
    on_date = effective_date(on)
    late = record(ctx, registration.register_employer,
        code=code, name=validation.person_name(name, "name", limit=100), unit_type=validation.choice(unit_type, "type", UNIT_TYPES),
        on=on_date, founded=founded_by(founded, on_date),
        insured_from=validation.date(insured_from, "insured-from") if insured_from is not None else None,
        address=validation.text(address, "address", required=False),
        legal_rep=validation.text(legal_rep, "legal_rep", required=False),
        bank_account=validation.text(bank_account, "bank_account", required=False),
        contact=validation.text(contact, "contact", required=False),
        operator=operator, documents=document_refs(documents),
    )
    if late:
        stdout.print(_("registered employer {code} (late: REG-1 registration due within 30 days of founding)").format(
            code=code))
    else:
        stdout.print(_("registered employer {code}").format(code=code))


EMPLOYER_FIELDS = {
    "name": lambda v, f: validation.person_name(v, f, limit=100),
    "unit_type": lambda v, f: validation.choice(v, f, UNIT_TYPES),
    "address": lambda v, f: validation.text(v, f),
    "legal_rep": lambda v, f: validation.text(v, f),
    "bank_account": lambda v, f: validation.text(v, f),
    "contact": lambda v, f: validation.text(v, f),
}


@command.command("change")
@click.option("--code", required=True, metavar="USCC",
              help="The employer's unified social credit code (18 characters).")
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE",
              help="A new value; FIELD is one of name, unit_type, address, legal_rep, bank_account, contact. "
                   "Repeat for several.")
@click.option("--reason", help="Why the record changes.")
@on_option()
@documents_option
@operator_option
@db_option
@click.pass_context
def change(ctx, code, settings, reason, on, documents, operator):
    """Record a change of an employer's details (REG-3).

    Example:

        yibao employer change --code 91640100MA76A1B2CR --set legal-rep=王芳 --on 2024-04-01 --operator clerk01
    """
    operator = require_operator(operator)
    code = validation.credit_code(code, "code")
    changes = parse_settings(settings, EMPLOYER_FIELDS)
    record(ctx, registration.change_employer, code=code, changes=changes, on=effective_date(on), operator=operator,
                                 reason=validation.text(reason, "reason", required=False),
                                 documents=document_refs(documents))
    stdout.print(_("changed {fields} of employer {code}").format(fields=", ".join(term(f) for f in changes), code=code))


@command.command("cancel")
@click.option("--code", required=True, metavar="USCC",
              help="The employer's unified social credit code (18 characters).")
@click.option("--reason", required=True, help="Why the employer is cancelled (注销).")
@on_option()
@documents_option
@operator_option
@db_option
@click.pass_context
def cancel(ctx, code, reason, on, documents, operator):
    """Cancel an employer (REG-4): refused while it owes anything.

    Example:

        yibao employer cancel --code 91640100MA76C3D4EB --reason 解散 --on 2024-12-31 --operator clerk01
    """
    operator = require_operator(operator)
    code = validation.credit_code(code, "code")
    record(ctx, registration.cancel_employer, code=code, reason=validation.text(reason, "reason"),
                                 on=effective_date(on), operator=operator, documents=document_refs(documents))
    stdout.print(_("cancelled employer {code}").format(code=code))


STAFF_HELP = {
    "hire": N_("Declare a staff increase (CON-9): due by the 25th of the month before, else a month later.\n\n"
               "Example:\n\n"
               "    yibao employer hire --code 91640100MA76A1B2CR --id 640102199003070011 --month 2024-05 "
               "--operator clerk01"),
    "leave": N_("Declare a staff decrease (CON-9): due by the 25th of the month before, else a month later.\n\n"
                "Example:\n\n"
                "    yibao employer leave --code 91640100MA76A1B2CR --id 640102199003070011 --month 2024-05 "
                "--operator clerk01"),
}
"""Each command's help, as a cleaned docstring (the catalog's key; main.py translates it when shown)."""


def staff_declared(verb: str, on_time: bool) -> str:
    """The line confirming a staff change, one whole sentence for each case."""
    if verb == "hire":
        return (_("{id_number} joins the staff of {code} from {month}") if on_time else
                _("{id_number} joins the staff of {code} from {month} (CON-9: declared after the cut-off, so from "
                  "{month})"))
    return (_("{id_number} leaves the staff of {code} from {month}") if on_time else
            _("{id_number} leaves the staff of {code} from {month} (CON-9: declared after the cut-off, so from "
              "{month})"))


def staff_change(verb: str):
    """hire and leave share their options; only the handler differs."""

    @click.option("--code", required=True, metavar="USCC",
                  help="The employer's unified social credit code (18 characters).")
    @person_argument()
    @click.option("--month", required=True, metavar="YYYY-MM",
                  help="First month on the staff (hire) or first month off it (leave).")
    @click.option("--declared-on", metavar="DATE", help="Date of the declaration (default: today); CON-9 cut-off.")
    @documents_option
    @operator_option
    @db_option
    @click.pass_context
    def run(ctx, code, id_number, month, declared_on, documents, operator):
        operator = require_operator(operator)
        effective = record(
            ctx, getattr(contributions, verb), code=validation.credit_code(code, "code"), id_number=validation.id_number(id_number, "id"),
            month=validation.month(month, "month"), declared_on=effective_date(declared_on, "declared_on"),
            operator=operator, documents=document_refs(documents),
        )
        stdout.print(staff_declared(verb, str(effective) == month).format(id_number=id_number, code=code,
                                                                          month=effective))

    run.__doc__ = STAFF_HELP[verb]
    return command.command(verb)(run)


staff_change("hire")
staff_change("leave")


@command.command("declare-bases")
@click.option("--code", required=True, metavar="USCC",
              help="The employer's unified social credit code (18 characters).")
@click.option("--year", required=True, type=click.IntRange(1990, 2100),
              help="The contribution year the wages are declared for (CON-1).")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with the header id_number,monthly_wage.")
@on_option(N_("Date of the declaration (default: today)."))
@encoding_option
@operator_option
@db_option
@click.pass_context
def declare_bases(ctx, code, year, path: Path, on, encoding, operator):
    """Declare each employee's monthly wage for the year (CON-1); bases are held to [60 %, 300 %] (CON-2).

    A malformed or repeated row, or a row for someone not on the staff, refuses the whole file.
    Months already assessed provisionally (CON-4) are re-assessed and the difference recorded.

    Example:

        yibao employer declare-bases --code 91640100MA76A1B2CR --year 2024 --file wages-2024.csv --operator clerk01
    """
    operator = require_operator(operator)
    data, day = path.read_bytes(), effective_date(on)
    rows = files.wage_rows(data, encoding=encoding, policy=ledger_from(ctx).policy, on=day)
    report, done = vouchered(ctx, "declare-bases", code=validation.credit_code(code, "code"), year=year,
                             rows=rows, file_digest=files.digest(data), on=day, operator=operator,
                             documents=[path.name])
    if done:
        stdout.print(_("{rows} bases declared for {year}; {reassessed} provisional months re-assessed (CON-4)").format(
            rows=len(rows), year=year, reassessed=report.reassessed))
    else:
        stdout.print(_("{rows} bases to declare for {year}; {reassessed} provisional months to re-assess (CON-4) once "
                       "approved").format(rows=len(rows), year=year, reassessed=report.reassessed))


@command.command("defer")
@click.option("--code", required=True, metavar="USCC",
              help="The employer's unified social credit code (18 characters).")
@click.option("--from", "month", required=True, metavar="YYYY-MM", help="First deferred month.")
@click.option("--months", required=True, type=int, help="How many months (at most 12 in a row).")
@on_option(N_("Date of the agreement (default: today)."))
@documents_option
@operator_option
@db_option
@click.pass_context
def defer(ctx, code, month, months, on, documents, operator):
    """Record a deferral agreement (CON-8, 缓缴): staff keep their benefits except the account credit.

    Example:

        yibao employer defer --code 91640100MA76A1B2CR --from 2024-06 --months 6 --document 缓缴协议-2024-09 --operator clerk01
    """
    operator = require_operator(operator)
    record(ctx, contributions.defer, code=validation.credit_code(code, "code"), month=validation.month(month, "from"),
                        months=months, on=effective_date(on), operator=operator, documents=document_refs(documents))
    stdout.print(_("{code} may defer {months} months from {month}").format(code=code, months=months, month=month))


@command.command("arrears")
@click.option("--code", required=True, metavar="USCC",
              help="The employer's unified social credit code (18 characters).")
@click.option("--on", metavar="DATE", help="Date of the reckoning (default: today).")
@format_option
@db_option
@click.pass_context
def arrears(ctx, code, on, output_format):
    """What an employer owes: assessed and not received; arrears are the part already due and not deferred.

    Example:

        yibao employer arrears --code 91640100MA76A1B2CR --on 2024-12-31 --json
    """
    day = effective_date(on)
    debt = record(ctx, debt_of, validation.credit_code(code, "code"), day)
    document = {"code": code, "on": day.isoformat(), "owed": str(debt.owed), "arrears": str(debt.arrears),
                "deferred": str(debt.deferred)}
    if not printed(output_format, document):
        stdout.print(_("{code} on {day}: owes {owed} (arrears {arrears}, deferred {deferred})").format(
            code=code, day=day, owed=debt.owed, arrears=debt.arrears, deferred=debt.deferred))
