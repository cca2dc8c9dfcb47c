"""Validation at the edge: turn clerks' text into typed values or refuse, naming the field.

Nothing that fails here reaches the store.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from stdnum.exceptions import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.iso7064 import mod_11_2

from ledger.core.errors import BadInput
from ledger.core.i18n import _
from ledger.core.money import round_fen
from ledger.core.month import Month
from ledger.core.policy import Policy
from ledger.core.zone import BEIJING


def id_number(text: str, field: str = "id_number") -> str:
    """Citizen ID number (公民身份号码): 18 chars, MOD 11-2 check digit, a real birth date and place."""
    number, problem = _checked_id_number(text)
    if problem:
        raise BadInput(field, _("{text!r} is not a valid citizen ID number ({problem})").format(
            text=text, problem=_stdnum_said(problem)))
    return number


@functools.lru_cache(maxsize=100_000)
def _checked_id_number(text: str) -> tuple[str, str | None]:
    """Remembered: a receipts file names each person a dozen times, and the place look-up is slow."""
    from stdnum.cn import ric

    try:
        return ric.validate(text), None
    except ValidationError as error:
        return text, error.message
    except KeyError:  # python-stdnum 1.x: a place its table lists without a county ("110001")
        return text, "One of the parts of the number are invalid or unknown."


def known_id_number(text: str, field: str = "IDNO") -> str:
    """An ID number to look a registered person up by: its form, MOD 11-2 check digit and birth date. Its place was
    checked when it was registered (`id_number`), and a number that never was is then simply not found. Leaving the
    place out spares a query the 60 ms of reading python-stdnum's table of places."""
    number = "".join(text.split()).upper()
    try:
        if len(number) != 18:
            raise InvalidLength()
        if not number[:-1].isdigit() or not number.isascii():
            raise InvalidFormat()
        mod_11_2.validate(number)
        try:
            datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            raise InvalidComponent() from None
    except ValidationError as error:
        raise BadInput(field, _("{text!r} is not a valid citizen ID number ({problem})").format(
            text=text, problem=_stdnum_said(error.message))) from None
    return number


def _stdnum_said(problem: str) -> str:
    """What python-stdnum found wrong with a number, in the reader's language (its own words otherwise)."""
    return {
        "The number has an invalid format.": _("The number has an invalid format."),
        "The number's checksum or check digit is invalid.": _("The number's checksum or check digit is invalid."),
        "The number has an invalid length.": _("The number has an invalid length."),
        "One of the parts of the number are invalid or unknown.":
            _("One of the parts of the number are invalid or unknown."),
    }.get(problem, problem)


def birth_date_of(number: str) -> datetime.date:
    from stdnum.cn import ric

    return ric.get_birth_date(number)


def sex_of(number: str) -> str:
    """The order code's last digit is odd for men, even for women (GB 11643)."""
    return "M" if int(number[16]) % 2 else "F"


def division_code(text: str, field: str, on: datetime.date) -> str:
    """A six-digit administrative division code (GB/T 2260) in force in the year of `on`, from stdnum's table."""
    code = text.strip()
    name = division_name(code, on.year) if len(code) == 6 and code.isdigit() else None
    if name is None:
        raise BadInput(field, _("{text!r} is not an administrative division code (GB/T 2260) in force in {year}")
                       .format(text=text, year=on.year))
    return code


@functools.lru_cache(maxsize=4096)
def division_name(code: str, year: int) -> str | None:
    """The division's name when `code` names one in force in `year` (stdnum keeps each code's years)."""
    from stdnum import numdb

    found = numdb.get("cn/loc").info(code)
    if len(found) < 2 or "county" not in found[1][1]:
        return None
    name = found[1][1]["county"]
    if name.startswith("["):
        years, _, name = name[1:].partition("]")
        first, _, last = years.partition("-")
        if (first and year < int(first)) or (last and year > int(last)):
            return None
    return name


def institution_code(text: str, field: str = "institution") -> str:
    """A designated institution's national code (定点医药机构编码): H (hospital) or P (pharmacy), the six-digit
    division code of its region, and a five-digit sequence."""
    code = text.strip().upper()
    if len(code) != 12 or code[0] not in "HP" or not code[1:].isdigit():
        raise BadInput(field, _("{text!r} is not a designated institution's code (H or P and 11 digits)").format(
            text=text))
    return code


def credit_code(text: str, field: str = "code") -> str:
    """Unified social credit code (统一社会信用代码), GB 32100 check character."""
    from stdnum.cn import uscc

    try:
        return uscc.validate(text)
    except ValidationError as error:
        raise BadInput(field, _("{text!r} is not a valid unified social credit code ({problem})").format(
            text=text, problem=_stdnum_said(error.message))) from None


def date(text: str, field: str = "on") -> datetime.date:
    """A YYYY-MM-DD date between 1900-01-01 and 2100-12-31 (DESIGN.md)."""
    try:
        if len(text) != 10:
            raise ValueError
        found = datetime.date.fromisoformat(text)
    except ValueError:
        raise BadInput(field, _("{text!r} is not a real YYYY-MM-DD date").format(text=text)) from None
    if not EARLIEST <= found <= LATEST:
        raise BadInput(field, _("{text!r} is outside {earliest} .. {latest}").format(text=text, earliest=EARLIEST,
                                                                                    latest=LATEST))
    return found


EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)


def month(text: str, field: str = "month") -> Month:
    try:
        found = Month.parse(text)
    except ValueError:
        raise BadInput(field, _("{text!r} is not a YYYY-MM month").format(text=text)) from None
    if not EARLIEST.year <= found.year <= LATEST.year:
        raise BadInput(field, _("{text!r} is outside {first}-01 .. {last}-12").format(
            text=text, first=EARLIEST.year, last=LATEST.year))
    return found


def months_payable(first: Month, last: Month, birth: datetime.date, received_on: datetime.date) -> None:
    """A payment's months lie between the payer's birth and the end of the year after the day it is received (a
    flexible worker pays a year ahead at most, CON-5): anything wider is a typing mistake, not money owed."""
    if first < Month.of(birth):
        raise BadInput("month", _("{first} is before the payer was born ({birth:%Y-%m})").format(first=first,
                                                                                                  birth=birth))
    if last > Month(received_on.year + 1, 12):
        raise BadInput("to", _("{last} is more than a year ahead of the payment date {received_on}").format(
            last=last, received_on=received_on))


def money(text: str, field: str = "amount") -> Decimal:
    """A non-negative amount in yuan: digits with at most two decimal places (fen), no exponent, at most
    ten digits of yuan (what the store's numeric columns hold; `amount` bounds each kind by policy)."""
    if not AMOUNT.fullmatch(text or ""):
        if re.fullmatch(r"[+-]?[0-9.]+([eE][+-]?[0-9]+)?", text or ""):
            raise BadInput(field, _("{text!r} must be a non-negative amount of at most ten digits and two "
                                    "decimal places (fen), without exponent").format(text=text))
        raise BadInput(field, _("{text!r} is not a decimal amount").format(text=text))
    return round_fen(Decimal(text))


AMOUNT = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")

CONTRIBUTION_MONTH_MAX = "amount_max_contribution_month"
MONTHLY_WAGE_MAX = "amount_max_monthly_wage"
SETTLEMENT_MAX = "amount_max_settlement"
REIMBURSEMENT_MAX = "amount_max_reimbursement"
TRANSFER_IN_BALANCE_MAX = "amount_max_transfer_in_balance"
ACCOUNT_SPEND_MAX = "amount_max_account_spend"
"""The policy parameters bounding each kind of amount typed or imported (policy_defaults.json)."""


def amount(text: str, field: str, bound: str, policy: Policy, on: datetime.date, *, months: int = 1) -> Decimal:
    """`money` within the upper bound of its kind: the policy parameter `bound` in force on the amount's date,
    times the months a payment covers. Above it is a typing mistake (1154000 for 1154.00), not money: refused
    naming the parameter, before anything is recorded."""
    value = money(text, field)
    most = policy.decimal(bound, on) * months
    if value > most:
        if months > 1:
            raise BadInput(field, _("{text!r} is above {most}, the most policy parameter {parameter} allows on {on} "
                                    "for {months} months: amounts are yuan with fen after a decimal point (1154.00, "
                                    "not 1154000); nothing was recorded").format(
                text=text, most=most, parameter=bound, on=on, months=months))
        raise BadInput(field, _("{text!r} is above {most}, the most policy parameter {parameter} allows on {on}: "
                                "amounts are yuan with fen after a decimal point (1154.00, not 1154000); nothing was "
                                "recorded").format(text=text, most=most, parameter=bound, on=on))
    return value


def timestamp(text: str, field: str = "known-at") -> datetime.datetime:
    """An ISO 8601 moment; a date means its midnight, and no zone means Beijing time (DESIGN.md)."""
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(field, _("{text!r} is not an ISO 8601 timestamp").format(text=text)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    if not EARLIEST <= moment.date() <= LATEST:
        raise BadInput(field, _("{text!r} is outside {earliest} .. {latest}").format(text=text, earliest=EARLIEST,
                                                                                    latest=LATEST))
    return moment


def text(value: str | None, field: str, *, required: bool = True, limit: int = 200) -> str | None:
    """Free text: NFC, trimmed, bounded, present when required, and free of control, format and surrogate
    characters (Unicode Cc, Cf, Cs: they would inject terminal codes into a timeline or fake lines into the
    audit trail)."""
    if value is None and not required:
        return None
    value = unicodedata.normalize("NFC", _decodable(value or "", field)).strip()
    if not value:
        raise BadInput(field, _("must not be empty") if required else
                       _("must not be empty (leave the option out instead)"))
    hidden = next((c for c in value if unicodedata.category(c) in HIDDEN), None)
    if hidden is not None:
        raise BadInput(field, _("holds the control or format character U+{code:04X}; type the text again "
                                "without it").format(code=ord(hidden)))
    if len(value) > limit:
        raise BadInput(field, _("longer than {limit} characters").format(limit=limit))
    return value


HIDDEN = frozenset({"Cc", "Cf", "Cs"})


def _decodable(value: str, field: str) -> str:
    """Arguments that were not UTF-8 reach Python as lone surrogates (PEP 383)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(field, _("is not valid UTF-8 text")) from None
    return value


def person_name(value: str | None, field: str = "name", *, required: bool = True, limit: int = 50) -> str | None:
    """A person's (or an employer's) name: bounded text that no spreadsheet would take for a formula."""
    name = text(value, field, required=required, limit=limit)
    if name and name[0] in FORMULA:
        raise BadInput(field, _("{name!r} starts with {first!r}, which a spreadsheet reads as a formula").format(
            name=name, first=name[0]))
    return name


FORMULA = frozenset("=+-@")


def choice(value: str, field: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise BadInput(field, _("{value!r} is not one of {allowed}").format(value=value, allowed=", ".join(allowed)))
    return value


def parameter_value(text: str, field: str = "value") -> str:
    """A policy value: a non-negative decimal (a rate, an amount, a count) or a YYYY-MM-DD date."""
    try:
        number = Decimal(text)
        if number.is_finite() and number >= 0:
            return text
    except InvalidOperation:
        pass
    return date(text, field).isoformat()
