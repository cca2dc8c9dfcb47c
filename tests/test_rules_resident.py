"""RES-1..RES-7, WAIT-8, WAIT-9 and REF-3 with the issue's worked examples (R5-R24), on the in-memory store."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger.core.errors import BadInput, NotFound, RuleViolation
from ledger.core.month import Month
from ledger.intake import files
from tests.builders import (
    OP,
    declare,
    outlook,
    pay,
    ref_3_r18_the_refund_and_the_cancellation_are_recorded_together,
    res_2_r9_a_widow_with_employee_insurance_is_not_flagged,
    res_2_r9_every_group_can_be_flagged_and_its_share_comes_from_policy,
    res_7_a_lapsed_year_then_a_payment_inside_the_window_still_waits_three_months,
    res_7_newborns_special_groups_and_a_person_from_employee_insurance_with_no_gap_do_not_wait,
    res_7_two_lapsed_years_before_a_window_payment_wait_four_months_and_a_year_paid_back_one_less,
)

D = datetime.date


def resident(desk, make_id, birth=D(1980, 4, 1), on=D(2021, 9, 1), documents=(), sex="M"):
    number = make_id(sex=sex, birth=birth)
    desk.register_person(id_number=number, name="田明", sex=sex, scheme="resident", on=on, hukou="宁夏固原",
                           operator=OP, documents=list(documents))
    return number


# -- RES-1 --------------------------------------------------------------------------------------

def test_res_1_a_resident_registers_by_hukou_or_residence_permit(desk, make_id):
    with pytest.raises(RuleViolation, match="RES-1: a resident registers by hukou"):
        desk.register_person(id_number=make_id(), name="田明", sex="M", scheme="resident", on=D(2024, 9, 1),
                               operator=OP)
    desk.register_person(id_number=make_id(), name="田明", sex="M", scheme="resident", on=D(2024, 9, 1),
                           operator=OP, documents=["residence-permit:银川-2024-77"])


def test_res_1_a_newborn_registers_with_the_birth_certificate(desk, make_id):
    with pytest.raises(RuleViolation, match="RES-1: a newborn registers with the birth certificate"):
        resident(desk, make_id, birth=D(2024, 5, 10), on=D(2024, 9, 1))
    resident(desk, make_id, birth=D(2024, 5, 10), on=D(2024, 9, 1), documents=["birth-certificate:Q640100-1"])


def test_res_1_students_register_through_their_school_all_or_nothing(desk, make_id):
    first, second = make_id(birth=D(2005, 3, 1)), make_id(sex="F", birth=D(2005, 7, 1))
    good = f"id_number,name,sex\n{first},马明,M\n{second},马燕,F\n".encode()
    assert desk.register_students(school="宁夏大学", rows=files.student_rows(good), on=D(2024, 9, 20), operator=OP) == 2
    assert desk.state(second, D(2024, 9, 20)).hukou == "school: 宁夏大学"
    third = make_id(birth=D(2005, 1, 1))
    again = f"id_number,name,sex\n{third},田勇,M\n{first},马明,M\n".encode()
    with pytest.raises(BadInput, match=f"row 3: {first} is already registered"):
        desk.register_students(school="宁夏大学", rows=files.student_rows(again), on=D(2024, 9, 21), operator=OP)
    with pytest.raises(NotFound, match="REG-2"):
        desk.find_person(third)
    with pytest.raises(BadInput, match="row 2: sex"):
        files.student_rows(f"id_number,name,sex\n{third},田勇,F\n".encode())


def test_res_1_r7_a_newborn_is_one_within_the_policys_enrolment_months(desk, make_id):
    desk.set_policy_parameter(name="newborn_enrolment_months", value="3", effective_from=D(1999, 1, 1),
                                on=D(2024, 8, 1), operator=OP)
    resident(desk, make_id, birth=D(2024, 4, 20), on=D(2024, 8, 21))  # four months old: no birth certificate
    with pytest.raises(RuleViolation, match="RES-1: a newborn registers with the birth certificate"):
        resident(desk, make_id, birth=D(2024, 5, 22), on=D(2024, 8, 21))


def test_con_7_res_3_every_rounding_of_money_is_half_up_to_the_fen():
    from ledger.contributions.bases import Reference, clamp_base
    from ledger.core.money import round_fen
    from ledger.core.policy import Parameter, Policy
    from ledger.resident.rules import amounts

    assert (round_fen(Decimal("0.125")), round_fen(Decimal("0.135"))) == (Decimal("0.13"), Decimal("0.14"))
    defaults = Policy.defaults()
    policy = defaults.with_published([Parameter("resident_personal_part", "380.125", D(2026, 1, 1), "t", False)], [])
    assert amounts(policy, 2026, set())[1] == Decimal("380.13")  # a bare quantize would give 380.12
    reference = Reference(2024, Decimal("103200"))
    assert clamp_base(defaults, reference, Month(2025, 3), Decimal("6000.125")) == Decimal("6000.13")


# -- RES-2, RES-3 -------------------------------------------------------------------------------

def test_res_2_res_3_a_hardship_flag_has_its_personal_part_paid_by_assistance(desk, make_id):
    poor, orphan, other = (resident(desk, make_id) for _ in range(3))
    desk.flag_hardship(id_number=poor, kind="低保", body="固原市民政局", on=D(2023, 8, 1), operator=OP)
    desk.flag_hardship(id_number=orphan, kind="孤儿", body="固原市民政局", on=D(2023, 8, 1), operator=OP)
    paid = {n: desk.pay_resident(id_number=n, year=2024, on=D(2023, 10, 8), operator=OP) for n in (poor, orphan, other)}
    assert paid[other] == (Decimal("1070.00"), Decimal("400.00"), Decimal("670.00"), Decimal("0.00"))
    assert paid[poor][3] == Decimal("200.00") and paid[orphan][3] == Decimal("400.00")
    desk.end_hardship(id_number=poor, kind="低保", on=D(2024, 8, 1), operator=OP)
    with pytest.raises(RuleViolation, match="RES-2: 低保 is not recorded"):
        desk.end_hardship(id_number=poor, kind="低保", on=D(2024, 9, 1), operator=OP)
    with pytest.raises(RuleViolation, match="RES-3: 2024 is paid already"):
        desk.pay_resident(id_number=other, year=2024, on=D(2023, 11, 8), operator=OP)


def test_res_2_r9_every_group_can_be_flagged_and_its_share_comes_from_policy(desk, make_id):
    res_2_r9_every_group_can_be_flagged_and_its_share_comes_from_policy(desk, make_id)


def test_res_2_r9_a_widow_with_employee_insurance_is_not_flagged(desk, make_id):
    res_2_r9_a_widow_with_employee_insurance_is_not_flagged(desk, make_id)


# -- WAIT-8 (R7, R15) ---------------------------------------------------------------------------

def test_wait_8_a_baby_born_in_may_and_enrolled_in_september_is_covered_at_once(desk, make_id):
    baby = resident(desk, make_id, birth=D(2024, 5, 10), on=D(2024, 9, 3), documents=["birth-certificate:1"])
    desk.pay_resident(id_number=baby, year=2024, on=D(2024, 9, 3), operator=OP)
    allowed, _ = outlook(desk, baby, D(2024, 9, 3))
    assert (allowed.pooled, allowed.scheme) == (True, "resident")
    assert "newborn" in allowed.reason


def test_wait_8_a_baby_enrolled_past_six_months_waits_for_the_next_year_paid_in_the_window(desk, make_id):
    baby = resident(desk, make_id, birth=D(2024, 5, 10), on=D(2024, 12, 1), documents=["birth-certificate:2"])
    with pytest.raises(RuleViolation, match="WAIT-8: 2024 is paid from 2023-09-01 to 2023-12-31"):
        desk.pay_resident(id_number=baby, year=2024, on=D(2024, 12, 1), operator=OP)
    desk.pay_resident(id_number=baby, year=2025, on=D(2024, 12, 1), operator=OP)
    december, _ = outlook(desk, baby, D(2024, 12, 15))
    assert (december.pooled, december.pooled_from) == (False, D(2025, 1, 1))
    assert outlook(desk, baby, D(2025, 1, 1))[0].pooled is True


def test_wait_8_a_baby_born_in_november_pays_for_the_next_year_within_six_months_and_is_covered_at_once(
        desk, make_id):
    baby = resident(desk, make_id, birth=D(2024, 11, 20), on=D(2025, 2, 3), documents=["birth-certificate:3"])
    desk.pay_resident(id_number=baby, year=2025, on=D(2025, 2, 3), operator=OP)
    allowed, _ = outlook(desk, baby, D(2025, 2, 3))
    assert allowed.pooled and "newborn" in allowed.reason  # exempt from RES-7's wait


def test_wait_8_an_adult_paying_for_2024_in_march_2024_is_refused(desk, make_id):
    adult = resident(desk, make_id)
    with pytest.raises(RuleViolation, match="WAIT-8: .* 2024-03-15 is outside the window"):
        desk.pay_resident(id_number=adult, year=2024, on=D(2024, 3, 15), operator=OP)


# -- RES-7 --------------------------------------------------------------------------------------

def test_res_7_from_2025_late_enrolment_waits_three_months_and_one_more_per_further_lapsed_year(desk, make_id):
    new, lapsed = resident(desk, make_id), resident(desk, make_id)
    desk.pay_resident(id_number=new, year=2025, on=D(2025, 3, 10), operator=OP)
    assert outlook(desk, new, D(2025, 6, 9))[0].pooled is False
    june, _ = outlook(desk, new, D(2025, 6, 10))
    assert (june.pooled, june.reason) == (True, "RES-7: enrolled late on 2025-03-10, 3 months' wait")
    desk.pay_resident(id_number=lapsed, year=2022, on=D(2021, 10, 1), operator=OP)  # then 2023, 2024 lapsed
    desk.pay_resident(id_number=lapsed, year=2025, on=D(2025, 3, 10), operator=OP)
    assert outlook(desk, lapsed, D(2025, 7, 10))[0].pooled_from == D(2025, 7, 10)  # 3 + 1 months


def test_res_7_paying_back_a_lapsed_year_removes_a_month_of_the_wait_but_covers_nothing(desk, make_id):
    lapsed = resident(desk, make_id)
    desk.pay_resident(id_number=lapsed, year=2022, on=D(2021, 10, 1), operator=OP)  # 2023 and 2024 lapse
    with pytest.raises(RuleViolation, match="RES-7: only a lapsed past year is paid back"):
        desk.pay_resident(id_number=lapsed, year=2025, on=D(2025, 3, 1), operator=OP, back_pay=True)
    desk.pay_resident(id_number=lapsed, year=2024, on=D(2025, 3, 1), operator=OP, back_pay=True)
    desk.pay_resident(id_number=lapsed, year=2025, on=D(2025, 3, 10), operator=OP)
    assert outlook(desk, lapsed, D(2025, 6, 10))[0].reason == "RES-7: enrolled late on 2025-03-10, 3 months' wait"
    assert outlook(desk, lapsed, D(2024, 6, 10))[0].pooled is False  # the back-paid year covers nothing


def test_res_7_a_lapse_of_four_years_waits_at_least_six_months_and_special_groups_not_at_all(desk, make_id):
    from types import SimpleNamespace

    from ledger.resident.rules import waiting_months

    actual, back = SimpleNamespace(back_paid=False), SimpleNamespace(back_paid=True)
    assert waiting_months(desk.policy, {2020: actual}, 2025, D(2025, 3, 1)) == 6
    assert waiting_months(desk.policy, {2020: actual, 2022: back, 2023: back}, 2025, D(2025, 3, 1)) == 6
    assert waiting_months(desk.policy, {2024: actual}, 2025, D(2025, 3, 1)) == 3
    poor = resident(desk, make_id)
    desk.flag_hardship(id_number=poor, kind="特困", body="民政", on=D(2025, 1, 1), operator=OP)
    desk.pay_resident(id_number=poor, year=2025, on=D(2025, 3, 10), operator=OP)
    allowed, _ = outlook(desk, poor, D(2025, 3, 10))
    assert allowed.pooled and allowed.reason.startswith("RES-7: special group")


def test_res_7_a_lapsed_year_then_a_payment_inside_the_window_still_waits_three_months(desk, make_id):
    res_7_a_lapsed_year_then_a_payment_inside_the_window_still_waits_three_months(desk, make_id)


def test_res_7_two_lapsed_years_before_a_window_payment_wait_four_months_and_a_year_paid_back_one_less(
        desk, make_id):
    res_7_two_lapsed_years_before_a_window_payment_wait_four_months_and_a_year_paid_back_one_less(desk, make_id)


def test_res_7_newborns_special_groups_and_a_person_from_employee_insurance_with_no_gap_do_not_wait(desk, make_id):
    res_7_newborns_special_groups_and_a_person_from_employee_insurance_with_no_gap_do_not_wait(desk, make_id)


# -- RES-4 --------------------------------------------------------------------------------------

def test_res_4_residents_are_classified_registered_paid_or_unpaid_with_a_reason(desk, make_id):
    from projections.residents import classify

    paid, interrupted, dead = (resident(desk, make_id) for _ in range(3))
    for number in (paid, interrupted, dead):
        desk.pay_resident(id_number=number, year=2024, on=D(2023, 10, 1), operator=OP)
    desk.pay_resident(id_number=paid, year=2025, on=D(2024, 10, 1), operator=OP)
    desk.cancel_person(id_number=dead, reason="death", on=D(2024, 8, 1), operator=OP,
                         documents=["death-certificate:死亡证明-8"])
    classes = {n: classify(desk.view(n), 2025) for n in (paid, interrupted, dead)}
    assert [(c["status"], c["reason"], c["registered"]) for c in classes.values()] == [
        ("paid", None, True), ("unpaid", "interrupted", True), ("unpaid", "dead", False)]


# -- RES-5, RES-6 -------------------------------------------------------------------------------

def test_res_5_a_primary_care_change_on_15_june_takes_effect_1_july_and_on_15_july_is_refused(desk, make_id):
    from ledger.resident.rules import facilities_on

    number = resident(desk, make_id)
    assert desk.sign_facility(id_number=number, kind="primary", facilities=[("原州区卫生院", "primary")],
                                on=D(2024, 2, 1), operator=OP) == D(2024, 2, 1)
    assert desk.sign_facility(id_number=number, kind="primary", facilities=[("兴庆区社区卫生服务中心", "primary")],
                                on=D(2024, 6, 15), operator=OP) == D(2024, 7, 1)
    with pytest.raises(RuleViolation, match="RES-5: .* only in June or December"):
        desk.sign_facility(id_number=number, kind="primary", facilities=[("x", "primary")], on=D(2024, 7, 15),
                             operator=OP)
    view = desk.view(number)
    assert facilities_on(view, D(2024, 6, 30))["primary"] == "原州区卫生院 (primary)"
    assert facilities_on(view, D(2024, 7, 1))["primary"] == "兴庆区社区卫生服务中心 (primary)"


def test_res_6_three_chronic_facilities_changed_in_q2_or_q4_from_the_next_quarter(desk, make_id):
    number = resident(desk, make_id)
    three = [("宁夏人民医院", "III"), ("固原市人民医院", "II"), ("原州区卫生院", "primary")]
    with pytest.raises(RuleViolation, match="RES-6: chronic outpatient needs three facilities"):
        desk.sign_facility(id_number=number, kind="chronic", facilities=three[:2] + [("x", "II")],
                             on=D(2024, 1, 10), operator=OP)
    desk.sign_facility(id_number=number, kind="chronic", facilities=three, on=D(2024, 1, 10), operator=OP)
    assert desk.sign_facility(id_number=number, kind="chronic", facilities=three, on=D(2024, 5, 20),
                                operator=OP) == D(2024, 7, 1)
    with pytest.raises(RuleViolation, match="RES-6: .* only in Q2 or Q4"):
        desk.sign_facility(id_number=number, kind="chronic", facilities=three, on=D(2024, 8, 1), operator=OP)


# -- WAIT-9, REF-3 ------------------------------------------------------------------------------

def test_wait_9_a_resident_who_takes_a_job_in_march_keeps_resident_cover_until_employee_benefits(desk, make_code,
                                                                                                make_id):
    code = make_code()
    desk.register_employer(code=code, name="宁夏塞上建材有限公司", unit_type="enterprise", on=D(2023, 6, 1),
                             operator=OP)
    number = resident(desk, make_id)
    desk.pay_resident(id_number=number, year=2024, on=D(2023, 10, 1), operator=OP)
    desk.switch_scheme(id_number=number, scheme="employee", on=D(2024, 3, 1), operator=OP)
    desk.hire(code=code, id_number=number, month=Month(2024, 3), declared_on=D(2024, 2, 20), operator=OP)
    declare(desk, code, 2024, {number: "6000"}, on=D(2024, 2, 25))
    for month in (3, 4):
        desk.assess_month(month=Month(2024, month), operator=OP)
    pay(desk, number, "2024-03", on=D(2024, 3, 10))
    march, _ = outlook(desk, number, D(2024, 3, 20))
    assert (march.account, march.pooled, march.scheme) == (True, True, "resident")
    assert march.reason.startswith("WAIT-9: resident benefits apply while WAIT-1")
    april, _ = outlook(desk, number, D(2024, 4, 2))
    assert (april.pooled, april.scheme) == (True, "employee")
    assert april.reason.endswith("WAIT-9: employee benefits first")


def test_ref_3_a_paid_next_year_is_refunded_in_full_before_it_starts_and_not_after(desk, make_id):
    leaving, staying = resident(desk, make_id), resident(desk, make_id)
    for number in (leaving, staying):
        desk.pay_resident(id_number=number, year=2025, on=D(2024, 10, 1), operator=OP)
    assert desk.request_refund(id_number=leaving, reason="abroad", on=D(2024, 12, 20), operator=OP,
                                 documents=["settled-abroad:定居证明-3"]) == (
        2025, [], Decimal("400.00"))  # the personal part paid; the fiscal subsidy stays with the fund
    assert outlook(desk, leaving, D(2025, 2, 1))[0].pooled is False
    with pytest.raises(RuleViolation, match="REF-3: the benefit year 2025 started on 2025-01-01"):
        desk.request_refund(id_number=staying, reason="to-employee", on=D(2025, 1, 5), operator=OP)


def test_ref_3_r18_the_refund_and_the_cancellation_are_recorded_together(desk, make_id):
    ref_3_r18_the_refund_and_the_cancellation_are_recorded_together(desk, make_id)


def test_res_7_a_payment_for_2025_made_in_the_autumn_2024_window_after_a_lapse_waits_by_2025s_rule(desk, make_id):
    number = resident(desk, make_id)
    desk.pay_resident(id_number=number, year=2023, on=D(2022, 10, 1), operator=OP)  # 2024 lapses
    desk.pay_resident(id_number=number, year=2025, on=D(2024, 10, 10), operator=OP)  # the 2025 rule's first window
    january, _ = outlook(desk, number, D(2025, 1, 2))
    assert (january.pooled, january.pooled_from) == (False, D(2025, 4, 1))
    assert january.reason == "RES-7: enrolled after 1 lapsed years, 3 months' wait"
