"""AUD-1: operators and their roles, and vouchers signed by three different people; on SQLite and PostgreSQL
(the `ledger` fixture) and through the CLI."""

from __future__ import annotations

import datetime
import json

import pytest

from ledger.audit.vouchers import Voucher, state_of
from ledger.core.errors import RuleViolation
from ledger.core.events import EventReversed
from ledger.registration.events import PersonChanged
from projections.privacy import mask_id
from tests.builders import ADMIN, APPROVER, OP, REVIEWER, approved, flexible
from tests.conftest import stored_event_count

D = datetime.date


def changed_then_proposed(ledger, make_id) -> tuple[str, str]:
    """A person whose address change (event 2) a clerk proposes to reverse."""
    number = flexible(ledger, make_id)
    ledger.change_person(id_number=number, changes={"address": "银川市"}, on=D(2024, 4, 1), operator=OP)
    proposed = ledger.submit(operation="correct-person", id_number=number, seq=2, reason="wrong person",
                             on=D(2024, 4, 2), operator=OP)
    return number, proposed.voucher


def reversals(ledger, number: str) -> list:
    return [e for e in ledger.find_person(number).history if isinstance(e, EventReversed)]


def test_aud_1_a_correction_takes_effect_only_when_reviewed_and_then_approved(ledger, make_id):
    number, code = changed_then_proposed(ledger, make_id)
    assert reversals(ledger, number) == []
    assert ledger.sign(voucher=code, on=D(2024, 4, 3), operator=REVIEWER) == ("reviewed", None)
    assert reversals(ledger, number) == []
    assert ledger.sign(voucher=code, on=D(2024, 4, 3), operator=APPROVER)[0] == "approved"
    [reversal] = reversals(ledger, number)
    assert (reversal.seq, reversal.operator) == (2, OP)
    assert reversal.approval == {"voucher": code, "handler": OP, "reviewer": REVIEWER, "approver": APPROVER}
    assert state_of(ledger.stream(Voucher.id_for(code)).history).stage == "approved"


def test_aud_1_the_handler_may_neither_review_nor_approve_and_the_reviewer_may_not_approve(ledger, make_id):
    number, code = changed_then_proposed(ledger, make_id)
    with pytest.raises(RuleViolation, match="AUD-1: tester is the handler of voucher"):
        ledger.sign(voucher=code, on=D(2024, 4, 3), operator=OP)
    ledger.sign(voucher=code, on=D(2024, 4, 3), operator=REVIEWER)
    for who, role in ((REVIEWER, "reviewer"), (OP, "handler")):
        with pytest.raises(RuleViolation, match=f"AUD-1: {who} is the {role} of voucher"):
            ledger.sign(voucher=code, on=D(2024, 4, 3), operator=who)
    assert reversals(ledger, number) == []


def test_aud_1_a_clerk_may_not_sign_in_anothers_place_and_a_reviewer_may_not_approve(ledger, make_id):
    number, code = changed_then_proposed(ledger, make_id)
    with pytest.raises(RuleViolation, match="AUD-1: c2 \\(clerk\\) may not record VoucherReviewed: it needs the "
                                            "reviewer role"):
        ledger.sign(voucher=code, on=D(2024, 4, 3), operator="c2")
    ledger.sign(voucher=code, on=D(2024, 4, 3), operator=REVIEWER)
    ledger.add_operator(name="reviewer02", roles=["reviewer"], on=D(2024, 4, 3), operator=ADMIN)
    with pytest.raises(RuleViolation, match="needs the approver role"):
        ledger.sign(voucher=code, on=D(2024, 4, 3), operator="reviewer02")
    assert reversals(ledger, number) == []


def test_aud_1_the_approval_checks_the_rules_again_as_of_that_moment(ledger, make_id):
    number, code = changed_then_proposed(ledger, make_id)
    ledger.sign(voucher=code, on=D(2024, 4, 3), operator=REVIEWER)
    ledger.correct_person(id_number=number, seq=2, reason="found twice", on=D(2024, 4, 3), operator="c2")
    with pytest.raises(RuleViolation, match="AUD-2: event 2 was already reversed"):
        ledger.sign(voucher=code, on=D(2024, 4, 4), operator=APPROVER)
    assert len(reversals(ledger, number)) == 1
    assert state_of(ledger.stream(Voucher.id_for(code)).history).stage == "reviewed"  # nothing of it was written


def test_aud_1_a_rejected_voucher_never_takes_effect_and_a_proposal_that_breaks_a_rule_is_refused(ledger, make_id):
    number, code = changed_then_proposed(ledger, make_id)
    with pytest.raises(RuleViolation, match="AUD-1: tester is the handler"):
        ledger.reject(voucher=code, reason="mine", on=D(2024, 4, 3), operator=OP)
    ledger.reject(voucher=code, reason="wrong form", on=D(2024, 4, 3), operator=REVIEWER)
    with pytest.raises(RuleViolation, match="is already rejected"):
        ledger.sign(voucher=code, on=D(2024, 4, 3), operator=REVIEWER)
    assert reversals(ledger, number) == []
    before = ledger.event_count()
    with pytest.raises(RuleViolation, match="AUD-2: there is no event 9"):
        ledger.submit(operation="correct-person", id_number=number, seq=9, reason="x", on=D(2024, 4, 3), operator=OP)
    assert ledger.event_count() == before


def test_aud_1_an_unknown_removed_or_auditor_operator_records_nothing(ledger, make_id):
    number = flexible(ledger, make_id)
    before = ledger.event_count()
    for who, why in (("stranger", "'stranger' is not an operator"), ("auditor01", "needs the clerk role")):
        if who == "auditor01":
            ledger.add_operator(name=who, roles=["auditor"], on=D(2024, 4, 1), operator=ADMIN)
            before = ledger.event_count()
        with pytest.raises(RuleViolation, match=f"AUD-1: .*{why}"):
            ledger.change_person(id_number=number, changes={"phone": "13900000009"}, on=D(2024, 4, 1), operator=who)
        assert ledger.event_count() == before
    ledger.remove_operator(name="c2", reason="调岗", on=D(2024, 4, 2), operator=ADMIN)
    with pytest.raises(RuleViolation, match="AUD-1: 'c2' is not an operator"):
        ledger.change_person(id_number=number, changes={"phone": "13900000009"}, on=D(2024, 4, 3), operator="c2")
    assert [e.operator for e in ledger.find_person(number).history if isinstance(e, PersonChanged)] == []


def test_aud_1_only_an_administrator_keeps_the_roster_and_the_last_one_stays(ledger):
    with pytest.raises(RuleViolation, match="needs the admin role"):
        ledger.add_operator(name="mine", roles=["approver"], on=D(2024, 4, 1), operator=OP)
    with pytest.raises(RuleViolation, match="AUD-1: admin01 is the last administrator"):
        ledger.remove_operator(name=ADMIN, reason="left", on=D(2024, 4, 1), operator=ADMIN)
    with pytest.raises(RuleViolation, match="roles must be among"):
        ledger.add_operator(name="boss", roles=["owner"], on=D(2024, 4, 1), operator=ADMIN)


def test_aud_1_a_transfer_in_needs_a_voucher_only_with_a_balance(ledger, make_id):
    number = flexible(ledger, make_id)
    applied = ledger.submit(operation="transfer-in", id_number=number, from_region="610100", months=12,
                            balance=0, on=D(2024, 4, 1), operator=OP)
    assert applied.voucher is None
    proposed = ledger.submit(operation="transfer-in", id_number=number, from_region="610100", months=12,
                             balance=300, on=D(2024, 4, 2), operator=OP)
    assert proposed.voucher and proposed.summary == "TransferredIn"


def test_aud_1_the_cli_proposes_lists_shows_and_signs_and_the_timeline_names_all_three(yibao, store_url, make_id):
    assert yibao("init").exit_code == 0
    number = make_id(sex="M")
    assert yibao("person", "register", "--id", number, "--name", "马明", "--sex", "M", "--scheme", "flexible",
                 "--on", "2024-03-10").exit_code == 0
    assert yibao("person", "change", "--id", number, "--set", "phone=13900000001", "--on", "2024-04-01").exit_code == 0
    before = stored_event_count(store_url)
    proposed = yibao("correct", "--id", number, "--seq", "2", "--reason", "wrong person")
    assert "proposed (AUD-1): needs review and approval" in proposed.output
    [listed] = json.loads(yibao("review", "list", "--json").output)
    assert (listed["operation"], listed["subject"], listed["stage"], listed["handler"]) == \
        ("correct-person", mask_id(number), "proposed", "tester")
    shown = json.loads(yibao("review", "show", listed["voucher"], "--json").output)
    assert shown["fields"]["seq"] == 2 and [s["step"] for s in shown["steps"]] == ["proposed"]
    assert stored_event_count(store_url) == before + 1  # the proposal only
    mine = yibao("review", "approve", listed["voucher"])
    assert mine.exit_code == 1 and "AUD-1: tester is the handler" in mine.output
    approved(yibao, proposed)
    rows = json.loads(yibao("timeline", number, "--json").output)
    assert rows[-1]["type"] == "EventReversed" and rows[-1]["voucher"] == {
        "voucher": listed["voucher"], "handler": "tester", "reviewer": REVIEWER, "approver": APPROVER}
    assert json.loads(yibao("review", "list", "--json").output) == []
    human = yibao("timeline", number).output
    assert f"voucher {listed['voucher']} correct-person (approved): proposed by tester" in human


def test_aud_1_init_names_the_first_administrator_once_and_operators_are_listed(yibao, tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    refused = yibao("person", "register", "--id", "640102199001011237", "--name", "马红", "--sex", "M",
                    "--scheme", "flexible", "--on", "2024-03-10", "--db", url)
    assert refused.exit_code == 2  # not even initialised
    assert yibao("init", "--db", url).exit_code == 0
    unstaffed = yibao("person", "register", "--id", "640102199001011237", "--name", "马红", "--sex", "M",
                      "--scheme", "flexible", "--on", "2024-03-10", "--db", url)
    assert unstaffed.exit_code == 1 and "AUD-1: the ledger has no operators yet" in unstaffed.output
    first = yibao("init", "--admin", "boss", "--db", url)
    assert "boss is the ledger's first administrator" in first.output
    again = yibao("init", "--admin", "thief", "--db", url)
    assert "thief was not added" in again.output
    assert yibao("operator", "add", "clerk09", "--role", "clerk", "--role", "reviewer", "--operator", "boss",
                 "--db", url).exit_code == 0
    assert yibao("operator", "remove", "clerk09", "--reason", "调岗", "--operator", "boss", "--db", url).exit_code == 0
    rows = json.loads(yibao("operator", "list", "--json", "--db", url).output)
    assert [(r["name"], r["roles"], r["in_office"]) for r in rows] == [
        ("boss", ["admin"], True), ("clerk09", ["clerk", "reviewer"], False)]
