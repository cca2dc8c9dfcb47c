"""Validation at the edge: every malformed value is refused naming its field."""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.synthetic import credit_code, id_number
from ledger.core.errors import BadInput
from ledger.core.month import Month
from ledger.intake import validation


def test_reg_2_a_citizen_id_number_with_a_wrong_check_digit_is_refused():
    assert validation.id_number("640102199001011237") == "640102199001011237"
    with pytest.raises(BadInput, match="^id_number: .*check digit"):
        validation.id_number("640102199001011236")


@pytest.mark.parametrize("text", ["64010219900101123", "640102199002301234", "64010219900101123A", "",
                                  "110001200001010007"])  # a place python-stdnum lists without a county
def test_reg_2_malformed_id_numbers_are_refused(text):
    with pytest.raises(BadInput, match="^id: "):
        validation.id_number(text, "id")


@given(st.text("0123456789", min_size=6, max_size=6), st.dates(datetime.date(1890, 1, 1)),
       st.text("0123456789", min_size=3, max_size=3), st.sampled_from(["", "0", "X"]), st.sampled_from(
           ["right", "wrong", "month 13", "short", "long"]))
def test_reg_2_a_number_looked_up_is_refused_for_all_python_stdnum_refuses_but_its_place(
        place, birth, order, extra, fault):
    """`known_id_number` (the queries' check) says what stdnum's ric says, the table of places apart."""
    from stdnum.cn import ric
    from stdnum.exceptions import InvalidComponent, ValidationError

    body = place + (birth.strftime("%Y%m%d") if fault != "month 13" else f"{birth.year:04d}13{birth.day:02d}") + order
    check = ric.calc_check_digit(body + "0")
    text = body + (check if fault != "wrong" else "X0"[check == "X"] if check != "0" else "1")
    text = {"short": text[:-1], "long": text + extra + "1"}.get(fault, text)
    try:
        ric.validate(text)
        expected = None
    except ValidationError as error:
        expected = error
    except KeyError:  # stdnum's table lists some places without a county
        expected = InvalidComponent()
    if fault == "right":
        assert expected is None or isinstance(expected, InvalidComponent)
        with pytest.raises(BadInput, match="^id_number: .*parts") if expected else contextlib.nullcontext():
            validation.id_number(text)
    try:
        assert validation.known_id_number(text) == text
    except BadInput as refused:
        assert expected is not None and str(refused).startswith("IDNO: ")
    else:
        place_only = isinstance(expected, InvalidComponent) and ric.get_birth_date(text)
        assert expected is None or place_only


def test_reg_2_a_lookup_refuses_a_wrong_check_digit_naming_the_argument():
    assert validation.known_id_number("640102199001011237") == "640102199001011237"
    with pytest.raises(BadInput, match="^IDNO: .*check digit"):
        validation.known_id_number("640102199001011236")
    with pytest.raises(BadInput, match="^IDNO: .*length"):
        validation.known_id_number("64010219900101123")


def test_reg_2_the_order_code_tells_the_sex():
    assert validation.sex_of("640102199001011237") == "M"


def test_reg_1_a_credit_code_with_a_wrong_check_character_is_refused():
    assert validation.credit_code("91640100MA76A1B2CR") == "91640100MA76A1B2CR"
    with pytest.raises(BadInput, match="^code: "):
        validation.credit_code("91640100MA76A1B2C3")


@pytest.mark.parametrize("text", ["2024-02-30", "2024-2-1", "yesterday", "2024-02-01T00:00"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(BadInput, match="^on: "):
        validation.date(text)


@pytest.mark.parametrize("text", ["-0.01", "1.001", "abc", "NaN", "Infinity"])
def test_bad_amounts_are_refused(text):
    with pytest.raises(BadInput, match="^amount: "):
        validation.money(text)


def test_amounts_are_decimal_to_the_fen():
    assert validation.money("12.5") == Decimal("12.50")


@pytest.mark.parametrize("text", ["2024-13", "2024-1", "24-01", "2024/01"])
def test_bad_months_are_refused(text):
    with pytest.raises(BadInput, match="^month: "):
        validation.month(text)


def test_a_known_at_without_a_zone_is_beijing_time():
    moment = validation.timestamp("2024-03-01T08:00")
    assert moment.utcoffset() == datetime.timedelta(hours=8)
    assert moment == datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc)
    assert validation.timestamp("2024-03-01T08:00Z").utcoffset() == datetime.timedelta(0)


@given(st.integers(0, 10**6), st.dates(datetime.date(1950, 1, 1), datetime.date(2020, 12, 31)), st.sampled_from("MF"))
def test_synthetic_id_numbers_are_valid_and_agree_with_birth_and_sex(seed, birth, sex):
    import random
    number = id_number(random.Random(seed), birth, sex)
    assert validation.id_number(number) == number
    assert (validation.birth_date_of(number), validation.sex_of(number)) == (birth, sex)


@given(st.integers(0, 10**6))
def test_synthetic_credit_codes_are_valid(seed):
    import random
    code = credit_code(random.Random(seed))
    assert validation.credit_code(code) == code


@given(st.integers(2000, 2100), st.integers(1, 12), st.integers(-400, 400))
def test_month_arithmetic_agrees_with_counting(year, number, months):
    month = Month(year, number)
    assert (month + months) - months == month
    assert Month.parse(str(month)) == month
    later = month + months
    assert (later.year * 12 + later.number) - (year * 12 + number) == months
