"""What every test builds with: a clerk's desk over a ledger, facts made by hand, views of them.

`Desk` puts each command handler behind one method with a fresh unit of work, as a CLI command would; anything
else is the ledger's own (find_person, view, policy, recorder ...).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any
from uuid import uuid4

from eventsourcing.domain import AggregateCreated

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


