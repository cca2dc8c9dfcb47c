"""Benefit commands through the real entry point, on SQLite and PostgreSQL: settle, import, claim, list."""

from __future__ import annotations

import json

from tests.builders import flexible_paying
from tests.conftest import stored_event_count

HOSPITAL = "H64010400001"


def with_hospital(yibao, make_id, months=("2024-03", "2024-12"), amount="3882.40"):
    number = flexible_paying(yibao, make_id, months=months, amount=amount)
    assert yibao("institution", "register", "--code", HOSPITAL, "--name", "宁夏回族自治区人民医院", "--level", "3",
                 "--kind", "hospital", "--region", "640104", "--on", "2020-01-01").exit_code == 0
    return number


def test_ben_1_settle_refusals_exit_1_naming_the_rule_bad_parts_exit_2_and_nothing_is_written(yibao, store_url,
                                                                                             make_id):
    number = with_hospital(yibao, make_id, months=("2024-03", "2024-05"), amount="1164.72")
    before = stored_event_count(store_url)
    waiting = yibao("benefit", "settle", "--id", number, "--institution", HOSPITAL, "--kind", "outpatient-pooling",
                    "--on", "2024-05-10", "--total", "100", "--fund", "60", "--account", "0", "--own", "40")
    assert waiting.exit_code == 1 and "WAIT-2: no fund part on 2024-05-10" in waiting.output
    parts = yibao("benefit", "settle", "--id", number, "--institution", HOSPITAL, "--kind", "outpatient-pooling",
                  "--on", "2024-05-10", "--total", "100", "--fund", "0", "--account", "0", "--own", "50")
    assert parts.exit_code == 2 and "total: the parts" in parts.output
    unknown = yibao("benefit", "settle", "--id", number, "--institution", "X1", "--kind", "inpatient", "--on",
                    "2024-05-10", "--total", "1", "--fund", "0", "--account", "0", "--own", "1")
    assert unknown.exit_code == 2 and "institution: 'X1' is not a designated institution's code" in unknown.output
    assert stored_event_count(store_url) == before


def test_ben_1_ben_2_a_stay_settled_listed_and_counted_in_status(yibao, make_id):
    number = with_hospital(yibao, make_id)
    settled = yibao("benefit", "settle", "--id", number, "--institution", HOSPITAL, "--kind", "inpatient", "--on",
                    "2024-10-28", "--discharged", "2024-11-02", "--total", "6000", "--fund", "4500", "--account",
                    "100", "--own", "1400", "--settlement-no", "ZY-1")
    assert settled.exit_code == 0 and settled.output.startswith("settled:")
    rows = json.loads(yibao("benefit", "list", number, "--year", "2024", "--json").output)
    assert [(r["kind"], r["fund"], r["account"], r["scheme"]) for r in rows] == [
        ("inpatient", "4500.00", "100.00", "employee")]
    paid = json.loads(yibao("status", number, "--on", "2024-12-31", "--json").output)["benefits_paid"]
    assert (paid["fund"], paid["account"], paid["own"]) == ("4500.00", "100.00", "1400.00")
    timeline = json.loads(yibao("timeline", number, "--json").output)
    assert timeline[-1]["type"] == "BenefitSettled"


def test_ben_1_a_settlement_file_with_a_bad_row_is_refused_whole_then_imported_once(yibao, store_url, make_id,
                                                                                     tmp_path):
    number = with_hospital(yibao, make_id)
    header = "settlement_no,id_number,institution,kind,service_on,discharged_on,total,fund,account,own\n"
    good = f"MZ-1,{number},{HOSPITAL},outpatient-pooling,2024-11-01,,100.00,60.00,0.00,40.00\n"
    bad = f"MZ-2,{number},{HOSPITAL},outpatient-pooling,2024-11-02,,100.00,60.00,0.00,50.00\n"
    path = tmp_path / "settlements.csv"
    path.write_text(header + good + bad, "utf-8")
    before = stored_event_count(store_url)
    refused = yibao("benefit", "import", str(path))
    assert refused.exit_code == 2 and "row 3" in refused.output and stored_event_count(store_url) == before
    path.write_text(header + good, "utf-8")
    assert "1 rows: 1 settled, 0 already recorded" in yibao("benefit", "import", str(path)).output
    assert "1 rows: 0 settled, 1 already recorded" in yibao("benefit", "import", str(path)).output


def test_ben_3_ben_5_a_claim_shows_its_computation(yibao, make_id):
    number = with_hospital(yibao, make_id)
    claimed = yibao("benefit", "claim", "--id", number, "--kind", "emergency-outpatient", "--on", "2024-11-03",
                    "--institution-name", "西安市第一医院", "--level", "2", "--cost", "500", "--in-scope", "400",
                    "--document", "card:社保卡", "--document", "cost-list:清单", "--document", "bill:票据",
                    "--document", "emergency-diagnosis:证明")
    assert claimed.exit_code == 0, claimed.output
    assert "(400 - deductible 0.00) x 0.88 = 352.00" in claimed.output
    missing = yibao("benefit", "claim", "--id", number, "--kind", "emergency-outpatient", "--on", "2024-11-03",
                    "--institution-name", "西安市第一医院", "--level", "2", "--cost", "500", "--in-scope", "400",
                    "--document", "card:社保卡")
    assert missing.exit_code == 1 and "BEN-3: a emergency-outpatient claim needs cost-list" in missing.output
