"""Validation at the edge: turn clerks' text into typed values or refuse, naming the field.

Nothing that fails here reaches the store.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal, InvalidOperation

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from ledger.core.errors import BadInput
from ledger.core.money import FEN, round_fen
from ledger.core.month import Month


def id_number(text: str, field: str = "id_number") -> str:
    """Citizen ID number (公民身份号码): 18 chars, MOD 11-2 check digit, a real birth date and place."""
    number, problem = _checked_id_number(text)
    if problem:
        raise BadInput(field, f"{text!r} is not a valid citizen ID number ({problem})")
    return number


@functools.lru_cache(maxsize=100_000)
def _checked_id_number(text: str) -> tuple[str, str | None]:
    """Remembered: a receipts file names each person a dozen times, and the place look-up is slow."""
    try:
        return ric.validate(text), None
    except ValidationError as error:
        return text, error.message


def birth_date_of(number: str) -> datetime.date:
    return ric.get_birth_date(number)


def sex_of(number: str) -> str:
    """The order code's last digit is odd for men, even for women (GB 11643)."""
    return "M" if int(number[16]) % 2 else "F"


def division_code(text: str, field: str, on: datetime.date) -> str:
    """A six-digit administrative division code (GB/T 2260) in force in the year of `on`, from stdnum's table."""
    code = text.strip()
    name = division_name(code, on.year) if len(code) == 6 and code.isdigit() else None
    if name is None:
        raise BadInput(field, f"{text!r} is not an administrative division code (GB/T 2260) in force in {on.year}")
    return code


@functools.lru_cache(maxsize=4096)
def division_name(code: str, year: int) -> str | None:
    """The division's name when `code` names one in force in `year` (stdnum keeps each code's years)."""
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
        raise BadInput(field, f"{text!r} is not a designated institution's code (H or P and 11 digits)")
    return code


def credit_code(text: str, field: str = "code") -> str:
    """Unified social credit code (统一社会信用代码), GB 32100 check character."""
    try:
        return uscc.validate(text)
    except ValidationError as error:
        raise BadInput(field, f"{text!r} is not a valid unified social credit code ({error.message})") from None


def date(text: str, field: str = "on") -> datetime.date:
    try:
        if len(text) != 10:
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise BadInput(field, f"{text!r} is not a real YYYY-MM-DD date") from None


def month(text: str, field: str = "month") -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise BadInput(field, f"{text!r} is not a YYYY-MM month") from None


def money(text: str, field: str = "amount") -> Decimal:
    """A non-negative amount in yuan with at most two decimal places (fen)."""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise BadInput(field, f"{text!r} is not a decimal amount") from None
    if not amount.is_finite() or amount < 0:
        raise BadInput(field, f"{text!r} must be a non-negative amount")
    if amount != amount.quantize(FEN):
        raise BadInput(field, f"{text!r} has more than two decimal places (fen)")
    return round_fen(amount)


def timestamp(text: str, field: str = "known_at") -> datetime.datetime:
    """An ISO 8601 moment; a date means its midnight, and no zone means UTC."""
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(field, f"{text!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def text(value: str | None, field: str, *, required: bool = True, limit: int = 200) -> str | None:
    """Free text: trimmed, bounded, and present when required."""
    value = (value or "").strip()
    if not value:
        if required:
            raise BadInput(field, "must not be empty")
        return None
    if len(value) > limit:
        raise BadInput(field, f"longer than {limit} characters")
    return value


def choice(value: str, field: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise BadInput(field, f"{value!r} is not one of {', '.join(allowed)}")
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
