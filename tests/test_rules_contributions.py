"""CON-1..CON-8, MON-1..MON-3 and REG-4 with contributions, on the in-memory store."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger.contributions.months import contribution_months
from ledger.contributions.receipts import Receipt
from ledger.core.errors import BadInput, RuleViolation
from ledger.core.month import Month
from ledger.intake import files
from projections.months import month_rows
from tests.builders import (
    OP,
    con_8_aud_2_a_reversed_deferral_no_longer_defers_the_staffs_months,
    declare,
    employer_with_staff,
    flexible,
    pay,
)

D = datetime.date


# -- CON-1, CON-2 -------------------------------------------------------------------------------

def test_con_1_bases_are_declared_once_a_year_and_a_repeat_is_refused(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    declare(desk, code, 2024, {number: "8000"})
    with pytest.raises(RuleViolation, match="CON-1: bases for 2024 are already declared"):
        declare(desk, code, 2024, {number: "9000"})


def test_con_1_a_later_declaration_adds_staff_not_yet_declared(desk, make_code, make_id):
    code, (first, second) = employer_with_staff(desk, make_code, make_id, staff=2)
    declare(desk, code, 2024, {first: "8000"})
    declare(desk, code, 2024, {second: "9000"}, on=D(2024, 3, 1))
    desk.assess_month(month=Month(2024, 4), operator=OP)
    assert desk.months(second)[Month(2024, 4)].base == Decimal("9000.00")


@pytest.mark.parametrize("wage, base", [("3000", "4853.00"), ("8000.50", "8000.50"), ("50000", "24264.00")])
def test_con_2_the_declared_wage_is_held_between_60_and_300_percent_of_the_average(desk, make_code, make_id,
                                                                                   wage, base):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    declare(desk, code, 2024, {number: wage})
    desk.assess_month(month=Month(2024, 2), operator=OP)
    assessed = desk.months(number)[Month(2024, 2)]
    assert (assessed.base, assessed.basis, assessed.reference_year) == (Decimal(base), "declared", 2023)


def test_con_2_a_row_for_someone_not_on_the_staff_refuses_the_whole_file(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    outsider = flexible(desk, make_id)
    before = desk.event_count()
    with pytest.raises(BadInput, match=f"row 3: {outsider} is not on the staff"):
        declare(desk, code, 2024, {number: "8000", outsider: "7000"})
    assert desk.event_count() == before


def test_con_2_malformed_and_repeated_rows_are_listed_by_row_number():
    data = ("id_number,monthly_wage\n640102199003070011,8000\n640102199003070012,8000\n"
            "640102199003070011,9000\n640102199001011237,-5\n").encode()
    with pytest.raises(BadInput) as refusal:
        files.wage_rows(data)
    message = str(refusal.value)
    assert "3 bad rows" in message and "row 3:" in message and "row 4: 640102199003070011 repeats row 2" in message
    assert "row 5: monthly_wage" in message


# -- CON-3 --------------------------------------------------------------------------------------

def test_con_3_a_year_assessed_before_last_years_average_is_trued_up_when_it_is_published(desk, make_code,
                                                                                         make_id):
    code, (low, middle) = employer_with_staff(desk, make_code, make_id, staff=2, on=D(2025, 1, 1))
    declare(desk, code, 2025, {low: "3000", middle: "9000"}, on=D(2025, 1, 10))
    for month in (1, 2):
        desk.assess_month(month=Month(2025, month), operator=OP)
    assert desk.months(low)[Month(2025, 1)].reference_year == 2023  # 2024's not published: 2023's, provisional
    pay(desk, low, "2025-01", on=D(2025, 1, 20))

    report = desk.publish_average_wage(year=2024, annual=Decimal("103200"), on=D(2025, 6, 30), operator=OP)

    assert report.reassessed == 2  # the floor rose from 4853 to 5160 for both months; the middle wage is unchanged
    january = desk.months(low)[Month(2025, 1)]
    assert (january.base, january.reference_year, january.true_up) == (Decimal("5160.00"), 2024, Decimal("24.56"))
    assert january.state(deferred=False) == "trued-up" and january.outstanding == Decimal("24.56")
    assert desk.months(middle)[Month(2025, 1)].reference_year == 2023
    types = [type(e).__name__ for e in desk.person_history(low)]
    assert types.count("ContributionAssessed") == 2 and types.count("ContributionReassessed") == 2
    pay(desk, low, "2025-01", "24.56", on=D(2025, 7, 10))
    assert desk.months(low)[Month(2025, 1)].state(deferred=False) == "paid"


def test_con_3_with_neither_average_published_assessment_is_refused(desk, make_id):
    number = flexible(desk, make_id, on=D(2027, 2, 1))
    with pytest.raises(RuleViolation, match="CON-3: neither 2026's nor 2025's average wage is published"):
        desk.assess_month(month=Month(2027, 2), operator=OP)
    assert desk.months(number) == {}


# -- CON-4 --------------------------------------------------------------------------------------

def test_con_4_an_undeclared_employer_is_assessed_at_110_percent_of_last_month_then_settled(desk, make_code,
                                                                                          make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    declare(desk, code, 2024, {number: "6000"})
    desk.assess_month(month=Month(2024, 12), operator=OP)
    desk.assess_month(month=Month(2025, 1), operator=OP)  # nothing declared for 2025 yet
    january = desk.months(number)[Month(2025, 1)]
    assert (january.base, january.basis, january.total) == (Decimal("6600.00"), "provisional", Decimal("528.00"))

    report = declare(desk, code, 2025, {number: "7000"}, on=D(2025, 2, 10))

    assert report.reassessed == 1
    january = desk.months(number)[Month(2025, 1)]
    assert (january.base, january.basis, january.true_up) == (Decimal("7000.00"), "declared", Decimal("32.00"))


def test_con_4_with_no_previous_month_the_clerk_estimates(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    report = desk.assess_month(month=Month(2024, 1), operator=OP)
    assert report.assessed == 0 and report.skipped[0][0] == number and "CON-4" in report.skipped[0][1]
    desk.assess_month(month=Month(2024, 1), operator=OP, employer_code=code,
                               estimate_base=Decimal("5000.00"))
    assert desk.months(number)[Month(2024, 1)].basis == "estimate"


# -- CON-5 --------------------------------------------------------------------------------------

def test_con_5_a_new_flexible_person_owes_the_rest_of_the_year_at_the_minimum_base_in_one_lump(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    desk.assess_month(month=Month(2024, 4), operator=OP)
    months = desk.months(number)
    assert list(months) == [Month(2024, m) for m in range(3, 13)]
    assert {(pm.base, pm.total, pm.due_on, pm.basis) for pm in months.values()} == {
        (Decimal("4853.00"), Decimal("388.24"), D(2024, 12, 31), "minimum")}
    assert len({pm.notice for pm in months.values()}) == 1


def test_con_5_every_flexible_person_is_assessed_whatever_the_commit_chunk(desk, make_id, monkeypatch):
    monkeypatch.setattr("ledger.contributions.handlers.CHUNK", 2)
    numbers = [flexible(desk, make_id, on=D(2024, 3, 10)) for _ in range(5)]
    report = desk.assess_month(month=Month(2024, 3), operator=OP)
    assert report.assessed == 50
    assert [len(desk.months(number)) for number in numbers] == [10] * 5


def test_con_5_in_the_fourth_quarter_next_year_is_assessed_due_by_31_december(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    desk.assess_month(month=Month(2024, 9), operator=OP)
    assert not any(m.year == 2025 for m in desk.months(number))
    desk.assess_month(month=Month(2024, 10), operator=OP)
    next_year = [pm for m, pm in desk.months(number).items() if m.year == 2025]
    assert len(next_year) == 12 and {pm.due_on for pm in next_year} == {D(2024, 12, 31)}


def test_con_5_unpaid_assessments_are_cancelled_after_their_due_date(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    desk.assess_month(month=Month(2024, 3), operator=OP)
    pay(desk, number, "2024-03", on=D(2024, 3, 20))
    with pytest.raises(RuleViolation, match="CON-5"):
        desk.close_year(year=2024, on=D(2024, 12, 31), operator=OP)
    cancelled = desk.close_year(year=2024, on=D(2025, 1, 5), operator=OP)
    months = desk.months(number)
    assert cancelled == 9
    assert months[Month(2024, 3)].state(deferred=False) == "paid"
    assert all(months[Month(2024, m)].state(deferred=False) == "cancelled" for m in range(4, 13))
    assert [type(e).__name__ for e in desk.person_history(number)].count("AssessmentCancelled") == 9


def test_con_5_assessing_the_new_year_cancels_last_years_unpaid_lump(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 11, 10))
    desk.assess_month(month=Month(2024, 11), operator=OP)
    report = desk.assess_month(month=Month(2025, 1), operator=OP)
    assert report.cancelled == 14  # Nov-Dec 2024 and the twelve months of 2025, all due 31 December 2024
    assert all(pm.cancelled for pm in desk.months(number).values())


def test_con_5_a_chosen_higher_base_is_honoured_and_a_lower_one_refused(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    with pytest.raises(RuleViolation, match="CON-5: a base of 4000.00 is below the minimum base 4853.00"):
        desk.choose_base(id_number=number, base=Decimal("4000.00"), month=Month(2024, 3), on=D(2024, 3, 10),
                           operator=OP)
    desk.choose_base(id_number=number, base=Decimal("6000.00"), month=Month(2024, 3), on=D(2024, 3, 10),
                       operator=OP)
    desk.assess_month(month=Month(2024, 3), operator=OP)
    march = desk.months(number)[Month(2024, 3)]
    assert (march.base, march.basis, march.total) == (Decimal("6000.00"), "chosen", Decimal("480.00"))


# -- CON-6, CON-7 -------------------------------------------------------------------------------

def test_con_6_only_received_money_makes_a_month_paid(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    declare(desk, code, 2024, {number: "6000"})
    desk.assess_month(month=Month(2024, 2), operator=OP)
    assert desk.months(number)[Month(2024, 2)].state(deferred=False) == "assessed"
    assert pay(desk, number, "2024-02", "100.00") == "CON-6: wrong amount: 2024-02 owes 480.00"
    assert desk.months(number)[Month(2024, 2)].received == 0
    assert pay(desk, number, "2024-02") is None
    assert desk.months(number)[Month(2024, 2)].state(deferred=False) == "paid"


def test_con_6_a_receipt_that_matches_nothing_is_kept_as_unmatched(desk, make_id):
    stranger = make_id()
    assert "REG-2" in desk.pay_at_counter(id_number=stranger, first=Month(2024, 2), last=Month(2024, 2),
                                     amount=Decimal("10.00"), received_on=D(2024, 2, 2), operator=OP)
    from ledger.contributions.receipts import ReceiptUnmatched
    from ledger.store.registry import notifications
    kept = [desk.mapper.to_domain_event(n) for n in notifications(desk, ReceiptUnmatched)]
    assert [(e.id_number, e.amount) for e in kept] == [(stranger, Decimal("10.00"))]


def test_con_6_one_counter_payment_may_settle_a_run_of_months(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    desk.assess_month(month=Month(2024, 3), operator=OP)
    assert desk.pay_at_counter(id_number=number, first=Month(2024, 3), last=Month(2024, 12),
                          amount=Decimal("3882.40"), received_on=D(2024, 3, 20), operator=OP) is None
    assert all(pm.paid for pm in desk.months(number).values())


def receipts_for(desk, numbers, months):
    rows, row = [], 2
    for number in numbers:
        owed = desk.months(number)
        for month in months:
            rows.append(Receipt(row, number, month, owed[month].outstanding, D(2024, 3, 15)))
            row += 1
    return rows


def test_con_6_importing_the_same_file_twice_records_nothing_new(desk, make_id, monkeypatch):
    monkeypatch.setattr("ledger.contributions.receiving.CHUNK_ROWS", 4)
    numbers = [flexible(desk, make_id, on=D(2024, 1, 5)) for _ in range(3)]
    desk.assess_month(month=Month(2024, 1), operator=OP)
    receipts = receipts_for(desk, numbers, [Month(2024, m) for m in range(1, 4)])
    receipts.append(Receipt(11, make_id(), Month(2024, 1), Decimal("1.00"), D(2024, 3, 15)))
    first = desk.import_receipts(receipts, digest="d1", source="r.csv", on=D(2024, 3, 16), operator=OP)
    assert (first.matched, first.unmatched, first.duplicates) == (9, 1, 0)
    events_after_first = desk.recorder.max_notification_id()
    again = desk.import_receipts(receipts, digest="d1", source="r.csv", on=D(2024, 3, 17), operator=OP)
    assert (again.matched, again.unmatched, again.duplicates) == (0, 0, 10)
    assert desk.recorder.max_notification_id() == events_after_first


def test_con_6_an_import_that_stopped_resumes_after_its_last_chunk(desk, make_id, monkeypatch):
    monkeypatch.setattr("ledger.contributions.receiving.CHUNK_ROWS", 4)
    numbers = [flexible(desk, make_id, on=D(2024, 1, 5)) for _ in range(3)]
    desk.assess_month(month=Month(2024, 1), operator=OP)
    receipts = receipts_for(desk, numbers, [Month(2024, m) for m in range(1, 4)])
    chunks = []

    def crash_after_two_chunks(n):
        chunks.append(n)
        if len(chunks) == 3:  # the first call reports the rows already done
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        desk.import_receipts(receipts, digest="d2", source="r.csv", on=D(2024, 3, 16), operator=OP,
                        progress=crash_after_two_chunks)
    resumed = desk.import_receipts(receipts, digest="d2", source="r.csv", on=D(2024, 3, 16), operator=OP)
    assert (resumed.matched, resumed.duplicates) == (1, 8)
    for number in numbers:
        assert all(desk.months(number)[Month(2024, m)].paid for m in range(1, 4))
        received = [e for e in desk.person_history(number) if type(e).__name__ == "ContributionReceived"]
        assert len(received) == 3


def test_con_7_each_part_is_base_times_rate_rounded_half_up_to_the_fen(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    declare(desk, code, 2024, {number: "5555.55"})
    desk.assess_month(month=Month(2024, 2), operator=OP)
    february = desk.months(number)[Month(2024, 2)]
    # 5555.55 x 6 % = 333.333 -> 333.33; x 2 % = 111.111 -> 111.11
    assert (february.employer_part, february.personal_part, february.total) == (
        Decimal("333.33"), Decimal("111.11"), Decimal("444.44"))


def test_con_7_half_a_fen_rounds_up(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    declare(desk, code, 2024, {number: "5000.25"})
    desk.assess_month(month=Month(2024, 2), operator=OP)
    february = desk.months(number)[Month(2024, 2)]
    assert (february.employer_part, february.personal_part) == (Decimal("300.02"), Decimal("100.01"))  # .015, .005


# -- CON-8, REG-4 -------------------------------------------------------------------------------

def test_con_8_a_deferral_runs_at_most_12_months(desk, make_code, make_id):
    code, _ = employer_with_staff(desk, make_code, make_id)
    with pytest.raises(RuleViolation, match="CON-8: deferral would run 13 months in a row; at most 12"):
        desk.defer(code=code, month=Month(2024, 1), months=13, on=D(2024, 1, 1), operator=OP)
    desk.defer(code=code, month=Month(2024, 1), months=8, on=D(2024, 1, 1), operator=OP)
    with pytest.raises(RuleViolation, match="CON-8: deferral would run 13 months"):
        desk.defer(code=code, month=Month(2024, 9), months=5, on=D(2024, 8, 1), operator=OP)
    with pytest.raises(RuleViolation, match="CON-8: the months from 2024-08 overlap"):
        desk.defer(code=code, month=Month(2024, 8), months=2, on=D(2024, 8, 1), operator=OP)
    desk.defer(code=code, month=Month(2024, 9), months=4, on=D(2024, 8, 1), operator=OP)


def test_con_8_deferred_months_are_owed_but_not_in_arrears_until_the_deferral_ends(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    declare(desk, code, 2024, {number: "6000"})
    desk.defer(code=code, month=Month(2024, 3), months=2, on=D(2024, 2, 20), operator=OP)
    for month in (2, 3, 4):
        desk.assess_month(month=Month(2024, month), operator=OP)
    debt = desk.employer_debt(code, D(2024, 4, 30))
    assert (debt.owed, debt.arrears, debt.deferred) == (Decimal("1440.00"), Decimal("480.00"), Decimal("960.00"))
    assert desk.employer_debt(code, D(2024, 5, 2)).arrears == Decimal("1440.00")
    rows = month_rows(desk.view(number))
    assert [row["state"] for row in rows] == ["assessed", "deferred", "deferred"]


def test_con_8_aud_2_a_reversed_deferral_no_longer_defers_the_staffs_months(desk, make_code, make_id):
    con_8_aud_2_a_reversed_deferral_no_longer_defers_the_staffs_months(desk, make_code, make_id)


def test_reg_4_an_employer_owing_contributions_is_not_cancelled_and_the_amount_is_named(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    declare(desk, code, 2024, {number: "6000"})
    desk.assess_month(month=Month(2024, 2), operator=OP)
    with pytest.raises(RuleViolation, match="REG-4: employer owes 480.00"):
        desk.cancel_employer(code=code, reason="解散", on=D(2024, 3, 1), operator=OP)
    pay(desk, number, "2024-02")
    desk.cancel_employer(code=code, reason="解散", on=D(2024, 3, 1), operator=OP)


# -- MON-1..MON-3 -------------------------------------------------------------------------------

def test_mon_1_each_person_month_shows_scheme_base_amounts_state_and_credit(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id)
    declare(desk, code, 2024, {number: "6000"})
    for month in (1, 2):
        desk.assess_month(month=Month(2024, month), operator=OP)
    pay(desk, number, "2024-01")
    rows = month_rows(desk.view(number))
    assert rows[0] | {"due_on": None} == {
        "month": "2024-01", "scheme": "employee", "base": "6000.00", "employer": code, "employer_part": "360.00",
        "personal": "120.00", "total": "480.00", "received": "480.00", "true_up": "0.00", "state": "paid",
        "credited": "120.00", "basis": "declared", "reference_year": 2023, "due_on": None}
    assert (rows[1]["state"], rows[1]["credited"]) == ("assessed", "0.00")


def test_mon_2_a_month_paid_twice_counts_once(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    desk.assess_month(month=Month(2024, 3), operator=OP)
    pay(desk, number, "2024-03")
    assert "already paid" in pay(desk, number, "2024-03", "388.24")
    pay(desk, number, "2024-04")
    counts = contribution_months(desk.view(number), D(2024, 12, 31))
    assert counts == {"paid": 2, "back_paid": 0, "transferred_in": 0, "total": 2}


def test_mon_2_a_month_counts_from_the_day_its_money_was_received(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    desk.assess_month(month=Month(2024, 3), operator=OP)
    pay(desk, number, "2024-03", on=D(2024, 5, 2))
    view = desk.view(number)
    assert contribution_months(view, D(2024, 5, 1))["paid"] == 0
    assert contribution_months(view, D(2024, 5, 2))["paid"] == 1


def test_mon_3_contribution_months_survive_cancellation_and_carry_into_a_new_registration(desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    desk.assess_month(month=Month(2024, 3), operator=OP)
    pay(desk, number, "2024-03")
    desk.cancel_person(id_number=number, reason="left", on=D(2024, 4, 1), operator=OP)
    desk.register_person(id_number=number, name="马红", sex="M", scheme="flexible", on=D(2026, 2, 1), operator=OP)
    assert contribution_months(desk.view(number), D(2026, 3, 1))["paid"] == 1


def test_con_3_a_true_up_is_due_by_the_end_of_the_year_and_does_not_postpone_the_first_amount(desk, make_code,
                                                                                             make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id, on=D(2025, 1, 1))
    declare(desk, code, 2025, {number: "3000"}, on=D(2025, 1, 10))
    for month in (1, 2):
        desk.assess_month(month=Month(2025, month), operator=OP)
    pay(desk, number, "2025-01", on=D(2025, 1, 20))
    desk.publish_average_wage(year=2024, annual=Decimal("103200"), on=D(2025, 6, 30), operator=OP)
    july = desk.employer_debt(code, D(2025, 7, 31))
    assert (july.owed, july.arrears) == (Decimal("437.36"), Decimal("388.24"))  # February's first amount only
    assert desk.employer_debt(code, D(2026, 1, 1)).arrears == Decimal("437.36")


def test_con_5_wait_5_a_worker_who_resumed_in_a_year_with_cancelled_months_is_assessed_for_next_year_in_q4(
        desk, make_id):
    number = flexible(desk, make_id, on=D(2024, 3, 10))
    desk.assess_month(month=Month(2024, 3), operator=OP)
    pay(desk, number, "2024-03", on=D(2024, 3, 20))
    desk.interrupt(id_number=number, month=Month(2024, 4), operator=OP)
    desk.resume(id_number=number, on=D(2024, 8, 1), operator=OP)
    desk.assess_month(month=Month(2024, 8), operator=OP)
    desk.assess_month(month=Month(2024, 10), operator=OP)
    next_year = [pm for m, pm in desk.months(number).items() if m.year == 2025]
    assert len(next_year) == 12 and {pm.due_on for pm in next_year} == {D(2024, 12, 31)}


def test_con_9_ret_1_a_retiree_still_on_the_staff_is_not_assessed_as_an_employee(desk, make_code, make_id):
    code, (number,) = employer_with_staff(desk, make_code, make_id, on=D(2024, 1, 1))
    declare(desk, code, 2024, {number: "6000"})
    desk.retire(id_number=number, on=D(2024, 3, 1), operator=OP)
    report = desk.assess_month(month=Month(2024, 4), operator=OP)
    assert report.assessed == 0 and Month(2024, 4) not in desk.months(number)
    assert report.skipped == [(number, f"CON-9: {number} is retired, not an employee, in 2024-04: record their "
                                       "leaving the staff")]
