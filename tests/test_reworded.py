"""Texts the ledger stores in English (eligibility reasons, unmatched receipts' reasons, account details) read in
the reader's language on the screens for people, from the catalog alone (`i18n.reworded`); what is stored, and
JSON, stay English: scripts and the hash chain depend on them."""

from __future__ import annotations

import json
import re

import pytest

from ledger.core import i18n
from ledger.core.i18n import _, reworded, term
from tests.builders import employer_and_two_persons as setup

CJK = re.compile(r"[\u4e00-\u9fff]")
STOPPED = "WAIT-3: contributions stopped from 2024-04"


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv("YIBAO_LANG", "zh_CN")


def test_an_exact_stored_message_reads_as_the_catalog_translates_it(chinese):
    said = reworded("WAIT-1: no paid month yet")
    assert said == _("WAIT-1: no paid month yet") and CJK.search(said) and said.startswith("WAIT-1")


def test_a_template_reads_back_its_values_into_the_translation(chinese):
    said = reworded(STOPPED)
    assert said == _("WAIT-3: contributions stopped from {month}").format(month="2024-04")
    assert CJK.search(said) and said.startswith("WAIT-3") and "2024-04" in said


def test_a_reason_nested_in_a_reason_is_reworded_too(chinese):
    inner = reworded(STOPPED)
    assert reworded(f"WAIT-9: resident benefits apply while {STOPPED}") == _(
        "WAIT-9: resident benefits apply while {reason}").format(reason=inner)
    assert reworded(f"{STOPPED}; WAIT-9: employee benefits first") == _(
        "{reason}; WAIT-9: employee benefits first").format(reason=inner)


def test_a_value_that_is_a_code_reads_through_its_term(chinese):
    assert reworded("REG-5: registration ended (death) on 2024-03-01") == _(
        "REG-5: registration ended ({reason}) on {on}").format(reason=term("death"), on="2024-03-01")
    assert term("death") != "death"


def test_a_refusal_keeps_its_rule_id_and_has_its_message_reworded(chinese):
    said = reworded("CON-6: wrong amount: 2024-04 owes 388.24")
    assert said == "CON-6: " + _("wrong amount: {month} owes {owed}").format(month="2024-04", owed="388.24")
    assert CJK.search(said)


def test_a_stored_template_is_preferred_to_a_screen_message_that_would_swallow_part_of_the_text(chinese):
    """`{id_number} was transferred out to {region} on {on}` matches too, with "2024-05 is after 6401..." as the
    ID number: the template whose values the catalog can all read is taken."""
    text = "TRF-1: 2024-05 is after 640102199003070011 was transferred out to 640000 on 2024-03-01"
    assert "is after" not in reworded(text) and reworded(text) == "TRF-1: " + _("{month} is after {id_number} was {reason} on {on}").format(
        month="2024-05", id_number="640102199003070011", on="2024-03-01",
        reason=_("transferred out to {region}").format(region="640000"))


@pytest.mark.parametrize("text", [
    "搬家", "address typed from another person's form", "CON-6: a reason of 0.5.0", "names: 马明", "",
    # Policy values' sources: screen messages ("{at} {step} by {operator}", "{first} or {second}") fit them, but
    # only by swallowing stretches of words as values.
    "E21: month M is assessed by the end of M-1 and sent to the tax bureau by the 5th of M; due by the end of M",
    "R9, R17: share assumed; share of the personal part paid by medical assistance for 低保对象",
    "国办发〔2024〕38号 (RES-7): waiting periods for late enrolment from 2025"])
def test_a_text_the_catalog_does_not_know_is_shown_as_it_is(chinese, text):
    assert reworded(text) == text


def test_in_english_the_stored_text_is_shown_as_it_is(monkeypatch):
    monkeypatch.setenv("YIBAO_LANG", "en")
    assert reworded(STOPPED) == STOPPED


def test_a_text_is_tried_only_against_the_templates_it_begins_like(chinese):
    templates = i18n._templates(i18n.catalog("zh_CN"))
    tried = templates.candidates(STOPPED)
    assert 0 < len(tried) < sum(len(found) for found in templates.by_start.values()) / 4
    assert all(t.pattern.pattern.startswith(("WAIT", "(?P<")) for t in tried)


def stopped_and_unmatched(yibao, make_code, make_id, tmp_path) -> tuple[str, str]:
    """An employee whose April is assessed and never paid (WAIT-3 from 2024-04), and a flexible worker's receipt
    of 1.00 for April, held unmatched (CON-6)."""
    _code, employee, flexible = setup(yibao, make_code, make_id, tmp_path)
    for month in ("2024-03", "2024-04"):
        assert yibao("contributions", "assess", "--month", month).exit_code == 0
    receipts = tmp_path / "receipts.csv"
    receipts.write_text("id_number,month,amount,received_on\n"
                        f"{employee},2024-03,480.00,2024-03-20\n{flexible},2024-04,1.00,2024-04-21\n")
    assert yibao("contributions", "import", str(receipts)).exit_code == 0
    return employee, flexible


def test_wait_3_status_shows_the_stopped_contributions_in_chinese_with_the_rule_id_and_json_keeps_english(
        yibao, make_code, make_id, tmp_path, chinese):
    employee, _flexible = stopped_and_unmatched(yibao, make_code, make_id, tmp_path)
    shown = yibao("status", employee, "--on", "2024-05-20").output
    assert reworded(STOPPED) in shown and "contributions stopped" not in shown
    document = json.loads(yibao("status", employee, "--on", "2024-05-20", "--json").output)
    assert document["benefits"]["reason"] == STOPPED


def test_con_6_an_unmatched_receipts_reason_reads_in_chinese_and_stays_english_in_json(
        yibao, make_code, make_id, tmp_path, chinese):
    stopped_and_unmatched(yibao, make_code, make_id, tmp_path)
    [held] = json.loads(yibao("contributions", "unmatched", "--json").output)
    assert held["reason"] == "CON-6: wrong amount: 2024-04 owes 388.24"
    said, shown = reworded(held["reason"]), yibao("contributions", "unmatched").output
    assert CJK.search(said) and all(word in shown for word in said.split())
    assert "CON-6" in shown and "wrong" not in shown and "owes" not in shown
