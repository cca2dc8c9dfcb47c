"""The contribution commands through the real entry point, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from projections.privacy import mask_id
from tests.builders import employer_and_two_persons as setup
from tests.conftest import stored_event_count


def test_a_bad_wage_file_exits_2_listing_its_rows_and_writes_nothing(yibao, store_url, make_code, make_id, tmp_path):
    code, employee, flexible = setup(yibao, make_code, make_id, tmp_path)
    before = stored_event_count(store_url)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"id_number,monthly_wage\n{flexible},7000\n{employee},x\n")
    result = yibao("employer", "declare-bases", "--code", code, "--year", "2025", "--file", str(bad))
    assert result.exit_code == 2 and "row 3: monthly_wage" in result.output
    bad.write_text(f"id_number,monthly_wage\n{flexible},7000\n")
    result = yibao("employer", "declare-bases", "--code", code, "--year", "2025", "--file", str(bad))
    assert result.exit_code == 2 and f"row 2: {mask_id(flexible)} is not on the staff" in result.output
    assert stored_event_count(store_url) == before


def test_a_year_of_assessments_receipts_and_months(yibao, make_code, make_id, tmp_path):
    code, employee, flexible = setup(yibao, make_code, make_id, tmp_path)
    for month in ("2024-03", "2024-04"):
        assert yibao("contributions", "assess", "--month", month).exit_code == 0
    receipts = tmp_path / "receipts.csv"
    receipts.write_text("id_number,month,amount,received_on\n"
                        f"{employee},2024-03,480.00,2024-03-20\n{flexible},2024-03,388.24,2024-03-21\n"
                        f"{flexible},2024-04,1.00,2024-04-21\n")
    first = yibao("contributions", "import", str(receipts))
    assert first.exit_code == 0 and "3 rows: 2 matched, 1 unmatched, 0 already recorded" in first.output
    again = yibao("contributions", "import", str(receipts))
    assert "0 matched, 0 unmatched, 3 already recorded" in again.output

    unmatched = json.loads(yibao("contributions", "unmatched", "--json").output)
    assert [(u["id_number"], u["amount"], u["row"]) for u in unmatched] == [(mask_id(flexible), "1.00", 4)]
    assert "wrong amount" in unmatched[0]["reason"]

    rows = json.loads(yibao("months", employee, "--json").output)
    assert [(r["month"], r["state"], r["base"], r["employer"], r["personal"], r["total"], r["credited"]) for r in rows] == [
        ("2024-03", "paid", "6000.00", code, "120.00", "480.00", "120.00"),
        ("2024-04", "assessed", "6000.00", code, "120.00", "480.00", "0.00")]
    flexible_rows = json.loads(yibao("months", flexible, "--year", "2024", "--json").output)
    assert len(flexible_rows) == 10 and flexible_rows[0]["state"] == "paid"

    status = json.loads(yibao("status", employee, "--on", "2024-04-30", "--json").output)
    assert status["contribution_months"] == {"paid": 1, "back_paid": 0, "transferred_in": 0, "total": 1}

    refused = yibao("employer", "cancel", "--code", code, "--reason", "解散", "--on", "2024-05-01")
    assert refused.exit_code == 1 and "REG-4: employer owes 480.00" in refused.output
    debt = json.loads(yibao("employer", "arrears", "--code", code, "--on", "2024-05-01", "--json").output)
    assert (debt["owed"], debt["arrears"]) == ("480.00", "480.00")


def test_months_as_known_before_a_receipt(yibao, make_code, make_id, tmp_path):
    import datetime
    _, employee, _ = setup(yibao, make_code, make_id, tmp_path)
    yibao("contributions", "assess", "--month", "2024-03")
    between = datetime.datetime.now(datetime.timezone.utc).isoformat()
    assert yibao("contributions", "pay", "--id", employee, "--month", "2024-03", "--amount", "480.00",
                 "--on", "2024-03-20").exit_code == 0
    then = json.loads(yibao("months", employee, "--known-at", between, "--json").output)
    now = json.loads(yibao("months", employee, "--json").output)
    assert (then[0]["state"], now[0]["state"]) == ("assessed", "paid")


def test_policy_show_publish_and_set(yibao, make_code, make_id, tmp_path):
    setup(yibao, make_code, make_id, tmp_path)
    shown = json.loads(yibao("policy", "show", "--on", "2025-06-01", "--json").output)
    assert shown["bases"] == {"reference_year": 2023, "provisional": True, "floor": "4853.00", "ceiling": "24264.00"}
    assert shown["parameters"]["employee_rate_employer"]["assumed"] is True
    published = yibao("policy", "publish-average-wage", "--year", "2024", "--annual", "103200", "--on", "2025-06-30")
    assert published.exit_code == 0
    assert yibao("policy", "set", "employee_rate_employer", "0.065", "--from", "2026-01-01").exit_code == 0
    later = json.loads(yibao("policy", "show", "--on", "2026-02-01", "--json").output)
    assert later["parameters"]["employee_rate_employer"]["value"] == "0.065"
    assert json.loads(yibao("policy", "show", "--on", "2025-06-01", "--json").output)["bases"]["floor"] == "5160.00"
    unknown = yibao("policy", "set", "no_such_rate", "1", "--from", "2026-01-01")
    assert unknown.exit_code == 2 and "NAME: there is no policy parameter no_such_rate" in unknown.output


def test_close_year_and_choose_base_from_the_cli(yibao, make_code, make_id, tmp_path):
    _, _, flexible = setup(yibao, make_code, make_id, tmp_path)
    lower = yibao("contributions", "choose-base", "--id", flexible, "--base", "3000", "--from", "2024-03")
    assert lower.exit_code == 1 and "CON-5" in lower.output
    assert yibao("contributions", "assess", "--month", "2024-03").exit_code == 0
    closed = yibao("contributions", "close-year", "--year", "2024", "--on", "2025-01-03")
    assert closed.exit_code == 0 and "10 unpaid flexible months cancelled" in closed.output
