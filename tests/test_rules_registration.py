"""REG-1..REG-6, CON-9 and AUD-2 as pure rules over facts written by hand (no store)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from ledger.audit.rules import check_reversible
from ledger.contributions.events import StaffHired
from ledger.contributions.staffing import check_hire, staff_change_month, staff_on
from ledger.core.errors import BadInput, RuleViolation
from ledger.core.events import EventReversed
from ledger.core.month import Month
from ledger.registration.employer_state import employer_state
from ledger.registration.events import (
    EmployerCancelled,
    EmployerRegistered,
    PersonCancelled,
    PersonChanged,
)
from ledger.registration.person_state import IDENTITY_FIELDS, state_on
from ledger.registration.rules import (
    check_cancellation_documents,
    check_change,
    check_employer_cancellable,
    check_reregistration,
    registration_is_late,
    require_registered,
)
from tests.builders import OP, POLICY, Facts

D = datetime.date
CODE = "91640100MA76A1B2C5"


def a_person(on=D(2024, 1, 1), scheme="flexible") -> Facts:
    return Facts().registered(on=on, scheme=scheme)


def an_employer(on=D(2024, 1, 5), founded=None) -> Facts:
    return Facts().add(EmployerRegistered, code=CODE, name="宁夏塞上建材有限公司", unit_type="enterprise", address=None,
                       legal_rep="王芳", bank_account=None, contact=None, founded=founded, insured_from=on,
                       late=registration_is_late(POLICY, founded, on), on=on)


def test_reg_1_registration_within_30_days_of_founding_is_on_time():
    assert not employer_state(an_employer(on=D(2024, 1, 30), founded=D(2023, 12, 31)).view(), D(2024, 2, 1)).late


def test_reg_1_registration_after_30_days_is_accepted_and_flagged_late():
    state = employer_state(an_employer(on=D(2024, 2, 1), founded=D(2023, 12, 31)).view(), D(2024, 2, 1))
    assert (state.registered, state.late) == (True, True)


def test_reg_2_a_person_registers_from_the_insured_date():
    view = a_person(on=D(2024, 3, 1)).view()
    assert not state_on(view, D(2024, 2, 29)).registered
    assert (state_on(view, D(2024, 3, 1)).registered, state_on(view, D(2024, 3, 1)).scheme) == (True, "flexible")


def test_reg_2_a_registered_person_cannot_register_again():
    with pytest.raises(RuleViolation, match="REG-2: .* already registered"):
        check_reregistration(a_person().view(), D(2024, 6, 1))


def test_reg_2_a_registration_dated_before_the_standing_one_is_refused():
    with pytest.raises(RuleViolation, match="REG-2: .* is registered from 2024-03-01: only a registration cancelled"):
        check_reregistration(a_person(on=D(2024, 3, 1)).view(), D(2024, 1, 1))


def test_reg_2_gb_11643_a_sex_or_birth_disagreeing_with_the_id_number_or_a_date_before_birth_is_refused(desk):
    """The maternity kinds (MAT-3) and retirement ages (RET-1) read the registered sex and birth: a handler called
    from anywhere (a file, a script) refuses what the ID number contradicts, writing nothing."""
    man, before = "640102199003070011", desk.ledger.event_count()
    for fields, field in (({"sex": "F"}, "sex"), ({"sex": "M", "birth": D(1990, 3, 8)}, "birth"),
                          ({"sex": "M", "on": D(1985, 1, 1)}, "on")):
        with pytest.raises(BadInput, match=f"^{field}: "):
            desk.register_person(id_number=man, name="马明", scheme="flexible", operator=OP,
                                 **{"on": D(2024, 3, 1), **fields})
    assert desk.ledger.event_count() == before
    desk.register_person(id_number=man, name="马明", sex="M", scheme="flexible", on=D(2024, 3, 1), operator=OP)


def test_reg_3_identity_changes_need_a_supporting_document():
    state = state_on(a_person().view(), D(2024, 2, 1))
    with pytest.raises(RuleViolation, match="REG-3: changing name needs a supporting --document"):
        check_change(state, {"name": "马敏"}, [], IDENTITY_FIELDS)
    check_change(state, {"name": "马敏"}, ["户籍证明-1"], IDENTITY_FIELDS)


def test_reg_3_a_change_keeps_the_old_value_in_the_history():
    view = a_person().add(PersonChanged, changes={"address": "银川市金凤区"}, reason="搬家", on=D(2024, 5, 1)).view()
    assert state_on(view, D(2024, 4, 30)).address == "银川市兴庆区"
    assert state_on(view, D(2024, 5, 1)).address == "银川市金凤区"
    assert len(view.events) == 2


def test_reg_3_a_change_to_the_same_value_is_refused():
    with pytest.raises(RuleViolation, match="REG-3: address already has that value"):
        check_change(state_on(a_person().view(), D(2024, 5, 1)), {"address": "银川市兴庆区"}, [], IDENTITY_FIELDS)


def test_reg_4_an_employer_that_owes_is_not_cancelled_and_the_amount_is_named():
    with pytest.raises(RuleViolation, match="REG-4: employer owes 1234.50"):
        check_employer_cancellable(Decimal("1234.50"))
    check_employer_cancellable(Decimal("0.00"))


def test_reg_4_a_cancelled_employer_is_registered_until_the_cancellation():
    view = an_employer().add(EmployerCancelled, reason="解散", owed=Decimal("0.00"), on=D(2024, 12, 31)).view()
    assert employer_state(view, D(2024, 12, 30)).registered
    assert not employer_state(view, D(2024, 12, 31)).registered


def test_reg_5_a_cancelled_person_is_refused_what_needs_a_registration():
    view = a_person().add(PersonCancelled, reason="death", on=D(2024, 6, 10),
                          documents=["death-certificate:死亡证明-118"]).view()
    with pytest.raises(RuleViolation, match=r"REG-5: .* was cancelled \(death\) on 2024-06-10"):
        require_registered(view, D(2024, 7, 1))


def test_reg_5_e12_r14_each_reason_needs_its_document():
    for reason, document in (("death", "hukou-cancellation:注销-1"), ("missing", "court-declaration:判决-1"),
                             ("abroad", "hukou-moved-out:迁出-1")):
        with pytest.raises(RuleViolation, match=f"REG-5: a cancellation for {reason} needs"):
            check_cancellation_documents(reason, ["证明-1"])
        check_cancellation_documents(reason, [document])
    check_cancellation_documents("left", [])


def test_reg_5_mon_3_a_cancelled_person_registers_again_on_the_same_stream():
    view = a_person().add(PersonCancelled, reason="left", on=D(2024, 6, 10)).view()
    check_reregistration(view, D(2025, 1, 1))
    assert not state_on(view, D(2024, 12, 31)).registered


def test_reg_6_employee_registration_insures_maternity_too():
    assert state_on(a_person(scheme="employee").view(), D(2024, 2, 1)).maternity_insured
    assert not state_on(a_person(scheme="flexible").view(), D(2024, 2, 1)).maternity_insured


def test_con_9_a_staff_change_declared_by_the_25th_counts_from_next_month():
    assert staff_change_month(POLICY, Month(2024, 4), declared_on=D(2024, 3, 25)) == Month(2024, 4)


def test_con_9_a_staff_change_declared_after_the_25th_takes_effect_a_month_later():
    assert staff_change_month(POLICY, Month(2024, 4), declared_on=D(2024, 3, 26)) == Month(2024, 5)


def test_con_9_a_change_for_the_current_month_waits_for_the_next():
    assert staff_change_month(POLICY, Month(2024, 3), declared_on=D(2024, 3, 10)) == Month(2024, 4)


def test_con_9_a_staff_member_is_not_hired_twice():
    person = uuid4()
    view = an_employer().add(StaffHired, person_id=person, id_number="640102199001011237",
                             requested_month=Month(2024, 2), month=Month(2024, 2), declared_on=D(2024, 1, 20)).view()
    with pytest.raises(RuleViolation, match="CON-9: .* is already on the staff"):
        check_hire(staff_on(view, D(2024, 2, 29)), person, "640102199001011237", CODE, Month(2024, 2))
    assert staff_on(view, D(2024, 2, 1)) == {person: "640102199001011237"}
    assert staff_on(view, D(2024, 1, 31)) == {}


def corrected() -> Facts:
    return a_person().add(PersonChanged, changes={"address": "错误地址"}, reason=None, on=D(2024, 5, 1)) \
        .add(EventReversed, seq=2, reason="wrong form", on=D(2024, 5, 3))


def test_aud_2_a_reversed_event_stays_but_no_longer_counts():
    view = corrected().view()
    assert state_on(view, D(2024, 6, 1)).address == "银川市兴庆区"
    assert [e.originator_version for e in view.events] == [1, 2, 3]


@pytest.mark.parametrize("seq, message", [(9, "there is no event 9"), (3, "itself a correction"),
                                          (2, "already reversed by event 3")])
def test_aud_2_a_correction_must_name_a_standing_ordinary_event(seq, message):
    with pytest.raises(RuleViolation, match=f"AUD-2: .*{message}"):
        check_reversible(corrected().events, seq)


def test_aud_2_reversing_a_registration_leaves_the_person_unregistered_but_known():
    state = state_on(a_person().add(EventReversed, seq=1, reason="by mistake", on=D(2024, 1, 2)).view(), D(2024, 6, 1))
    assert (state.registered, state.id_number) == (False, "640102199001011237")
