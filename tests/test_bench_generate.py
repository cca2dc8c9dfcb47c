"""bench/generate.py builds a region without the handlers: these tests check, on a small region, that what it wrote
is what the handlers would have written and that every fold reads it without error."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal

import psycopg
import pytest

from bench import generate
from bench.writing import FastTranscoder
from ledger.benefits.eligibility import eligibility
from ledger.benefits.events import (
    AccountSpent,
    PaymentInterrupted,
    PaymentResumed,
    Retired,
    TransferredIn,
)
from ledger.benefits.retirement import minimum_months
from ledger.contributions import handlers as contributions
from ledger.contributions.assessment import amounts, employee_due_on
from ledger.contributions.bases import (
    base_floor,
    chosen_base,
    clamp_base,
    declared_wages,
    reference_wage,
)
from ledger.contributions.events import (
    AssessmentCancelled,
    ContributionAssessed,
    ContributionReceived,
)
from ledger.contributions.months import contribution_months, table, table_on
from ledger.contributions.staffing import staff_months, staff_on
from ledger.core.events import EventReversed
from ledger.core.month import Month
from ledger.maternity.events import BenefitPaid, MaternityClaimed
from ledger.maternity.rules import (
    check_eligible,
    continuous_months,
    employer_average_base,
    entitlement,
)
from ledger.registration.person_state import state_on
from ledger.resident.events import HardshipFlagged, ResidentContributionPaid
from ledger.resident.rules import amounts as resident_amounts
from ledger.resident.rules import hardship_on, window
from ledger.store import registry
from ledger.store.opening import open_ledger
from projections.status import status
from tests.builders import check_invariants
from tests.conftest import stored_event_count

PERSONS, YEARS, SEED = 60, 3, 11
D = datetime.date
RECORDED = re.compile(rb'"timestamp":\{[^}]*\}')


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """A region of 60 people over 2023-2025 in a new SQLite store: (url, what the generator printed)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'region.sqlite3'}"
    return url, _generate(url)


@pytest.fixture(scope="module")
def ledger(region):
    ledger = open_ledger(region[0])
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def views(ledger):
    """Every person's view as known now, by ID number."""
    found = {}
    for person_id in registry.person_ids(ledger):
        view = ledger.view_of(ledger.repository.get(person_id))
        found[view.events[0].id_number] = view
    return found


def _generate(url: str, *extra: str) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert generate.main(["--persons", str(PERSONS), "--years", str(YEARS), "--seed", str(SEED), "--db", url,
                              *extra]) == 0
    return out.getvalue()


def _printed_events(output: str) -> int:
    return int(re.search(r"^events written: (\d+)$", output, re.M).group(1))


def facts(views, kind):
    return [(number, event) for number, view in views.items() for event in view.of(kind)]


def test_the_events_printed_are_the_rows_in_the_store(region):
    url, output = region
    assert _printed_events(output) == stored_event_count(url) > PERSONS * 20
    assert f"persons: {PERSONS}" in output and "events/s: " in output and "wall time: " in output


def test_a_store_that_holds_anything_is_refused_untouched(region):
    url, _ = region
    before = stored_event_count(url)
    assert generate.main(["--persons", "5", "--years", "2", "--db", url]) == 2
    assert stored_event_count(url) == before


def test_the_region_has_every_kind_of_life_and_of_fact(views):
    schemes = Counter(view.events[0].scheme for view in views.values())
    assert set(schemes) == {"employee", "flexible", "resident"} and len(views) == PERSONS
    assert facts(views, Retired)
    assert {e.kind for _, e in facts(views, MaternityClaimed)} == {"allowance", "nursing-subsidy"}
    transfers = facts(views, TransferredIn)
    assert transfers and all(not e.from_region.startswith("64") for _, e in transfers)
    assert facts(views, PaymentInterrupted) and facts(views, PaymentResumed) and facts(views, AssessmentCancelled)
    assert any(e.basis == "back-pay" for _, e in facts(views, ContributionAssessed))
    assert facts(views, ResidentContributionPaid) and facts(views, HardshipFlagged)
    assert facts(views, AccountSpent)
    assert any(isinstance(e, EventReversed) for view in views.values() for e in view.events)


def test_every_persons_status_folds_on_every_year_end_and_today(views):
    now = datetime.datetime.now(datetime.timezone.utc)
    dates = [D(year, 12, 31) for year in range(2025 - YEARS, 2026)] + [D(2025, 6, 15), datetime.date.today()]
    for number, view in views.items():
        for on in dates:
            document = status(view, on, now)
            assert document["id_number"] == number


def test_every_person_month_with_a_receipt_is_paid(views):
    for number, view in views.items():
        months = table(view)
        for receipt in view.of(ContributionReceived):
            assert months[receipt.month].paid, f"{number} {receipt.month}"
        ids = [e.receipt_id for e in view.of(ContributionReceived)]
        assert len(ids) == len(set(ids))


def test_no_account_goes_negative_and_the_ledgers_invariants_hold(ledger):
    check_invariants(ledger)


def test_every_assessment_costs_what_policy_says_for_its_base(ledger, views):
    policy = ledger.policy
    wages: dict[tuple[str, int], dict] = {}
    employers: dict[str, object] = {}
    for number, view in views.items():
        person_id = view.events[0].originator_id
        for month, person_month in table(view).items():
            reference = reference_wage(policy, month.year)
            assert person_month.reference_year == reference.year
            parts = amounts(policy, person_month.scheme, month, person_month.base)
            assert (parts.employer_part, parts.personal_part, parts.total) == \
                (person_month.employer_part, person_month.personal_part, person_month.total), f"{number} {month}"
            if person_month.basis == "declared":
                code = person_month.employer
                if code not in employers:
                    employers[code] = ledger.employer_view(code)
                if (code, month.year) not in wages:
                    wages[code, month.year] = declared_wages(employers[code], month.year)
                assert person_month.base == clamp_base(policy, reference, month, wages[code, month.year][person_id])
                assert person_id in staff_on(employers[code], month.first_day)
                assert person_month.due_on == employee_due_on(policy, month)
            elif person_month.basis == "chosen":
                assert person_month.base == clamp_base(policy, reference, month, chosen_base(view, month))
            else:
                assert person_month.basis in ("minimum", "back-pay")
                assert person_month.base == base_floor(policy, reference, month)


def test_the_monthly_run_finds_nothing_left_to_assess_or_cancel(region, ledger):
    """CON-5, CON-6: the handlers' own monthly job, run over the generated region, has nothing to add."""
    before = stored_event_count(region[0])
    for month in [Month(year, number) for year in range(2025 - YEARS + 1, 2026) for number in (1, 10)] + \
            [Month(2025, 12)]:
        report = contributions.assess_month(ledger.unit_of_work(), month=month, operator="tester")
        assert (report.assessed, report.cancelled, report.skipped) == (0, 0, []), month
    assert stored_event_count(region[0]) == before


def test_maternity_claims_are_what_the_handler_computes(ledger, views):
    policy, uow = ledger.policy, ledger.unit_of_work()
    claims = facts(views, MaternityClaimed)
    assert claims
    for number, claim in claims:
        view = views[number]
        check_eligible(table_on(view, claim.on), view.deferrals, state_on(view, claim.birth).scheme, claim.birth, True)
        assert claim.continuous_months == continuous_months(view, Month.of(claim.birth), claim.on)
        code = table(view)[Month.of(claim.birth)].employer
        average = employer_average_base(policy, staff_months(uow, code), code, claim.birth)
        assert (claim.average_base, claim.averaged) == (average.amount, str(average))
        expected = entitlement(policy, claim.kind, claim.birth, claim.continuous_months, average, None, False, [])
        paid = [(e.kind, e.amount, e.period) for e in view.of(BenefitPaid) if e.claim_seq == claim.originator_version]
        assert paid == expected.payments


def test_retirements_count_the_months_the_folds_count(ledger, views):
    for number, retired in facts(views, Retired):
        view = views[number]
        assert retired.months == contribution_months(view, retired.on)["total"]
        assert retired.minimum == minimum_months(ledger.policy, view.events[0].sex, retired.on)
        assert retired.shortfall == max(0, retired.minimum - retired.months)


def test_spending_is_only_from_an_account_usable_that_day(views):
    for number, spent in facts(views, AccountSpent):
        assert eligibility(views[number], spent.on).account, f"{number} {spent.on}"
        assert spent.amount > 0


def test_resident_payments_are_in_the_window_and_cost_what_policy_says(ledger, views):
    for number, paid in facts(views, ResidentContributionPaid):
        view = views[number]
        opens, closes = window(ledger.policy, paid.year)
        assert paid.in_window == (opens <= paid.on <= closes)
        assert paid.newborn or paid.in_window or paid.on.year == paid.year >= 2025
        total, personal, fiscal, assistance = resident_amounts(ledger.policy, paid.year, hardship_on(view, paid.on))
        assert (paid.total, paid.personal_part, paid.fiscal_subsidy, paid.assistance_subsidy) == \
            (total, personal, fiscal, assistance)
        assert state_on(view, paid.on).scheme == "resident"


def test_facts_written_as_rows_are_those_the_stream_classes_make(region, tmp_path):
    """The default writes each stream's later facts straight as stored rows; `--facts objects` makes them with the
    stream classes (`Stream.record`) and the ledger's mapper. The same seed gives the same rows, but for the time
    each was recorded."""
    url = f"sqlite:///{tmp_path / 'objects.sqlite3'}"
    _generate(url, "--facts", "objects")

    def rows(store: str) -> list[tuple]:
        ledger = open_ledger(store)
        try:
            found, start = [], 1
            while page := ledger.recorder.select_notifications(start, 10_000):
                found += [(n.originator_id, n.originator_version, n.topic, RECORDED.sub(b"", n.state)) for n in page]
                start = page[-1].id + 1
            return sorted(found)
        finally:
            ledger.close()

    assert rows(url) == rows(region[0])


def test_every_event_is_in_the_ledgers_chain_when_it_keeps_one(ledger):
    """Issue 13's tamper evidence, when the ledger has it: every event the generator wrote is chained."""
    verify = pytest.importorskip("ledger.store.verify", reason="this ledger keeps no chain")
    checked = verify.verify(ledger)
    assert checked.broken is None and checked.events == ledger.recorder.max_notification_id()


def test_the_fast_writer_stored_the_bytes_the_ledgers_own_transcoder_writes(region, ledger):
    mapper = ledger.mapper
    assert not isinstance(mapper.transcoder, FastTranscoder)
    start, count = 1, 0
    while page := ledger.recorder.select_notifications(start, 10_000):
        for stored in page:
            event = mapper.to_domain_event(stored)
            assert mapper.to_stored_event(event).state == stored.state, stored.topic
        count, start = count + len(page), page[-1].id + 1
    assert count == stored_event_count(region[0])


@pytest.mark.postgres
def test_on_postgresql_two_processes_write_every_event_they_count(postgres_database):
    """Three districts of 50 people over two years written by two processes with COPY: every event counted is in
    the store once, and people of every district fold."""
    with psycopg.connect(postgres_database, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert generate.main(["--persons", "150", "--years", "2", "--workers", "2", "--district-persons", "50",
                              "--db", postgres_database]) == 0
    assert _printed_events(out.getvalue()) == stored_event_count(postgres_database)
    ledger = open_ledger(postgres_database)
    try:
        try:
            from ledger.store.verify import verify
        except ImportError:  # a ledger with no chain (issue 13)
            pass
        else:
            assert verify(ledger).broken is None
        ids = registry.person_ids(ledger)
        assert len(ids) == 150
        now = datetime.datetime.now(datetime.timezone.utc)
        for person_id in ids:
            view = ledger.view_of(ledger.repository.get(person_id))
            status(view, D(2025, 12, 31), now)
            assert all(Decimal(0) <= m.received <= m.total for m in table(view).values())
    finally:
        ledger.close()


def test_wait_1_to_5_the_coverage_index_holds_the_month_table_as_it_stood_at_every_date_in_any_order(views):
    """The waiting rules read `Coverage` (built forward, date by date) instead of the month table as of each date:
    it must hold exactly that table's months up to the date, forward (the eligibility table's sweep), backward
    and in a jumbled order (queries)."""
    import random

    from ledger.benefits.coverage import Coverage, counts
    from ledger.benefits.eligibility import change_points
    from ledger.core.month import Month

    checked = 0
    for view in views.values():
        dates = change_points(view, D(2026, 1, 1))
        jumbled = random.Random(7).sample(dates, len(dates))
        index = Coverage(table(view), view.deferrals)
        for on in [*dates, *reversed(dates), *jumbled]:
            current = Month.of(on)
            expected = {m: pm for m, pm in table_on(view, on).items() if m <= current}
            held = index.at(on)
            assert held.months == expected, (view.events[0].id_number, on)
            assert held.counting == [m for m, pm in expected.items() if counts(pm)]
            checked += 1
    assert checked > 1000
