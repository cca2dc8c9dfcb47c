"""Properties of the folds over random histories, made by the handlers on the library's in-memory store.

A refused command writes nothing (its unit of work is never committed), so what a history is made of is exactly
what the handlers accepted.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.benefits import account
from ledger.benefits.eligibility import eligibility
from ledger.contributions.assessment import amounts
from ledger.contributions.events import ContributionReassessed
from ledger.contributions.handlers import cancel_assessment, record_assessment
from ledger.contributions.months import contribution_months, table
from ledger.core.errors import LedgerError
from ledger.core.month import Month
from ledger.core.view import View
from ledger.maternity.rules import continuous_months
from ledger.registration.person_state import state_on
from ledger.resident import rules as resident
from ledger.store.application import Ledger
from ledger.store.storage import store_for
from projections.months import month_rows
from projections.status import status
from projections.timeline import timeline
from tests.builders import POLICY, Desk

D = datetime.date
NUMBER = "640102199001011237"
ASKED_ON = [D(2023, 12, 31), D(2024, 3, 1), D(2024, 7, 1), D(2025, 6, 30)]
PROOF = {"death": ["death-certificate:死亡证明-1"], "abroad": ["settled-abroad:定居-1"], "left": []}
dates = st.dates(D(2024, 1, 1), D(2025, 6, 30))
operations = st.one_of(
    st.tuples(st.just("change"), st.sampled_from(["银川", "吴忠", "固原"]), dates),
    st.tuples(st.just("rename"), st.sampled_from(["马敏", "马明"]), dates),
    st.tuples(st.just("cancel"), st.sampled_from(["death", "abroad", "left"]), dates),
    st.tuples(st.just("reregister"), st.sampled_from(["flexible", "resident"]), dates),
    st.tuples(st.just("reverse"), st.integers(1, 12), dates),
)


def a_desk(scheme: str = "flexible", on: D = D(2024, 2, 1)) -> Desk:
    desk = Desk(Ledger(env=store_for("memory:").settings))
    desk.register_person(id_number=NUMBER, name="马明", sex="M", scheme=scheme, on=on, hukou="宁夏银川", operator="c")
    return desk


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def attempt(command, *args) -> bool:
    """Run one command; a refusal (any ledger error) records nothing."""
    try:
        command(*args)
        return True
    except LedgerError:
        return False


def apply(desk: Desk, operation) -> None:
    kind, value, on = operation
    if kind == "change":
        desk.change_person(id_number=NUMBER, changes={"address": value}, on=on, operator="c")
    elif kind == "rename":
        desk.change_person(id_number=NUMBER, changes={"name": value}, on=on, operator="c", documents=["改名证明"])
    elif kind == "cancel":
        desk.cancel_person(id_number=NUMBER, reason=value, on=on, operator="c", documents=PROOF[value])
    elif kind == "reregister":
        desk.register_person(id_number=NUMBER, name="马明", sex="M", scheme=value, on=on, hukou="宁夏银川",
                             operator="c")
    else:
        desk.correct_person(id_number=NUMBER, seq=value, reason="correction", on=on, operator="c")


@settings(max_examples=150, deadline=None)
@given(st.lists(operations, max_size=12))
def test_aud_2_what_the_ledger_said_at_t_is_what_it_says_now_as_known_at_t(ops):
    desk = a_desk()
    said = []
    for operation in ops:
        if attempt(apply, desk, operation):
            moment = now()
            view = desk.view(NUMBER, moment)
            said.append((moment, [status(view, on, moment) for on in ASKED_ON], timeline(view)))
    for moment, statuses, rows in said:
        view = desk.view(NUMBER, moment)
        assert [status(view, on, moment) for on in ASKED_ON] == statuses
        assert timeline(view) == rows


@settings(max_examples=100, deadline=None)
@given(st.lists(operations, max_size=12))
def test_aud_2_nothing_recorded_ever_disappears_from_the_timeline(ops):
    desk = a_desk()
    for operation in ops:
        attempt(apply, desk, operation)
    events = desk.person_history(NUMBER)
    rows = timeline(desk.view(NUMBER))
    assert [row["seq"] for row in rows] == list(range(1, len(events) + 1))
    reversed_seqs = {row["seq"] for row in rows if row["reversed_by"]}
    assert all(rows[seq - 1]["type"] != "EventReversed" for seq in reversed_seqs)


month_ops = st.lists(st.one_of(
    st.tuples(st.just("assess"), st.integers(1, 6), st.sampled_from(["4853.00", "6000.00"])),
    st.tuples(st.just("pay"), st.integers(1, 6), st.sampled_from(["full", "388.24", "1.00"])),
    st.tuples(st.just("reassess"), st.integers(1, 6), st.sampled_from(["5160.00", "7000.00"])),
    st.tuples(st.just("cancel"), st.integers(1, 6), st.just("")),
    st.tuples(st.just("reverse"), st.integers(1, 20), st.just("")),
), max_size=15)


def apply_month_op(desk: Desk, operation) -> None:
    """Assessments, re-assessments and cancellations as the batch handlers record them; receipts at the counter."""
    kind, number, value = operation
    month = Month(2024, min(number, 12))
    uow = desk.unit_of_work()
    person = uow.person(NUMBER)
    owed = table(uow.view(person)).get(month)
    if kind == "assess":
        parts = amounts(POLICY, "flexible", month, Decimal(value))
        record_assessment(uow, person, month=month, scheme="flexible", employer=None, base=Decimal(value),
                          employer_part=parts.employer_part, personal_part=parts.personal_part, total=parts.total,
                          basis="minimum", reference_year=2023, notice="n", due_on=D(2024, 12, 31), operator="c",
                          documents=[])
    elif kind == "pay":
        amount = owed.outstanding if value == "full" and owed else Decimal(value if value != "full" else "1.00")
        desk.pay_at_counter(id_number=NUMBER, first=month, last=month, amount=amount, received_on=D(2024, 6, 1),
                            operator="c")
    elif kind == "reassess" and owed and not owed.cancelled:
        parts = amounts(POLICY, "flexible", month, Decimal(value))
        person.record(ContributionReassessed, month=month, base=Decimal(value), employer_part=parts.employer_part,
                      personal_part=parts.personal_part, total=parts.total, basis="minimum", reference_year=2024,
                      difference=parts.total - owed.total, rule="CON-3", due_on=D(2024, 12, 31), operator="c",
                      documents=[])
    elif kind == "cancel" and owed and not owed.cancelled:
        cancel_assessment(person, owed, rule="CON-5", on=D(2025, 1, 2), operator="c")
    elif kind == "reverse":
        desk.correct_person(id_number=NUMBER, seq=number, reason="correction", on=D(2024, 7, 1), operator="c")
    uow.commit()


@settings(max_examples=150, deadline=None)
@given(month_ops)
def test_mon_1_mat_2_the_months_as_known_at_t_are_the_months_of_only_what_was_recorded_by_t(ops):
    desk = a_desk()
    said = []
    for operation in ops:
        if not attempt(apply_month_op, desk, operation):
            continue
        moment = now()
        view = desk.view(NUMBER, moment)
        said.append((moment, month_rows(view), contribution_months(view, D(2024, 12, 31)),
                     [continuous_months(view, Month(2024, n), D(2024, 12, 31)) for n in range(1, 7)]))
    for moment, rows, counts, continuous in said:
        view = desk.view(NUMBER, moment)
        assert month_rows(view) == rows
        assert contribution_months(view, D(2024, 12, 31)) == counts
        # MAT-2: the continuous months as known at T are those of only what was recorded by T
        assert [continuous_months(view, Month(2024, n), D(2024, 12, 31)) for n in range(1, 7)] == continuous
    for row in month_rows(desk.view(NUMBER)):
        assert row["state"] in ("assessed", "paid", "trued-up", "cancelled")
        assert (row["state"] == "paid") <= (row["received"] >= row["total"])


@settings(max_examples=150, deadline=None)
@given(month_ops, st.integers(0, 30))
def test_mon_1_a_view_extended_by_new_facts_folds_as_a_view_built_from_them_all(ops, split):
    """What a batch job advances (the month table, the receipts recorded) equals the fold of the whole stream."""
    from ledger.contributions.receiving import receipt_ids

    desk = a_desk()
    for operation in ops:
        attempt(apply_month_op, desk, operation)
    events = desk.person_history(NUMBER)
    split = min(split, len(events))
    earlier = View(events[:split], policy=POLICY)
    table(earlier), receipt_ids(earlier)
    extended, whole = earlier.extended(events[split:]), View(events, policy=POLICY)
    assert table(extended) == table(whole)
    assert receipt_ids(extended) == receipt_ids(whole)
    assert [e.originator_version for e in extended.standing] == [e.originator_version for e in whole.standing]


life_ops = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(3, 12), st.integers(0, 60)),
    st.tuples(st.just("interrupt"), st.integers(3, 12), st.integers(0, 0)),
    st.tuples(st.just("resume"), st.integers(3, 12), st.integers(1, 28)),
    st.tuples(st.just("spend"), st.integers(3, 12), st.integers(1, 300)),
    st.tuples(st.just("transfer-in"), st.integers(3, 12), st.integers(0, 500)),
    st.tuples(st.just("reverse"), st.integers(1, 30), st.integers(0, 0)),
), max_size=18)


def apply_life_op(desk: Desk, operation) -> None:
    kind, number, value = operation
    month = Month(2024, min(number, 12))
    if kind == "pay":
        owed = desk.months(NUMBER).get(month)
        if owed is not None and owed.outstanding > 0:
            desk.pay_at_counter(id_number=NUMBER, first=month, last=month, amount=owed.outstanding,
                                received_on=month.day(1 + value % 28), operator="c")
    elif kind == "interrupt":
        desk.interrupt(id_number=NUMBER, month=month, operator="c")
    elif kind == "resume":
        desk.resume(id_number=NUMBER, on=month.day(value), operator="c")
    elif kind == "spend":
        desk.spend(id_number=NUMBER, amount=Decimal(value), on=month.day(15), operator="c")
    elif kind == "transfer-in":
        desk.transfer_in(id_number=NUMBER, from_region="610100", months=value % 24, balance=Decimal(value),
                         on=month.day(2), operator="c")
    else:
        desk.correct_person(id_number=NUMBER, seq=number, reason="correction", on=D(2024, 12, 31), operator="c")


def a_flexible_year() -> Desk:
    desk = a_desk()
    uow = desk.unit_of_work()
    person = uow.person(NUMBER)
    for number in range(3, 13):
        month = Month(2024, number)
        parts = amounts(POLICY, "flexible", month, Decimal("4853.00"))
        record_assessment(uow, person, month=month, scheme="flexible", employer=None, base=Decimal("4853.00"),
                          employer_part=parts.employer_part, personal_part=parts.personal_part, total=parts.total,
                          basis="minimum", reference_year=2023, notice="n", due_on=D(2024, 12, 31), operator="c",
                          documents=[])
    uow.commit()
    return desk


@settings(max_examples=120, deadline=None)
@given(life_ops)
def test_wait_acc_eligibility_and_balance_as_they_happened_equal_the_fold_and_never_go_negative(ops):
    desk = a_flexible_year()
    asked = [D(2024, m, 15) for m in range(1, 13)] + [D(2025, 1, 1)]
    said = []
    for operation in ops:
        if attempt(apply_life_op, desk, operation):
            moment = now()
            view = desk.view(NUMBER, moment)
            said.append((moment, [(eligibility(view, on), account.balance(account.movements(view, on)))
                                  for on in asked]))
    for moment, answers in said:
        view = desk.view(NUMBER, moment)
        assert [(eligibility(view, on), account.balance(account.movements(view, on))) for on in asked] == answers
    view = desk.view(NUMBER)
    for on in asked:
        running = 0
        for move in account.movements(view, on):
            running += move.amount
            assert running >= 0 or move.kind != "spent", f"overdrawn on {move.on}"


switch_ops = st.lists(st.one_of(
    st.tuples(st.just("switch"), st.sampled_from(["employee", "flexible", "resident"]), st.integers(1, 24)),
    st.tuples(st.just("pay-resident"), st.sampled_from([2024, 2025]), st.integers(1, 24)),
    st.tuples(st.just("pay-month"), st.just(""), st.integers(1, 24)),
    st.tuples(st.just("reverse"), st.just(""), st.integers(1, 30)),
), max_size=14)


def apply_switch_op(desk: Desk, operation) -> None:
    kind, value, number = operation
    month = Month(2024, 1) + (number - 1)
    on = month.day(10)
    if kind == "switch":
        desk.switch_scheme(id_number=NUMBER, scheme=value, on=on, operator="c")
    elif kind == "pay-resident":
        desk.pay_resident(id_number=NUMBER, year=value, on=on, operator="c")
    elif kind == "pay-month":
        uow = desk.unit_of_work()
        person = uow.person(NUMBER)
        scheme = state_on(uow.view(person), on).scheme
        if scheme not in ("employee", "flexible") or month in table(uow.view(person)):
            return
        parts = amounts(POLICY, scheme, month, Decimal("5000.00"))
        record_assessment(uow, person, month=month, scheme=scheme, employer=None, base=Decimal("5000.00"),
                          employer_part=parts.employer_part, personal_part=parts.personal_part, total=parts.total,
                          basis="declared", reference_year=2023, notice="n", due_on=month.last_day, operator="c",
                          documents=[])
        uow.commit()
        desk.pay_at_counter(id_number=NUMBER, first=month, last=month, amount=parts.total, received_on=on,
                            operator="c")
    else:
        desk.correct_person(id_number=NUMBER, seq=number, reason="correction", on=on, operator="c")


@settings(max_examples=120, deadline=None)
@given(switch_ops)
def test_wait_9_no_date_has_both_schemes_pooled_benefits(ops):
    desk = a_desk()
    for operation in ops:
        attempt(apply_switch_op, desk, operation)
    view = desk.view(NUMBER)
    for day in [D(2024, m, 15) for m in range(1, 13)] + [D(2025, m, 15) for m in range(1, 13)]:
        allowed = eligibility(view, day)
        assert allowed.pooled == (allowed.scheme is not None)  # pooled benefits always name the one scheme
        covered, _, _ = resident.coverage(view, day)
        state = state_on(view, day)
        scheme = state.scheme if state.registered else None
        if allowed.scheme == "resident" and scheme in ("employee", "flexible"):
            assert allowed.reason.startswith("WAIT-9")  # resident cover only while employee benefits wait
        if allowed.scheme == "employee":
            assert scheme in ("employee", "flexible")
        if covered and allowed.pooled is False:
            assert scheme not in ("resident",)  # a covered resident is never left without benefits


@st.composite
def benefit_histories(draw):
    """A flexible worker paid from March to `paid_to` (September at least: six paid months, so pooled from September
    under WAIT-2), then 3 to 20 commands. Most are payments: half dated in the pooled months, half anywhere in
    the year, the waiting months included, so that most histories reach an accepted fund payment and many a
    refused one; contributions paid for further months, interruptions, resumptions and reversals between them."""
    paid_to = draw(st.one_of(st.just(12), st.integers(9, 12)))
    months = st.one_of(st.integers(9, paid_to), st.integers(3, 12))
    payments = st.one_of(
        st.tuples(st.just("settle"), months, st.integers(1, 28), st.integers(1, 40_000)),
        st.tuples(st.just("stay"), months, st.integers(1, 28), st.integers(1, 250_000)),
        st.tuples(st.just("claim"), months, st.integers(1, 28), st.integers(1, 250_000)),
    )
    ops = draw(st.lists(st.one_of(
        payments, payments,
        st.tuples(st.just("pay"), st.integers(paid_to, 12), st.integers(1, 28), st.integers(1, 4)),
        st.tuples(st.just("interrupt"), st.integers(3, 12), st.integers(1, 28), st.just(0)),
        st.tuples(st.just("resume"), st.integers(3, 12), st.integers(1, 28), st.just(0)),
        st.tuples(st.just("reverse"), st.integers(1, 40), st.integers(1, 28), st.just(0)),
    ), min_size=3, max_size=20))
    return paid_to, ops


def apply_benefit_op(desk: Desk, operation) -> None:
    """`pay` pays up to `size` months from its month at once; `settle` (outpatient pooling) and `stay` (inpatient,
    dated by its admission) carry a fund part of `size` yuan, `claim` a cost of `size`; everything else as named."""
    from ledger.medical.rules import Settlement

    kind, number, day, size = operation
    month = Month(2024, min(number, 12))
    on = month.day(day)
    if kind == "pay":
        owed = desk.months(NUMBER)
        last = Month(2024, min(number + size - 1, 12))
        due = [owed[m].outstanding for m in (month + i for i in range(month.months_until(last) + 1)) if m in owed]
        if sum(due, Decimal(0)) > 0:
            desk.pay_at_counter(id_number=NUMBER, first=month, last=last, amount=sum(due, Decimal(0)),
                                received_on=on, operator="c")
    elif kind == "interrupt":
        desk.interrupt(id_number=NUMBER, month=month, operator="c")
    elif kind == "resume":
        desk.resume(id_number=NUMBER, on=on, operator="c")
    elif kind in ("settle", "stay"):
        fund = Decimal(size)
        stay = kind == "stay"
        desk.settle(Settlement(NUMBER, "H64010400001", "inpatient" if stay else "outpatient-pooling", on,
                               on + datetime.timedelta(days=day % 9 + 1) if stay else None, fund + 5, fund,
                               Decimal(0), Decimal(5)), operator="c")
    elif kind == "claim":
        desk.claim_reimbursement(id_number=NUMBER, kind="emergency-outpatient", on=on, institution_name="x",
                                 level="2", cost=Decimal(size), in_scope=Decimal(size), operator="c",
                                 documents={"card": "1", "cost-list": "2", "bill": "3", "emergency-diagnosis": "4"})
    else:
        desk.correct_person(id_number=NUMBER, seq=number, reason="correction", on=D(2024, 12, 31), operator="c")


@settings(max_examples=200, deadline=None)
@given(benefit_histories())
def test_ben_1_no_payment_ever_has_a_fund_part_on_a_date_status_said_had_no_pooled_benefits(history):
    """As known at the payment's recording: what the clerk would have seen asking `status` at that moment.

    Steered (hypothesis.target) toward histories with many accepted fund payments, so that the property is tested
    on payments, not only on refusals: most examples reach one (`--hypothesis-show-statistics`)."""
    from hypothesis import event, target

    from ledger.medical.events import BenefitSettled, ReimbursementPaid

    paid_to, ops = history
    desk = a_flexible_year()
    desk.register_institution(code="H64010400001", name="医院", level="2", kind="hospital", region="640104",
                              on=D(2020, 1, 1), operator="c")
    for number in range(3, paid_to + 1):  # pooled from September to `paid_to`, unless something interrupts it
        apply_benefit_op(desk, ("pay", number, 2, 1))
    for operation in ops:
        accepted = attempt(apply_benefit_op, desk, operation)
        if operation[0] in ("settle", "stay", "claim"):
            event(f"a {operation[0]} {'accepted' if accepted else 'refused'}")
    paid = [fact for fact in desk.person_history(NUMBER)
            if isinstance(fact, (BenefitSettled, ReimbursementPaid)) and fact.fund > 0]
    target(float(len(paid)), label="accepted fund payments")
    event("reached an accepted fund payment" if paid else "no accepted fund payment")
    for fact in paid:
        said = status(desk.view(NUMBER, fact.timestamp), fact.on, fact.timestamp)
        assert said["benefits"]["pooled"] is True, (fact, said["benefits"])
