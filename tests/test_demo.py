"""`yibao demo`, the README's main job: works on a fresh directory with no server, and on PostgreSQL."""

from __future__ import annotations

import datetime
import json
import os
import subprocess

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.privacy import mask_id
from tests.builders import yibao_executable


def test_demo_runs_on_the_sqlite_default_in_a_fresh_directory(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("YIBAO_DB", "YIBAO_OPERATOR")} | {"COLUMNS": "200"}
    result = subprocess.run([yibao_executable(), "demo", "--persons", "40"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "yibao.sqlite3").exists()
    assert "persons recorded" in result.stdout and "EventReversed" in result.stdout

    size = (tmp_path / "yibao.sqlite3").stat().st_size
    again = subprocess.run([yibao_executable(), "demo", "--persons", "5"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr  # a second run shows the region already there and adds nothing
    assert "already holds the demo region" in again.stdout and "EventReversed" in again.stdout
    assert (tmp_path / "yibao.sqlite3").stat().st_size == size


def test_demo_fills_any_store_with_valid_people(yibao, store_url):
    result = yibao("demo", "--persons", "30")
    assert result.exit_code == 0, result.output
    from ledger.store.opening import open_ledger

    shown = next(line.split()[-1] for line in result.output.splitlines() if "timeline of" in line)
    ledger = open_ledger(store_url)
    try:
        sample = ledger.job("demo").finished.summary["sample"]
    finally:
        ledger.close()
    assert shown == mask_id(sample)  # the screen shows the sample masked
    rows = json.loads(yibao("timeline", sample, "--json").output)
    assert [row["reversed_by"] for row in rows][:3] == [None, 3, None]


def test_a_demo_that_stopped_part_way_is_not_doubled_by_a_second_run(yibao, store_url):
    from commands.synthetic import DEMO_OPERATOR
    from ledger.core.jobs import Job
    from ledger.store.opening import open_ledger
    from tests.builders import OP, Desk
    from tests.conftest import stored_event_count

    ledger = open_ledger(store_url, initialise=True)
    try:  # what a demo killed after its first persons leaves behind
        ledger.commit(Job.start(kind="demo", key="persons=30 seed=1", parameters={}, on=datetime.date(2026, 1, 1),
                                operator=DEMO_OPERATOR))
        Desk(ledger).register_employer(code="91640100MA76A1B2CR", name="宁夏塞上建材有限公司", unit_type="enterprise",
                                       on=datetime.date(2024, 1, 5), operator=OP)
    finally:
        ledger.close()
    before = stored_event_count(store_url)
    result = yibao("demo", "--persons", "30")
    assert result.exit_code == 2
    assert "a demo region that stopped part-way" in result.output and "--db" in result.output
    assert stored_event_count(store_url) == before


def test_a_demo_refuses_a_ledger_holding_other_facts(yibao, store_url):
    assert yibao("init").exit_code == 0
    assert yibao("employer", "register", "--code", "91640100MA76A1B2CR", "--name", "宁夏塞上建材有限公司",
                 "--type", "enterprise", "--on", "2024-01-05").exit_code == 0
    result = yibao("demo", "--persons", "5")
    assert result.exit_code == 2 and "a ledger's facts" in result.output


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(persons=st.integers(1, 60), seed=st.integers(0, 10_000))
def test_the_synthetic_region_is_made_whole_for_any_size_and_seed(persons, seed):
    from commands.synthetic import fill_region, staff_the_ledger
    from ledger.store.application import Ledger
    from ledger.store.storage import store_for

    ledger = Ledger(env=store_for("memory:").settings)
    staff_the_ledger(ledger)
    region = fill_region(ledger, persons, seed=seed)
    assert len(region.persons) == persons + 1  # and the sample
    assert all(ledger.find_person(number) for number in region.persons)


def test_a_person_born_on_29_february_comes_of_age_on_28_february():
    from commands.synthetic import birthday

    assert birthday(datetime.date(2004, 2, 29), 18) == datetime.date(2022, 2, 28)
    assert birthday(datetime.date(2004, 2, 29), 20) == datetime.date(2024, 2, 29)


def test_projections_check_passes_the_demo_ledger_and_fails_it_once_a_table_row_is_edited(yibao, store_url):
    """The nightly check (issue 12): exit 0 when the live tables are what a rebuild makes, 1 naming the table when a
    row was edited behind the ledger's back; a rebuild mends it."""
    from decimal import Decimal

    from ledger.store.opening import open_ledger
    from ledger.store.tables import Tables

    assert yibao("demo", "--persons", "30").exit_code == 0
    checked = yibao("projections", "check")
    assert checked.exit_code == 0, checked.output
    ledger = open_ledger(store_url)
    try:
        tables = Tables(ledger)
        with ledger.recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"UPDATE yibao_person_months SET received = received + {tables.mark} WHERE month = "
                           f"(SELECT MIN(month) FROM yibao_person_months)", [tables.adapt(Decimal("0.01"))])
    finally:
        ledger.close()
    edited = yibao("projections", "check")
    assert edited.exit_code == 1 and "yibao_person_months" in edited.output, edited.output
    assert yibao("projections", "rebuild").exit_code == 0
    assert yibao("projections", "check").exit_code == 0
