"""WAIT-1..WAIT-7, ACC-1..ACC-4, TRF-1 and RET-1 with the articles' worked examples (E23, E24, E25, E30, E32)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger.contributions.months import contribution_months
from ledger.contributions.receiving import check_receipt
from ledger.core.errors import RuleViolation
from ledger.core.month import Month
from tests.builders import (
    OP,
    declare,
    employer_with_staff,
    flexible,
    outlook,
    pay,
    pay_months,
)

D = datetime.date


def flexible_from_march(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 1))
    desk.assess_month(month=Month(2024, 3), operator=OP)
    return number


# -- WAIT-1 (E23) -------------------------------------------------------------------------------

def test_e23_wait_1_an_employee_uses_the_account_from_the_first_paid_month_and_pooled_from_the_next(desk, make_code,
                                                                                                  make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id, on=D(2024, 3, 1))
    declare(desk, code, 2024, {number: "6000"})
    for month in (3, 4):
        desk.assess_month(month=Month(2024, month), operator=OP)
    pay(desk, number, "2024-03", on=D(2024, 3, 10))
    march, _ = outlook(desk, number, D(2024, 3, 15))
    assert (march.account, march.pooled, march.pooled_from) == (True, False, D(2024, 4, 1))
    april, _ = outlook(desk, number, D(2024, 4, 2))
    assert (april.account, april.pooled) == (True, True)
    assert april.reason.startswith("WAIT-1")


def test_wait_1_before_anything_is_paid_there_are_no_benefits(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id, on=D(2024, 3, 1))
    declare(desk, code, 2024, {number: "6000"})
    desk.assess_month(month=Month(2024, 3), operator=OP)
    allowed, _ = outlook(desk, number, D(2024, 3, 15))
    assert (allowed.account, allowed.pooled, allowed.reason) == (False, False, "WAIT-1: no paid month yet")


# -- WAIT-2, WAIT-4, WAIT-5, WAIT-6 (E23, E24) --------------------------------------------------

def test_e23_wait_2_a_flexible_person_first_paying_for_march_is_pooled_from_the_seventh_month(desk, make_id):
    number = flexible_from_march(desk, make_id)
    pay_months(desk, number, "2024-03", "2024-12", on=D(2024, 3, 5))
    june, _ = outlook(desk, number, D(2024, 6, 15))
    assert (june.account, june.pooled, june.pooled_from) == (True, False, D(2024, 9, 1))
    assert june.reason == "WAIT-2: 4 of 6 months paid"
    assert outlook(desk, number, D(2024, 8, 31))[0].pooled is False
    september, _ = outlook(desk, number, D(2024, 9, 1))
    assert (september.pooled, september.pooled_from) == (True, D(2024, 9, 1))


def test_e24_wait_4_wait_5_pooled_stops_after_an_interruption_and_a_resumption_waits_six_months_again(desk,
                                                                                                   make_id):
    number = flexible_from_march(desk, make_id)
    pay_months(desk, number, "2024-03", "2024-10", on=D(2024, 3, 5))
    desk.interrupt(id_number=number, month=Month(2024, 11), operator=OP)
    assert outlook(desk, number, D(2024, 10, 31))[0].pooled is True
    november, _ = outlook(desk, number, D(2024, 11, 1))
    assert (november.account, november.pooled) == (True, False)  # WAIT-4: the account stays usable
    assert november.reason.startswith("WAIT-4: payment interrupted from 2024-11")

    desk.resume(id_number=number, on=D(2025, 2, 1), operator=OP)
    desk.assess_month(month=Month(2025, 2), operator=OP)
    assert min(m for m, pm in desk.months(number).items() if not pm.cancelled and m.year == 2025) == Month(2025, 2)
    pay_months(desk, number, "2025-02", "2025-12", on=D(2025, 2, 3))
    april, _ = outlook(desk, number, D(2025, 4, 1))
    assert (april.pooled, april.pooled_from, april.reason) == (False, D(2025, 8, 1), "WAIT-5: resumed: 3 of 6 months paid")
    assert outlook(desk, number, D(2025, 8, 1))[0].pooled is True


def test_e24_wait_6_back_paid_months_count_for_years_but_give_no_benefits_and_no_account_credit(desk, make_id):
    number = flexible_from_march(desk, make_id)
    pay_months(desk, number, "2024-03", "2024-10", on=D(2024, 3, 5))
    desk.interrupt(id_number=number, month=Month(2024, 11), operator=OP)
    desk.resume(id_number=number, on=D(2025, 2, 1), operator=OP)
    before_total = contribution_months(desk.view(number), D(2025, 3, 1))["total"]
    _, balance_before = outlook(desk, number, D(2025, 3, 1))

    assert desk.back_pay(id_number=number, first=Month(2024, 11), last=Month(2025, 1), on=D(2025, 2, 10),
                           operator=OP) == 3
    pay_months(desk, number, "2024-11", "2025-01", on=D(2025, 2, 12))

    counts = contribution_months(desk.view(number), D(2025, 3, 1))
    assert (counts["back_paid"], counts["total"]) == (3, before_total + 3)
    allowed, balance_after = outlook(desk, number, D(2025, 3, 1))
    assert balance_after == balance_before  # ACC-2: back-paid months credit nothing
    assert allowed.pooled is False  # the back-paid gap does not join the runs: the new wait goes on
    states = {str(m): pm.state(False) for m, pm in desk.months(number).items()}
    assert states["2024-11"] == states["2025-01"] == "back-paid"


def test_wait_6_a_paid_month_is_not_back_paid(desk, make_id):
    number = flexible_from_march(desk, make_id)
    pay_months(desk, number, "2024-03", "2024-04", on=D(2024, 3, 5))
    with pytest.raises(RuleViolation, match="WAIT-6: 2024-04 already paid"):
        desk.back_pay(id_number=number, first=Month(2024, 4), last=Month(2024, 5), on=D(2024, 7, 1), operator=OP)


def test_wait_4_only_a_flexible_person_with_nothing_paid_from_that_month_is_interrupted(desk, make_id):
    number = flexible_from_march(desk, make_id)
    pay_months(desk, number, "2024-03", "2024-06", on=D(2024, 3, 5))
    with pytest.raises(RuleViolation, match="WAIT-4: 2024-05, 2024-06 already paid"):
        desk.interrupt(id_number=number, month=Month(2024, 5), operator=OP)
    desk.interrupt(id_number=number, month=Month(2024, 7), operator=OP)
    with pytest.raises(RuleViolation, match="WAIT-4: payment is already interrupted"):
        desk.interrupt(id_number=number, month=Month(2024, 8), operator=OP)


def test_wait_5_resuming_someone_not_interrupted_is_refused(desk, make_id):
    number = flexible_from_march(desk, make_id)
    with pytest.raises(RuleViolation, match="WAIT-5: .* is not interrupted"):
        desk.resume(id_number=number, on=D(2024, 6, 1), operator=OP)


# -- WAIT-3, WAIT-7 (E23, E25) ------------------------------------------------------------------

def test_e23_wait_3_an_employee_who_stops_paying_loses_benefits_from_the_stop(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id, on=D(2024, 3, 1))
    declare(desk, code, 2024, {number: "6000"})
    for month in (3, 4, 5):
        desk.assess_month(month=Month(2024, month), operator=OP)
    pay(desk, number, "2024-03", on=D(2024, 3, 10))
    pay(desk, number, "2024-04", on=D(2024, 4, 10))
    assert outlook(desk, number, D(2024, 5, 20))[0].pooled is True  # May is assessed, not yet due
    june, _ = outlook(desk, number, D(2024, 6, 2))
    assert (june.account, june.pooled, june.reason) == (False, False, "WAIT-3: contributions stopped from 2024-05")


def test_e25_wait_7_con_8_acc_2_during_a_deferral_benefits_continue_without_account_credit(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id, on=D(2024, 3, 1))
    declare(desk, code, 2024, {number: "6000"})
    desk.defer(code=code, month=Month(2024, 4), months=3, on=D(2024, 3, 20), operator=OP)
    for month in (3, 4, 5, 6):
        desk.assess_month(month=Month(2024, month), operator=OP)
    pay(desk, number, "2024-03", on=D(2024, 3, 10))
    june, balance = outlook(desk, number, D(2024, 6, 20))
    assert (june.account, june.pooled) == (True, True)
    assert june.reason.startswith("WAIT-7")
    assert balance == Decimal("120.00")  # March's personal part only
    pay(desk, number, "2024-04", on=D(2024, 7, 5))  # paid after the deferral: still no credit (ACC-2)
    assert outlook(desk, number, D(2024, 7, 10))[1] == Decimal("120.00")


# -- ACC-1..ACC-4, TRF-1 (E32) ------------------------------------------------------------------

def test_acc_1_paid_months_credit_the_personal_part_or_the_flexible_account_share(desk, make_id):
    number = flexible_from_march(desk, make_id)
    pay_months(desk, number, "2024-03", "2024-05", on=D(2024, 3, 5))
    _, balance = outlook(desk, number, D(2024, 5, 31))
    assert balance == Decimal("291.18")  # 3 x 4853.00 x 2 %


def test_acc_3_spending_beyond_the_balance_is_refused(desk, make_id):
    number = flexible_from_march(desk, make_id)
    pay_months(desk, number, "2024-03", "2024-03", on=D(2024, 3, 5))
    with pytest.raises(RuleViolation, match=r"ACC-3: 97.06 may be spent on 2024-03-20 \(the balance then and after\)"):
        desk.spend(id_number=number, amount=Decimal("100.00"), on=D(2024, 3, 20), operator=OP)
    assert desk.spend(id_number=number, amount=Decimal("40.00"), on=D(2024, 3, 20), operator=OP,
                        facility="药房") == Decimal("57.06")


def test_e32_trf_1_acc_4_a_transfer_brings_months_and_balance_and_a_transfer_out_takes_them(desk, make_id):
    number = flexible_from_march(desk, make_id)
    desk.transfer_in(id_number=number, from_region="610100", months=36, balance=Decimal("2400.00"),
                       on=D(2024, 3, 2), operator=OP)
    pay_months(desk, number, "2024-03", "2024-04", on=D(2024, 3, 5))
    counts = contribution_months(desk.view(number), D(2024, 4, 30))
    assert (counts["transferred_in"], counts["total"]) == (36, 38)
    assert outlook(desk, number, D(2024, 4, 30))[1] == Decimal("2594.12")
    assert desk.transfer_out(id_number=number, to_region="610100", on=D(2024, 6, 30), operator=OP) == Decimal("2594.12")
    allowed, balance = outlook(desk, number, D(2024, 7, 1))
    assert (balance, allowed.account) == (Decimal("0.00"), False)
    assert desk.months(number)[Month(2024, 8)].cancelled  # no longer owed here
    with pytest.raises(RuleViolation, match="TRF-1: 2024-08 is after .* transferred out to 610100 on 2024-06-30"):
        check_receipt(desk.view(number), Month(2024, 8), Decimal("388.24"))


def test_trf_1_e33_a_move_within_ningxia_is_no_transfer_but_a_change_of_insured_area(desk, make_id):
    number = flexible_from_march(desk, make_id)
    recorded = len(desk.person_history(number))
    with pytest.raises(RuleViolation, match="TRF-1: 640200 is in Ningxia: a move within Ningxia is no transfer"):
        desk.transfer_in(id_number=number, from_region="640200", months=24, balance=Decimal("0.00"),
                           on=D(2024, 3, 2), operator=OP)
    with pytest.raises(RuleViolation, match="TRF-1: 640100 is in Ningxia"):
        desk.transfer_out(id_number=number, to_region="640100", on=D(2024, 6, 30), operator=OP)
    with pytest.raises(RuleViolation, match="TRF-1: 610100 is outside Ningxia"):
        desk.change_person(id_number=number, changes={"area": "610100"}, on=D(2024, 5, 1), operator=OP)
    assert len(desk.person_history(number)) == recorded
    desk.change_person(id_number=number, changes={"area": "640205"}, on=D(2024, 5, 1), operator=OP)
    assert desk.state(number, D(2024, 5, 1)).area == "640205"
    assert contribution_months(desk.view(number), D(2024, 5, 1))["transferred_in"] == 0


# -- RET-1 (E30) --------------------------------------------------------------------------------

def test_e30_ret_1_short_of_the_minimum_benefits_start_the_month_after_the_back_payment(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 1, 5))
    desk.assess_month(month=Month(2024, 1), operator=OP)
    pay_months(desk, number, "2024-01", "2024-06", on=D(2024, 1, 10))
    desk.transfer_in(id_number=number, from_region="610100", months=290, balance=Decimal("0.00"),
                       on=D(2024, 1, 6), operator=OP)
    assert desk.retire(id_number=number, on=D(2024, 7, 1), operator=OP) == 4  # 296 of 300 months
    with pytest.raises(RuleViolation, match="RET-1: .* retired already"):
        desk.retire(id_number=number, on=D(2024, 7, 2), operator=OP)
    waiting, _ = outlook(desk, number, D(2024, 7, 15))
    assert (waiting.pooled, waiting.reason) == (
        False, "RET-1: 4 months short; benefits start the month after the shortfall is back-paid")

    desk.publish_average_wage(year=2022, annual=Decimal("91000"), on=D(2023, 6, 30), operator=OP)
    desk.back_pay(id_number=number, first=Month(2023, 1), last=Month(2023, 4), on=D(2024, 7, 10), operator=OP)
    assert outlook(desk, number, D(2024, 7, 31))[0].pooled is False  # assessed, not yet received
    pay_months(desk, number, "2023-01", "2023-04", on=D(2024, 7, 20))
    assert outlook(desk, number, D(2024, 7, 31))[0].pooled is False
    started, _ = outlook(desk, number, D(2024, 8, 1))
    assert (started.account, started.pooled, started.pooled_from) == (True, True, D(2024, 8, 1))


def test_ret_1_enough_months_retire_straight_into_benefits_with_the_fixed_credit(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 1, 5))
    desk.transfer_in(id_number=number, from_region="610100", months=300, balance=Decimal("100.00"),
                       on=D(2024, 1, 6), operator=OP)
    assert desk.retire(id_number=number, on=D(2024, 7, 1), operator=OP) == 0
    allowed, balance = outlook(desk, number, D(2024, 9, 15))
    assert (allowed.account, allowed.pooled, allowed.pooled_from) == (True, True, D(2024, 8, 1))
    assert balance == Decimal("240.00")  # 100.00 + August and September at the assumed 70.00


def test_acc_3_a_correction_that_would_overdraw_the_account_is_refused(desk, make_id):
    number = flexible_from_march(desk, make_id)
    pay_months(desk, number, "2024-03", "2024-03", on=D(2024, 3, 5))
    desk.spend(id_number=number, amount=Decimal("90.00"), on=D(2024, 3, 20), operator=OP)
    receipt = next(e.originator_version for e in desk.person_history(number)
                   if type(e).__name__ == "ContributionReceived")
    with pytest.raises(RuleViolation, match="ACC-3: reversing event .* would leave the account at -90.00"):
        desk.correct_person(id_number=number, seq=receipt, reason="wrong person", on=D(2024, 4, 1), operator=OP)
    spending = desk.person_history(number)[-1].originator_version
    desk.correct_person(id_number=number, seq=spending, reason="refund at the pharmacy", on=D(2024, 4, 1),
                          operator=OP)
    desk.correct_person(id_number=number, seq=receipt, reason="wrong person", on=D(2024, 4, 1), operator=OP)


def test_acc_3_a_back_dated_spending_may_not_overdraw_a_later_day(desk, make_id):
    number = flexible_from_march(desk, make_id)
    pay_months(desk, number, "2024-03", "2024-03", on=D(2024, 3, 5))
    desk.spend(id_number=number, amount=Decimal("1.00"), on=D(2024, 4, 15), operator=OP)
    with pytest.raises(RuleViolation, match="ACC-3: 96.06 may be spent on 2024-03-15"):
        desk.spend(id_number=number, amount=Decimal("97.00"), on=D(2024, 3, 15), operator=OP)


# -- the same rules over facts written by hand (no store at all) --------------------------------------------

def test_e23_wait_2_pure_six_paid_months_open_pooled_benefits_from_the_seventh():
    from ledger.benefits.eligibility import eligibility
    from tests.builders import Facts

    view = Facts().registered(on=D(2024, 3, 1)).paid("2024-03", "2024-09").view()
    assert eligibility(view, D(2024, 8, 31)).reason == "WAIT-2: 6 of 6 months paid"
    assert (eligibility(view, D(2024, 9, 15)).pooled, eligibility(view, D(2024, 9, 15)).reason) == (
        True, "WAIT-2: 7 months paid since 2024-03, pooled from 2024-09")


def test_e24_wait_4_mon_2_pure_an_unpaid_month_stops_pooled_benefits_and_the_months_still_count():
    from ledger.benefits.eligibility import eligibility
    from ledger.contributions.months import contribution_months
    from tests.builders import Facts

    view = Facts().registered(on=D(2024, 1, 1)).paid("2024-01", "2024-07").assessed("2024-08").view()
    august = eligibility(view, D(2024, 8, 15))
    assert (august.account, august.pooled, august.reason.split(":")[0]) == (True, False, "WAIT-4")
    assert contribution_months(view, D(2024, 8, 31)) == {"paid": 7, "back_paid": 0, "transferred_in": 0, "total": 7}


def test_acc_1_acc_2_pure_a_month_credits_its_account_share_when_its_money_arrives_and_a_deferred_one_never():
    from ledger.benefits.account import movements, summary
    from tests.builders import Facts

    facts = Facts().registered(on=D(2024, 1, 1), scheme="employee")
    for month in ("2024-01", "2024-02"):
        facts.assessed(month, total="291.18", personal="97.06", scheme="employee", employer="E", basis="declared")
        facts.received(month, "291.18", on=D(2024, 3, 20))
    credited = summary(movements(facts.view(), D(2024, 3, 19)))["credited"], \
        summary(movements(facts.view(), D(2024, 3, 20)))["credited"]
    assert credited == (Decimal("0.00"), Decimal("194.12"))
    deferred = facts.view(deferrals={"E": [(Month(2024, 2), Month(2024, 3))]})
    assert summary(movements(deferred, D(2024, 3, 20)))["credited"] == Decimal("97.06")
