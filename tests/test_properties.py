"""Properties of the folds over random histories."""

from __future__ import annotations

import datetime

from hypothesis import given, settings, strategies as st

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
