"""Eligibility, account and dispute commands through the real entry point, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import json

from tests.builders import approved, flexible_paying
from tests.conftest import stored_event_count


def test_refusals_name_their_rule_and_write_nothing(yibao, store_url, make_id):
    number = flexible_paying(yibao, make_id)
    before = stored_event_count(store_url)
    for args, rule in [
        (("account", "spend", "--id", number, "--amount", "500.00", "--on", "2024-05-15"), "ACC-3"),
        (("person", "resume", "--id", number, "--on", "2024-06-01"), "WAIT-5"),
        (("person", "interrupt", "--id", number, "--month", "2024-04"), "WAIT-4"),
        (("person", "backpay", "--id", number, "--from", "2024-04", "--to", "2024-04", "--on", "2024-06-01"), "WAIT-6"),
    ]:
        result = yibao(*args)
        assert result.exit_code == 1 and f"{rule}:" in result.output, (args, result.output)
    assert yibao("account", "spend", "--id", number, "--amount", "-5", "--on", "2024-05-15").exit_code == 2
    assert stored_event_count(store_url) == before


def test_status_statement_and_diff_as_json(yibao, make_id):
    number = flexible_paying(yibao, make_id)
    status = json.loads(yibao("status", number, "--on", "2024-04-15", "--json").output)
    assert status["benefits"] == {"account": True, "pooled": False, "pooled_from": "2024-09-01",
                                  "reason": "WAIT-2: 2 of 6 months paid", "scheme": None}
    assert status["account"] == {"balance": "194.12", "credited": "194.12", "spent": "0.00"}

    before = datetime.datetime.now(datetime.timezone.utc).isoformat()
    assert yibao("account", "spend", "--id", number, "--amount", "50.00", "--on", "2024-04-20",
                 "--facility", "药房").exit_code == 0
    after = datetime.datetime.now(datetime.timezone.utc).isoformat()
    rows = json.loads(yibao("account", "statement", number, "--from", "2024-04-01", "--to", "2024-05-31",
                            "--json").output)
    assert [(r["kind"], r["amount"], r["balance"]) for r in rows] == [
        ("opening", "97.06", "97.06"), ("credit", "97.06", "194.12"), ("spent", "-50.00", "144.12"),
        ("credit", "97.06", "241.18")]

    diff = json.loads(yibao("diff", number, "--known-at", before, "--vs", after, "--on", "2024-04-30",
                            "--json").output)
    assert {c["field"]: (c["before"], c["after"]) for c in diff["status"]} == {
        "account.balance": ("194.12", "144.12"), "account.spent": ("0.00", "50.00")}
    assert diff["months"] == []


def test_retirement_from_the_cli(yibao, make_id):
    number = flexible_paying(yibao, make_id)
    assert yibao("person", "transfer-in", "--id", number, "--from-region", "610100", "--months", "297",
                 "--balance", "0", "--on", "2024-03-02").exit_code == 0
    retired = yibao("person", "retire", "--id", number, "--on", "2024-06-01")
    assert retired.exit_code == 0 and "RET-1: 0 months short" not in retired.output
    again = yibao("person", "retire", "--id", number, "--on", "2024-06-02")
    assert again.exit_code == 1 and "RET-1:" in again.output
    status = json.loads(yibao("status", number, "--on", "2024-07-15", "--json").output)
    assert (status["scheme"], status["benefits"]["pooled"]) == ("retired", True)


def test_refund_and_maternity_commands(yibao, store_url, make_id):
    number = flexible_paying(yibao, make_id, months=("2024-03", "2024-12"), amount="3882.40")
    proposed = yibao("refund", "request", "--id", number, "--reason", "to-employee", "--on", "2024-10-01")
    assert "to refund 873.54 for 3 months of 2024 (2024-10..2024-12)" in proposed.output
    assert approved(yibao, proposed).exit_code == 0
    assert "RefundPaid" in json.dumps(json.loads(yibao("timeline", number, "--json").output))
    again = yibao("refund", "request", "--id", number, "--reason", "to-employee", "--on", "2024-10-01")
    assert again.exit_code == 1 and "REF-2: 2024 was refunded already" in again.output
    before = stored_event_count(store_url)
    bad = yibao("maternity", "claim", "--id", number, "--kind", "allowance", "--birth", "2024-06-01",
                "--document", "passport:123")
    assert bad.exit_code == 2 and "document:" in bad.output
    refused = yibao("maternity", "claim", "--id", number, "--kind", "male-subsidy", "--birth", "2024-06-01",
                    "--document", "form:1", "--document", "card:2", "--document", "spouse-discharge-record:3",
                    "--document", "spouse-unemployed:4")
    assert refused.exit_code == 1 and "MAT-1:" in refused.output
    assert stored_event_count(store_url) == before
    assert json.loads(yibao("maternity", "show", number, "--json").output) == []


def test_trf_1_region_codes_are_division_codes_and_a_ningxia_one_is_refused(yibao, make_id):
    number = flexible_paying(yibao, make_id)
    bad = yibao("person", "transfer-in", "--id", number, "--from-region", "123456", "--months", "3",
                "--balance", "0", "--on", "2024-03-02")
    assert bad.exit_code == 2 and "from-region: '123456' is not an administrative division code" in bad.output
    inside = yibao("person", "transfer-in", "--id", number, "--from-region", "640200", "--months", "24",
                   "--balance", "0", "--on", "2024-03-02")
    assert inside.exit_code == 1 and "TRF-1: 640200 is in Ningxia" in inside.output
    moved = yibao("person", "change", "--id", number, "--set", "area=640205", "--on", "2024-05-01")
    assert moved.exit_code == 0
    assert yibao("person", "change", "--id", number, "--set", "area=640204", "--on", "2024-06-01").exit_code == 2
