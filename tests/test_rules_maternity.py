"""MAT-1..MAT-5, REF-1 and REF-2 with the issue's worked examples (E46-E51, E54, E55), on the in-memory store."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger.core.errors import RuleViolation
from ledger.core.month import Month
from tests.builders import (
    ALLOWANCE_DOCUMENTS,
    OP,
    declare,
    flexible,
    mat_3_a_reversed_allowance_no_longer_blocks_a_claim_for_its_leave,
    mat_3_e48_one_delivery_gives_one_allowance_an_overlapping_leave_is_refused,
    mat_3_e48_the_allowance_is_a_womans_and_the_subsidies_a_mans,
    mat_4_e49_an_emergency_delivery_at_a_non_designated_hospital_needs_the_bill_list_and_record,
    mat_4_e50_a_delivery_elsewhere_in_ningxia_without_signing_pays_half_the_package,
    mat_4_mat_5_e47_below_the_minimum_months_the_delivery_is_still_paid_only_the_allowance_is_not,
    mother_and_colleague,
    outlook,
    pay,
    pay_months,
)

D = datetime.date


def test_mat_2_mat_5_fourteen_continuous_months_pay_the_allowance_from_the_employers_bases(desk, make_code,
                                                                                          make_id):
    _, mother, _ = mother_and_colleague(desk, make_code, make_id)
    claim, average = desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2025, 2, 10),
                                            on=D(2025, 3, 1), operator=OP, documents=ALLOWANCE_DOCUMENTS)
    # the employer's previous calendar year, 2024: bases 6000 and 9000, average 7500; 7500 / 30 x 158 days
    assert claim.payments == [("allowance", Decimal("39500.00"), "2025-02-10+158d")]
    assert str(average) == "2024-01..2024-12 (24 person-months)"
    claimed = next(e for e in desk.person_history(mother) if type(e).__name__ == "MaternityClaimed")
    assert (claimed.continuous_months, claimed.average_base, claimed.leave_days) == (14, Decimal("7500.00"), 158)
    assert claimed.averaged == "2024-01..2024-12 (24 person-months)"


def test_mat_5_e47_the_allowance_averages_the_employers_previous_calendar_year_by_default(desk, make_code,
                                                                                         make_id):
    code, mother, colleague = mother_and_colleague(desk, make_code, make_id)
    # the colleague's base for 2025 is higher: the previous year (2024) is what counts, not the months to the birth
    newcomer = make_id()
    desk.register_person(id_number=newcomer, name="马强", sex="M", scheme="employee", on=D(2025, 1, 2),
                           employer=code, operator=OP)
    declare(desk, code, 2025, {newcomer: "24000"}, on=D(2025, 1, 6))
    desk.assess_month(month=Month(2025, 1), employer_code=code, operator=OP)
    claim, average = desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2025, 2, 10),
                                            on=D(2025, 3, 1), operator=OP, documents=ALLOWANCE_DOCUMENTS)
    assert (average.amount, str(average.first), str(average.last)) == (Decimal("7500.00"), "2024-01", "2024-12")
    desk.set_policy_parameter(name="maternity_average_period", value="12-months-to-birth",
                                effective_from=D(1999, 1, 1), on=D(2025, 3, 2), operator=OP)
    from ledger.contributions.staffing import staff_months
    from ledger.maternity.rules import employer_average_base

    twelve = employer_average_base(desk.policy, staff_months(desk.unit_of_work(), code), code, D(2025, 2, 10))
    # 2024-03..2025-02: 24 months of 6000 and 9000, and the newcomer's January at the ceiling
    assert (str(twelve.first), str(twelve.last), twelve.person_months) == ("2024-03", "2025-02", 25)
    assert twelve.amount > Decimal("7500.00")


def test_mat_5_an_employer_without_a_previous_year_averages_the_months_it_has(desk, make_code, make_id):
    from ledger.contributions.months import PersonMonth
    from ledger.maternity.rules import employer_average_base

    def month(text, base):
        return PersonMonth(month=Month.parse(text), scheme="employee", employer="X", base=Decimal(base),
                           employer_part=Decimal(0), personal_part=Decimal(0), total=Decimal(0), basis="declared",
                           reference_year=2024, notice="n", due_on=D(2025, 1, 31))

    average = employer_average_base(desk.policy, [month("2025-01", "5000"), month("2025-02", "7000")], "X",
                                    D(2025, 2, 10))
    assert (average.amount, str(average)) == (Decimal("6000.00"), "2025-01..2025-02 (2 person-months)")


def test_mat_5_a_run_broken_nine_months_before_the_birth_is_refused_with_the_count(desk, make_code, make_id):
    _, mother, _ = mother_and_colleague(desk, make_code, make_id, skip=("2024-05",))
    with pytest.raises(RuleViolation, match="MAT-5: 9 continuous months, 12 required"):
        desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2025, 2, 10), on=D(2025, 3, 1),
                               operator=OP, documents=ALLOWANCE_DOCUMENTS)
    assert not [e for e in desk.person_history(mother) if type(e).__name__ == "MaternityClaimed"]


def test_mat_3_a_mans_nursing_subsidy_needs_his_spouses_discharge_record(desk, make_code, make_id):
    _, _, colleague = mother_and_colleague(desk, make_code, make_id)
    with pytest.raises(RuleViolation, match="MAT-3: a nursing-subsidy claim needs spouse-discharge-record"):
        desk.claim_maternity(id_number=colleague, kind="nursing-subsidy", birth=D(2025, 2, 10), on=D(2025, 3, 1),
                               operator=OP, documents={"form": "申报表-2", "card": "社保卡"})
    claim, _ = desk.claim_maternity(id_number=colleague, kind="nursing-subsidy", birth=D(2025, 2, 10),
                                      on=D(2025, 3, 1), operator=OP,
                                      documents={"form": "申报表-2", "card": "社保卡", "spouse-discharge-record": "出院-9"})
    assert claim.payments == [("nursing-subsidy", Decimal("6250.00"), "2025-02-10+25d")]  # 7500 / 30 x 25


def test_mat_3_e48_the_allowance_is_a_womans_and_the_subsidies_a_mans(desk, make_code, make_id):
    mat_3_e48_the_allowance_is_a_womans_and_the_subsidies_a_mans(desk, make_code, make_id)


def test_mat_3_e48_one_delivery_gives_one_allowance_an_overlapping_leave_is_refused(desk, make_code, make_id):
    mat_3_e48_one_delivery_gives_one_allowance_an_overlapping_leave_is_refused(desk, make_code, make_id)


def test_mat_3_a_reversed_allowance_no_longer_blocks_a_claim_for_its_leave(desk, make_code, make_id):
    mat_3_a_reversed_allowance_no_longer_blocks_a_claim_for_its_leave(desk, make_code, make_id)


def test_mat_4_mat_5_e47_below_the_minimum_months_the_delivery_is_still_paid_only_the_allowance_is_not(
        desk, make_code, make_id):
    mat_4_mat_5_e47_below_the_minimum_months_the_delivery_is_still_paid_only_the_allowance_is_not(
        desk, make_code, make_id)


def test_mat_4_e50_a_delivery_elsewhere_in_ningxia_without_signing_pays_half_the_package(desk, make_code, make_id):
    mat_4_e50_a_delivery_elsewhere_in_ningxia_without_signing_pays_half_the_package(desk, make_code, make_id)


def test_mat_4_e49_an_emergency_delivery_at_a_non_designated_hospital_needs_the_bill_list_and_record(
        desk, make_code, make_id):
    mat_4_e49_an_emergency_delivery_at_a_non_designated_hospital_needs_the_bill_list_and_record(
        desk, make_code, make_id)


def test_mat_1_only_an_employee_paying_normally_within_family_planning_is_eligible(desk, make_code, make_id):
    _, mother, _ = mother_and_colleague(desk, make_code, make_id, skip=("2025-02",))
    with pytest.raises(RuleViolation, match="MAT-1: 2025-02 is not paid"):
        desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2025, 2, 10), on=D(2025, 3, 1),
                               operator=OP, documents=ALLOWANCE_DOCUMENTS)
    with pytest.raises(RuleViolation, match="MAT-1: the birth is outside family-planning policy"):
        desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2025, 1, 10), on=D(2025, 3, 1),
                               operator=OP, documents=ALLOWANCE_DOCUMENTS, family_planning=False)
    worker = make_id(sex="F")
    desk.register_person(id_number=worker, name="丁燕", sex="F", scheme="flexible", on=D(2024, 3, 1), operator=OP)
    with pytest.raises(RuleViolation, match="MAT-1: maternity benefits are for the employee scheme"):
        desk.claim_maternity(id_number=worker, kind="allowance", birth=D(2024, 6, 1), on=D(2024, 7, 1),
                               operator=OP, documents=ALLOWANCE_DOCUMENTS)


def test_mat_2_months_transferred_in_from_another_province_count_and_a_back_paid_gap_is_closed(desk, make_code,
                                                                                           make_id):
    from ledger.maternity.rules import continuous_months

    _, mother, _ = mother_and_colleague(desk, make_code, make_id, skip=("2024-05",))
    assert continuous_months(desk.view(mother), Month(2025, 2), D(2025, 3, 1)) == 9
    desk.back_pay(id_number=mother, first=Month(2024, 5), last=Month(2024, 5), on=D(2025, 2, 20), operator=OP)
    pay(desk, mother, "2024-05", on=D(2025, 2, 21))
    # E24: back-paid months merge with the actual ones, so the run reaches back to January 2024
    assert continuous_months(desk.view(mother), Month(2025, 2), D(2025, 3, 1)) == 14
    desk.transfer_in(id_number=mother, from_region="610100", months=20, balance=Decimal("0.00"), on=D(2024, 1, 2),
                       operator=OP)
    assert continuous_months(desk.view(mother), Month(2025, 2), D(2025, 3, 1)) == 34


def test_mat_2_status_shows_the_continuous_months_of_its_on_month(desk, make_code, make_id):
    from projections.status import status

    _, mother, _ = mother_and_colleague(desk, make_code, make_id)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert status(desk.view(mother), D(2025, 2, 28), now)["maternity_continuous_months"] == 14
    assert status(desk.view(mother), D(2024, 6, 30), now)["maternity_continuous_months"] == 6


# -- REF-1, REF-2 (E54, E55) --------------------------------------------------------------------

def paid_flexible_year(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 1, 5))
    desk.assess_month(month=Month(2024, 1), operator=OP)
    pay_months(desk, number, "2024-01", "2024-12", on=D(2024, 1, 10))
    return number


def test_ref_1_a_flexible_person_who_died_in_june_with_no_benefit_used_has_the_pooled_part_refunded(desk, make_id):
    number = paid_flexible_year(desk, make_id)
    desk.cancel_person(id_number=number, reason="death", on=D(2024, 6, 12), operator=OP, documents=["death-certificate:死亡证明-5"])
    year, months, amount = desk.request_refund(id_number=number, reason="death", on=D(2024, 6, 20), operator=OP)
    assert (year, len(months), amount) == (2024, 12, Decimal("3494.16"))  # 12 x 4853.00 x 6 %
    with pytest.raises(RuleViolation, match="REF-1: 2024 was refunded already"):
        desk.request_refund(id_number=number, reason="death", on=D(2024, 6, 21), operator=OP)


def test_ref_1_no_refund_when_benefits_were_used_that_year(desk, make_id):
    number = paid_flexible_year(desk, make_id)
    desk.spend(id_number=number, amount=Decimal("20.00"), on=D(2024, 3, 1), operator=OP)
    with pytest.raises(RuleViolation, match="REF-1: benefits were used in 2024"):
        desk.request_refund(id_number=number, reason="out-of-province", on=D(2024, 6, 20), operator=OP)


def test_ref_1_ref_2_the_year_must_be_paid_in_full_and_flexible(desk, make_code, make_id):
    number = flexible(desk, make_id, on=D(2024, 1, 5))
    desk.assess_month(month=Month(2024, 1), operator=OP)
    pay_months(desk, number, "2024-01", "2024-06", on=D(2024, 1, 10))
    with pytest.raises(RuleViolation, match=r"REF-2: 2024 is not paid in full \(2024-07"):
        desk.request_refund(id_number=number, reason="to-employee", on=D(2024, 5, 1), operator=OP)
    _, mother, _ = mother_and_colleague(desk, make_code, make_id)
    with pytest.raises(RuleViolation, match="REF-1: no flexible contribution was paid"):
        desk.request_refund(id_number=mother, reason="to-resident", on=D(2025, 3, 1), operator=OP)


def test_ref_2_a_flexible_person_who_becomes_an_employee_is_refunded_from_the_month_of_the_change(desk, make_id):
    number = paid_flexible_year(desk, make_id)
    desk.spend(id_number=number, amount=Decimal("20.00"), on=D(2024, 3, 1), operator=OP)  # REF-2 allows it
    year, months, amount = desk.request_refund(id_number=number, reason="to-employee", on=D(2024, 9, 15),
                                                 operator=OP)
    assert (year, [str(m) for m in months], amount) == (
        2024, ["2024-09", "2024-10", "2024-11", "2024-12"], Decimal("1164.72"))
    assert outlook(desk, number, D(2024, 9, 20))[0].account is True


def test_mat_2_before_the_merge_only_employee_months_were_maternity_months(desk, make_id):
    from ledger.maternity.rules import continuous_months

    number = flexible(desk, make_id, on=D(2024, 1, 5))
    desk.assess_month(month=Month(2024, 1), operator=OP)
    pay_months(desk, number, "2024-01", "2024-12", on=D(2024, 1, 10))
    assert continuous_months(desk.view(number), Month(2024, 12), D(2025, 1, 1)) == 12
    desk.set_policy_parameter(name="maternity_merged_on", value="2024-07-01", effective_from=D(1999, 1, 1),
                                on=D(2025, 1, 1), operator=OP)
    assert continuous_months(desk.view(number), Month(2024, 12), D(2025, 1, 1)) == 6
