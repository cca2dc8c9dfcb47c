"""REG-1..REG-6, CON-9 and AUD-2 on the aggregates and pure rules alone (no store)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger.employer import Employer
from ledger.errors import RuleViolation
from ledger.month import Month
from ledger.person import Person
from ledger.policy import Policy
from ledger.staffing import registration_is_late, staff_change_month

D = datetime.date
POLICY = Policy.defaults()
CODE = "91640100MA76A1B2C5"


def a_person(id_number="640102199001011237", scheme="flexible", on=D(2024, 1, 1)) -> Person:
    return Person.register(
        id_number=id_number, name="马明", sex="M", birth=D(1990, 1, 1), scheme=scheme, employer=None,
        hukou="宁夏银川", phone=None, address="银川市兴庆区", on=on, operator="clerk01", documents=[],
    )


def an_employer(on=D(2024, 1, 5), founded=None) -> Employer:
    return Employer.register(
        code=CODE, name="宁夏塞上建材有限公司", unit_type="enterprise", address=None, legal_rep="王芳",
        bank_account=None, contact=None, founded=founded, insured_from=on,
        late=registration_is_late(POLICY, founded, on), on=on, operator="clerk01", documents=[],
    )


def test_reg_1_registration_within_30_days_of_founding_is_on_time():
    assert not an_employer(on=D(2024, 1, 30), founded=D(2023, 12, 31)).state_on(D(2024, 2, 1)).late


def test_reg_1_registration_after_30_days_is_accepted_and_flagged_late():
    employer = an_employer(on=D(2024, 2, 1), founded=D(2023, 12, 31))
    assert employer.state_on(D(2024, 2, 1)).registered
    assert employer.state_on(D(2024, 2, 1)).late


def test_reg_2_a_person_registers_from_the_insured_date():
    person = a_person(on=D(2024, 3, 1))
    assert not person.state_on(D(2024, 2, 29)).registered
    assert person.state_on(D(2024, 3, 1)).registered
    assert person.state_on(D(2024, 3, 1)).scheme == "flexible"


def test_reg_2_a_registered_person_cannot_register_again():
    person = a_person()
    with pytest.raises(RuleViolation, match="REG-2"):
        person.reregister(scheme="resident", employer=None, on=D(2024, 6, 1), operator="c", documents=[])


def test_reg_3_identity_changes_need_a_supporting_document():
    person = a_person()
    with pytest.raises(RuleViolation, match="REG-3: changing name needs a supporting --document"):
        person.change(changes={"name": "马敏"}, reason=None, on=D(2024, 2, 1), operator="c", documents=[])


def test_reg_3_a_change_keeps_the_old_value_in_the_history():
    person = a_person()
    person.change(changes={"address": "银川市金凤区"}, reason="搬家", on=D(2024, 5, 1), operator="c", documents=[])
    assert person.state_on(D(2024, 4, 30)).address == "银川市兴庆区"
    assert person.state_on(D(2024, 5, 1)).address == "银川市金凤区"
    assert len(person.history) == 2


def test_reg_3_a_change_to_the_same_value_is_refused():
    person = a_person()
    with pytest.raises(RuleViolation, match="REG-3: address already has that value"):
        person.change(changes={"address": "银川市兴庆区"}, reason=None, on=D(2024, 5, 1), operator="c", documents=[])


def test_reg_4_an_employer_that_owes_is_not_cancelled_and_the_amount_is_named():
    employer = an_employer()
    with pytest.raises(RuleViolation, match="REG-4: employer owes 1234.50"):
        employer.cancel(reason="解散", owed=Decimal("1234.50"), on=D(2024, 12, 31), operator="c", documents=[])
    assert len(employer.history) == 1


def test_reg_4_an_employer_that_owes_nothing_is_cancelled():
    employer = an_employer()
    employer.cancel(reason="解散", owed=Decimal("0.00"), on=D(2024, 12, 31), operator="c", documents=[])
    assert employer.state_on(D(2024, 12, 30)).registered
    assert not employer.state_on(D(2024, 12, 31)).registered


def test_reg_5_a_cancelled_person_cannot_be_changed():
    person = a_person()
    person.cancel(reason="death", on=D(2024, 6, 10), operator="c", documents=["death-certificate:死亡证明-118"])
    with pytest.raises(RuleViolation, match=r"REG-5: .* was cancelled \(death\) on 2024-06-10"):
        person.change(changes={"address": "x"}, reason=None, on=D(2024, 7, 1), operator="c", documents=[])


def test_reg_5_cancellation_records_reason_and_document():
    person = a_person()
    person.cancel(reason="abroad", on=D(2024, 6, 10), operator="c", documents=["settled-abroad:出境定居证明-7"])
    state = person.state_on(D(2024, 6, 10))
    assert (state.registered, state.cancelled_reason) == (False, "abroad")
    assert person.history[-1].documents == ["settled-abroad:出境定居证明-7"]


def test_reg_5_a_cancelled_person_registers_again_on_the_same_stream():
    person = a_person()
    person.cancel(reason="left", on=D(2024, 6, 10), operator="c", documents=[])
    person.reregister(scheme="resident", employer=None, on=D(2025, 1, 1), operator="c", documents=[])
    assert person.state_on(D(2025, 1, 1)).scheme == "resident"
    assert not person.state_on(D(2024, 12, 31)).registered


def test_reg_6_employee_registration_insures_maternity_too():
    assert a_person(scheme="employee").state_on(D(2024, 2, 1)).maternity_insured
    assert not a_person(scheme="flexible").state_on(D(2024, 2, 1)).maternity_insured


def test_con_9_a_staff_change_declared_by_the_25th_counts_from_next_month():
    assert staff_change_month(POLICY, Month(2024, 4), declared_on=D(2024, 3, 25)) == Month(2024, 4)


def test_con_9_a_staff_change_declared_after_the_25th_takes_effect_a_month_later():
    assert staff_change_month(POLICY, Month(2024, 4), declared_on=D(2024, 3, 26)) == Month(2024, 5)


def test_con_9_a_change_for_the_current_month_waits_for_the_next():
    assert staff_change_month(POLICY, Month(2024, 3), declared_on=D(2024, 3, 10)) == Month(2024, 4)


def test_con_9_a_staff_member_is_not_hired_twice():
    employer = an_employer()
    person = a_person(scheme="employee")
    fields = dict(person_id=person.id, id_number="640102199001011237", requested_month=Month(2024, 2),
                  month=Month(2024, 2), declared_on=D(2024, 1, 20), operator="c", documents=[])
    employer.hire(**fields)
    with pytest.raises(RuleViolation, match="CON-9"):
        employer.hire(**fields)
    assert employer.state_on(D(2024, 2, 1)).staff == {person.id: "640102199001011237"}
    assert employer.state_on(D(2024, 1, 31)).staff == {}


def test_aud_2_a_reversed_event_stays_but_no_longer_counts():
    person = a_person()
    person.change(changes={"address": "错误地址"}, reason=None, on=D(2024, 5, 1), operator="c", documents=[])
    person.reverse(seq=2, reason="wrong form", on=D(2024, 5, 3), operator="c")
    assert person.state_on(D(2024, 6, 1)).address == "银川市兴庆区"
    assert [e.originator_version for e in person.history] == [1, 2, 3]


@pytest.mark.parametrize("seq, message", [(9, "there is no event 9"), (3, "itself a correction"),
                                          (2, "already reversed by event 3")])
def test_aud_2_a_correction_must_name_a_standing_ordinary_event(seq, message):
    person = a_person()
    person.change(changes={"address": "错误地址"}, reason=None, on=D(2024, 5, 1), operator="c", documents=[])
    person.reverse(seq=2, reason="wrong form", on=D(2024, 5, 3), operator="c")
    with pytest.raises(RuleViolation, match=f"AUD-2: .*{message}"):
        person.reverse(seq=seq, reason="again", on=D(2024, 5, 4), operator="c")


def test_aud_2_reversing_a_registration_leaves_the_person_unregistered_but_known():
    person = a_person()
    person.reverse(seq=1, reason="registered by mistake", on=D(2024, 1, 2), operator="c")
    state = person.state_on(D(2024, 6, 1))
    assert not state.registered
    assert state.id_number == "640102199001011237"
