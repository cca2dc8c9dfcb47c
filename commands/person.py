"""`yibao person ...`: register, change and cancel insured persons (REG-2, REG-3, REG-5); find them."""

from __future__ import annotations

import datetime
import re

import click

from commands.options import (
    db_option,
    document_refs,
    documents_option,
    effective_date,
    format_option,
    ledger_from,
    on_option,
    operator_option,
    parse_settings,
    person_argument,
    printed,
    record,
    require_operator,
    reveal_option,
    shown,
    stdout,
    vouchered,
)
from ledger.benefits import handlers as benefits
from ledger.core.errors import BadInput
from ledger.core.i18n import N_, _, term
from ledger.intake import validation
from ledger.registration import handlers as registration
from ledger.registration.rules import CANCEL_REASONS, SCHEMES

SEXES = ("M", "F")


@click.group("person")
def command() -> None:
    """Insured persons (参保人员).

    Example:

        yibao person register --id 640102199001011237 --name 马红 --sex M --scheme flexible --on 2024-03-01
    """


@command.command("register")
@person_argument()
@click.option("--name", required=True, help="The person's name as on the ID document.")
@click.option("--sex", required=True, metavar="M|F", help="M or F; it must agree with the ID number.")
@click.option("--scheme", required=True, metavar="|".join(SCHEMES),
              help="employee (with --employer), flexible or resident.")
@on_option(N_("Insured date YYYY-MM-DD (default: today)."))
@click.option("--employer", metavar="USCC", help="Employer's credit code (employee scheme).")
@click.option("--birth", metavar="DATE", help="Birth date; must agree with the ID number.")
@click.option("--hukou", help="Household registration (户籍).")
@click.option("--phone", help="A mobile or landline number.")
@click.option("--address", help="The home address.")
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
    # The sex and the birth must agree with the ID number: the handler checks it (REG-2), for every caller.
    birth_date = validation.date(birth, "birth") if birth else validation.birth_date_of(id_number)
    fields = dict(
        id_number=id_number, name=validation.person_name(name, "name"), sex=validation.choice(sex, "sex", SEXES),
        scheme=validation.choice(scheme, "scheme", SCHEMES), on=effective_date(on),
        employer=validation.credit_code(employer, "employer") if employer else None, birth=birth_date,
        hukou=validation.text(hukou, "hukou", required=False), phone=validation.text(phone, "phone", required=False),
        address=validation.text(address, "address", required=False), operator=operator,
        documents=document_refs(documents),
    )
    record(ctx, registration.register_person, **fields)
    stdout.print(_("registered {id_number} ({scheme}) on {on}").format(id_number=id_number,
                                                                      scheme=term(fields["scheme"]), on=fields["on"]))


PERSON_FIELDS = {
    "name": lambda v, f: validation.person_name(v, f),
    "sex": lambda v, f: validation.choice(v, f, SEXES),
    "id_number": validation.id_number,
    "birth": validation.date,
    "hukou": lambda v, f: validation.text(v, f),
    "phone": lambda v, f: validation.text(v, f),
    "address": lambda v, f: validation.text(v, f),
    "area": lambda v, f: validation.division_code(v, f, datetime.date.today()),
}


@command.command("change")
@person_argument()
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE",
              help="A new value; FIELD is one of name, sex, id_number, birth, hukou, phone, address, area. Repeat for "
                   "several.")
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
    record(ctx, registration.change_person,
        id_number=id_number, changes=changes, on=effective_date(on), operator=operator,
        reason=validation.text(reason, "reason", required=False), documents=document_refs(documents),
    )
    stdout.print(_("changed {fields} of {id_number}").format(fields=", ".join(term(f) for f in changes),
                                                            id_number=id_number))


@command.command("cancel")
@person_argument()
@click.option("--reason", required=True, metavar="|".join(CANCEL_REASONS),
              help="death, missing, abroad or left (REG-5); each but left needs its --document.")
@on_option()
@click.option("--document", "documents", multiple=True, metavar="KIND:REF",
              help="The proof of the reason (REG-5): death-certificate or hukou-cancellation for death, "
                   "court-declaration for missing, settled-abroad or hukou-moved-out for abroad.")
@operator_option
@db_option
@click.pass_context
def cancel(ctx, id_number, reason, on, documents, operator):
    """Cancel a person's registration (REG-5): death, missing, abroad or left.

    Example:

        yibao person cancel --id 640122198508014294 --reason death --on 2024-06-10 \\
            --document death-certificate:死亡证明-2024-118 --operator clerk01
    """
    operator = require_operator(operator)
    id_number = validation.id_number(id_number, "id")
    record(ctx, registration.cancel_person,
        id_number=id_number, reason=validation.choice(reason, "reason", CANCEL_REASONS), on=effective_date(on),
        operator=operator, documents=document_refs(documents),
    )
    stdout.print(_("cancelled {id_number} ({reason})").format(id_number=id_number, reason=term(reason)))


@command.command("interrupt")
@person_argument()
@click.option("--month", required=True, metavar="YYYY-MM", help="The first unpaid month.")
@documents_option
@operator_option
@db_option
@click.pass_context
def interrupt(ctx, id_number, month, documents, operator):
    """Record that a flexible person stopped paying (WAIT-4): pooled benefits stop from that month.

    Example:

        yibao person interrupt --id 640102199001011237 --month 2024-11 --operator clerk01
    """
    operator = require_operator(operator)
    record(ctx, benefits.interrupt, id_number=validation.id_number(id_number, "id"), month=validation.month(month),
                               operator=operator, documents=document_refs(documents))
    stdout.print(_("{id_number}: payment interrupted from {month} (WAIT-4)").format(id_number=id_number, month=month))


@command.command("resume")
@person_argument()
@on_option(N_("Date of the resumption (default: today)."))
@documents_option
@operator_option
@db_option
@click.pass_context
def resume(ctx, id_number, on, documents, operator):
    """Resume paying after an interruption (WAIT-5): a new waiting period starts.

    Example:

        yibao person resume --id 640102199001011237 --on 2025-02-01 --operator clerk01
    """
    operator = require_operator(operator)
    record(ctx, benefits.resume, id_number=validation.id_number(id_number, "id"), on=effective_date(on),
                            operator=operator, documents=document_refs(documents))
    stdout.print(_("{id_number}: resumed (WAIT-5: the waiting period starts again)").format(id_number=id_number))


@command.command("backpay")
@person_argument()
@click.option("--from", "first", required=True, metavar="YYYY-MM", help="The first unpaid month paid back (WAIT-6).")
@click.option("--to", "last", required=True, metavar="YYYY-MM", help="The last month paid back.")
@on_option(N_("Date of the back-payment application (default: today)."))
@documents_option
@operator_option
@db_option
@click.pass_context
def backpay(ctx, id_number, first, last, on, documents, operator):
    """Assess the unpaid months of a gap for back-payment (WAIT-6, 补缴): they count once received.

    Back-paid months count toward contribution months, but give no benefits and no account credit.

    Example:

        yibao person backpay --id 640102199001011237 --from 2024-11 --to 2025-01 --on 2025-02-01 --operator clerk01
    """
    operator = require_operator(operator)
    count, done = vouchered(ctx, "back-pay", id_number=validation.id_number(id_number, "id"),
                            first=validation.month(first, "from"), last=validation.month(last, "to"),
                            on=effective_date(on), operator=operator, documents=document_refs(documents))
    if done:
        stdout.print(_("{count} months assessed for back-payment; pay them with `yibao contributions pay`").format(
            count=count))
    else:
        stdout.print(_("{count} months to assess for back-payment once approved").format(count=count))


@command.command("transfer-in")
@person_argument()
@click.option("--from-region", required=True, metavar="CODE", help="Region the person comes from.")
@click.option("--months", required=True, type=click.IntRange(0, 1200), help="Contribution months brought in.")
@click.option("--balance", required=True, metavar="AMOUNT", help="Personal-account balance brought in.")
@on_option()
@documents_option
@operator_option
@db_option
@click.pass_context
def transfer_in(ctx, id_number, from_region, months, balance, on, documents, operator):
    """Record a transfer in (TRF-1): months count (MON-2) and the balance is credited (ACC-4).

    Example:

        yibao person transfer-in --id 640102199003070011 --from-region 610100 --months 36 --balance 2400.00 --on 2024-03-01 --operator clerk01
    """
    operator = require_operator(operator)
    day = effective_date(on)
    _result, done = vouchered(ctx, "transfer-in", id_number=validation.id_number(id_number, "id"),
                        from_region=validation.division_code(from_region, "from-region", day), months=months,
                        balance=validation.amount(balance, "balance", validation.TRANSFER_IN_BALANCE_MAX,
                                                  ledger_from(ctx).policy, day), on=day,
                        operator=operator, documents=document_refs(documents))
    if done:
        stdout.print(_("{id_number}: {months} months and {balance} transferred in from {region}").format(
            id_number=id_number, months=months, balance=balance, region=from_region))


@command.command("transfer-out")
@person_argument()
@click.option("--to-region", required=True, metavar="CODE",
              help="The GB/T 2260 division code outside Ningxia the person moves to (TRF-1).")
@on_option()
@documents_option
@operator_option
@db_option
@click.pass_context
def transfer_out(ctx, id_number, to_region, on, documents, operator):
    """Record a transfer out (TRF-1): the account balance leaves with the person (ACC-4).

    Example:

        yibao person transfer-out --id 640102199003070011 --to-region 610100 --on 2026-06-30 --operator clerk01
    """
    operator = require_operator(operator)
    leaving = record(ctx, benefits.transfer_out, id_number=validation.id_number(id_number, "id"),
                                            to_region=validation.division_code(to_region, "to-region", effective_date(on)),
                                            on=effective_date(on), operator=operator,
                                            documents=document_refs(documents))
    stdout.print(_("{id_number} transferred out to {region} with {balance}").format(id_number=id_number,
                                                                                   region=to_region, balance=leaving))


@command.command("retire")
@person_argument()
@on_option(N_("Retirement date (default: today)."))
@documents_option
@operator_option
@db_option
@click.pass_context
def retire(ctx, id_number, on, documents, operator):
    """Convert to retired (RET-1); short of the minimum months, benefits wait for the back-payment.

    Example:

        yibao person retire --id 640102199003070011 --on 2050-03-07 --document 退休审批表-17 --operator clerk01
    """
    operator = require_operator(operator)
    shortfall, done = vouchered(ctx, "retire", id_number=validation.id_number(id_number, "id"),
                                on=effective_date(on), operator=operator, documents=document_refs(documents))
    if shortfall and done:
        line = _("{id_number} retired; RET-1: {shortfall} months short of the minimum: back-pay them "
                 "(`yibao person backpay`) and benefits start the month after, or join the resident scheme")
    elif shortfall:
        line = _("{id_number} to retire; RET-1: {shortfall} months short of the minimum: back-pay them "
                 "(`yibao person backpay`) and benefits start the month after, or join the resident scheme")
    else:
        line = _("{id_number} retired; benefits continue from next month")
    stdout.print(line.format(id_number=id_number, shortfall=shortfall))


@command.command("switch-scheme")
@person_argument()
@click.option("--to", "scheme", required=True, metavar="|".join(SCHEMES), help="The scheme the person is in from --on.")
@on_option()
@documents_option
@operator_option
@db_option
@click.pass_context
def switch_scheme(ctx, id_number, scheme, on, documents, operator):
    """Move a person to another scheme from a date.

    Example:

        yibao person switch-scheme --id 640102199208150023 --to resident --on 2025-01-01 --operator clerk01
    """
    operator = require_operator(operator)
    record(ctx, registration.switch_scheme, id_number=validation.id_number(id_number, "id"),
                                   scheme=validation.choice(scheme, "to", SCHEMES), on=effective_date(on),
                                   operator=operator, documents=document_refs(documents))
    stdout.print(_("{id_number} is in the {scheme} scheme from {day}").format(id_number=id_number, scheme=term(scheme),
                                                                             day=effective_date(on)))


ID_PART = re.compile(r"\d{6,17}[\dX]?")
"""At least 6 digits: fewer would match much of a region (its area code alone is six)."""


@command.command("search")
@click.option("--name", help="The name, or its first characters (马 finds 马明 and 马丽).")
@click.option("--phone", help="The phone number, exactly as recorded.")
@click.option("--id-part", metavar="DIGITS", help="At least 6 digits of the ID number, anywhere in it.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000),
              help="List at most this many persons.")
@format_option
@reveal_option
@db_option
@click.pass_context
def search(ctx, name, phone, id_part, limit, output_format):
    """Find persons by name (exact or its start), phone, or part of the ID number; masked unless --reveal.

    Searches what the read side holds now: each person's ID number, and the registration facts with their later
    changes (a person renamed is found by the new name only). On a ledger encrypted at rest (YIBAO_CIPHER_KEY)
    the read side holds names and phones encrypted and ID numbers keyed: only a whole ID number (--id-part with
    all 18 characters) can be searched there.

    Example:

        yibao person search --name 马 --limit 20
        yibao person search --id-part 19900307 --format csv
    """
    from projections.search import persons_found

    given = [option for option, value in (("name", name), ("phone", phone), ("id-part", id_part)) if value is not None]
    if len(given) != 1:
        raise BadInput(given[-1] if given else "name", _("give one of --name, --phone or --id-part"))
    wanted = {"name": validation.text(name, "name", required=False, limit=50),
              "phone": validation.text(phone, "phone", required=False, limit=40), "id_part": id_part}
    if id_part is not None:
        wanted["id_part"] = id_part.strip().upper()
        if not ID_PART.fullmatch(wanted["id_part"]):
            raise BadInput("id-part", _("{part!r}: give at least 6 digits of the ID number (18 at most)").format(
                part=id_part))
    rows = shown(ctx, record(ctx, persons_found, **wanted, limit=limit), f"person search by {given[0]}")
    if printed(output_format, rows, keys=("id_number", "name", "sex", "birth", "phone", "scheme", "registered",
                                          "registered_on")):
        return
    from commands.layout import Col, print_fitted

    # 80 columns: the phone searched for, in the birth date's place (the JSON and the CSV hold both)
    said = Col("phone", kind="fixed") if phone is not None else Col("birth", kind="fixed")
    print_fitted(stdout, _("persons found ({count})").format(count=len(rows)),
                 [Col("id_number", "ID number", "fixed", repeat=True), Col("name"), Col("sex", kind="fixed"), said,
                  Col("scheme"), Col("registered", kind="fixed")],
                 [{**row, "scheme": term(row["scheme"]) if row["scheme"] else None, "sex": term(row["sex"] or ""),
                   "registered": _("yes") if row["registered"] else _("no")} for row in rows])
