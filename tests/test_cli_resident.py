"""The resident commands through the real entry point, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import json

from projections.privacy import mask_id
from tests.builders import approved
from tests.conftest import stored_event_count


def test_resident_commands(yibao, store_url, make_id, tmp_path):
    parent, student = make_id(birth=datetime.date(1985, 8, 1)), make_id(birth=datetime.date(2005, 3, 1))
    assert yibao("init").exit_code == 0
    assert yibao("person", "register", "--id", parent, "--name", "田明", "--sex", "M", "--scheme", "resident",
                 "--on", "2023-09-01", "--hukou", "宁夏永宁县").exit_code == 0
    before = stored_event_count(store_url)
    bad = tmp_path / "students.csv"
    bad.write_text(f"id_number,name,sex\n{student},田勇,M\n{parent},田明,M\n")
    refused = yibao("resident", "register-batch", str(bad), "--school", "宁夏大学")
    assert refused.exit_code == 2 and f"row 3: {mask_id(parent)} is already registered" in refused.output
    assert stored_event_count(store_url) == before
    bad.write_text(f"id_number,name,sex\n{student},田勇,M\n")
    assert yibao("resident", "register-batch", str(bad), "--school", "宁夏大学", "--on", "2024-09-20").exit_code == 0

    paid = yibao("resident", "pay", "--id", parent, "--year", "2024", "--on", "2023-10-08")
    assert paid.exit_code == 0 and "total 1070.00" in paid.output
    late = yibao("resident", "pay", "--id", student, "--year", "2024", "--on", "2024-09-21")
    assert late.exit_code == 1 and "WAIT-8:" in late.output
    chronic = yibao("resident", "sign", "--chronic", "--id", parent, "--facility", "宁夏人民医院:III",
                    "--facility", "永宁县人民医院:II", "--facility", "望洪镇卫生院:primary", "--on", "2024-02-01")
    assert chronic.exit_code == 0 and "in force from 2024-02-01" in chronic.output

    rows = json.loads(yibao("resident", "list", "--status", "paid", "--year", "2024", "--json").output)
    assert [r["id_number"] for r in rows] == [mask_id(parent)]
    unpaid = json.loads(yibao("resident", "list", "--status", "unpaid", "--reason", "other", "--year", "2024",
                              "--json").output)
    assert [r["id_number"] for r in unpaid] == [mask_id(student)]
    assert yibao("resident", "pay", "--id", parent, "--year", "2025", "--on", "2024-10-08").exit_code == 0
    refunded = yibao("refund", "request", "--id", parent, "--reason", "abroad", "--on", "2024-12-01",
                     "--document", "settled-abroad:定居证明-1")
    assert "to refund 400.00 for the resident year 2025" in refunded.output
    approved(yibao, refunded)
    status = json.loads(yibao("status", parent, "--on", "2024-03-01", "--json").output)
    assert status["benefits"]["scheme"] == "resident" and len(status["facilities"]["chronic"]) == 3
