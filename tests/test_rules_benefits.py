"""BEN-1..BEN-7 (E35-E44, R22-R32): settlements, reimbursements and the waiting rules where they matter, on the
in-memory store."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger.benefits.account import balance, movements
from ledger.core.errors import BadInput, RuleViolation
from ledger.core.month import Month
from ledger.medical.rules import Settlement, fund_paid
from projections.benefits import payment_rows
from projections.status import status
from tests.builders import OP, flexible, pay_months, resident_person

D = datetime.date
HOSPITAL, CLINIC, PHARMACY, OTHER_CLINIC = "H64010400001", "H64012100002", "P64010400003", "H64012100004"
CLAIM_PAPERS = {"card": "社保卡", "cost-list": "清单-1", "discharge-summary": "出院-1", "bill": "票据-1"}


@pytest.fixture
def desk(desk):
    for code, name, level, kind in ((HOSPITAL, "宁夏回族自治区人民医院", "3", "hospital"),
                                    (CLINIC, "永宁县望洪镇卫生院", "primary", "hospital"),
                                    (PHARMACY, "银川市兴庆区药房", "primary", "pharmacy"),
                                    (OTHER_CLINIC, "永宁县杨和镇卫生院", "primary", "hospital")):
        desk.register_institution(code=code, name=name, level=level, kind=kind, region="640104", on=D(2020, 1, 1),
                                  operator=OP)
    return desk


def settlement(number, kind="inpatient", on=D(2024, 11, 3), discharged=D(2024, 11, 9), total="10000.00",
               fund="8000.00", account="0.00", own=None, institution=HOSPITAL, no=None) -> Settlement:
    own = own or str(Decimal(total) - Decimal(fund) - Decimal(account))
    return Settlement(number, institution, kind, on, discharged, Decimal(total), Decimal(fund), Decimal(account),
                      Decimal(own), no)


def paying_flexible(desk, make_id, first="2024-03", last="2024-12") -> str:
    number = flexible(desk, make_id, on=D(2024, 3, 1))
    desk.assess_month(month=Month(2024, 3), operator=OP)
    pay_months(desk, number, first, last, on=D(2024, 3, 5))
    return number


# -- BEN-1 ----------------------------------------------------------------------------------------------------

def test_ben_1_e23_a_flexible_worker_in_the_waiting_months_is_refused_the_fund_part_but_not_the_account_part(
        desk, make_id):
    number = paying_flexible(desk, make_id, last="2024-04")  # 2 of 6 months paid in May
    before = len(desk.person_history(number))
    with pytest.raises(RuleViolation, match=r"WAIT-\d: no fund part on 2024-05-10: pooled benefits do not apply"):
        desk.settle(settlement(number, kind="outpatient-pooling", on=D(2024, 5, 10), discharged=None,
                               total="120.00", fund="80.00", account="40.00"), operator=OP)
    assert len(desk.person_history(number)) == before
    assert desk.settle(settlement(number, kind="pharmacy", on=D(2024, 5, 10), discharged=None, total="120.00",
                                  fund="0.00", account="40.00", institution=PHARMACY), operator=OP) == "settled"
    assert balance(movements(desk.view(number), D(2024, 5, 10))) == Decimal("97.06") * 2 - 40


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
    number = paying_flexible(desk, make_id)
    desk.assess_month(month=Month(2024, 10), operator=OP)  # next year's lump sum, paid too
    pay_months(desk, number, "2025-01", "2025-12", on=D(2024, 12, 1))
    desk.settle(settlement(number, on=D(2024, 12, 28), discharged=D(2025, 1, 5), account="100.00"), operator=OP)
    view = desk.view(number)
    assert (fund_paid(view, 2024, "employee"), fund_paid(view, 2025, "employee")) == (Decimal("8000.00"), 0)
    assert [r["on"] for r in payment_rows(view, 2024)] == ["2024-12-28"] and payment_rows(view, 2025) == []
    now = datetime.datetime.now(datetime.timezone.utc)
    assert status(view, D(2024, 12, 31), now)["benefits_paid"]["fund"] == "8000.00"
    assert status(view, D(2025, 1, 31), now)["benefits_paid"]["fund"] == "0.00"
    settled = [m for m in movements(view, D(2025, 12, 31)) if m.kind == "settled"]
    assert [(m.on, m.amount) for m in settled] == [(D(2025, 1, 5), Decimal("-100.00"))]  # paid at discharge


# -- BEN-3, BEN-4 ---------------------------------------------------------------------------------------------

def test_ben_3_e41_an_emergency_claim_missing_its_bill_is_refused_naming_the_document(desk, make_id):
    number = paying_flexible(desk, make_id)
    papers = {k: v for k, v in CLAIM_PAPERS.items() if k != "bill"}
    with pytest.raises(RuleViolation, match=r"BEN-3: a emergency-inpatient claim needs bill \(医疗费用票据原件"):
        desk.claim_reimbursement(id_number=number, kind="emergency-inpatient", on=D(2024, 11, 3),
                                 institution_name="西安市第一医院", level="3", cost=Decimal("20000"),
                                 in_scope=Decimal("18000"), documents=papers, operator=OP)
    computed = desk.claim_reimbursement(id_number=number, kind="emergency-inpatient", on=D(2024, 11, 3),
                                        institution_name="西安市第一医院", level="3", cost=Decimal("20000"),
                                        in_scope=Decimal("18000"), operator=OP,
                                        documents=papers | {"bill-stub": "存根-1", "promise": "承诺书-1"})
    assert (computed.deductible, computed.ratio, computed.fund) == (Decimal("800"), Decimal("0.85"),
                                                                    Decimal("14620.00"))  # (18000-800) x 85 %


def test_ben_3_e42_e44_each_kind_needs_the_papers_its_article_lists(desk, make_id):
    number = paying_flexible(desk, make_id)
    for kind, missing in (("emergency-outpatient", "emergency-diagnosis"), ("out-of-region-chronic", "prescription")):
        with pytest.raises(RuleViolation, match=f"BEN-3: a {kind} claim needs {missing}"):
            desk.claim_reimbursement(id_number=number, kind=kind, on=D(2024, 11, 3), institution_name="x", level="2",
                                     cost=Decimal("300"), in_scope=Decimal("300"), operator=OP,
                                     documents={"card": "1", "cost-list": "2", "bill": "3"})


def test_ben_4_e43_a_third_party_injury_and_work_injury_are_refused(desk, make_id):
    number = paying_flexible(desk, make_id)
    for flags, why in (({"third_party": True}, "a third party bears it"),
                       ({"work_injury": True}, "the work-injury fund pays it"), ({"abroad": True}, "care abroad")):
        with pytest.raises(RuleViolation, match=f"BEN-4: not payable by the fund: {why}"):
            desk.claim_reimbursement(id_number=number, kind="emergency-inpatient", on=D(2024, 11, 3),
                                     institution_name="x", level="3", cost=Decimal("5000"), in_scope=Decimal("5000"),
                                     cause="injury", operator=OP, documents=CLAIM_PAPERS | {"medical-record": "病历"},
                                     **flags)


# -- BEN-5 ----------------------------------------------------------------------------------------------------

def test_ben_5_a_claim_is_capped_by_the_annual_ceiling_after_earlier_payments(desk, make_id):
    desk.set_policy_parameter(name="annual_ceiling_employee_average_wages", value="0.2", effective_from=D(2024, 1, 1),
                              on=D(2024, 1, 1), operator=OP)  # 0.2 x 97056 = 19411.20 a year
    number = paying_flexible(desk, make_id)
    desk.settle(settlement(number, total="16000.00", fund="15000.00"), operator=OP)
    with pytest.raises(RuleViolation, match="BEN-5: a fund part of 5000.00 is more than the 4411.20 the 2024 ceiling"):
        desk.settle(settlement(number, on=D(2024, 11, 20), discharged=D(2024, 11, 25), total="6000.00",
                               fund="5000.00"), operator=OP)
    computed = desk.claim_reimbursement(id_number=number, kind="emergency-inpatient", on=D(2024, 12, 1),
                                        institution_name="西安市第一医院", level="3", cost=Decimal("20000"),
                                        in_scope=Decimal("18000"), documents=CLAIM_PAPERS, operator=OP)
    assert (computed.computed, computed.ceiling_left, computed.fund) == (
        Decimal("14620.00"), Decimal("4411.20"), Decimal("4411.20"))


# -- BEN-6 ----------------------------------------------------------------------------------------------------

def covered_resident(desk, make_id) -> str:
    number = resident_person(desk, make_id)
    desk.pay_resident(id_number=number, year=2024, on=D(2023, 10, 1), operator=OP)
    return number


def test_ben_6_r22_a_resident_is_refused_outpatient_pooling_at_an_unsigned_facility(desk, make_id):
    number = covered_resident(desk, make_id)
    desk.sign_facility(id_number=number, kind="primary", facilities=[("永宁县望洪镇卫生院", "primary")],
                       on=D(2024, 1, 5), operator=OP)
    with pytest.raises(RuleViolation, match="BEN-6: general outpatient pooling is paid at the signed primary "
                                            r"facility \(永宁县望洪镇卫生院\), not at 永宁县杨和镇卫生院"):
        desk.settle(settlement(number, kind="outpatient-pooling", on=D(2024, 3, 1), discharged=None, total="100.00",
                               fund="60.00", institution=OTHER_CLINIC), operator=OP)
    desk.settle(settlement(number, kind="outpatient-pooling", on=D(2024, 3, 1), discharged=None, total="100.00",
                           fund="60.00", institution=CLINIC), operator=OP)


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
    number = paying_flexible(desk, make_id)
    desk.settle(settlement(number), operator=OP)
    with pytest.raises(RuleViolation, match="REF-1: benefits were used in 2024 .BenefitSettled"):
        desk.request_refund(id_number=number, reason="out-of-province", on=D(2024, 12, 20), operator=OP)
    seq = next(e.originator_version for e in desk.person_history(number) if type(e).__name__ == "BenefitSettled")
    desk.correct_person(id_number=number, seq=seq, reason="the hospital refunded the stay", on=D(2024, 12, 1),
                        operator=OP)
    assert fund_paid(desk.view(number), 2024, "employee") == 0
    assert payment_rows(desk.view(number))[0]["reversed_by"] == seq + 1
    assert desk.request_refund(id_number=number, reason="out-of-province", on=D(2024, 12, 20), operator=OP)[0] == 2024


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
