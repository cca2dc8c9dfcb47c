"""The timeline's month grid (issue 15, item 3; projections/grid.py): each month from the registration to a date,
the one state that describes it, read from the month table (MON-1), eligibility (WAIT-1..WAIT-9, RET-1) and the
registration; first over facts written by hand, a state a test, then through `yibao timeline` on both stores
(the page's cells are checked in the browser: tests/test_timeline_html.py)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from ledger.benefits.events import (
    PaymentInterrupted,
    PaymentResumed,
    Retired,
    TransferredIn,
)
from ledger.contributions.events import AssessmentCancelled, ContributionReassessed
from ledger.core.month import Month
from ledger.core.zone import in_beijing
from ledger.registration.events import PersonCancelled, SchemeSwitched
from ledger.resident.events import ResidentContributionPaid
from projections.grid import MARKS, STATES, grid, month_states
from tests.builders import D, Facts, lives

EMPLOYER = "91640100MA76A1B2CR"


def states(facts: Facts, until: D, **view) -> dict[str, str]:
    return {str(month): state for month, state in month_states(facts.view(**view), until).items()}


def employee(on: D = D(2024, 1, 1)) -> Facts:
    return Facts().registered(on=on, scheme="employee", employer=EMPLOYER)


def employee_month(facts: Facts, month: str) -> Facts:
    return facts.assessed(month, total="480.00", personal="120.00", scheme="employee", base="6000.00",
                          employer=EMPLOYER, basis="declared")


def resident(on: D = D(2023, 9, 1)) -> Facts:
    return Facts().registered(on=on, scheme="resident")


def resident_paid(facts: Facts, year: int, on: D, back_paid: bool = False) -> Facts:
    return facts.add(ResidentContributionPaid, year=year, total=Decimal("1020.00"), personal_part=Decimal("400.00"),
                     fiscal_subsidy=Decimal("620.00"), assistance_subsidy=Decimal("0.00"), newborn=False,
                     in_window=not back_paid and on < D(year, 1, 1), back_paid=back_paid, on=on)


# -- a state a test --------------------------------------------------------------------------------------------

def test_mon_1_a_month_received_in_full_is_paid_from_the_employees_first_month_on():
    facts = employee()
    for month in ("2024-01", "2024-02"):
        employee_month(facts, month).received(month, "480.00")
    assert states(facts, D(2024, 2, 29)) == {"2024-01": "paid", "2024-02": "paid"}


def test_mon_1_a_month_assessed_and_not_received_is_assessed():
    facts = employee_month(employee(), "2024-01")
    assert states(facts, D(2024, 2, 10)) == {"2024-01": "assessed", "2024-02": "none"}


def test_con_3_a_month_paid_before_its_true_up_is_trued_up_until_the_difference_arrives():
    facts = employee_month(employee(), "2024-01").received("2024-01", "480.00")
    facts.add(ContributionReassessed, month=Month(2024, 1), base=Decimal("6500.00"), employer_part=Decimal("390.00"),
              personal_part=Decimal("130.00"), total=Decimal("520.00"), basis="declared", reference_year=2023,
              difference=Decimal("40.00"), rule="CON-3", due_on=D(2024, 7, 31))
    assert states(facts, D(2024, 1, 31)) == {"2024-01": "trued-up"}
    facts.received("2024-01", "40.00", on=D(2024, 7, 10))
    assert states(facts, D(2024, 1, 31)) == {"2024-01": "paid"}


def test_con_8_an_unpaid_month_of_the_employers_deferral_is_deferred_the_month_after_it_assessed():
    facts = employee()
    for month in ("2024-03", "2024-04"):
        employee_month(facts, month)
    deferral = {EMPLOYER: [(Month(2024, 3), Month(2024, 4))]}
    assert states(facts, D(2024, 4, 30), deferrals=deferral) == {"2024-01": "none", "2024-02": "none",
                                                                 "2024-03": "deferred", "2024-04": "assessed"}


def test_con_5_a_cancelled_assessment_is_cancelled():
    facts = Facts().registered(on=D(2024, 1, 1)).paid("2024-01").assessed("2024-02")
    facts.add(AssessmentCancelled, month=Month(2024, 2), notice="n/2024-02", rule="CON-5", on=D(2025, 1, 2))
    assert states(facts, D(2024, 2, 29))["2024-02"] == "cancelled"


def test_wait_2_a_flexible_persons_first_six_paid_months_are_waiting_and_the_seventh_paid():
    facts = Facts().registered(on=D(2024, 3, 1)).paid("2024-03", "2024-09")
    assert list(states(facts, D(2024, 9, 30)).values()) == ["waiting"] * 6 + ["paid"]


def test_wait_4_after_a_recorded_interruption_the_unpaid_months_are_interrupted():
    facts = Facts().registered(on=D(2024, 1, 1)).paid("2024-01", "2024-07")
    facts.add(PaymentInterrupted, month=Month(2024, 8))
    found = states(facts, D(2024, 9, 30))
    assert [found[m] for m in ("2024-07", "2024-08", "2024-09")] == ["paid", "interrupted", "interrupted"]


def test_wait_5_after_a_resumption_the_paid_months_wait_again():
    facts = Facts().registered(on=D(2024, 1, 1)).paid("2024-01", "2024-07")
    facts.add(PaymentInterrupted, month=Month(2024, 8)).add(PaymentResumed, on=D(2024, 10, 1))
    facts.paid("2024-10", "2024-11")
    assert [states(facts, D(2024, 11, 30))[m] for m in ("2024-09", "2024-10", "2024-11")] == \
        ["interrupted", "waiting", "waiting"]


def test_wait_6_a_month_paid_back_is_back_paid_not_interrupted():
    facts = Facts().registered(on=D(2024, 1, 1)).paid("2024-01", "2024-07")
    facts.add(PaymentInterrupted, month=Month(2024, 8)).add(PaymentResumed, on=D(2024, 10, 1))
    facts.assessed("2024-08", basis="back-pay", due_on=D(2024, 10, 31)).received("2024-08", on=D(2024, 10, 5))
    assert [states(facts, D(2024, 9, 30))[m] for m in ("2024-08", "2024-09")] == ["back-paid", "interrupted"]


def test_wait_4_a_flexible_month_paid_after_its_end_is_paid_not_interrupted():
    facts = Facts().registered(on=D(2024, 1, 1)).paid("2024-01", "2024-07")
    facts.assessed("2024-08").received("2024-08", on=D(2024, 9, 5))
    assert states(facts, D(2024, 8, 31))["2024-08"] == "paid"
    assert states(facts.assessed("2024-09"), D(2024, 9, 30))["2024-09"] == "interrupted"  # never paid: WAIT-4


def test_trf_1_the_month_months_arrive_from_another_region_is_transferred_in():
    facts = Facts().registered(on=D(2024, 1, 2)).add(TransferredIn, from_region="610100", months=36,
                                                       balance=Decimal("2400.00"), on=D(2024, 1, 5))
    facts.paid("2024-01", "2024-02")
    assert states(facts, D(2024, 2, 29)) == {"2024-01": "transferred-in", "2024-02": "waiting"}


def test_ret_1_from_the_retirement_month_on_the_months_are_retired():
    facts = employee_month(employee(), "2024-01").received("2024-01", "480.00")
    facts.add(Retired, on=D(2024, 2, 15), months=1, minimum=300, shortfall=299)
    assert states(facts, D(2024, 3, 31)) == {"2024-01": "paid", "2024-02": "retired", "2024-03": "retired"}


def test_reg_5_after_the_registration_ends_the_months_are_ended_even_a_retired_persons():
    facts = employee().add(Retired, on=D(2024, 2, 15), months=1, minimum=300, shortfall=299)
    facts.add(PersonCancelled, reason="death", on=D(2024, 3, 10))
    assert states(facts, D(2024, 4, 30)) == {"2024-01": "none", "2024-02": "retired", "2024-03": "ended",
                                             "2024-04": "ended"}


def test_wait_8_a_residents_year_paid_in_the_window_is_resident_cover_an_unpaid_year_uncovered():
    facts = resident_paid(resident(), 2024, on=D(2023, 10, 1))
    found = states(facts, D(2025, 1, 31))
    assert found["2023-12"] == "uncovered" and found["2024-01"] == found["2024-12"] == "resident-cover"
    assert found["2025-01"] == "uncovered"


def test_res_7_after_a_lapsed_year_the_year_paid_waits_before_its_cover_and_the_lapsed_year_paid_back_is_back_paid():
    facts = resident_paid(resident(D(2022, 9, 1)), 2023, on=D(2022, 10, 1))
    resident_paid(facts, 2025, on=D(2024, 10, 1))
    resident_paid(facts, 2024, on=D(2025, 2, 1), back_paid=True)
    found = states(facts, D(2025, 5, 31))
    assert found["2024-06"] == "back-paid"
    assert [found[f"2025-0{n}"] for n in range(1, 6)] == ["waiting"] * 3 + ["resident-cover"] * 2


def test_wait_9_a_flexible_persons_waiting_months_under_a_paid_resident_year_are_resident_cover():
    facts = resident_paid(resident(), 2024, on=D(2023, 10, 1)).add(SchemeSwitched, scheme="flexible",
                                                                   on=D(2024, 3, 1))
    facts.paid("2024-03", "2024-04")
    found = states(facts, D(2024, 4, 30))
    assert found["2024-02"] == found["2024-03"] == found["2024-04"] == "resident-cover"


def test_a_registered_month_with_nothing_assessed_is_none():
    assert states(Facts().registered(on=D(2024, 5, 20)), D(2024, 6, 1)) == {"2024-05": "none", "2024-06": "none"}


# -- the grid's shape ------------------------------------------------------------------------------------------

def test_the_grid_runs_from_the_registration_month_to_the_last_days_and_leaves_the_rest_of_each_year_empty():
    years = grid(Facts().registered(on=D(2024, 11, 3)).view(), D(2025, 2, 10))
    assert years == {2024: [None] * 10 + ["none"] * 2, 2025: ["none"] * 2 + [None] * 10}


def test_before_the_registration_there_is_no_grid():
    assert grid(Facts().registered(on=D(2024, 11, 3)).view(), D(2024, 11, 2)) == {}


def test_the_last_month_is_read_on_the_last_day_not_at_its_end():
    facts = employee().add(PersonCancelled, reason="left", on=D(2024, 1, 20))
    assert states(facts, D(2024, 1, 19)) == {"2024-01": "none"}
    assert states(facts, D(2024, 1, 31)) == {"2024-01": "ended"}


def test_aud_2_the_grid_as_known_at_a_moment_ignores_what_was_recorded_after_it():
    facts = employee_month(employee(), "2024-01")
    moment = facts.events[-1].timestamp
    facts.received("2024-01", "480.00")
    assert states(facts, D(2024, 1, 31)) == {"2024-01": "paid"}
    assert states(facts, D(2024, 1, 31), known_at=moment) == {"2024-01": "assessed"}


def test_every_state_has_its_own_single_ascii_mark():
    assert set(MARKS) == set(STATES) and len(set(MARKS.values())) == len(STATES)
    assert all(len(mark) == 1 and mark.isascii() and mark != " " for mark in MARKS.values())


# -- through `yibao timeline`, on both stores -----------------------------------------------------------------


@pytest.fixture
def persons(yibao, make_id, make_code, tmp_path):
    return lives(yibao, make_id, make_code, tmp_path)


def test_lives_take_every_state_of_the_grid(persons):
    assert {state for _number, _on, years in persons.values() for row in years.values() for state in row} - {None} \
        == set(STATES)


def printed_grid(output: str) -> dict[int, str]:
    """The grid's lines of the text timeline: year -> its marks, a mark every three columns."""
    return {int(line[:4]): line[4:] for line in output.splitlines() if re.fullmatch(r"\d{4}(?:  \S|   )*", line)}


def marks(row: list[str | None]) -> str:
    return "".join(f"{MARKS[state] if state else '':>3}" for state in row).rstrip()


def test_the_text_timeline_shows_a_line_a_year_then_the_legend_above_the_events_at_80_columns(yibao, persons,
                                                                                             monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for number, on, years in persons.values():
        output = yibao("timeline", number, "--on", on).output
        lines = output.splitlines()
        assert max(len(line) for line in lines) <= 80
        assert printed_grid(output) == {year: marks(row) for year, row in years.items()}
        assert re.fullmatch(r" {6}1  2  3  4  5  6  7  8  9 10 11 12", lines[1])
        legend = "\n".join(lines[2 + len(years):next(i for i, line in enumerate(lines) if "timeline of" in line)])
        shown = {state for row in years.values() for state in row if state}
        assert {mark for mark in re.findall(r"(?:^|   )(\S) ", legend, re.M)} == {MARKS[s] for s in shown}
    assert "waiting: paid, pooled benefits start later" in yibao("timeline", persons["resident"][0]).output


def test_the_grid_ends_at_on_or_else_at_the_known_at_day(yibao, persons):
    number = persons["resident"][0]
    assert max(printed_grid(yibao("timeline", number, "--on", "2023-02-01").output)) == 2023
    timeline = json.loads(yibao("timeline", number, "--json").output)
    moment = timeline[1]["recorded_at"]  # the 2023 payment: recorded, nothing after it yet
    output = yibao("timeline", number, "--known-at", moment).output
    assert "2023  r  r  r" in output and "2024  u  u  u" in output  # 2024 not paid back yet, as then known
    assert max(printed_grid(output)) == in_beijing(moment).year


def test_the_grid_is_the_same_in_chinese_only_its_legend_is_translated(yibao, persons, monkeypatch):
    number, on, _years = persons["flexible"]
    english = printed_grid(yibao("timeline", number, "--on", on).output)
    monkeypatch.setenv("YIBAO_LANG", "zh_CN")
    assert printed_grid(yibao("timeline", number, "--on", on).output) == english


def test_the_json_timeline_stays_a_list_of_events_and_an_employer_has_no_grid(yibao, persons):
    number, on, _years = persons["employee"]
    assert isinstance(json.loads(yibao("timeline", number, "--on", on, "--json").output), list)
    code = json.loads(yibao("timeline", number, "--json").output)[0]["data"]["employer"]
    assert printed_grid(yibao("timeline", code).output) == {}


def test_a_wrong_on_is_bad_input_naming_the_option(yibao, persons):
    result = yibao("timeline", persons["employee"][0], "--on", "2025-13-01")
    assert result.exit_code == 2 and "--on" in result.output
