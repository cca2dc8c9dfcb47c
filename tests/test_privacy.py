"""Personal data is masked in every output unless revealed, and every reveal is recorded (issue 14, AUD-2)."""

from __future__ import annotations

import json

from ledger.audit.reveals import DataRevealed
from ledger.store.opening import open_ledger
from projections.privacy import mask_id, mask_name, mask_phone, mask_place, masked
from tests.builders import REVIEWER
from tests.conftest import stored_event_count


def test_an_id_number_keeps_its_area_and_last_four_and_a_credit_code_is_not_personal():
    assert mask_id("640102199001011234") == "640102********1234"
    assert mask_id("64010219900101123X") == "640102********123X"
    assert mask_id("91640100MA76A1B2CR") == "91640100MA76A1B2CR"


def test_names_phones_and_places_keep_only_what_identifies_no_one():
    assert (mask_name("马明"), mask_name("欧阳小红")) == ("马*", "欧***")
    assert mask_phone("13900000001") == "139****0001"
    assert mask_place("银川市金凤区北京中路1号") == "银川市***"


def test_masking_reaches_every_depth_of_a_document():
    document = {"id_number": "640102199001011234", "rows": [{"data": {"changes": {"phone": "13900000001"}}}],
                "name": "马明", "employer": "91640100MA76A1B2CR"}
    assert masked(document) == {"id_number": "640102********1234",
                                "rows": [{"data": {"changes": {"phone": "139****0001"}}}],
                                "name": "马*", "employer": "91640100MA76A1B2CR"}


def register(yibao, make_id) -> str:
    assert yibao("init").exit_code == 0
    number = make_id(sex="M")
    assert yibao("person", "register", "--id", number, "--name", "马明", "--sex", "M", "--scheme", "flexible",
                 "--on", "2024-03-10").exit_code == 0
    assert yibao("person", "change", "--id", number, "--set", "phone=13900000001", "--on", "2024-04-01").exit_code == 0
    return number


def test_every_output_is_masked_by_default(yibao, make_id):
    number = register(yibao, make_id)
    status = yibao("status", number, "--on", "2024-05-01")
    timeline = yibao("timeline", number, "--json")
    assert number not in status.output and mask_id(number) in status.output
    assert number not in timeline.output and "13900000001" not in timeline.output and "马明" not in timeline.output
    assert json.loads(timeline.output)[1]["data"]["changes"] == {"phone": "139****0001"}


def test_a_reveal_shows_the_data_in_clear_and_is_recorded_first(yibao, make_id, store_url):
    number = register(yibao, make_id)
    shown = yibao("timeline", number, "--json", "--reveal", "--reason", "争议复核 2026-17")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)[1]["data"]["changes"] == {"phone": "13900000001"}
    ledger = open_ledger(store_url)
    try:
        revealed = [e for e in ledger.recorder.select_notifications(start=1, limit=10_000)
                    if e.topic.endswith(DataRevealed.__qualname__)]
        [event] = [ledger.mapper.to_domain_event(n) for n in revealed]
    finally:
        ledger.close()
    assert (event.subject, event.command, event.reason, event.operator) == \
        (number, "timeline", "争议复核 2026-17", "tester")


def test_a_reveal_without_a_reason_or_by_a_role_that_may_not_see_is_refused_writing_nothing(yibao, make_id,
                                                                                         store_url):
    number = register(yibao, make_id)
    before = stored_event_count(store_url)
    no_reason = yibao("timeline", number, "--reveal")
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output and number not in no_reason.output
    reviewer = yibao("status", number, "--reveal", "--reason", "看看", "--operator", REVIEWER)
    assert reviewer.exit_code == 1 and "AUD-1" in reviewer.output and number not in reviewer.output
    assert stored_event_count(store_url) == before
