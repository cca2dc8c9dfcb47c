"""Properties of the folds over random histories."""

from __future__ import annotations

import copy
import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import RuleViolation
from ledger.person import Person
from projections.status import status
from projections.timeline import timeline

D = datetime.date
ASKED_ON = [D(2023, 12, 31), D(2024, 3, 1), D(2024, 7, 1), D(2025, 6, 30)]
dates = st.dates(D(2024, 1, 1), D(2025, 6, 30))
operations = st.one_of(
    st.tuples(st.just("change"), st.sampled_from(["银川", "吴忠", "固原"]), dates),
    st.tuples(st.just("rename"), st.sampled_from(["马敏", "马明"]), dates),
    st.tuples(st.just("cancel"), st.sampled_from(["death", "abroad", "left"]), dates),
    st.tuples(st.just("reregister"), st.sampled_from(["flexible", "resident"]), dates),
    st.tuples(st.just("reverse"), st.integers(1, 12), dates),
)


def a_person() -> Person:
    return Person.register(id_number="640102199001011237", name="马明", sex="M", birth=D(1990, 1, 1),
                           scheme="flexible", employer=None, hukou=None, phone=None, address=None,
                           on=D(2024, 2, 1), operator="c", documents=[])


def apply(person: Person, operation) -> None:
    kind, value, on = operation
    if kind == "change":
        person.change(changes={"address": value}, reason=None, on=on, operator="c", documents=[])
    elif kind == "rename":
        person.change(changes={"name": value}, reason=None, on=on, operator="c", documents=["改名证明"])
    elif kind == "cancel":
        person.cancel(reason=value, on=on, operator="c", documents=[])
    elif kind == "reregister":
        person.reregister(scheme=value, employer=None, on=on, operator="c", documents=[])
    else:
        person.reverse(seq=value, reason="correction", on=on, operator="c")


@settings(max_examples=150, deadline=None)
@given(st.lists(operations, max_size=12))
def test_what_the_ledger_said_at_t_is_what_it_says_now_as_known_at_t(ops):
    person = a_person()
    said = []
    for operation in ops:
        try:
            apply(person, operation)
        except RuleViolation:
            continue  # refused: nothing recorded, so nothing to compare
        moment = datetime.datetime.now(datetime.timezone.utc)
        said.append((moment, [status(person.history, on, moment) for on in ASKED_ON], timeline(person.history)))
    for moment, statuses, rows in said:
        assert [status(person.history, on, moment) for on in ASKED_ON] == statuses
        assert timeline(person.history, moment) == rows


@settings(max_examples=100, deadline=None)
@given(st.lists(operations, max_size=12))
def test_nothing_recorded_ever_disappears_from_the_timeline(ops):
    person = a_person()
    for operation in ops:
        try:
            apply(person, operation)
        except RuleViolation:
            pass
    rows = timeline(person.history)
    assert [row["seq"] for row in rows] == list(range(1, len(person.history) + 1))
    reversed_seqs = {row["seq"] for row in rows if row["reversed_by"]}
    assert all(rows[seq - 1]["type"] != "EventReversed" for seq in reversed_seqs)


month_ops = st.lists(st.one_of(
    st.tuples(st.just("assess"), st.integers(1, 6), st.sampled_from(["4853.00", "6000.00"])),
    st.tuples(st.just("pay"), st.integers(1, 6), st.sampled_from(["full", "388.24", "1.00"])),
    st.tuples(st.just("reassess"), st.integers(1, 6), st.sampled_from(["5160.00", "7000.00"])),
    st.tuples(st.just("cancel"), st.integers(1, 6), st.just("")),
    st.tuples(st.just("reverse"), st.integers(1, 20), st.just("")),
), max_size=15)


def apply_month_op(person: Person, operation) -> None:
    from decimal import Decimal

    from ledger.assessment import amounts
    from ledger.month import Month
    from ledger.policy import Policy

    kind, number, value = operation
    month = Month(2024, min(number, 12))
    owed = person.months().get(month)
    if kind == "assess":
        parts = amounts(Policy.defaults(), "flexible", month, Decimal(value))
        person.assess(month=month, scheme="flexible", employer=None, base=Decimal(value), employer_part=parts.employer_part,
                      personal_part=parts.personal_part, total=parts.total, basis="minimum", reference_year=2023,
                      notice="n", due_on=D(2024, 12, 31), operator="c", documents=[])
    elif kind == "pay":
        amount = owed.outstanding if value == "full" and owed else Decimal(value if value != "full" else "1.00")
        person.record_receipt(month=month, amount=amount, received_on=D(2024, 6, 1), source="t",
                              receipt_id=str(len(person.history)), operator="c", documents=[])
    elif kind == "reassess" and owed and not owed.cancelled:
        parts = amounts(Policy.defaults(), "flexible", month, Decimal(value))
        person.reassess(month=month, base=Decimal(value), employer_part=parts.employer_part,
                        personal_part=parts.personal_part, total=parts.total, basis="minimum", reference_year=2024,
                        difference=parts.total - owed.total, rule="CON-3", due_on=D(2024, 12, 31), operator="c",
                        documents=[])
    elif kind == "cancel" and owed and not owed.cancelled:
        person.cancel_assessment(month=month, rule="CON-5", on=D(2025, 1, 2), operator="c")
    elif kind == "reverse":
        person.reverse(seq=number, reason="correction", on=D(2024, 7, 1), operator="c")


@settings(max_examples=150, deadline=None)
@given(month_ops)
def test_mon_1_mat_2_the_months_as_known_at_t_are_the_months_of_only_what_was_recorded_by_t(ops):
    from ledger import history
    from ledger.contribution_months import contribution_months, person_months
    from ledger.maternity import continuous_months
    from ledger.month import Month
    from ledger.policy import Policy
    from projections.months import month_rows

    policy, person = Policy.defaults(), a_person()
    said = []
    for operation in ops:
        try:
            apply_month_op(person, operation)
        except RuleViolation:
            continue
        assert person.months() == person_months(person.history)  # the cached table is the fold's
        moment = datetime.datetime.now(datetime.timezone.utc)
        said.append((moment, month_rows(policy, person.history, {}),
                     contribution_months(person.history, {}, D(2024, 12, 31)),
                     [continuous_months(policy, person.history, {}, Month(2024, n), D(2024, 12, 31)) for n in range(1, 7)]))
    for moment, rows, counts, continuous in said:
        known = history.known_at(person.history, moment)
        assert month_rows(policy, known, {}) == rows
        assert contribution_months(known, {}, D(2024, 12, 31)) == counts
        # MAT-2: the continuous months as known at T are those of only what was recorded by T
        assert [continuous_months(policy, known, {}, Month(2024, n), D(2024, 12, 31)) for n in range(1, 7)] == continuous
    for row in month_rows(policy, person.history, {}):
        assert row["state"] in ("assessed", "paid", "trued-up", "cancelled")
        assert (row["state"] == "paid") <= (row["received"] >= row["total"])


life_ops = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(3, 12), st.integers(0, 60)),
    st.tuples(st.just("interrupt"), st.integers(3, 12), st.integers(0, 0)),
    st.tuples(st.just("resume"), st.integers(3, 12), st.integers(1, 28)),
    st.tuples(st.just("spend"), st.integers(3, 12), st.integers(1, 300)),
    st.tuples(st.just("transfer-in"), st.integers(3, 12), st.integers(0, 500)),
    st.tuples(st.just("reverse"), st.integers(1, 30), st.integers(0, 0)),
), max_size=18)


def apply_life_op(policy, person: Person, operation) -> None:
    from decimal import Decimal

    from ledger import account
    from ledger.eligibility import eligibility
    from ledger.month import Month

    kind, number, value = operation
    month = Month(2024, min(number, 12))
    if kind == "pay":
        owed = person.months().get(month)
        if owed is not None and owed.outstanding > 0:
            person.record_receipt(month=month, amount=owed.outstanding, received_on=month.day(1 + value % 28),
                                  source="t", receipt_id=str(len(person.history)), operator="c", documents=[])
    elif kind == "interrupt":
        person.interrupt(month=month, operator="c", documents=[])
    elif kind == "resume":
        person.resume(on=month.day(value), operator="c", documents=[])
    elif kind == "spend":
        on = month.day(15)
        allowed = eligibility(policy, person.history, {}, on)
        available = account.spendable(account.movements(policy, person.history, {}, D(2025, 12, 31)), on)
        person.spend(amount=Decimal(value), facility=None, balance=available, usable=allowed.account,
                     reason=allowed.reason, on=on, operator="c", documents=[])
    elif kind == "transfer-in":
        person.transfer_in(from_region="610100", months=value % 24, balance=Decimal(value), on=month.day(2),
                           operator="c", documents=[])
    else:
        person.reverse(seq=number, reason="correction", on=D(2024, 12, 31), operator="c")
        account.refuse_overdraft(policy, person.history, {}, number)


def a_flexible_year() -> Person:
    from decimal import Decimal

    from ledger.assessment import amounts
    from ledger.month import Month
    from ledger.policy import Policy

    person = a_person()
    for number in range(3, 13):
        month = Month(2024, number)
        parts = amounts(Policy.defaults(), "flexible", month, Decimal("4853.00"))
        person.assess(month=month, scheme="flexible", employer=None, base=Decimal("4853.00"), employer_part=parts.employer_part,
                      personal_part=parts.personal_part, total=parts.total, basis="minimum", reference_year=2023,
                      notice="n", due_on=D(2024, 12, 31), operator="c", documents=[])
    return person


@settings(max_examples=120, deadline=None)
@given(life_ops)
def test_wait_acc_eligibility_and_balance_as_they_happened_equal_the_fold_and_never_go_negative(ops):
    from ledger import account, history
    from ledger.eligibility import eligibility
    from ledger.policy import Policy

    policy, person = Policy.defaults(), a_flexible_year()
    asked = [D(2024, m, 15) for m in range(1, 13)] + [D(2025, 1, 1)]
    said = []
    for operation in ops:
        before = copy.deepcopy(person)
        try:
            apply_life_op(policy, person, operation)
        except RuleViolation:
            person = before  # a refused command writes nothing: the application never saves that aggregate
            continue
        moment = datetime.datetime.now(datetime.timezone.utc)
        said.append((moment, [(eligibility(policy, person.history, {}, on),
                               account.balance(account.movements(policy, person.history, {}, on))) for on in asked]))
    for moment, answers in said:
        known = history.known_at(person.history, moment)
        assert [(eligibility(policy, known, {}, on), account.balance(account.movements(policy, known, {}, on)))
                for on in asked] == answers
    for on in asked:
        moves = account.movements(policy, person.history, {}, on)
        running = 0
        for move in moves:
            running += move.amount
            assert running >= 0 or move.kind != "spent", f"overdrawn on {move.on}"


switch_ops = st.lists(st.one_of(
    st.tuples(st.just("switch"), st.sampled_from(["employee", "flexible", "resident"]), st.integers(1, 24)),
    st.tuples(st.just("pay-resident"), st.sampled_from([2024, 2025]), st.integers(1, 24)),
    st.tuples(st.just("pay-month"), st.just(""), st.integers(1, 24)),
    st.tuples(st.just("reverse"), st.just(""), st.integers(1, 30)),
), max_size=14)


def apply_switch_op(policy, person: Person, operation) -> None:
    from decimal import Decimal

    from ledger import resident
    from ledger.assessment import amounts
    from ledger.month import Month

    kind, value, number = operation
    month = Month(2024, 1) + (number - 1)
    on = month.day(10)
    if kind == "switch":
        person.switch_scheme(scheme=value, on=on, operator="c", documents=[])
    elif kind == "pay-resident":
        in_window, newborn = resident.check_payment(policy, person.history, value, on, D(1990, 1, 1))
        total, personal, fiscal, assistance = resident.amounts(policy, value, set())
        person.pay_resident(year=value, total=total, personal_part=personal, fiscal_subsidy=fiscal,
                            assistance_subsidy=assistance, newborn=newborn, in_window=in_window, back_paid=False, on=on,
                            operator="c", documents=[])
    elif kind == "pay-month":
        state = person.state_on(on)
        if state.scheme not in ("employee", "flexible") or month in person.months():
            return
        parts = amounts(policy, state.scheme, month, Decimal("5000.00"))
        person.assess(month=month, scheme=state.scheme, employer=None, base=Decimal("5000.00"),
                      employer_part=parts.employer_part, personal_part=parts.personal_part, total=parts.total,
                      basis="declared", reference_year=2023, notice="n", due_on=month.last_day, operator="c",
                      documents=[])
        person.record_receipt(month=month, amount=parts.total, received_on=on, source="t",
                              receipt_id=str(len(person.history)), operator="c", documents=[])
    else:
        person.reverse(seq=number, reason="correction", on=on, operator="c")


@settings(max_examples=120, deadline=None)
@given(switch_ops)
def test_wait_9_no_date_has_both_schemes_pooled_benefits(ops):
    from ledger import resident
    from ledger.eligibility import eligibility
    from ledger.policy import Policy

    policy, person = Policy.defaults(), a_person()
    for operation in ops:
        before = copy.deepcopy(person)
        try:
            apply_switch_op(policy, person, operation)
        except RuleViolation:
            person = before
    for day in [D(2024, m, 15) for m in range(1, 13)] + [D(2025, m, 15) for m in range(1, 13)]:
        allowed = eligibility(policy, person.history, {}, day)
        assert allowed.pooled == (allowed.scheme is not None)  # pooled benefits always name the one scheme
        covered, _, _ = resident.coverage(policy, person.history, set(), day)
        scheme = person.state_on(day).scheme
        if allowed.scheme == "resident" and scheme in ("employee", "flexible"):
            assert allowed.reason.startswith("WAIT-9")  # resident cover only while employee benefits wait
        if allowed.scheme == "employee":
            assert scheme in ("employee", "flexible")
        if covered and allowed.pooled is False:
            assert scheme not in ("resident",)  # a covered resident is never left without benefits
