"""The application on SQLite and PostgreSQL: what is saved comes back, lookups, uniqueness, corrections."""

from __future__ import annotations

import datetime

import pytest

from ledger.core import history
from ledger.core.errors import BadInput, RuleViolation, StorageFailure
from ledger.core.month import Month
from ledger.registration.events import PersonChanged
from ledger.registration.person_state import state_on
from ledger.store.opening import open_ledger
from projections.status import status
from tests import builders
from tests.conftest import stored_event_count

D = datetime.date


def register_employer(ledger, code, on=D(2024, 1, 5)):
    return ledger.register_employer(code=code, name="宁夏塞上建材有限公司", unit_type="enterprise", on=on,
                                    operator="clerk01")


def register_person(ledger, number, scheme="flexible", on=D(2024, 3, 1), employer=None):
    return ledger.register_person(id_number=number, name="马明", sex="M", scheme=scheme, on=on,
                                  employer=employer, hukou="宁夏银川", operator="clerk01")


def test_reg_2_a_person_is_found_by_id_number_after_reopening(store_url, ledger, make_id):
    number = make_id()
    register_person(ledger, number)
    reopened = open_ledger(store_url)
    try:
        assert state_on(reopened.view(number), D(2024, 3, 1)).id_number == number
        assert reopened.find_person(number).history[0].on == D(2024, 3, 1)  # dates survive the round trip
    finally:
        reopened.close()


def test_reg_2_the_same_id_number_is_not_registered_twice(ledger, make_id):
    number = make_id()
    register_person(ledger, number)
    with pytest.raises(RuleViolation, match="REG-2: .* already registered"):
        register_person(ledger, number, scheme="resident", on=D(2024, 6, 1))


def test_reg_3_a_person_is_found_by_old_and_new_id_number_after_a_change(ledger, make_id):
    old, new = make_id(), make_id()
    register_person(ledger, old)
    ledger.change_person(id_number=old, changes={"id_number": new}, on=D(2024, 4, 1), operator="clerk02",
                         documents=["户籍证明-2024-77"])
    assert ledger.find_person(new).id == ledger.find_person(old).id
    assert ledger.state(old, D(2024, 4, 1)).id_number == new
    assert ledger.state(old, D(2024, 3, 31)).id_number == old


def test_reg_3_an_id_number_change_must_agree_with_the_birth_date(ledger, make_id):
    old = make_id(birth=D(1990, 1, 1))
    register_person(ledger, old)
    with pytest.raises(BadInput, match="birth"):
        ledger.change_person(id_number=old, changes={"id_number": make_id(birth=D(1991, 1, 1))}, on=D(2024, 4, 1),
                             operator="c", documents=["x"])


def test_reg_3_an_id_number_already_held_by_another_person_is_refused(ledger, make_id):
    first, second = make_id(), make_id()
    register_person(ledger, first)
    register_person(ledger, second)
    with pytest.raises(RuleViolation, match="REG-2"):
        ledger.change_person(id_number=first, changes={"id_number": second}, on=D(2024, 4, 1), operator="c",
                             documents=["x"])
    assert ledger.find_person(second).id != ledger.find_person(first).id


def test_reg_2_employee_registration_puts_the_person_on_the_employers_staff(ledger, make_id, make_code):
    code, number = make_code(), make_id()
    register_employer(ledger, code)
    person = register_person(ledger, number, scheme="employee", employer=code)
    assert ledger.staff(code, D(2024, 3, 1)) == {person.id: number}


def test_reg_2_an_employee_registration_needs_a_registered_employer(ledger, make_id, make_code):
    with pytest.raises(RuleViolation, match="REG-1: no employer"):
        register_person(ledger, make_id(), scheme="employee", employer=make_code())
    with pytest.raises(BadInput, match="employer"):
        register_person(ledger, make_id(), scheme="employee")


def test_con_9_hire_and_leave_change_the_staff_from_the_effective_month(ledger, make_id, make_code):
    code, number = make_code(), make_id()
    register_employer(ledger, code)
    register_person(ledger, number)
    assert ledger.hire(code=code, id_number=number, month=Month(2024, 4), declared_on=D(2024, 3, 28),
                       operator="c") == Month(2024, 5)
    assert ledger.leave(code=code, id_number=number, month=Month(2024, 9), declared_on=D(2024, 8, 1),
                        operator="c") == Month(2024, 9)
    staff_in = lambda day: set(ledger.staff(code, day).values())
    assert (staff_in(D(2024, 4, 30)), staff_in(D(2024, 5, 1)), staff_in(D(2024, 9, 1))) == (set(), {number}, set())


def test_mon_3_a_cancelled_person_registers_again_on_the_same_record(ledger, make_id):
    number = make_id()
    first = register_person(ledger, number)
    ledger.cancel_person(id_number=number, reason="left", on=D(2024, 6, 30), operator="c")
    again = register_person(ledger, number, scheme="resident", on=D(2025, 1, 1))
    assert again.id == first.id
    assert [type(e).__name__ for e in ledger.person_history(number)] == [
        "PersonRegistered", "PersonCancelled", "PersonReregistered"]


def test_aud_2_a_correction_is_stored_and_the_reversed_event_kept(ledger, make_id):
    number = make_id()
    register_person(ledger, number)
    ledger.change_person(id_number=number, changes={"address": "错误"}, on=D(2024, 5, 1), operator="c")
    ledger.correct_person(id_number=number, seq=2, reason="wrong form", on=D(2024, 5, 3), operator="c2")
    events = ledger.person_history(number)
    assert [e.originator_version for e in events] == [1, 2, 3]
    assert history.reversals(events) == {2: 3}
    assert ledger.state(number, D(2024, 6, 1)).address is None


def test_reg_4_employer_cancellation_refused_twice_and_corrections_by_code(ledger, make_code):
    code = make_code()
    register_employer(ledger, code)
    ledger.cancel_employer(code=code, reason="解散", on=D(2024, 12, 31), operator="c")
    with pytest.raises(RuleViolation, match="REG-4: employer .* was cancelled on 2024-12-31"):
        ledger.cancel_employer(code=code, reason="解散", on=D(2025, 1, 2), operator="c")
    ledger.correct_employer(code=code, seq=2, reason="cancelled the wrong unit", on=D(2025, 1, 3), operator="c")
    assert ledger.employer_state(code, D(2025, 1, 3)).registered


def test_status_as_known_at_a_moment_ignores_what_was_recorded_later(ledger, make_id):
    number = make_id()
    register_person(ledger, number)
    between = datetime.datetime.now(datetime.timezone.utc)
    ledger.cancel_person(id_number=number, reason="death", on=D(2024, 5, 1), operator="c",
                         documents=["hukou-cancellation:注销-1"])
    now = datetime.datetime.now(datetime.timezone.utc)
    assert status(ledger.view(number, between), D(2024, 6, 1), between)["registered"] is True
    assert status(ledger.view(number, now), D(2024, 6, 1), now)["registered"] is False


def test_two_clerks_changing_one_person_at_once_the_second_writes_nothing(store_url, ledger, make_id):
    number = make_id()
    register_person(ledger, number)
    other = open_ledger(store_url)
    try:
        mine, theirs = ledger.unit_of_work(), other.unit_of_work()
        for uow, operator in ((mine, "a"), (theirs, "b")):
            uow.person(number).record(PersonChanged, changes={"phone": operator}, reason=None, on=D(2024, 4, 1),
                                      operator=operator, documents=[])
        mine.commit()
        with pytest.raises(StorageFailure, match="nothing was written"):
            theirs.commit()
    finally:
        other.close()
    assert [e.operator for e in ledger.person_history(number)] == ["clerk01", "a"]


def test_reg_5_e12_r14_a_cancellation_without_the_document_its_reason_needs_is_refused(ledger, make_id):
    number = make_id()
    register_person(ledger, number)
    for reason, wrong in (("death", ["死亡证明-118"]), ("missing", []), ("abroad", ["court-declaration:判决-1"])):
        with pytest.raises(RuleViolation, match=f"REG-5: a cancellation for {reason} needs --document"):
            ledger.cancel_person(id_number=number, reason=reason, on=D(2024, 6, 10), operator="c", documents=wrong)
    assert len(ledger.person_history(number)) == 1
    ledger.cancel_person(id_number=number, reason="death", on=D(2024, 6, 10), operator="c",
                         documents=["hukou-cancellation:注销-118"])
    assert not ledger.state(number, D(2024, 6, 10)).registered


def test_reg_2_a_registration_dated_before_the_first_is_refused_and_history_stands(ledger, make_id):
    number = make_id()
    register_person(ledger, number, on=D(2024, 3, 1))
    with pytest.raises(RuleViolation, match="REG-2: .* is registered from 2024-03-01: only a registration "
                                            "cancelled before 2024-01-01 registers again"):
        ledger.register_person(id_number=number, name="另一人", sex="M", scheme="resident", on=D(2024, 1, 1),
                               hukou="宁夏银川", operator="c")
    state = ledger.state(number, D(2024, 2, 1))
    assert (state.registered, len(ledger.person_history(number))) == (False, 1)


def test_reg_2_aud_2_a_wrong_registration_date_is_corrected_then_registered_again(ledger, make_id):
    number = make_id()
    register_person(ledger, number, on=D(2024, 3, 1))
    ledger.correct_person(id_number=number, seq=1, reason="the form says 1 January", on=D(2024, 3, 5), operator="c")
    register_person(ledger, number, on=D(2024, 1, 1))
    state = ledger.state(number, D(2024, 2, 1))
    assert (state.registered, state.registered_on, state.name, state.sex) == (True, D(2024, 1, 1), "马明", "M")


# -- each chapter's handlers on both stores, the invariants checked after every command ------------------------

def test_a_flexible_year_assessed_imported_interrupted_and_paid_back(ledger, make_id):
    from decimal import Decimal

    from ledger.contributions.receipts import Receipt
    from tests.builders import flexible, pay_months

    number = flexible(ledger, make_id, on=D(2024, 3, 1))
    assert ledger.assess_month(month=Month(2024, 3), operator="c").assessed == 10
    receipts = [Receipt(row, number, Month(2024, row + 1), Decimal("388.24"), D(2024, 3, 20)) for row in (2, 3, 4)]
    summary = ledger.import_receipts(receipts, digest="f1", source="r.csv", on=D(2024, 3, 21), operator="c")
    assert (summary.matched, summary.unmatched) == (3, 0)
    ledger.interrupt(id_number=number, month=Month(2024, 6), operator="c")
    assert ledger.back_pay(id_number=number, first=Month(2024, 6), last=Month(2024, 7), on=D(2024, 8, 5),
                           operator="c") == 2
    pay_months(ledger, number, "2024-06", "2024-07", on=D(2024, 8, 6))
    states = {str(m): pm.state_with({}) for m, pm in ledger.months(number).items()}
    assert [states[m] for m in ("2024-03", "2024-05", "2024-06", "2024-07", "2024-08")] == [
        "paid", "paid", "back-paid", "back-paid", "assessed"]


def test_a_maternity_claim_and_a_resident_refund(ledger, make_id, make_code):
    from tests.builders import declare, employer, pay_months, resident_person

    code = employer(ledger, make_code())
    mother = make_id(sex="F", birth=D(1994, 5, 1))
    ledger.register_person(id_number=mother, name="马燕", sex="F", scheme="employee", on=D(2024, 1, 1), employer=code,
                           operator="c")
    declare(ledger, code, 2024, {mother: "6000"})
    for number in range(1, 13):
        ledger.assess_month(month=Month(2024, number), operator="c")
    pay_months(ledger, mother, "2024-01", "2024-12", on=D(2024, 12, 20))
    claim, average = ledger.claim_maternity(
        id_number=mother, kind="allowance", birth=D(2024, 12, 5), on=D(2025, 1, 5), operator="c",
        documents={"form": "申报表-1", "card": "社保卡", "discharge-record": "出院-1"})
    assert (str(claim.payments[0][1]), str(average)) == ("31600.00", "2024-01..2024-12 (12 person-months)")
    leaving = resident_person(ledger, make_id)
    ledger.pay_resident(id_number=leaving, year=2025, on=D(2024, 10, 1), operator="c")
    assert ledger.request_refund(id_number=leaving, reason="abroad", on=D(2024, 12, 1), operator="c",
                                 documents=["settled-abroad:定居-1"])[2] == 400


# -- issue 9's rule defects and issue 11's named cases on both stores: the rule tests' own scenarios -----------
# (tests/builders.py, shared with tests/test_rules_*.py on the in-memory store), here through a desk over SQLite
# and PostgreSQL with the invariants checked after every command.

def test_mat_3_e48_a_man_is_refused_the_allowance_and_a_woman_the_mans_subsidies_on_both_stores(ledger, make_code,
                                                                                                make_id):
    builders.mat_3_e48_the_allowance_is_a_womans_and_the_subsidies_a_mans(ledger, make_code, make_id)


def test_mat_3_e48_an_allowance_whose_leave_overlaps_one_paid_is_refused_on_both_stores(ledger, make_code, make_id):
    builders.mat_3_e48_one_delivery_gives_one_allowance_an_overlapping_leave_is_refused(ledger, make_code, make_id)


def test_mat_3_e48_aud_2_a_reversed_allowance_no_longer_blocks_its_leave_on_both_stores(ledger, make_code, make_id):
    builders.mat_3_a_reversed_allowance_no_longer_blocks_a_claim_for_its_leave(ledger, make_code, make_id)


def test_mat_4_mat_5_e47_a_delivery_is_paid_below_the_allowances_minimum_months_on_both_stores(ledger, make_code,
                                                                                              make_id):
    builders.mat_4_mat_5_e47_below_the_minimum_months_the_delivery_is_still_paid_only_the_allowance_is_not(
        ledger, make_code, make_id)


def test_mat_4_e50_a_delivery_elsewhere_in_ningxia_without_signing_is_paid_half_the_package_on_both_stores(
        ledger, make_code, make_id):
    builders.mat_4_e50_a_delivery_elsewhere_in_ningxia_without_signing_pays_half_the_package(ledger, make_code, make_id)


def test_mat_4_e49_an_emergency_delivery_needs_the_bill_the_cost_list_and_the_record_on_both_stores(
        ledger, make_code, make_id):
    builders.mat_4_e49_an_emergency_delivery_at_a_non_designated_hospital_needs_the_bill_list_and_record(
        ledger, make_code, make_id)


def test_res_7_a_lapsed_year_then_a_payment_inside_the_window_waits_three_months_on_both_stores(ledger, make_id):
    builders.res_7_a_lapsed_year_then_a_payment_inside_the_window_still_waits_three_months(ledger, make_id)


def test_res_7_two_lapsed_years_wait_four_months_and_a_year_paid_back_one_less_on_both_stores(ledger, make_id):
    builders.res_7_two_lapsed_years_before_a_window_payment_wait_four_months_and_a_year_paid_back_one_less(
        ledger, make_id)


def test_res_7_a_special_group_and_a_person_from_employee_insurance_with_no_gap_do_not_wait_on_both_stores(
        ledger, make_id):
    builders.res_7_newborns_special_groups_and_a_person_from_employee_insurance_with_no_gap_do_not_wait(
        ledger, make_id)


def test_ref_3_r18_the_refund_and_the_cancellation_are_recorded_together_on_both_stores(store_url, ledger, make_id):
    abroad, moving, employed = builders.ref_3_r18_the_refund_and_the_cancellation_are_recorded_together(
        ledger, make_id)
    assert stored_event_count(store_url) == ledger.event_count()  # the counts the scenario compared are the rows
    reopened = open_ledger(store_url)  # and a new connection reads both facts of each refund back
    try:
        assert [[type(e).__name__ for e in reopened.person_history(n)][2:] for n in (abroad, moving, employed)] == [
            ["ResidentRefunded", "PersonCancelled"], ["ResidentRefunded", "PersonCancelled"],
            ["ResidentRefunded", "SchemeSwitched"]]
        assert [state_on(reopened.view(n), D(2024, 12, 20)).registered for n in (abroad, moving, employed)] == [
            False, False, True]
    finally:
        reopened.close()


def test_con_8_aud_2_a_reversed_deferral_no_longer_defers_the_staffs_months_on_both_stores(ledger, make_code,
                                                                                          make_id):
    builders.con_8_aud_2_a_reversed_deferral_no_longer_defers_the_staffs_months(ledger, make_code, make_id)


def test_res_2_r9_every_group_is_flagged_and_its_share_comes_from_policy_on_both_stores(ledger, make_id):
    builders.res_2_r9_every_group_can_be_flagged_and_its_share_comes_from_policy(ledger, make_id)


def test_res_2_r9_a_widow_with_employee_insurance_is_not_flagged_on_both_stores(ledger, make_id):
    builders.res_2_r9_a_widow_with_employee_insurance_is_not_flagged(ledger, make_id)


@pytest.fixture
def clinics(ledger):
    """The desk over both stores, with the benefit scenarios' designated institutions registered."""
    return builders.institutions(ledger)


def test_ben_1_e23_a_worker_waiting_is_refused_a_stays_fund_part_but_allowed_its_account_part_on_both_stores(
        clinics, make_id):
    builders.ben_1_e23_a_flexible_worker_in_the_waiting_months_is_refused_the_fund_part_but_not_the_account_part(
        clinics, make_id)


def test_ben_2_e37_a_stay_from_28_december_to_5_january_counts_in_the_admission_year_on_both_stores(clinics, make_id):
    builders.ben_2_e37_a_stay_admitted_on_28_december_and_discharged_on_5_january_counts_in_the_admission_year(
        clinics, make_id)


def test_ben_3_e41_an_emergency_claim_missing_its_bill_is_refused_naming_the_document_on_both_stores(clinics,
                                                                                                    make_id):
    builders.ben_3_e41_an_emergency_claim_missing_its_bill_is_refused_naming_the_document(clinics, make_id)


def test_ben_4_e43_a_third_party_injury_is_refused_on_both_stores(clinics, make_id):
    builders.ben_4_e43_a_third_party_injury_and_work_injury_are_refused(clinics, make_id)


def test_ben_5_e36_a_claim_is_capped_by_the_annual_ceiling_after_earlier_payments_on_both_stores(clinics, make_id):
    builders.ben_5_a_claim_is_capped_by_the_annual_ceiling_after_earlier_payments(clinics, make_id)


def test_ben_6_r22_a_resident_is_refused_outpatient_pooling_at_an_unsigned_facility_on_both_stores(clinics, make_id):
    builders.ben_6_r22_a_resident_is_refused_outpatient_pooling_at_an_unsigned_facility(clinics, make_id)


def test_ben_7_e54_a_reversed_settlement_frees_the_ceiling_and_allows_the_refund_on_both_stores(clinics, make_id):
    builders.ben_7_ref_1_a_reversed_settlement_no_longer_counts_toward_the_ceiling_or_against_a_refund(
        clinics, make_id)


def test_the_invariant_check_catches_an_overdrawn_account_a_receipt_twice_and_a_stray_reversal(make_id):
    from decimal import Decimal

    from ledger.benefits.events import AccountSpent
    from ledger.contributions.events import ContributionAssessed, ContributionReceived
    from ledger.core.events import EventReversed
    from ledger.store.application import Ledger
    from ledger.store.storage import store_for
    from tests.builders import Desk, check_invariants

    assessed = dict(month=Month(2024, 3), scheme="flexible", employer=None, base=Decimal("4853.00"),
                    employer_part=Decimal("0.00"), personal_part=Decimal("388.24"), total=Decimal("388.24"),
                    basis="minimum", reference_year=2023, notice="n", due_on=D(2024, 12, 31))
    received = dict(month=Month(2024, 3), amount=Decimal("388.24"), received_on=D(2024, 3, 5), source="x")
    forgeries = {
        "overdrawn": [(AccountSpent, dict(amount=Decimal("5.00"), facility=None, on=D(2024, 4, 1)))],
        "a receipt recorded twice": [(ContributionAssessed, assessed), (ContributionReceived, received | {"receipt_id": "r"}),
                                     (ContributionReceived, received | {"receipt_id": "r"})],
        "received 776.48 of 388.24": [(ContributionAssessed, assessed),
                                      (ContributionReceived, received | {"receipt_id": "r1"}),
                                      (ContributionReceived, received | {"receipt_id": "r2"})],
        "names no fact": [(EventReversed, dict(seq=9, reason="x", on=D(2024, 4, 1)))],
    }
    for found, facts in forgeries.items():
        desk = Desk(Ledger(env=store_for("memory:").settings))
        number = make_id()
        register_person(desk, number)
        check_invariants(desk.ledger)
        uow = desk.unit_of_work()
        for event_class, fields in facts:  # past every rule: what someone writing to the store could do
            uow.person(number).record(event_class, operator="x", documents=[], **fields)
        uow.commit()
        with pytest.raises(AssertionError, match=found):
            check_invariants(desk.ledger)
