"""The read side: catch-up exactly once (killed at random moments), rebuild equals catch-up, the check finds an
edited row, the tables answer as the folds do; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import os
import random
import signal
import subprocess
import time
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.benefits.account import movements
from ledger.benefits.eligibility import eligibility
from ledger.core.errors import LedgerError
from ledger.core.month import Month
from ledger.store import registry
from ledger.store.opening import open_ledger
from ledger.store.tables import Tables
from projections.build import catch_up, position
from projections.reader import standing
from projections.rebuild import check, rebuild
from projections.standing import Tabled
from projections.status import status
from tests.builders import OP, Desk, flexible, pay_months, yibao_executable

D = datetime.date
NOW = datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)


def a_region(ledger, make_id, make_code, persons: int = 6) -> list[str]:
    """Employees, flexible workers and a resident, with receipts, an interruption and corrections."""
    from tests.builders import declare, employer, resident_person

    desk = Desk(ledger)
    code = employer(desk, make_code())
    numbers = []
    for i in range(persons):
        number = make_id(sex="F" if i % 2 else "M")
        scheme = "employee" if i % 3 == 0 else "flexible"
        desk.register_person(id_number=number, name="马明", sex="F" if i % 2 else "M", scheme=scheme,
                             on=D(2024, 1, 3), employer=code if scheme == "employee" else None, operator=OP)
        numbers.append(number)
    declare(desk, code, 2024, {n: "6000" for n in numbers[::3]})
    for number in range(1, 7):
        desk.assess_month(month=Month(2024, number), operator=OP)
    for number in numbers:
        pay_months(desk, number, "2024-01", "2024-03", on=D(2024, 3, 28))
    desk.defer(code=code, month=Month(2024, 5), months=2, on=D(2024, 4, 20), operator=OP)
    desk.interrupt(id_number=numbers[1], month=Month(2024, 4), operator=OP)
    desk.correct_person(id_number=numbers[2], seq=3, reason="wrong", on=D(2024, 4, 1), operator=OP)
    numbers.append(resident_person(desk, make_id))
    desk.pay_resident(id_number=numbers[-1], year=2024, on=D(2023, 10, 1), operator=OP)
    return numbers


def from_rows(ledger, number: str, on: datetime.date) -> tuple[dict, list]:
    """Status on a date and the account's movements by then, answered by the rows (which must be current)."""
    with standing(ledger, number) as found:
        assert isinstance(found, Tabled), f"{number}'s rows are not current"
        return status(found.view, on, NOW, found), found.movements(on)


def from_folds(ledger, number: str, on: datetime.date) -> tuple[dict, list]:
    view = ledger.view(number)
    return status(view, on, NOW), movements(view, on)


def rows_current(ledger, number: str) -> bool:
    with standing(ledger, number) as found:
        return isinstance(found, Tabled)


def answers(ledger, numbers: list[str]) -> list:
    """What status says on a few dates (one past the rows' horizon), from the rows and from the folds."""
    return [(from_rows(ledger, number, on), from_folds(ledger, number, on)) for number in numbers
            for on in (D(2024, 2, 15), D(2024, 5, 20), D(2024, 8, 1), D(2027, 1, 1))]


def test_catch_up_rebuild_and_the_folds_agree(store_url, make_id, make_code):
    ledger = open_ledger(store_url, initialise=True)
    try:
        numbers = a_region(ledger, make_id, make_code)
        catch_up(ledger, batch=7)
        assert position(ledger) == ledger.event_count()
        assert check(ledger) == []
        for tables, folds in answers(ledger, numbers):
            assert tables == folds
        rebuild(ledger, workers=2)  # on SQLite in one process: its file has one writer (it used to time out)
        assert check(ledger, workers=2) == [] and position(ledger) == ledger.event_count()
        Desk(ledger).pay_at_counter(id_number=numbers[0], first=Month(2024, 4), last=Month(2024, 4),
                                    amount=Desk(ledger).months(numbers[0])[Month(2024, 4)].outstanding,
                                    received_on=D(2024, 4, 10), operator=OP)
        assert not rows_current(ledger, numbers[0])  # its rows are behind the stream: the query folds
        catch_up(ledger)
        assert rows_current(ledger, numbers[0]) and check(ledger) == []
    finally:
        ledger.close()


def answered_at(ledger, number: str, moment: datetime.datetime, on: datetime.date) -> tuple[bool, dict]:
    """Status as known at a past moment: whether the rows answered, and what was answered."""
    with standing(ledger, number, moment) as found:
        return isinstance(found, Tabled), status(found.view, on, moment, found)


def test_a_past_known_at_is_read_from_the_rows_only_while_nothing_they_were_folded_from_is_newer(
        store_url, make_id, make_code):
    """DISP: as known at a moment after which none of the person's, the policy book's or the employers' streams
    recorded anything, the rows answer (the view then is the view now); a later fact sends the query to the
    folds as known then, and both answer what the folds as known then answer."""
    from ledger.contributions.months import employers_of

    ledger = open_ledger(store_url, initialise=True)
    try:
        numbers = a_region(ledger, make_id, make_code)
        catch_up(ledger)
        moment = datetime.datetime.now(datetime.timezone.utc)
        time.sleep(0.002)

        def folded(number, on):
            return status(ledger.view(number, moment), on, moment)

        on = D(2024, 9, 1)
        assert all(answered_at(ledger, n, moment, on) == (True, folded(n, on)) for n in numbers)
        desk = Desk(ledger)
        pay_months(desk, numbers[4], "2024-04", "2024-04", on=D(2024, 4, 28))  # the person's own stream
        code = next(iter(employers_of(ledger.view(numbers[0]))))
        desk.defer(code=code, month=Month(2024, 9), months=1, on=D(2024, 8, 20), operator=OP)  # an employer's
        catch_up(ledger)
        for number in (numbers[0], numbers[4]):
            tabled, answered = answered_at(ledger, number, moment, on)
            assert not tabled and answered == folded(number, on)
        assert answered_at(ledger, numbers[4], moment, on)[1] != status(ledger.view(numbers[4]), on, moment)
        assert answered_at(ledger, numbers[5], moment, on) == (True, folded(numbers[5], on))
        before = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
        with standing(ledger, numbers[5], before) as found:
            assert not isinstance(found, Tabled) and not found.view.events  # not yet registered then
    finally:
        ledger.close()


def test_check_finds_an_edited_row_and_rebuild_mends_it(store_url, make_id, make_code):
    ledger = open_ledger(store_url, initialise=True)
    try:
        a_region(ledger, make_id, make_code)
        catch_up(ledger)
        tables = Tables(ledger)
        with ledger.recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"UPDATE yibao_person_months SET received = {tables.mark} WHERE month = {tables.mark}",
                           [tables.adapt(Decimal("1.00")), "2024-02"])
        found = check(ledger)
        assert found and {d.table for d in found} == {"yibao_person_months"}
        rebuild(ledger)
        assert check(ledger) == []
    finally:
        ledger.close()


def test_a_catch_up_killed_at_random_moments_ends_as_one_uninterrupted_run(store_url, make_id, make_code, tmp_path):
    ledger = open_ledger(store_url, initialise=True)
    try:
        a_region(ledger, make_id, make_code, persons=9)
    finally:
        ledger.close()
    env = {**os.environ, "YIBAO_DB": store_url}
    rng = random.Random(7)
    kills = 0
    for _ in range(40):
        runner = subprocess.Popen([yibao_executable(), "projections", "catch-up", "--batch", "3", "--follow",
                                   "--poll", "0.05"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.0))
        runner.send_signal(signal.SIGKILL)  # a follower never ends on its own: killed mid-batch or waiting
        kills += 1
        runner.wait()
        ledger = open_ledger(store_url)
        try:
            if position(ledger) == ledger.event_count():
                break
        finally:
            ledger.close()
    assert kills >= 1
    ledger = open_ledger(store_url)
    try:
        catch_up(ledger)
        assert check(ledger) == []
    finally:
        ledger.close()


history_ops = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(1, 6), st.integers(1, 28)),
    st.tuples(st.just("spend"), st.integers(2, 8), st.integers(1, 90)),
    st.tuples(st.just("interrupt"), st.integers(2, 8), st.integers(1, 28)),
    st.tuples(st.just("resume"), st.integers(2, 9), st.integers(1, 28)),
    st.tuples(st.just("correct"), st.integers(1, 12), st.integers(2, 30)),
    st.tuples(st.just("catch-up"), st.integers(1, 5), st.integers(1, 28)),
), max_size=14)


def test_over_random_histories_with_back_dated_corrections_catch_up_equals_rebuild_and_the_folds(
        store_url, make_id):
    """On both stores: each example a new person in the one ledger, whose tables `check` compares whole."""
    ledger = open_ledger(store_url, initialise=True)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(ops=history_ops, day=st.dates(D(2024, 1, 1), D(2024, 12, 31)))
    def history(ops, day):
        desk = Desk(ledger)
        number = flexible(desk, make_id, on=D(2024, 1, 2))
        desk.assess_month(month=Month(2024, 1), operator=OP)
        for kind, month, value in ops:
            try:
                _apply(desk, number, kind, Month(2024, month), value)
            except LedgerError:
                pass
        catch_up(ledger)
        assert check(ledger) == []
        fold = ledger.view(number)
        for on in (day, D(2025, 3, 1)):
            assert from_rows(ledger, number, on) == from_folds(ledger, number, on)
        for period in _periods(ledger, number):
            if period["valid_from"] <= day < period["valid_until"]:
                allowed = eligibility(fold, day)
                assert (bool(period["pooled"]), period["reason"]) == (allowed.pooled, allowed.reason)

    try:
        history()
    finally:
        ledger.close()


def _apply(desk, number, kind, month, value):
    if kind == "pay":
        owed = desk.months(number).get(month)
        if owed is not None and owed.outstanding > 0:
            desk.pay_at_counter(id_number=number, first=month, last=month, amount=owed.outstanding,
                                received_on=month.day(value), operator=OP)
    elif kind == "spend":
        desk.spend(id_number=number, amount=Decimal(value), on=month.day(10), operator=OP)
    elif kind == "interrupt":
        desk.interrupt(id_number=number, month=month, operator=OP)
    elif kind == "resume":
        desk.resume(id_number=number, on=month.day(value), operator=OP)
    elif kind == "correct":  # back-dated: any earlier fact, whatever its date
        desk.correct_person(id_number=number, seq=value, reason="wrong", on=D(2024, 12, 31), operator=OP)
    else:
        catch_up(desk.ledger, batch=month.number)


def _periods(ledger, number) -> list[dict]:
    tables = Tables(ledger)
    person_id = ledger.find_person(number).id
    with ledger.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT valid_from, valid_until, pooled, reason FROM yibao_eligibility WHERE person_id = "
                       f"{tables.mark}", [tables.adapt(person_id)])
        rows = [dict(r) for r in cursor.fetchall()]
    for row in rows:
        for key in ("valid_from", "valid_until"):
            if isinstance(row[key], str):
                row[key] = D.fromisoformat(row[key])
    return rows


def test_registry_is_not_needed_to_find_whom_a_batch_concerns(store_url, make_id, make_code):
    """Assessing a month reads the staff and the flexible persons, not everyone in the log."""
    ledger = open_ledger(store_url, initialise=True)
    try:
        a_region(ledger, make_id, make_code)
        residents = [Desk(ledger).register_person(id_number=make_id(), name="田明", sex="M", scheme="resident",
                                                  on=D(2024, 1, 3), hukou="宁夏", operator=OP) for _ in range(5)]
        catch_up(ledger)
        read = []
        original = Tables.current_views

        def counting(self, cursor, person_ids, policy_for):
            read.extend(person_ids)
            return original(self, cursor, person_ids, policy_for)

        Tables.current_views = counting
        try:
            Desk(ledger).assess_month(month=Month(2024, 7), operator=OP)
        finally:
            Tables.current_views = original
        assert read and not {r.id for r in residents} & set(read)
        assert len(set(read)) < len(registry.person_ids(ledger))
    finally:
        ledger.close()
