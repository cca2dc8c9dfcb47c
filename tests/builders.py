"""What every test builds with: a clerk's desk over a ledger, facts made by hand, views of them.

`Desk` puts each command handler behind one method with a fresh unit of work, as a CLI command would; anything
else is the ledger's own (find_person, view, policy, recorder ...).
"""

from __future__ import annotations

import datetime
import inspect
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import click
import pytest
from eventsourcing.domain import AggregateCreated

from commands.main import COMMANDS, load_command, with_conventions
from ledger.audit import handlers as audit
from ledger.benefits import handlers as benefits
from ledger.benefits.account import balance, horizon, movements
from ledger.benefits.eligibility import Eligibility, eligibility
from ledger.contributions import handlers as contributions
from ledger.contributions import receiving
from ledger.contributions.arrears import debt_of
from ledger.contributions.events import ContributionAssessed, ContributionReceived
from ledger.contributions.months import PersonMonth, table
from ledger.contributions.staffing import staff_on
from ledger.core.errors import RuleViolation
from ledger.core.events import EventReversed, LedgerEvent
from ledger.core.money import ZERO
from ledger.core.month import Month
from ledger.core.policy import Policy
from ledger.core.view import View
from ledger.intake import files
from ledger.maternity import handlers as maternity
from ledger.medical import handlers as medical
from ledger.policy import handlers as policy
from ledger.refunds import handlers as refunds
from ledger.registration import handlers as registration
from ledger.registration.employer_state import EmployerState, employer_state
from ledger.registration.events import PersonRegistered
from ledger.registration.person_state import PersonState, state_on
from ledger.resident import handlers as resident
from ledger.store import (
    catalogue,  # noqa: F401  (every event class known, as in the store)
    registry,
)
from ledger.store.unit_of_work import attempt

D = datetime.date
OP = "tester"
ADMIN, REVIEWER, APPROVER = "admin01", "reviewer01", "approver01"
CLERKS = (OP, "a", "b", "c", "c2", "clerk01", "clerk02", "x")
"""Every operator name the tests write with: clerks, enrolled on every ledger a desk opens (AUD-1)."""
POLICY = Policy.defaults()

HANDLERS = {
    "register_employer": registration.register_employer, "change_employer": registration.change_employer,
    "cancel_employer": registration.cancel_employer, "register_person": registration.register_person,
    "change_person": registration.change_person, "cancel_person": registration.cancel_person,
    "switch_scheme": registration.switch_scheme,
    "hire": contributions.hire, "leave": contributions.leave, "defer": contributions.defer,
    "declare_bases": contributions.declare_bases, "choose_base": contributions.choose_base,
    "publish_average_wage": contributions.publish_average_wage, "assess_month": contributions.assess_month,
    "true_up": contributions.true_up, "close_year": contributions.close_year,
    "cancel_overdue": contributions.cancel_overdue,
    "import_receipts": receiving.import_receipts, "pay_at_counter": receiving.pay_at_counter,
    "interrupt": benefits.interrupt, "resume": benefits.resume, "back_pay": benefits.back_pay,
    "transfer_in": benefits.transfer_in, "transfer_out": benefits.transfer_out, "retire": benefits.retire,
    "spend": benefits.spend,
    "claim_maternity": maternity.claim, "request_refund": refunds.request,
    "flag_hardship": resident.flag_hardship, "end_hardship": resident.end_hardship, "pay_resident": resident.pay,
    "sign_facility": resident.sign_facility, "register_students": resident.register_students,
    "correct_person": audit.correct_person, "correct_employer": audit.correct_employer,
    "set_policy_parameter": policy.set_parameter,
    "register_institution": medical.register_institution, "settle": medical.settle,
    "import_settlements": medical.import_settlements, "claim_reimbursement": medical.claim,
    "recognise_condition": resident.recognise_condition,
    "add_operator": audit.add_operator, "remove_operator": audit.remove_operator,
    "submit": audit.submit, "sign": audit.sign, "reject": audit.reject,
}


class Desk:
    """A clerk's desk: every handler as a method, each call its own unit of work (one command).

    With `checked`, the ledger's invariants are checked after every command, refused or not (beancount's
    instrumented invariants).
    """

    def __init__(self, ledger: Any, checked: bool = False):
        self.ledger, self.checked = ledger, checked
        enrol(ledger)

    def __getattr__(self, name: str) -> Any:
        handler = HANDLERS.get(name)
        if handler is None:
            return getattr(self.ledger, name)

        def command(*args: Any, **fields: Any) -> Any:
            try:
                return attempt(self.unit_of_work, handler, *args, **fields)
            finally:
                if self.checked:
                    check_invariants(self.ledger)

        return command

    def unit_of_work(self) -> Any:
        """As a command gets it: a batch job brings the read side's tables to the end of the log first."""
        from projections.build import catch_up

        return self.ledger.unit_of_work(refresh=lambda: catch_up(self.ledger))

    def employer_debt(self, code: str, on: datetime.date):
        return debt_of(self.unit_of_work(), code, on)

    def months(self, id_number: str) -> dict[Month, PersonMonth]:
        return table(self.ledger.view(id_number))

    def state(self, id_number: str, on: datetime.date) -> PersonState:
        return state_on(self.ledger.view(id_number), on)

    def employer_state(self, code: str, on: datetime.date) -> EmployerState:
        return employer_state(self.ledger.employer_view(code), on)

    def staff(self, code: str, on: datetime.date) -> dict:
        return staff_on(self.ledger.employer_view(code), on)


def yibao_executable() -> str:
    """The installed console script, beside this interpreter when pytest runs from a virtual environment."""
    beside = Path(sys.executable).with_name("yibao")
    return str(beside) if beside.exists() else (shutil.which("yibao")
                                                 or pytest.fail("the yibao script is not installed"))


def every_command():
    """Every command of the CLI, groups included, as (path, command): (["person", "register"], <command>)."""
    def walk(command, path):
        yield path, command
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])

    for name, (target, _summary) in COMMANDS.items():
        yield from walk(with_conventions(load_command(target)), [name])


def examples(command: click.Command) -> list[str]:
    """The indented lines after `Example:` (the commands to paste)."""
    text = inspect.cleandoc(command.help or "").partition("Example")[2]
    return [line.strip() for line in text.splitlines() if line.startswith("    ") and line.strip()]


def flexible_paying(yibao: Any, make_id: Any, months=("2024-03", "2024-05"), amount: str = "1164.72") -> str:
    """Through the CLI: a new ledger, a flexible worker registered on 2024-03-01, assessed and paying `months`."""
    number = make_id()
    assert yibao("init").exit_code == 0
    assert yibao("person", "register", "--id", number, "--name", "马红", "--sex", "M", "--scheme", "flexible",
                 "--on", "2024-03-01").exit_code == 0
    assert yibao("contributions", "assess", "--month", "2024-03").exit_code == 0
    paid = yibao("contributions", "pay", "--id", number, "--month", months[0], "--to", months[1], "--amount", amount,
                 "--on", "2024-03-05")
    assert paid.exit_code == 0 and "received" in paid.output
    return number


def approved(yibao: Any, proposed: Any) -> Any:
    """Sign the voucher a command proposed, as two other people would: reviewed, then approved (AUD-1)."""
    found = re.search(r"voucher (V\S+) proposed \(AUD-1\)", proposed.output)
    assert proposed.exit_code == 0 and found, proposed.output
    for who in (REVIEWER, APPROVER):
        signed = yibao("review", "approve", found.group(1), "--operator", who)
        assert signed.exit_code == 0, signed.output
    return signed


def enrol(ledger: Any) -> None:
    """The tests' operators (AUD-1), once per ledger: an administrator, the clerks, a reviewer and an approver."""
    if audit.name_first_admin(ledger.unit_of_work(), name=ADMIN, on=D(2020, 1, 1)):
        for name, roles in [*((c, ["clerk"]) for c in CLERKS), (REVIEWER, ["reviewer"]), (APPROVER, ["approver"])]:
            audit.add_operator(ledger.unit_of_work(), name=name, roles=roles, on=D(2020, 1, 1), operator=ADMIN)


def check_invariants(ledger: Any) -> None:
    """What must hold of every stream whatever was done: no account overdrawn on any day, no person-month
    received twice or beyond what it owes, every reversal naming an ordinary fact that only it reverses."""
    for person_id in registry.person_ids(ledger):
        view = ledger.view_of(ledger.repository.get(person_id))
        running = ZERO
        for move in movements(view, horizon(view, D.min)):
            running += move.amount
            assert running >= 0, f"{person_id}: the account is overdrawn ({running}) on {move.on}"
        receipts = [e.receipt_id for e in view.events if isinstance(e, ContributionReceived)]
        assert len(receipts) == len(set(receipts)), f"{person_id}: a receipt recorded twice"
        for month, person_month in table(view).items():
            assert person_month.cancelled or person_month.received <= person_month.total, \
                f"{person_id}: {month} received {person_month.received} of {person_month.total}"
        _check_reversals(view.events)
    for employer_id in registry.employer_ids(ledger):
        _check_reversals(ledger.repository.get(employer_id).history)


def _check_reversals(events: list[LedgerEvent]) -> None:
    by_seq = {e.originator_version: e for e in events}
    named = [e.seq for e in events if isinstance(e, EventReversed)]
    assert len(named) == len(set(named)), "an event reversed twice"
    for seq in named:
        assert seq in by_seq and not isinstance(by_seq[seq], EventReversed), f"reversal of {seq} names no fact"


# -- building a region through the desk -------------------------------------------------------------------

def employer(desk: Desk, code: str, on: D = D(2023, 6, 1), name: str = "宁夏塞上建材有限公司") -> str:
    desk.register_employer(code=code, name=name, unit_type="enterprise", on=on, operator=OP)
    return code


def employer_with_staff(desk: Desk, make_code, make_id, staff: int = 1, on: D = D(2024, 1, 1)):
    code = employer(desk, make_code(), on=D(2023, 12, 1))
    numbers = [make_id() for _ in range(staff)]
    for number in numbers:
        desk.register_person(id_number=number, name="马明", sex="M", scheme="employee", on=on, employer=code,
                             operator=OP)
    return code, numbers


def declare(desk: Desk, code: str, year: int, wages: dict[str, str], on: D = D(2024, 1, 10)):
    data = ("id_number,monthly_wage\n" + "".join(f"{n},{w}\n" for n, w in wages.items())).encode()
    return desk.declare_bases(code=code, year=year, rows=files.wage_rows(data), file_digest=files.digest(data),
                              on=on, operator=OP)


def flexible(desk: Desk, make_id, on: D = D(2024, 3, 10), sex: str = "M") -> str:
    number = make_id(sex=sex)
    desk.register_person(id_number=number, name="马红", sex=sex, scheme="flexible", on=on, operator=OP)
    return number


def resident_person(desk: Desk, make_id, birth=D(1980, 4, 1), on=D(2021, 9, 1), documents=(), sex="M") -> str:
    number = make_id(sex=sex, birth=birth)
    desk.register_person(id_number=number, name="田明", sex=sex, scheme="resident", on=on, hukou="宁夏固原",
                         operator=OP, documents=list(documents))
    return number


def pay(desk: Desk, number: str, month: str | Month, amount: str | None = None, on: D = D(2024, 12, 1)):
    """Pay a month at the counter: what it owes, unless `amount` says otherwise."""
    month = Month.parse(month) if isinstance(month, str) else month
    owed = desk.months(number)[month].outstanding
    return desk.pay_at_counter(id_number=number, first=month, last=month,
                               amount=Decimal(amount) if amount else owed, received_on=on, operator=OP)


def pay_months(desk: Desk, number: str, first: str, last: str, on: D):
    first_month, last_month = Month.parse(first), Month.parse(last)
    owed = desk.months(number)
    amount = sum(owed[first_month + i].outstanding for i in range(first_month.months_until(last_month) + 1))
    assert desk.pay_at_counter(id_number=number, first=first_month, last=last_month, amount=amount,
                               received_on=on, operator=OP) is None


def outlook(desk: Desk, number: str, on: D) -> tuple[Eligibility, Decimal]:
    """Eligibility on a date and the account's balance then, as known now."""
    view = desk.view(number)
    return eligibility(view, on), balance(movements(view, on))


# -- facts by hand, for pure rule tests ------------------------------------------------------------------

class Facts:
    """A stream's facts written by hand, in the order recorded: `Facts().registered(...).assessed(...)`.

    Each fact is recorded a second after the one before, from 2030-01-01, unless `recorded_at` says otherwise.
    """

    def __init__(self):
        self.events: list[LedgerEvent] = []
        self.id = uuid4()

    def add(self, event_class: type, **fields: Any) -> Facts:
        fields.setdefault("operator", OP)
        fields.setdefault("documents", [])
        if issubclass(event_class, AggregateCreated):
            fields.setdefault("originator_topic", "tests.builders:Facts")
        self.events.append(event_class(originator_id=self.id, originator_version=len(self.events) + 1,
                                       timestamp=fields.pop("recorded_at", None) or clock(len(self.events)),
                                       **fields))
        return self

    def view(self, policy: Policy = POLICY, known_at: datetime.datetime | None = None, deferrals=None) -> View:
        return View(self.events, policy=policy, known_at=known_at, deferrals=deferrals)

    # -- a person's facts ------------------------------------------------------------------------------

    def registered(self, on: D = D(2024, 1, 1), scheme: str = "flexible", id_number: str = "640102199001011237",
                   sex: str = "M", birth: D = D(1990, 1, 1), employer: str | None = None, **fields: Any) -> Facts:
        fields = {"name": "马明", "hukou": "宁夏银川", "phone": None, "address": "银川市兴庆区", **fields}
        return self.add(PersonRegistered, id_number=id_number, sex=sex, birth=birth, scheme=scheme,
                        employer=employer, on=on, **fields)

    def assessed(self, month: str, total: str = "388.24", scheme: str = "flexible", base: str = "4853.00",
                 employer: str | None = None, due_on: D | None = None, basis: str = "minimum",
                 personal: str | None = None) -> Facts:
        month_ = Month.parse(month)
        personal = personal if personal is not None else total
        return self.add(ContributionAssessed, month=month_, scheme=scheme, employer=employer, base=Decimal(base),
                        employer_part=Decimal(total) - Decimal(personal), personal_part=Decimal(personal),
                        total=Decimal(total), basis=basis, reference_year=month_.year - 1, notice=f"n/{month}",
                        due_on=due_on or month_.last_day)

    def received(self, month: str, amount: str = "388.24", on: D | None = None) -> Facts:
        month_ = Month.parse(month)
        return self.add(ContributionReceived, month=month_, amount=Decimal(amount), received_on=on or month_.day(10),
                        source="test", receipt_id=f"r{len(self.events)}")

    def paid(self, first: str, last: str | None = None, **assessment: Any) -> Facts:
        """Months assessed and received in full, one after another."""
        month, end = Month.parse(first), Month.parse(last or first)
        while month <= end:
            self.assessed(str(month), **assessment)
            self.received(str(month), assessment.get("total", "388.24"))
            month += 1
        return self


def clock(step: int) -> datetime.datetime:
    return datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=step)




# -- rule scenarios: one body, run on the in-memory desk (tests/test_rules_*.py) and on both stores -----------
# (tests/test_ledger_on_both_stores.py). Each builds its region through the desk, checks what the rule says, and
# returns the ID numbers it made.

ALLOWANCE_DOCUMENTS = {"form": "申报表-1", "card": "社保卡", "discharge-record": "出院-2025-0211"}


def mother_and_colleague(desk: Desk, make_code, make_id, skip=()) -> tuple[str, str, str]:
    """A woman and a colleague employed from January 2024, assessed and paid to February 2025 but `skip`."""
    code = make_code()
    desk.register_employer(code=code, name="宁夏塞上建材有限公司", unit_type="enterprise", on=D(2023, 6, 1),
                           operator=OP)
    mother, colleague = make_id(sex="F", birth=D(1994, 5, 1)), make_id()
    for number in (mother, colleague):
        desk.register_person(id_number=number, name="马燕", sex="F" if number == mother else "M",
                             scheme="employee", on=D(2024, 1, 1), employer=code, operator=OP)
    declare(desk, code, 2024, {mother: "6000", colleague: "9000"})
    declare(desk, code, 2025, {mother: "6000", colleague: "9000"}, on=D(2025, 1, 5))
    months = [Month(2024, 1) + i for i in range(14)]
    for month in months:
        desk.assess_month(month=month, operator=OP)
        for number in (mother, colleague):
            if str(month) not in skip or number == colleague:
                pay(desk, number, month, on=month.day(20))
    return code, mother, colleague


def mat_3_e48_the_allowance_is_a_womans_and_the_subsidies_a_mans(desk: Desk, make_code, make_id):
    _, mother, colleague = mother_and_colleague(desk, make_code, make_id)
    before = {n: len(desk.person_history(n)) for n in (mother, colleague)}
    with pytest.raises(RuleViolation, match="MAT-3: the allowance is an insured woman's benefit"):
        desk.claim_maternity(id_number=colleague, kind="allowance", birth=D(2025, 2, 10), on=D(2025, 3, 1),
                             operator=OP, documents=ALLOWANCE_DOCUMENTS)
    with pytest.raises(RuleViolation, match="MAT-3: the delivery is an insured woman's benefit"):
        desk.claim_maternity(id_number=colleague, kind="delivery", birth=D(2025, 2, 10), on=D(2025, 3, 1),
                             operator=OP, documents=ALLOWANCE_DOCUMENTS)
    for kind, papers in (("nursing-subsidy", {"spouse-discharge-record": "出院-9"}),
                         ("male-subsidy", {"spouse-discharge-record": "出院-9", "spouse-unemployed": "承诺书"})):
        with pytest.raises(RuleViolation, match=f"MAT-3: the {kind} is an insured man's benefit"):
            desk.claim_maternity(id_number=mother, kind=kind, birth=D(2025, 2, 10), on=D(2025, 3, 1), operator=OP,
                                 documents={"form": "申报表-2", "card": "社保卡", **papers})
    assert {n: len(desk.person_history(n)) for n in (mother, colleague)} == before
    return mother, colleague


def mat_3_e48_one_delivery_gives_one_allowance_an_overlapping_leave_is_refused(desk: Desk, make_code, make_id):
    _, mother, _ = mother_and_colleague(desk, make_code, make_id)
    desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2024, 12, 1), on=D(2025, 3, 1), operator=OP,
                         documents=ALLOWANCE_DOCUMENTS)
    before = len(desk.person_history(mother))
    with pytest.raises(RuleViolation, match="MAT-3: an allowance for the birth of 2024-12-01 already pays the leave "
                                            "2024-12-01..2025-05-07"):
        desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2025, 2, 22), on=D(2025, 3, 1),
                             operator=OP, documents=ALLOWANCE_DOCUMENTS)  # 83 days later
    assert len(desk.person_history(mother)) == before
    return (mother,)


def mat_3_a_reversed_allowance_no_longer_blocks_a_claim_for_its_leave(desk: Desk, make_code, make_id):
    _, mother, _ = mother_and_colleague(desk, make_code, make_id)
    desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2024, 12, 1), on=D(2025, 3, 1), operator=OP,
                         documents=ALLOWANCE_DOCUMENTS)
    paid = next(e for e in desk.person_history(mother) if type(e).__name__ == "BenefitPaid")
    desk.correct_person(id_number=mother, seq=paid.originator_version, reason="wrong birth date", on=D(2025, 3, 2),
                        operator=OP)
    claim, _ = desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2025, 2, 5), on=D(2025, 3, 3),
                                    operator=OP, documents=ALLOWANCE_DOCUMENTS)
    assert claim.payments[0][0] == "allowance"
    return (mother,)


def mat_4_mat_5_e47_below_the_minimum_months_the_delivery_is_still_paid_only_the_allowance_is_not(
        desk: Desk, make_code, make_id):
    _, mother, _ = mother_and_colleague(desk, make_code, make_id, skip=("2024-05",))
    with pytest.raises(RuleViolation, match="MAT-5: 9 continuous months, 12 required"):
        desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2025, 2, 10), on=D(2025, 3, 1),
                             operator=OP, documents=ALLOWANCE_DOCUMENTS)
    claim, average = desk.claim_maternity(id_number=mother, kind="delivery", birth=D(2025, 2, 10),
                                          on=D(2025, 3, 1), operator=OP, documents=ALLOWANCE_DOCUMENTS)
    assert (claim.payments, average) == ([("delivery-package", Decimal("3000.00"), "2025-02")], None)
    return (mother,)


def mat_4_e50_a_delivery_elsewhere_in_ningxia_without_signing_pays_half_the_package(desk: Desk, make_code, make_id):
    _, mother, _ = mother_and_colleague(desk, make_code, make_id)
    claim, _ = desk.claim_maternity(id_number=mother, kind="delivery", birth=D(2025, 2, 10), on=D(2025, 3, 1),
                                    operator=OP, documents=ALLOWANCE_DOCUMENTS, elsewhere_unsigned=True)
    assert claim.payments == [("delivery-package", Decimal("1500.00"), "2025-02")]
    allowance, _ = desk.claim_maternity(id_number=mother, kind="allowance", birth=D(2025, 2, 10), on=D(2025, 3, 1),
                                        operator=OP, documents=ALLOWANCE_DOCUMENTS, leave_days=173)
    assert allowance.payments == [("allowance", Decimal("43250.00"), "2025-02-10+173d")]  # no package inside
    with pytest.raises(RuleViolation, match="MAT-3: the delivery-package for the birth of 2025-02-10 is paid already"):
        desk.claim_maternity(id_number=mother, kind="delivery", birth=D(2025, 2, 10), on=D(2025, 3, 2),
                             operator=OP, documents=ALLOWANCE_DOCUMENTS)
    return (mother,)


def mat_4_e49_an_emergency_delivery_at_a_non_designated_hospital_needs_the_bill_list_and_record(
        desk: Desk, make_code, make_id):
    _, mother, _ = mother_and_colleague(desk, make_code, make_id)
    with pytest.raises(RuleViolation, match=r"MAT-3: an emergency delivery claim \(E49\) needs bill .*cost-list"):
        desk.claim_maternity(id_number=mother, kind="delivery", birth=D(2025, 2, 10), on=D(2025, 3, 1),
                             operator=OP, documents=ALLOWANCE_DOCUMENTS, emergency=True)
    claim, _ = desk.claim_maternity(
        id_number=mother, kind="delivery", birth=D(2025, 2, 10), on=D(2025, 3, 1), operator=OP, emergency=True,
        documents={"form": "申报表-3", "card": "社保卡", "bill": "票据-1", "cost-list": "清单-1", "medical-record": "病历-1"})
    assert claim.payments == [("delivery-package", Decimal("3000.00"), "2025-02")]
    return (mother,)


def res_2_r9_every_group_can_be_flagged_and_its_share_comes_from_policy(desk: Desk, make_id):
    from ledger.resident.rules import HARDSHIP_GROUPS

    assert [g.name for g in HARDSHIP_GROUPS] == [
        "城乡特困供养人员", "二级以上重残人员", "三级中度残疾人员", "无城镇职工基本医疗保险的离休干部遗孀", "重点优抚对象",
        "高龄低收入老年人", "农村建档立卡贫困人口", "防止返贫监测对象", "低保对象", "孤儿"]
    numbers = []
    for group in HARDSHIP_GROUPS:
        number = resident_person(desk, make_id)
        desk.flag_hardship(id_number=number, kind=group.kind, body="民政", on=D(2023, 8, 1), operator=OP)
        share = desk.policy.decimal(group.share, D(2024, 1, 1))
        assert desk.pay_resident(id_number=number, year=2024, on=D(2023, 10, 8), operator=OP)[3] == 400 * share
        numbers.append(number)
    desk.set_policy_parameter(name="resident_assistance_share_moderate_disability", value="0.70",
                              effective_from=D(2024, 1, 1), on=D(2024, 6, 1), operator=OP)
    number = resident_person(desk, make_id)
    desk.flag_hardship(id_number=number, kind="三级残疾", body="残联", on=D(2024, 8, 1), operator=OP)
    assert desk.pay_resident(id_number=number, year=2025, on=D(2024, 10, 8), operator=OP)[3] == Decimal("280.00")
    return (*numbers, number)


def res_2_r9_a_widow_with_employee_insurance_is_not_flagged(desk: Desk, make_id):
    number = make_id(sex="F")
    desk.register_person(id_number=number, name="马芳", sex="F", scheme="flexible", on=D(2024, 1, 5), operator=OP)
    with pytest.raises(RuleViolation, match="RES-2: 离休干部遗孀 is a group for a widow without employee insurance"):
        desk.flag_hardship(id_number=number, kind="离休干部遗孀", body="老干部局", on=D(2024, 2, 1), operator=OP)
    assert len(desk.person_history(number)) == 1
    return (number,)


def res_7_a_lapsed_year_then_a_payment_inside_the_window_still_waits_three_months(desk: Desk, make_id):
    number = resident_person(desk, make_id)
    desk.pay_resident(id_number=number, year=2024, on=D(2023, 10, 1), operator=OP)  # 2025 lapses
    desk.pay_resident(id_number=number, year=2026, on=D(2025, 10, 10), operator=OP)  # inside 2026's window
    january, _ = outlook(desk, number, D(2026, 1, 2))
    assert (january.pooled, january.pooled_from) == (False, D(2026, 4, 1))
    assert january.reason == "RES-7: enrolled after 1 lapsed years, 3 months' wait"
    assert outlook(desk, number, D(2026, 4, 1))[0].pooled is True
    return (number,)


def res_7_two_lapsed_years_before_a_window_payment_wait_four_months_and_a_year_paid_back_one_less(
        desk: Desk, make_id):
    lapsed, paid_back = resident_person(desk, make_id), resident_person(desk, make_id)
    for number in (lapsed, paid_back):
        desk.pay_resident(id_number=number, year=2023, on=D(2022, 10, 1), operator=OP)  # 2024, 2025 lapse
    desk.pay_resident(id_number=paid_back, year=2024, on=D(2025, 9, 20), operator=OP, back_pay=True)
    for number in (lapsed, paid_back):
        desk.pay_resident(id_number=number, year=2026, on=D(2025, 10, 10), operator=OP)
    assert outlook(desk, lapsed, D(2026, 1, 2))[0].pooled_from == D(2026, 5, 1)
    assert outlook(desk, paid_back, D(2026, 1, 2))[0].pooled_from == D(2026, 4, 1)
    return lapsed, paid_back


def res_7_newborns_special_groups_and_a_person_from_employee_insurance_with_no_gap_do_not_wait(desk: Desk, make_id):
    number = make_id()
    desk.register_person(id_number=number, name="马红", sex="M", scheme="flexible", on=D(2024, 1, 5), operator=OP)
    desk.assess_month(month=Month(2024, 1), operator=OP)
    pay_months(desk, number, "2024-01", "2024-12", on=D(2024, 1, 10))
    desk.switch_scheme(id_number=number, scheme="resident", on=D(2025, 1, 1), operator=OP)
    desk.pay_resident(id_number=number, year=2025, on=D(2025, 1, 20), operator=OP)  # late, but no gap
    allowed, _ = outlook(desk, number, D(2025, 1, 21))
    assert (allowed.pooled, allowed.reason) == (True, "RES-7: from employee insurance (paid to 2024-12) with no gap, "
                                                      "no wait")
    gap = make_id()
    desk.register_person(id_number=gap, name="马勇", sex="M", scheme="flexible", on=D(2024, 1, 5), operator=OP)
    desk.assess_month(month=Month(2024, 1), operator=OP)
    pay_months(desk, gap, "2024-01", "2024-06", on=D(2024, 1, 10))
    desk.switch_scheme(id_number=gap, scheme="resident", on=D(2025, 1, 1), operator=OP)
    desk.pay_resident(id_number=gap, year=2025, on=D(2025, 1, 20), operator=OP)  # July to December uncovered
    assert outlook(desk, gap, D(2025, 1, 21))[0].reason == "RES-7: enrolled late on 2025-01-20, 3 months' wait"
    poor = resident_person(desk, make_id)
    desk.pay_resident(id_number=poor, year=2024, on=D(2023, 10, 1), operator=OP)
    desk.flag_hardship(id_number=poor, kind="低保", body="民政", on=D(2025, 9, 1), operator=OP)
    desk.pay_resident(id_number=poor, year=2026, on=D(2025, 10, 10), operator=OP)
    assert outlook(desk, poor, D(2026, 1, 2))[0].reason.startswith("RES-7: special group (低保)")
    return number, gap, poor


def con_8_aud_2_a_reversed_deferral_no_longer_defers_the_staffs_months(desk: Desk, make_code, make_id):
    """The person's folds read an employer's deferrals, and its reversals, whichever way the employer is read (the
    whole stream, or on a store only those facts)."""
    from projections.months import month_rows

    code, (number,) = employer_with_staff(desk, make_code, make_id)
    declare(desk, code, 2024, {number: "6000"})
    desk.defer(code=code, month=Month(2024, 3), months=2, on=D(2024, 2, 20), operator=OP)
    for month in (2, 3, 4):
        desk.assess_month(month=Month(2024, month), operator=OP)

    def states() -> tuple[list[str], list[str]]:
        uow = desk.ledger.unit_of_work()
        return ([row["state"] for row in month_rows(desk.view(number))],
                [row["state"] for row in month_rows(uow.view(uow.person(number)))])

    assert states() == (["assessed", "deferred", "deferred"],) * 2
    seq = next(e.originator_version for e in desk.employer_history(code) if type(e).__name__ == "DeferralAgreed")
    desk.correct_employer(code=code, seq=seq, reason="协议未签署", on=D(2024, 3, 5), operator=OP)
    assert states() == (["assessed", "assessed", "assessed"],) * 2


def ref_3_r18_the_refund_and_the_cancellation_are_recorded_together(desk: Desk, make_id):
    abroad, moving, employed = (resident_person(desk, make_id) for _ in range(3))
    for number in (abroad, moving, employed):
        desk.pay_resident(id_number=number, year=2025, on=D(2024, 10, 1), operator=OP)
    written = desk.event_count()
    with pytest.raises(RuleViolation, match="REG-5: a cancellation for abroad needs --document settled-abroad"):
        desk.request_refund(id_number=abroad, reason="abroad", on=D(2024, 12, 20), operator=OP)
    with pytest.raises(RuleViolation, match="REF-3: a refund for out-of-province needs --document hukou-moved-out"):
        desk.request_refund(id_number=moving, reason="out-of-province", on=D(2024, 12, 20), operator=OP)
    assert [len(desk.person_history(n)) for n in (abroad, moving)] == [2, 2]  # nothing written
    assert desk.event_count() == written
    desk.request_refund(id_number=abroad, reason="abroad", on=D(2024, 12, 20), operator=OP,
                        documents=["settled-abroad:定居证明-3"])
    desk.request_refund(id_number=moving, reason="out-of-province", on=D(2024, 12, 20), operator=OP,
                        documents=["hukou-moved-out:迁移证-9"])
    desk.request_refund(id_number=employed, reason="to-employee", on=D(2024, 12, 20), operator=OP)
    kinds = {n: [type(e).__name__ for e in desk.person_history(n)][2:] for n in (abroad, moving, employed)}
    assert kinds == {abroad: ["ResidentRefunded", "PersonCancelled"], moving: ["ResidentRefunded", "PersonCancelled"],
                     employed: ["ResidentRefunded", "SchemeSwitched"]}
    assert desk.event_count() == written + 6  # each refund and its cancellation or switch, and nothing else
    cancelled = {n: desk.state(n, D(2024, 12, 20)) for n in (abroad, moving, employed)}
    assert [(c.registered, c.cancelled_reason, c.scheme) for c in cancelled.values()] == [
        (False, "abroad", "resident"), (False, "left", "resident"), (True, None, "employee")]
    return abroad, moving, employed


# -- BEN-1..BEN-7: settlements and reimbursements -------------------------------------------------------------

HOSPITAL, CLINIC, PHARMACY, OTHER_CLINIC = "H64010400001", "H64012100002", "P64010400003", "H64012100004"
CLAIM_PAPERS = {"card": "社保卡", "cost-list": "清单-1", "discharge-summary": "出院-1", "bill": "票据-1"}


def institutions(desk: Desk) -> Desk:
    """The designated institutions the benefit scenarios settle at: a level-3 hospital, two township clinics, a
    pharmacy."""
    for code, name, level, kind in ((HOSPITAL, "宁夏回族自治区人民医院", "3", "hospital"),
                                    (CLINIC, "永宁县望洪镇卫生院", "primary", "hospital"),
                                    (PHARMACY, "银川市兴庆区药房", "primary", "pharmacy"),
                                    (OTHER_CLINIC, "永宁县杨和镇卫生院", "primary", "hospital")):
        desk.register_institution(code=code, name=name, level=level, kind=kind, region="640104", on=D(2020, 1, 1),
                                  operator=OP)
    return desk


def settlement(number: str, kind: str = "inpatient", on: D = D(2024, 11, 3), discharged: D | None = D(2024, 11, 9),
               total: str = "10000.00", fund: str = "8000.00", account: str = "0.00", own: str | None = None,
               institution: str = HOSPITAL, no: str | None = None):
    from ledger.medical.rules import Settlement

    own = own or str(Decimal(total) - Decimal(fund) - Decimal(account))
    return Settlement(number, institution, kind, on, discharged, Decimal(total), Decimal(fund), Decimal(account),
                      Decimal(own), no)


def paying_flexible(desk: Desk, make_id, first: str = "2024-03", last: str = "2024-12") -> str:
    number = flexible(desk, make_id, on=D(2024, 3, 1))
    desk.assess_month(month=Month(2024, 3), operator=OP)
    pay_months(desk, number, first, last, on=D(2024, 3, 5))
    return number


def covered_resident(desk: Desk, make_id) -> str:
    number = resident_person(desk, make_id)
    desk.pay_resident(id_number=number, year=2024, on=D(2023, 10, 1), operator=OP)
    return number


def ben_1_e23_a_flexible_worker_in_the_waiting_months_is_refused_the_fund_part_but_not_the_account_part(
        desk: Desk, make_id):
    number = paying_flexible(desk, make_id, last="2024-04")  # 2 of 6 months paid in May
    before = len(desk.person_history(number))
    for kind, on, discharged in (("outpatient-pooling", D(2024, 5, 10), None),
                                 ("inpatient", D(2024, 5, 2), D(2024, 5, 8))):  # a stay: the day of admission
        with pytest.raises(RuleViolation, match=rf"WAIT-\d: no fund part on {on}: pooled benefits do not apply"):
            desk.settle(settlement(number, kind=kind, on=on, discharged=discharged, total="1200.00", fund="800.00",
                                   account="40.00"), operator=OP)
    assert len(desk.person_history(number)) == before
    assert desk.settle(settlement(number, on=D(2024, 5, 2), discharged=D(2024, 5, 8), total="1200.00", fund="0.00",
                                  account="40.00"), operator=OP) == "settled"  # the stay's account part
    assert desk.settle(settlement(number, kind="pharmacy", on=D(2024, 5, 10), discharged=None, total="120.00",
                                  fund="0.00", account="40.00", institution=PHARMACY), operator=OP) == "settled"
    assert balance(movements(desk.view(number), D(2024, 5, 10))) == Decimal("97.06") * 2 - 80
    return (number,)


def ben_2_e37_a_stay_admitted_on_28_december_and_discharged_on_5_january_counts_in_the_admission_year(
        desk: Desk, make_id):
    from ledger.medical.rules import fund_paid
    from projections.benefits import payment_rows
    from projections.status import status

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
    return (number,)


def ben_3_e41_an_emergency_claim_missing_its_bill_is_refused_naming_the_document(desk: Desk, make_id):
    number = paying_flexible(desk, make_id)
    papers = {k: v for k, v in CLAIM_PAPERS.items() if k != "bill"}
    written = desk.event_count()
    with pytest.raises(RuleViolation, match=r"BEN-3: a emergency-inpatient claim needs bill \(医疗费用票据原件"):
        desk.claim_reimbursement(id_number=number, kind="emergency-inpatient", on=D(2024, 11, 3),
                                 institution_name="西安市第一医院", level="3", cost=Decimal("20000"),
                                 in_scope=Decimal("18000"), documents=papers, operator=OP)
    assert desk.event_count() == written
    computed = desk.claim_reimbursement(id_number=number, kind="emergency-inpatient", on=D(2024, 11, 3),
                                        institution_name="西安市第一医院", level="3", cost=Decimal("20000"),
                                        in_scope=Decimal("18000"), operator=OP,
                                        documents=papers | {"bill-stub": "存根-1", "promise": "承诺书-1"})
    assert (computed.deductible, computed.ratio, computed.fund) == (Decimal("800"), Decimal("0.85"),
                                                                    Decimal("14620.00"))  # (18000-800) x 85 %
    return (number,)


def ben_4_e43_a_third_party_injury_and_work_injury_are_refused(desk: Desk, make_id):
    number = paying_flexible(desk, make_id)
    written = desk.event_count()
    for flags, why in (({"third_party": True}, "a third party bears it"),
                       ({"work_injury": True}, "the work-injury fund pays it"), ({"abroad": True}, "care abroad")):
        with pytest.raises(RuleViolation, match=f"BEN-4: not payable by the fund: {why}"):
            desk.claim_reimbursement(id_number=number, kind="emergency-inpatient", on=D(2024, 11, 3),
                                     institution_name="x", level="3", cost=Decimal("5000"), in_scope=Decimal("5000"),
                                     cause="injury", operator=OP, documents=CLAIM_PAPERS | {"medical-record": "病历"},
                                     **flags)
    assert desk.event_count() == written
    return (number,)


def ben_5_a_claim_is_capped_by_the_annual_ceiling_after_earlier_payments(desk: Desk, make_id):
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
    return (number,)


def ben_6_r22_a_resident_is_refused_outpatient_pooling_at_an_unsigned_facility(desk: Desk, make_id):
    number = covered_resident(desk, make_id)
    desk.sign_facility(id_number=number, kind="primary", facilities=[("永宁县望洪镇卫生院", "primary")],
                       on=D(2024, 1, 5), operator=OP)
    with pytest.raises(RuleViolation, match="BEN-6: general outpatient pooling is paid at the signed primary "
                                            r"facility \(永宁县望洪镇卫生院\), not at 永宁县杨和镇卫生院"):
        desk.settle(settlement(number, kind="outpatient-pooling", on=D(2024, 3, 1), discharged=None, total="100.00",
                               fund="60.00", institution=OTHER_CLINIC), operator=OP)
    desk.settle(settlement(number, kind="outpatient-pooling", on=D(2024, 3, 1), discharged=None, total="100.00",
                           fund="60.00", institution=CLINIC), operator=OP)
    return (number,)


def ben_7_ref_1_a_reversed_settlement_no_longer_counts_toward_the_ceiling_or_against_a_refund(desk: Desk, make_id):
    from ledger.medical.rules import fund_paid
    from projections.benefits import payment_rows
    from projections.status import status

    def ceiling_left() -> Decimal:
        said = status(desk.view(number), D(2024, 12, 31), datetime.datetime.now(datetime.timezone.utc))
        return Decimal(said["benefits_paid"]["ceiling_left"])

    number = paying_flexible(desk, make_id)
    desk.settle(settlement(number), operator=OP)
    left = ceiling_left()
    with pytest.raises(RuleViolation, match="REF-1: benefits were used in 2024 .BenefitSettled"):
        desk.request_refund(id_number=number, reason="out-of-province", on=D(2024, 12, 20), operator=OP)
    seq = next(e.originator_version for e in desk.person_history(number) if type(e).__name__ == "BenefitSettled")
    desk.correct_person(id_number=number, seq=seq, reason="the hospital refunded the stay", on=D(2024, 12, 1),
                        operator=OP)
    assert fund_paid(desk.view(number), 2024, "employee") == 0
    assert ceiling_left() == left + Decimal("8000.00")  # the reversed stay's fund part is free again
    assert payment_rows(desk.view(number))[0]["reversed_by"] == seq + 1
    assert desk.request_refund(id_number=number, reason="out-of-province", on=D(2024, 12, 20), operator=OP)[0] == 2024
    return (number,)


# -- ledgers built through the CLI, shared by several test modules ------------------------------------------------

def succeeded(result):
    assert result.exit_code == 0, result.output
    return result


def small_ledger(yibao, make_id, make_code, tmp_path) -> dict[str, str]:
    """An employer and its employee, a flexible worker who stops paying, one who leaves, two residents (one
    refunded and cancelled), a settlement, an account payment and a maternity subsidy: 2024, through the CLI."""
    code = make_code()
    people = {"employee": make_id(), "flexible": make_id(sex="F", birth=datetime.date(1988, 5, 1)),
              "leaver": make_id(), "resident": make_id(birth=datetime.date(1970, 2, 2)),
              "abroad": make_id(birth=datetime.date(1980, 7, 7))}
    ok = lambda *args: succeeded(yibao(*args))  # noqa: E731
    ok("init")
    ok("employer", "register", "--code", code, "--name", "宁夏塞上建材有限公司", "--type", "enterprise", "--on",
       "2023-06-01")
    ok("person", "register", "--id", people["employee"], "--name", "马明", "--sex", "M", "--scheme", "employee",
       "--employer", code, "--on", "2024-01-02")
    wages = tmp_path / "wages.csv"
    wages.write_text(f"id_number,monthly_wage\n{people['employee']},6000\n")
    ok("employer", "declare-bases", "--code", code, "--year", "2024", "--file", str(wages), "--on", "2024-01-10")
    ok("person", "register", "--id", people["flexible"], "--name", "丁燕", "--sex", "F", "--scheme", "flexible",
       "--on", "2024-03-01")
    ok("person", "register", "--id", people["leaver"], "--name", "马红", "--sex", "M", "--scheme", "flexible",
       "--on", "2024-03-05")
    for month in ("2024-01", "2024-02", "2024-03", "2024-04"):
        ok("contributions", "assess", "--month", month)
    for month, on in (("2024-01", "2024-01-20"), ("2024-02", "2024-02-20"), ("2024-03", "2024-03-20")):
        ok("contributions", "pay", "--id", people["employee"], "--month", month, "--amount", "480.00", "--on", on)
    ok("contributions", "pay", "--id", people["flexible"], "--month", "2024-03", "--to", "2024-05", "--amount",
       "1164.72", "--on", "2024-03-06")
    ok("person", "interrupt", "--id", people["flexible"], "--month", "2024-06")
    ok("person", "cancel", "--id", people["leaver"], "--reason", "left", "--on", "2024-06-15")
    ok("account", "spend", "--id", people["flexible"], "--amount", "50.00", "--on", "2024-05-10")
    ok("institution", "register", "--code", HOSPITAL, "--name", "宁夏回族自治区人民医院", "--level", "3", "--kind",
       "hospital", "--region", "640104", "--on", "2020-01-01")
    ok("benefit", "settle", "--id", people["employee"], "--institution", HOSPITAL, "--kind", "inpatient", "--on",
       "2024-03-28", "--discharged", "2024-04-02", "--total", "6000", "--fund", "4500", "--account", "100",
       "--own", "1400")
    approved(yibao, succeeded(yibao("maternity", "claim", "--id", people["employee"], "--kind", "nursing-subsidy",
                              "--birth", "2024-03-14", "--on", "2024-04-20", "--document", "form:申报表-1",
                              "--document", "card:社保卡", "--document", "spouse-discharge-record:出院-1")))
    for who in ("resident", "abroad"):
        ok("person", "register", "--id", people[who], "--name", "田明", "--sex", "M", "--scheme", "resident", "--on",
           "2023-09-01", "--hukou", "宁夏永宁县")
        ok("resident", "pay", "--id", people[who], "--year", "2024", "--on", "2023-10-08")
    ok("resident", "pay", "--id", people["abroad"], "--year", "2025", "--on", "2024-10-08")
    approved(yibao, succeeded(yibao("refund", "request", "--id", people["abroad"], "--reason", "abroad", "--on",
                              "2024-12-01", "--document", "settled-abroad:定居证明-1")))
    return people


def employer_and_two_persons(yibao, make_code, make_id, tmp_path):
    """An employer with an employee whose 2024 wage is declared, and a flexible person (the contribution tests)."""
    code, employee, flexible = make_code(), make_id(), make_id()
    assert yibao("init").exit_code == 0
    assert yibao("employer", "register", "--code", code, "--name", "宁夏塞上建材有限公司", "--type", "enterprise",
                 "--on", "2023-06-01").exit_code == 0
    assert yibao("person", "register", "--id", employee, "--name", "马明", "--sex", "M", "--scheme", "employee",
                 "--employer", code, "--on", "2024-01-01").exit_code == 0
    assert yibao("person", "register", "--id", flexible, "--name", "马红", "--sex", "M", "--scheme", "flexible",
                 "--on", "2024-03-10").exit_code == 0
    wages = tmp_path / "wages.csv"
    wages.write_text(f"id_number,monthly_wage\n{employee},6000\n")
    assert yibao("employer", "declare-bases", "--code", code, "--year", "2024", "--file", str(wages),
                 "--on", "2024-01-10").exit_code == 0
    return code, employee, flexible


def lives(yibao, make_id, make_code, tmp_path) -> dict[str, tuple[str, str, dict[int, list[str | None]]]]:
    """Three persons whose months, between them, take every state of the grid, built through the CLI: a flexible
    worker, an employee and a resident. Each: (ID number, the `--on` to read the grid to, the grid expected)."""
    assert yibao("init").exit_code == 0
    flexible, worker, local = make_id(), make_id(birth=D(1965, 1, 15)), make_id(sex="F", birth=D(1980, 4, 1))
    code = make_code()

    def run(*args: str):
        result = yibao(*args)
        assert result.exit_code == 0, (args, result.output)
        return result

    run("person", "register", "--id", flexible, "--name", "马红", "--sex", "M", "--scheme", "flexible", "--on",
        "2024-01-02")
    approved(yibao, yibao("person", "transfer-in", flexible, "--from-region", "610100", "--months", "36", "--balance",
                          "2400.00", "--on", "2024-01-05"))
    run("contributions", "assess", "--month", "2024-01")  # CON-5: the rest of 2024 at once
    run("contributions", "pay", flexible, "--month", "2024-01", "--to", "2024-08", "--amount", "3105.92", "--on",
        "2024-01-20")
    run("person", "interrupt", flexible, "--month", "2024-09")
    run("contributions", "close-year", "--year", "2024", "--on", "2025-01-02")  # CON-5: 2024-09..12 cancelled
    run("person", "resume", flexible, "--on", "2025-01-05")
    run("contributions", "assess", "--month", "2025-01")
    run("contributions", "pay", flexible, "--month", "2025-01", "--to", "2025-03", "--amount", "1164.72", "--on",
        "2025-01-20")
    approved(yibao, yibao("person", "backpay", flexible, "--from", "2024-09", "--to", "2024-10", "--on",
                          "2025-02-01"))
    run("contributions", "pay", flexible, "--month", "2024-09", "--to", "2024-10", "--amount", "776.48", "--on",
        "2025-02-10")
    run("person", "cancel", flexible, "--reason", "left", "--on", "2025-05-20")

    run("employer", "register", "--code", code, "--name", "宁夏塞上建材有限公司", "--type", "enterprise", "--on",
        "2023-06-01")
    run("person", "register", "--id", worker, "--name", "马明", "--sex", "M", "--scheme", "employee", "--employer",
        code, "--on", "2025-01-02")
    wages = tmp_path / "wages.csv"
    wages.write_text(f"id_number,monthly_wage\n{worker},6000\n")
    run("employer", "declare-bases", "--code", code, "--year", "2025", "--file", str(wages), "--on", "2025-01-10")
    run("employer", "defer", "--code", code, "--from", "2025-03", "--months", "2")
    for month in range(1, 7):
        run("contributions", "assess", "--month", f"2025-{month:02d}")
    run("contributions", "pay", worker, "--month", "2025-01", "--to", "2025-02", "--amount", "960.00", "--on",
        "2025-01-20")
    run("policy", "publish-average-wage", "--year", "2024", "--annual", "130000", "--on", "2025-07-01")  # CON-3
    run("contributions", "pay", worker, "--month", "2025-01", "--amount", "40.00", "--on", "2025-07-10")
    approved(yibao, yibao("person", "retire", worker, "--on", "2025-08-15"))

    run("person", "register", "--id", local, "--name", "田明", "--sex", "F", "--scheme", "resident", "--hukou",
        "宁夏固原", "--on", "2022-09-01")
    run("resident", "pay", local, "--year", "2023", "--on", "2022-10-01")
    run("resident", "pay", local, "--year", "2025", "--on", "2024-10-01")  # after 2024 lapsed: RES-7's wait
    run("resident", "pay", local, "--year", "2024", "--back-pay", "--on", "2025-02-01")

    empty = [None] * 12
    return {
        "flexible": (flexible, "2025-06-30", {
            2024: ["transferred-in", *["waiting"] * 5, "paid", "paid", "back-paid", "back-paid", "cancelled",
                   "cancelled"],
            2025: [*["waiting"] * 3, "interrupted", "ended", "ended", *empty[6:]]}),
        "employee": (worker, "2025-10-31", {
            2025: ["paid", "trued-up", "deferred", "deferred", "assessed", "assessed", "none", "retired", "retired",
                   "retired", None, None]}),
        "resident": (local, "2025-06-30", {
            2022: [*empty[:8], *["uncovered"] * 4], 2023: ["resident-cover"] * 12, 2024: ["back-paid"] * 12,
            2025: [*["waiting"] * 3, *["resident-cover"] * 3, *empty[6:]]}),
    }


def firm_person_and_hospital(yibao: Any, number: str, scheme: str, on: str) -> str:
    """Through the CLI: a new ledger with the building-materials firm, `number` registered in `scheme` on `on`
    (an employee of the firm), and the region's people's hospital."""
    code = "91640100MA76A1B2CR"
    assert yibao("init").exit_code == 0
    assert yibao("employer", "register", "--code", code, "--name", "宁夏塞上建材有限公司", "--type", "enterprise",
                 "--on", "2023-01-05").exit_code == 0
    employer = ("--employer", code) if scheme == "employee" else ()
    assert yibao("person", "register", "--id", number, "--name", "马明", "--sex", "M", "--scheme", scheme, *employer,
                 "--on", on).exit_code == 0
    assert yibao("institution", "register", "--code", HOSPITAL, "--name", "宁夏回族自治区人民医院", "--level", "3",
                 "--kind", "hospital", "--region", "640104", "--on", "2020-01-01").exit_code == 0
    return number
