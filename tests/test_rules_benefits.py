"""BEN-1..BEN-7 (E35-E44, R22-R32): settlements, reimbursements and the waiting rules where they matter, on the
in-memory store."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger.core.errors import BadInput, RuleViolation
from projections.benefits import payment_rows
from tests.builders import (
    CLINIC,
    HOSPITAL,
    OP,
    OTHER_CLINIC,
    PHARMACY,
    ben_1_e23_a_flexible_worker_in_the_waiting_months_is_refused_the_fund_part_but_not_the_account_part,
    ben_2_e37_a_stay_admitted_on_28_december_and_discharged_on_5_january_counts_in_the_admission_year,
    ben_3_e41_an_emergency_claim_missing_its_bill_is_refused_naming_the_document,
    ben_4_e43_a_third_party_injury_and_work_injury_are_refused,
    ben_5_a_claim_is_capped_by_the_annual_ceiling_after_earlier_payments,
    ben_6_r22_a_resident_is_refused_outpatient_pooling_at_an_unsigned_facility,
    ben_7_ref_1_a_reversed_settlement_no_longer_counts_toward_the_ceiling_or_against_a_refund,
    covered_resident,
    institutions,
    paying_flexible,
    settlement,
)

D = datetime.date


@pytest.fixture
def desk(desk):
    return institutions(desk)


# -- BEN-1 ----------------------------------------------------------------------------------------------------

def test_ben_1_e23_a_flexible_worker_in_the_waiting_months_is_refused_the_fund_part_but_not_the_account_part(
        desk, make_id):
    ben_1_e23_a_flexible_worker_in_the_waiting_months_is_refused_the_fund_part_but_not_the_account_part(desk, make_id)


def test_ben_1_acc_3_the_account_part_is_refused_beyond_the_balance_exactly_as_spending_is(desk, make_id):
    number = paying_flexible(desk, make_id)
    with pytest.raises(RuleViolation, match="ACC-3: .* may be spent on 2024-05-10"):
        desk.settle(settlement(number, kind="pharmacy", on=D(2024, 5, 10), discharged=None, total="900.00",
                               fund="0.00", account="900.00", institution=PHARMACY), operator=OP)


def test_ben_1_the_parts_add_up_to_the_total_and_a_settlement_number_is_recorded_once(desk, make_id):
    number = paying_flexible(desk, make_id)
    with pytest.raises(BadInput, match=r"total: the parts 8000.00 \+ 0.00 \+ 1000.00 = 9000.00, not the total"):
        desk.settle(settlement(number, own="1000.00", on=D(2024, 11, 3)), operator=OP)
    assert desk.settle(settlement(number, no="JS-1"), operator=OP) == "settled"
    assert desk.settle(settlement(number, no="JS-1"), operator=OP) == "already recorded"
    assert [r["settlement"] for r in [{"settlement": e.settlement_no} for e in desk.view(number).events
                                      if type(e).__name__ == "BenefitSettled"]] == ["JS-1"]


def test_ben_1_a_stay_is_settled_at_discharge_and_a_pharmacy_purchase_at_a_pharmacy(desk, make_id):
    number = paying_flexible(desk, make_id)
    with pytest.raises(BadInput, match="discharged: a inpatient stay is settled once, at discharge"):
        desk.settle(settlement(number, discharged=None), operator=OP)
    with pytest.raises(RuleViolation, match="BEN-1: a pharmacy settlement is not made at"):
        desk.settle(settlement(number, kind="pharmacy", discharged=None, institution=HOSPITAL, fund="0.00"),
                    operator=OP)
    with pytest.raises(RuleViolation, match="BEN-1: H64019900009 is no designated institution"):
        desk.settle(settlement(number, institution="H64019900009"), operator=OP)


# -- BEN-2 ----------------------------------------------------------------------------------------------------

def test_ben_2_e37_a_stay_admitted_on_28_december_and_discharged_on_5_january_counts_in_the_admission_year(
        desk, make_id):
    ben_2_e37_a_stay_admitted_on_28_december_and_discharged_on_5_january_counts_in_the_admission_year(desk, make_id)


# -- BEN-3, BEN-4 ---------------------------------------------------------------------------------------------

def test_ben_3_e41_an_emergency_claim_missing_its_bill_is_refused_naming_the_document(desk, make_id):
    ben_3_e41_an_emergency_claim_missing_its_bill_is_refused_naming_the_document(desk, make_id)


def test_ben_3_e42_e44_each_kind_needs_the_papers_its_article_lists(desk, make_id):
    number = paying_flexible(desk, make_id)
    for kind, missing in (("emergency-outpatient", "emergency-diagnosis"), ("out-of-region-chronic", "prescription")):
        with pytest.raises(RuleViolation, match=f"BEN-3: a {kind} claim needs {missing}"):
            desk.claim_reimbursement(id_number=number, kind=kind, on=D(2024, 11, 3), institution_name="x", level="2",
                                     cost=Decimal("300"), in_scope=Decimal("300"), operator=OP,
                                     documents={"card": "1", "cost-list": "2", "bill": "3"})


def test_ben_4_e43_a_third_party_injury_and_work_injury_are_refused(desk, make_id):
    ben_4_e43_a_third_party_injury_and_work_injury_are_refused(desk, make_id)


# -- BEN-5 ----------------------------------------------------------------------------------------------------

def test_ben_5_a_claim_is_capped_by_the_annual_ceiling_after_earlier_payments(desk, make_id):
    ben_5_a_claim_is_capped_by_the_annual_ceiling_after_earlier_payments(desk, make_id)


# -- BEN-6 ----------------------------------------------------------------------------------------------------

def test_ben_6_r22_a_resident_is_refused_outpatient_pooling_at_an_unsigned_facility(desk, make_id):
    ben_6_r22_a_resident_is_refused_outpatient_pooling_at_an_unsigned_facility(desk, make_id)


def test_ben_6_r22_the_first_use_of_a_primary_facility_signs_it(desk, make_id):
    from ledger.resident.rules import facilities_on

    number = covered_resident(desk, make_id)
    desk.settle(settlement(number, kind="outpatient-pooling", on=D(2024, 3, 1), discharged=None, total="100.00",
                           fund="60.00", institution=CLINIC), operator=OP)
    assert facilities_on(desk.view(number), D(2024, 3, 1))["primary"] == "永宁县望洪镇卫生院 (primary)"
    with pytest.raises(RuleViolation, match="BEN-6"):
        desk.settle(settlement(number, kind="outpatient-pooling", on=D(2024, 3, 8), discharged=None, total="100.00",
                               fund="60.00", institution=OTHER_CLINIC), operator=OP)


def test_ben_6_r23_r24_chronic_outpatient_needs_a_signed_facility_and_a_recognised_condition(desk, make_id):
    number = covered_resident(desk, make_id)
    desk.sign_facility(id_number=number, kind="chronic", on=D(2024, 1, 5), operator=OP, facilities=[
        ("宁夏回族自治区人民医院", "III"), ("永宁县人民医院", "II"), ("永宁县望洪镇卫生院", "primary")])
    chronic = settlement(number, kind="chronic-outpatient", on=D(2024, 3, 1), discharged=None, total="500.00",
                         fund="300.00")
    with pytest.raises(RuleViolation, match="BEN-6: no chronic outpatient condition is recognised on 2024-03-01"):
        desk.settle(chronic, operator=OP)
    with pytest.raises(RuleViolation, match=r"BEN-6: recognising a condition \(R23\) needs diagnosis"):
        desk.recognise_condition(id_number=number, condition="糖尿病", on=D(2024, 2, 1), operator=OP,
                                 documents={"card": "社保卡"})
    desk.recognise_condition(id_number=number, condition="糖尿病", on=D(2024, 2, 1), operator=OP,
                             documents={"card": "社保卡", "diagnosis": "诊断-1"})
    assert desk.settle(chronic, operator=OP) == "settled"
    with pytest.raises(RuleViolation, match="BEN-6: chronic outpatient is paid at the three signed facilities"):
        desk.settle(settlement(number, kind="chronic-outpatient", on=D(2024, 3, 2), discharged=None, total="500.00",
                               fund="300.00", institution=OTHER_CLINIC), operator=OP)


# -- BEN-7 ----------------------------------------------------------------------------------------------------

def test_ben_7_ref_1_a_reversed_settlement_no_longer_counts_toward_the_ceiling_or_against_a_refund(desk, make_id):
    ben_7_ref_1_a_reversed_settlement_no_longer_counts_toward_the_ceiling_or_against_a_refund(desk, make_id)


# -- the settlement file ------------------------------------------------------------------------------------

def test_ben_1_a_settlement_file_is_all_or_nothing_resumable_and_idempotent(desk, make_id, monkeypatch):
    from ledger.intake import files
    from ledger.medical.rules import SETTLEMENT_KINDS

    monkeypatch.setattr("ledger.medical.handlers.CHUNK_ROWS", 2)
    number, waiting = paying_flexible(desk, make_id), paying_flexible(desk, make_id, last="2024-04")
    header = "settlement_no,id_number,institution,kind,service_on,discharged_on,total,fund,account,own\n"
    lines = [f"JS-{i},{number},{PHARMACY},pharmacy,2024-11-0{i},,30.00,0.00,10.00,20.00\n" for i in range(1, 6)]
    bad = header + "".join(lines) + f"JS-9,{waiting},{HOSPITAL},inpatient,2024-05-02,2024-05-04,900,800,0,100\n"
    before = desk.event_count()
    with pytest.raises(BadInput, match=r"file: 1 rows refused, nothing recorded: row 7: WAIT-\d: no fund part"):
        desk.import_settlements(files.settlement_rows(bad.encode(), SETTLEMENT_KINDS), digest="bad", source="s.csv",
                                on=D(2024, 11, 10), operator=OP)
    assert desk.event_count() == before
    good = (header + "".join(lines)).encode()
    rows = files.settlement_rows(good, SETTLEMENT_KINDS)
    calls = {"n": 0}
    original = desk.ledger.commit

    def failing_commit(*streams):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the store went away")
        return original(*streams)

    monkeypatch.setattr(desk.ledger, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        desk.import_settlements(rows, digest=files.digest(good), source="s.csv", on=D(2024, 11, 10), operator=OP)
    monkeypatch.setattr(desk.ledger, "commit", original)
    resumed = desk.import_settlements(rows, digest=files.digest(good), source="s.csv", on=D(2024, 11, 10),
                                      operator=OP)
    assert (resumed.settled, resumed.already) == (1, 4)
    again = desk.import_settlements(rows, digest=files.digest(good), source="s.csv", on=D(2024, 11, 10), operator=OP)
    assert (again.settled, again.already) == (0, 5)
    assert len(payment_rows(desk.view(number))) == 5
