"""The national standards (issue 16): the code tables as data, and the one mapping of the ledger's facts to them,
a rule test for each mapping, named after the rule it follows where it has one."""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.core.month import Month
from ledger.core.policy import PolicyGap
from ledger.intake import files
from ledger.standards import mapping
from ledger.standards.codes import code_book
from tests.builders import OP, employer, flexible, resident_person

D = datetime.date
TABLES = Path(mapping.__file__).parent / "tables"


def rows(desk, number, on):
    """(insutype, psn_type, psn_insu_stas, psn_clct_stas) of each insurance held on `on`."""
    return [(r.insutype, r.psn_type, r.psn_insu_stas, r.psn_clct_stas)
            for r in mapping.insurances(desk.view(number), on)]


def row(desk, number, on, insutype):
    return next(r for r in mapping.insurances(desk.view(number), on) if r.insutype == insutype)


def employee(desk, make_id, make_code, on=D(2024, 1, 1), **person):
    code = employer(desk, make_code(), on=D(2023, 12, 1))
    number = make_id(**person)
    desk.register_person(id_number=number, name="马明", sex=person.get("sex", "M"), scheme="employee", on=on,
                         employer=code, operator=OP)
    return code, number


# -- the code tables ----------------------------------------------------------------------------------------------

def test_every_table_is_a_data_file_naming_its_sources_its_date_and_codes_that_fit_its_length():
    book = code_book()
    assert {p.stem for p in TABLES.glob("*.json")} == set(book.names()) >= {
        "insutype", "psn_type", "psn_insu_stas", "psn_clct_stas", "psn_cert_type", "gend", "naty", "admdvs",
        "psn_idet_type"}
    for name in book.names():
        table = book[name]
        assert table.sources and table.effective_from == D(1999, 1, 1) and table.codes, name
        assert all(len(code.code) <= table.length for code in table.codes), name
        assert json.loads((TABLES / f"{name}.json").read_text("utf-8"))["table"] == name


def test_the_codes_agree_with_the_references_at_hand():
    book, on = code_book(), D(2024, 6, 1)
    assert [c.code for c in book["insutype"].on(on)] == [
        "310", "320", "330", "340", "350", "360", "370", "380", "390", "391", "392", "399", "410", "510"]
    assert book["psn_type"].name_of("1103", on) == "灵活就业人员在职"
    assert book["psn_type"].name_of("16", on) == "居民（老年）"
    assert [(c.code, c.name) for c in book["psn_insu_stas"].on(on)] == [
        ("0", "未参保"), ("1", "正常参保"), ("2", "暂停参保"), ("3", "无效参保"), ("4", "终止参保")]
    assert [c.code for c in book["psn_clct_stas"].on(on)] == ["1", "2", "3"]
    assert [c.code for c in book["psn_cert_type"].on(on)] == [
        "01", "04", "05", "06", "07", "08", "16", "17", "90", "99"]
    assert book["naty"].name_of("03", on) == "回族" and len(book["naty"].on(on)) == 57


def test_what_could_not_be_confirmed_is_flagged_provisional_and_the_ledgers_own_codes_local():
    book, on = code_book(), D(2024, 6, 1)
    assert {c.code for c in book["insutype"].on(on) if c.provisional} == {"392", "510"}
    assert book["psn_idet_type"].provisional and all(c.provisional and c.local for c in book["psn_idet_type"].codes)
    assert book["naty"].provisional  # that the platform uses GB 3304 is unconfirmed
    assert not book["insutype"].provisional and not book["psn_insu_stas"].provisional


def test_division_codes_are_read_from_gb_t_2260_each_in_force_over_its_years():
    admdvs = code_book()["admdvs"]
    assert admdvs.name_of("640000", D(2024, 1, 1)) == "宁夏回族自治区"
    assert admdvs.get("640104", D(2001, 6, 1)) is None and admdvs.name_of("640104", D(2002, 6, 1)) == "兴庆区"
    assert admdvs.name_of("640203", D(2003, 6, 1)) == "石嘴山区" and admdvs.get("640203", D(2004, 1, 1)) is None
    assert admdvs.name_of("640522", D(2024, 1, 1)) == "海原县"
    assert all(c.code.startswith("64") for c in admdvs.codes)


def test_a_code_given_an_until_date_is_no_longer_reported_from_that_date(desk, make_id, make_code):
    _, number = employee(desk, make_id, make_code)
    insutype = code_book()["insutype"]
    ended = dataclasses.replace(insutype, codes=tuple(
        dataclasses.replace(c, until=D(2025, 1, 1)) if c.code == "510" else c for c in insutype.codes))
    book = code_book().with_table(ended)
    assert [r.insutype for r in mapping.insurances(desk.view(number), D(2024, 12, 31), book)] == ["310", "510"]
    assert [r.insutype for r in mapping.insurances(desk.view(number), D(2025, 1, 1), book)] == ["310"]


def test_a_code_the_mapping_gives_that_its_table_lacks_is_a_policy_gap(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    psn_type = code_book()["psn_type"]
    book = code_book().with_table(dataclasses.replace(psn_type, codes=tuple(
        c for c in psn_type.codes if c.code != "1103")))
    with pytest.raises(PolicyGap, match="P: code 1103 of table psn_type"):
        mapping.insurances(desk.view(number), D(2024, 6, 1), book)


# -- schemes to insurances (REG-2, REG-6, RET-1, RES-1, RES-3, RES-4) ------------------------------------------------

def test_reg_6_an_employee_holds_310_as_1101_with_maternity_510_beside_it(desk, make_id, make_code):
    code, number = employee(desk, make_id, make_code, on=D(2024, 3, 1))
    assert rows(desk, number, D(2024, 6, 1)) == [("310", "1101", "1", "1"), ("510", "1101", "1", "1")]
    insured = row(desk, number, D(2024, 6, 1), "310")
    assert (insured.psn_insu_date, insured.paus_insu_date, insured.employer) == (D(2024, 3, 1), None, code)
    assert insured.account and not row(desk, number, D(2024, 6, 1), "510").account
    assert insured.cvlserv_flag == "0"


def test_reg_2_a_person_not_yet_registered_holds_no_insurance(desk, make_id, make_code):
    _, number = employee(desk, make_id, make_code, on=D(2024, 3, 1))
    assert rows(desk, number, D(2024, 2, 29)) == []


def test_reg_6_a_flexible_person_holds_310_as_1103_and_no_maternity(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    assert rows(desk, number, D(2024, 6, 1)) == [("310", "1103", "1", "1")]
    assert row(desk, number, D(2024, 6, 1), "310").employer is None


def test_wait_4_an_interrupted_flexible_person_is_paused_from_the_first_unpaid_month_until_resuming(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    desk.interrupt(id_number=number, month=Month(2024, 5), operator=OP)
    assert rows(desk, number, D(2024, 4, 30)) == [("310", "1103", "1", "1")]
    assert rows(desk, number, D(2024, 5, 1)) == [("310", "1103", "2", "2")]
    assert row(desk, number, D(2024, 6, 1), "310").paus_insu_date == D(2024, 5, 1)
    desk.resume(id_number=number, on=D(2024, 8, 1), operator=OP)
    paying = row(desk, number, D(2024, 8, 1), "310")
    assert (paying.psn_insu_stas, paying.psn_clct_stas, paying.paus_insu_date) == ("1", "1", None)
    assert paying.psn_insu_date == D(2024, 3, 10)  # still the same run of registration


def test_ret_1_a_retired_employee_holds_310_as_1201_paying_while_short_and_maternity_ends(desk, make_id, make_code):
    _, number = employee(desk, make_id, make_code, on=D(2024, 1, 1))
    assert desk.retire(id_number=number, on=D(2024, 7, 1), operator=OP) > 0  # months short of the minimum
    assert rows(desk, number, D(2024, 8, 1)) == [("310", "1201", "1", "1"), ("510", "1101", "4", "3")]
    assert row(desk, number, D(2024, 8, 1), "510").paus_insu_date == D(2024, 7, 1)
    assert row(desk, number, D(2024, 8, 1), "310").psn_insu_date == D(2024, 1, 1)


def test_ret_1_a_flexible_person_retired_with_enough_months_is_1203_and_pays_no_more(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 1, 5))
    desk.transfer_in(id_number=number, from_region="610100", months=300, balance=Decimal("100.00"),
                     on=D(2024, 1, 6), operator=OP)
    assert desk.retire(id_number=number, on=D(2024, 7, 1), operator=OP) == 0
    assert rows(desk, number, D(2024, 9, 1)) == [("310", "1203", "1", "3")]


def test_res_3_a_resident_who_paid_the_year_holds_390_and_392_normally(desk, make_id):
    number = resident_person(desk, make_id, birth=D(1980, 4, 1), on=D(2023, 9, 1))
    desk.pay_resident(id_number=number, year=2024, on=D(2023, 10, 8), operator=OP)
    assert rows(desk, number, D(2024, 6, 1)) == [("390", "1501", "1", "1"), ("392", "1501", "1", "1")]
    assert not row(desk, number, D(2024, 6, 1), "390").account


def test_res_4_a_resident_whose_year_is_unpaid_is_paused_from_its_first_day(desk, make_id):
    number = resident_person(desk, make_id, birth=D(1980, 4, 1), on=D(2023, 9, 1))
    desk.pay_resident(id_number=number, year=2024, on=D(2023, 10, 8), operator=OP)
    assert rows(desk, number, D(2025, 3, 1)) == [("390", "1501", "2", "2"), ("392", "1501", "2", "2")]
    assert row(desk, number, D(2025, 3, 1), "390").paus_insu_date == D(2025, 1, 1)
    assert row(desk, number, D(2023, 10, 1), "390").paus_insu_date == D(2023, 9, 1)  # registered that year


def test_res_1_residents_are_classed_by_age(desk, make_id):
    ages = {D(2021, 3, 1): "1402", D(2012, 3, 1): "1403", D(1980, 3, 1): "1501", D(1960, 3, 1): "16"}
    for birth, psn_type in ages.items():
        number = resident_person(desk, make_id, birth=birth, on=D(2023, 9, 1))
        assert row(desk, number, D(2024, 6, 1), "390").psn_type == psn_type, birth
    number = resident_person(desk, make_id, birth=D(1964, 8, 1), on=D(2023, 9, 1))
    assert row(desk, number, D(2024, 7, 31), "390").psn_type == "1501"
    assert row(desk, number, D(2024, 8, 1), "390").psn_type == "16"  # sixty full years on the birthday


def test_res_1_a_newborn_enrolled_as_one_is_1401_in_its_first_year(desk, make_id):
    baby = resident_person(desk, make_id, birth=D(2024, 5, 10), on=D(2024, 9, 3), documents=["birth-certificate:1"])
    desk.pay_resident(id_number=baby, year=2024, on=D(2024, 9, 3), operator=OP)
    assert row(desk, baby, D(2024, 10, 1), "390").psn_type == "1401"
    assert row(desk, baby, D(2025, 6, 1), "390").psn_type == "1402"


def test_res_1_students_registered_through_their_school_are_1403_under_eighteen_and_1404_from_then(desk, make_id):
    pupil, undergraduate = make_id(birth=D(2010, 3, 1)), make_id(birth=D(2005, 3, 1))
    data = f"id_number,name,sex\n{pupil},田勇,M\n{undergraduate},田明,M\n".encode()
    desk.register_students(school="宁夏大学", rows=files.student_rows(data), on=D(2024, 9, 20), operator=OP)
    assert row(desk, pupil, D(2024, 10, 1), "390").psn_type == "1403"
    assert row(desk, undergraduate, D(2024, 10, 1), "390").psn_type == "1404"


# -- endings (REG-5, TRF-1, a switch of scheme) ----------------------------------------------------------------------

def test_reg_5_a_cancelled_persons_insurances_end_terminated_on_the_cancellation_day(desk, make_id, make_code):
    _, number = employee(desk, make_id, make_code, on=D(2024, 1, 1))
    desk.cancel_person(id_number=number, reason="abroad", on=D(2024, 6, 10), operator=OP,
                       documents=["settled-abroad:证明-1"])
    assert rows(desk, number, D(2024, 6, 9)) == [("310", "1101", "1", "1"), ("510", "1101", "1", "1")]
    assert rows(desk, number, D(2024, 7, 1)) == [("310", "1101", "4", "3"), ("510", "1101", "4", "3")]
    ended = row(desk, number, D(2024, 7, 1), "310")
    assert (ended.psn_insu_date, ended.paus_insu_date) == (D(2024, 1, 1), D(2024, 6, 10))


def test_reg_3_a_switch_of_scheme_ends_one_insurance_and_starts_another(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 1, 5))
    desk.switch_scheme(id_number=number, scheme="resident", on=D(2024, 9, 1), operator=OP)
    assert rows(desk, number, D(2024, 10, 1)) == [("310", "1103", "4", "3"), ("390", "1501", "2", "2"),
                                                  ("392", "1501", "2", "2")]
    assert row(desk, number, D(2024, 10, 1), "310").paus_insu_date == D(2024, 9, 1)
    assert row(desk, number, D(2024, 10, 1), "390").psn_insu_date == D(2024, 9, 1)


def test_trf_1_the_recorded_insured_area_is_insuplc_admdvs_and_the_region_until_one_is(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 1, 5))
    assert row(desk, number, D(2024, 3, 1), "310").insuplc_admdvs == "640000"
    desk.change_person(id_number=number, changes={"area": "640402"}, on=D(2024, 4, 1), operator=OP)
    assert row(desk, number, D(2024, 3, 31), "310").insuplc_admdvs == "640000"
    assert row(desk, number, D(2024, 4, 1), "310").insuplc_admdvs == "640402"


# -- hardship groups (RES-2) and the person's own codes -------------------------------------------------------------

def test_res_2_hardship_groups_become_idetinfo_rows_with_their_periods(desk, make_id):
    number = resident_person(desk, make_id)
    desk.flag_hardship(id_number=number, kind="低保", body="固原市民政局", on=D(2023, 8, 1), operator=OP)
    desk.flag_hardship(id_number=number, kind="重残", body="固原市残联", on=D(2024, 2, 1), operator=OP)
    desk.end_hardship(id_number=number, kind="低保", on=D(2024, 8, 1), operator=OP)
    assert [(i.psn_idet_type, i.memo, i.begins, i.ends) for i in mapping.identities(desk.view(number), D(2024, 3, 1))] \
        == [("909", "固原市民政局", D(2023, 8, 1), None), ("902", "固原市残联", D(2024, 2, 1), None)]
    assert [(i.psn_idet_type, i.ends) for i in mapping.identities(desk.view(number), D(2024, 9, 1))] \
        == [("909", D(2024, 8, 1)), ("902", None)]
    assert mapping.identities(desk.view(number), D(2023, 7, 31)) == []


def test_the_person_is_identified_by_citizen_id_01_with_sex_and_full_years(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 1, 5), sex="F")
    who = mapping.person(desk.view(number), D(2024, 6, 1))
    assert (who.psn_cert_type, who.certno, who.gend, who.brdy, who.age) == ("01", number, "2", D(1990, 1, 1), 34)
