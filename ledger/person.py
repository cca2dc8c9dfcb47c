"""The insured person (参保人员): one stream per person, found by citizen ID number (REG-2)."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate

from ledger import history, resident
from ledger.contribution_events import (
    AssessmentCancelled,
    BaseChosen,
    ContributionAssessed,
    ContributionReassessed,
    ContributionReceived,
)
from ledger.contribution_months import PersonMonth, person_months, unmatched_reason
from ledger.errors import RuleViolation
from ledger.events import EventReversed, LedgerEvent
from ledger.interruption import interrupted_from
from ledger.lifecycle_events import (
    AccountSpent,
    PaymentInterrupted,
    PaymentResumed,
    Retired,
    SchemeSwitched,
    TransferredIn,
    TransferredOut,
)
from ledger.maternity_events import BenefitPaid, MaternityClaimed, RefundPaid
from ledger.month import Month
from ledger.person_events import (
    PersonCancelled,
    PersonChanged,
    PersonRegistered,
    PersonReregistered,
)
from ledger.person_state import IDENTITY_FIELDS, PersonState, person_state
from ledger.resident_events import (
    FacilitySigned,
    HardshipEnded,
    HardshipFlagged,
    ResidentContributionPaid,
    ResidentRefunded,
)

SCHEMES = ("employee", "flexible", "resident")
CANCEL_REASONS = ("death", "missing", "abroad", "left")
CANCELLATION_DOCUMENTS = {
    # REG-5 (E12, R14): what proves each reason; any one of the kinds listed will do. Leaving needs none.
    "death": ("death-certificate", "hukou-cancellation"),
    "missing": ("court-declaration",),
    "abroad": ("settled-abroad", "hukou-moved-out"),
    "left": (),
}
DOCUMENT_NAMES = {
    "death-certificate": "死亡证明", "hukou-cancellation": "公安机关的户籍注销证明",
    "court-declaration": "人民法院的宣告失踪判决", "settled-abroad": "出国定居证明", "hukou-moved-out": "户口迁出证明",
}


def check_cancellation_documents(reason: str, documents: list[str]) -> None:
    """REG-5: a cancellation carries the document its reason needs, as KIND:REF."""
    kinds = CANCELLATION_DOCUMENTS[reason]
    if kinds and not any(d.partition(":")[0] in kinds for d in documents):
        needed = " or ".join(f"--document {kind}:REF ({DOCUMENT_NAMES[kind]})" for kind in kinds)
        raise RuleViolation("REG-5", f"a cancellation for {reason} needs {needed}")
CHANGEABLE_FIELDS = ("name", "sex", "id_number", "birth", "hukou", "phone", "address", "area")


NINGXIA = "64"


def refuse_ningxia_region(region: str) -> None:
    """TRF-1, E33: the ledger holds all of Ningxia, so a move between its cities is no transfer."""
    if region.startswith(NINGXIA):
        raise RuleViolation("TRF-1", f"{region} is in Ningxia: a move within Ningxia is no transfer in or out; "
                                     "record it with `yibao person change --set area=CODE`")


class Person(Aggregate):
    def __init__(self) -> None:
        self.history: list[LedgerEvent] = []

    @classmethod
    def register(cls, **fields: Any) -> Person:
        return cls._create(PersonRegistered, id=uuid4(), **fields)

    def state_on(self, on: datetime.date) -> PersonState:
        return person_state(self.history, on)

    def reregister(self, *, scheme: str, employer: str | None, on: datetime.date, operator: str,
                   documents: list[str]) -> None:
        state = self.state_on(on)
        if state.registered:
            raise RuleViolation("REG-2", f"{state.id_number} is already registered ({state.scheme}) on {on}")
        registered = [e.on for e in history.standing(self.history)
                      if isinstance(e, (PersonRegistered, PersonReregistered))]
        if registered and state.cancelled_on is None:
            raise RuleViolation("REG-2", f"{state.id_number} is registered from {registered[0]}: only a registration "
                                         f"cancelled before {on} registers again; a wrong registration date is "
                                         "fixed with `yibao correct`")
        self.trigger_event(PersonReregistered, scheme=scheme, employer=employer, on=on,
                           operator=operator, documents=documents)

    def change(self, *, changes: dict[str, Any], reason: str | None, on: datetime.date, operator: str,
               documents: list[str]) -> None:
        state = self.require_registered(on)
        if "area" in changes and not changes["area"].startswith(NINGXIA):
            raise RuleViolation("TRF-1", f"{changes['area']} is outside Ningxia: leaving is a transfer out "
                                         "(`yibao person transfer-out`)")
        identity = sorted(set(changes) & IDENTITY_FIELDS)
        if identity and not documents:
            raise RuleViolation("REG-3", f"changing {', '.join(identity)} needs a supporting --document")
        unchanged = [f for f, value in changes.items() if getattr(state, f) == value]
        if unchanged:
            raise RuleViolation("REG-3", f"{', '.join(unchanged)} already has that value")
        self.trigger_event(PersonChanged, changes=changes, reason=reason, on=on, operator=operator,
                           documents=documents)

    def cancel(self, *, reason: str, on: datetime.date, operator: str, documents: list[str]) -> None:
        self.require_registered(on)
        check_cancellation_documents(reason, documents)
        self.trigger_event(PersonCancelled, reason=reason, on=on, operator=operator, documents=documents)

    def months(self) -> dict[Month, PersonMonth]:
        """The month table, folded once per version: a receipts file asks for it row after row."""
        cached = self.__dict__.get("_months")
        if cached is None or cached[0] != self.version:
            cached = (self.version, person_months(self.history))
            self.__dict__["_months"] = cached
        return cached[1]

    def assess(self, **assessment: Any) -> None:
        """CON-6: one standing assessment per person-month."""
        month = assessment["month"]
        existing = self.months().get(month)
        if existing is not None and not existing.cancelled:
            raise RuleViolation("CON-6", f"{month} is already assessed (notice {existing.notice})")
        # A back-payment (WAIT-6, RET-1) may fill months before this registration; anything else needs it.
        self.require_registered(Month.of(assessment["due_on"]).last_day if assessment["basis"] == "back-pay"
                                else month.last_day)
        self.trigger_event(ContributionAssessed, **assessment)

    def reassess(self, **reassessment: Any) -> None:
        self.trigger_event(ContributionReassessed, **reassessment)

    def cancel_assessment(self, *, month: Month, rule: str, on: datetime.date, operator: str) -> None:
        person_month = self.months()[month]
        self.trigger_event(AssessmentCancelled, month=month, notice=person_month.notice, rule=rule, on=on,
                           operator=operator, documents=[])

    def record_receipt(self, *, month: Month, amount: Decimal, received_on: datetime.date, source: str,
                       receipt_id: str, operator: str, documents: list[str]) -> None:
        """CON-6: money that settles exactly what the month still owes; anything else is refused here."""
        if any(isinstance(e, (PersonCancelled, TransferredOut)) for e in self.history):
            state = self.state_on(month.first_day)
            if not state.registered and state.cancelled_on is not None:
                raise RuleViolation("TRF-1" if state.transferred_out else "REG-5", f"{month} is after "
                                    f"{state.id_number} was {state.cancelled_reason} on {state.cancelled_on}")
        months, receipt_ids = self.months(), self.receipt_ids()
        reason = unmatched_reason(months, month, amount)
        if reason:
            raise RuleViolation("CON-6", reason)
        self.trigger_event(ContributionReceived, month=month, amount=amount, received_on=received_on, source=source,
                           receipt_id=receipt_id, operator=operator, documents=documents)
        # The fold would change only this month: keep the tables current rather than fold again per receipt.
        months = {**months, month: replace(months[month], received=months[month].received + amount,
                                           last_received_on=received_on)}
        self.__dict__["_months"] = (self.version, months)
        self.__dict__["_receipt_ids"] = (self.version, receipt_ids | {receipt_id})

    def receipt_ids(self) -> set[str]:
        cached = self.__dict__.get("_receipt_ids")
        if cached is None or cached[0] != self.version:
            cached = (self.version, {e.receipt_id for e in self.history if isinstance(e, ContributionReceived)})
            self.__dict__["_receipt_ids"] = cached
        return cached[1]

    def choose_base(self, *, month: Month, base: Decimal, floor: Decimal, on: datetime.date, operator: str,
                    documents: list[str]) -> None:
        """CON-5: a flexible person may choose a higher base, never one below the minimum."""
        state = self.require_registered(month.last_day)
        if state.scheme != "flexible":
            raise RuleViolation("CON-5", f"only a flexible person chooses a base ({state.id_number} is {state.scheme})")
        if base < floor:
            raise RuleViolation("CON-5", f"a base of {base} is below the minimum base {floor} for {month}")
        self.trigger_event(BaseChosen, month=month, base=base, operator=operator, documents=documents)

    def chosen_base(self, month: Month) -> Decimal | None:
        chosen = [e for e in history.standing(self.history) if isinstance(e, BaseChosen) and e.month <= month]
        return chosen[-1].base if chosen else None

    # -- interruption, resumption, transfer, retirement, scheme, spending (issue 4) -------------

    def interrupt(self, *, month: Month, operator: str, documents: list[str]) -> None:
        """WAIT-4: a flexible person stops paying from `month` (the first unpaid month)."""
        state = self.require_registered(month.first_day)
        if state.scheme != "flexible":
            raise RuleViolation("WAIT-4", f"only a flexible person's payment is interrupted ({state.scheme})")
        if self.interrupted_from(month.last_day) is not None:
            raise RuleViolation("WAIT-4", f"payment is already interrupted from {self.interrupted_from(month.last_day)}")
        paid = [str(m) for m, pm in self.months().items() if m >= month and pm.paid]
        if paid:
            raise RuleViolation("WAIT-4", f"{', '.join(paid)} already paid: the interruption starts later")
        self.trigger_event(PaymentInterrupted, month=month, operator=operator, documents=documents)

    def interrupted_from(self, on: datetime.date) -> Month | None:
        return interrupted_from(self.history, on)

    def resume(self, *, on: datetime.date, operator: str, documents: list[str]) -> None:
        """WAIT-5: only an interrupted person resumes; a new waiting period starts."""
        self.require_registered(on)
        if self.interrupted_from(on) is None:
            raise RuleViolation("WAIT-5", f"{self.state_on(on).id_number} is not interrupted on {on}")
        self.trigger_event(PaymentResumed, on=on, operator=operator, documents=documents)

    def transfer_in(self, *, from_region: str, months: int, balance: Decimal, on: datetime.date, operator: str,
                    documents: list[str]) -> None:
        """TRF-1, ACC-4: months and balance brought from elsewhere."""
        self.require_registered(on)
        refuse_ningxia_region(from_region)
        self.trigger_event(TransferredIn, from_region=from_region, months=months, balance=balance, on=on,
                           operator=operator, documents=documents)

    def transfer_out(self, *, to_region: str, balance: Decimal, on: datetime.date, operator: str,
                     documents: list[str]) -> None:
        """TRF-1, ACC-4: the person leaves with the account's balance; months after it are no longer owed."""
        self.require_registered(on)
        refuse_ningxia_region(to_region)
        for month, person_month in self.months().items():
            if month > Month.of(on) and person_month.received == 0 and not person_month.cancelled:
                self.cancel_assessment(month=month, rule="TRF-1", on=on, operator=operator)
        self.trigger_event(TransferredOut, to_region=to_region, balance=balance, on=on, operator=operator,
                           documents=documents)

    def retire(self, *, on: datetime.date, months: int, minimum: int, operator: str, documents: list[str]) -> int:
        """RET-1: employee (or flexible) to retired; returns the months short of the minimum, to back-pay."""
        state = self.require_registered(on)
        if state.retired_on is not None:
            raise RuleViolation("RET-1", f"{state.id_number} retired already on {state.retired_on}")
        if state.scheme not in ("employee", "flexible"):
            raise RuleViolation("RET-1", f"a {state.scheme} person does not retire from employee insurance")
        shortfall = max(0, minimum - months)
        self.trigger_event(Retired, on=on, months=months, minimum=minimum, shortfall=shortfall, operator=operator,
                           documents=documents)
        return shortfall

    def switch_scheme(self, *, scheme: str, on: datetime.date, operator: str, documents: list[str]) -> None:
        state = self.require_registered(on)
        if state.scheme == scheme:
            raise RuleViolation("REG-3", f"{state.id_number} is already in the {scheme} scheme")
        if state.scheme == "retired":
            raise RuleViolation("RET-1", "a retired person stays retired")
        self.trigger_event(SchemeSwitched, scheme=scheme, on=on, operator=operator, documents=documents)

    def spend(self, *, amount: Decimal, facility: str | None, balance: Decimal, usable: bool, reason: str,
              on: datetime.date, operator: str, documents: list[str]) -> None:
        """ACC-3: only from a usable account, and never beyond its balance."""
        if not usable:
            raise RuleViolation(reason.split(":")[0], f"the account cannot be used on {on} ({reason})")
        if amount > balance:
            raise RuleViolation("ACC-3", f"{balance} may be spent on {on} (the balance then and after), less than {amount}")
        self.trigger_event(AccountSpent, amount=amount, facility=facility, on=on, operator=operator,
                           documents=documents)

    # -- maternity and refunds (issue 5) ----------------------------------------------------------

    def claim_maternity(self, *, kind: str, birth: datetime.date, continuous_months: int,
                        average_base: Decimal | None, averaged: str | None, leave_days: int | None,
                        elsewhere_unsigned: bool, emergency: bool, payments: list[tuple[str, Decimal, str]],
                        on: datetime.date, operator: str, documents: list[str]) -> None:
        """MAT-3: one payment of each kind per birth; the claim and what it pays are recorded together."""
        paid = {(e.kind, e.birth) for e in history.standing(self.history) if isinstance(e, BenefitPaid)}
        for payment_kind, _, _ in payments:
            if (payment_kind, birth) in paid:
                raise RuleViolation("MAT-3", f"the {payment_kind} for the birth of {birth} is paid already")
        self.trigger_event(MaternityClaimed, kind=kind, birth=birth, continuous_months=continuous_months,
                           average_base=average_base, averaged=averaged, leave_days=leave_days,
                           elsewhere_unsigned=elsewhere_unsigned, emergency=emergency, on=on, operator=operator,
                           documents=documents)
        claim = self.version
        for payment_kind, amount, period in payments:
            self.trigger_event(BenefitPaid, kind=payment_kind, amount=amount, birth=birth, period=period,
                               claim_seq=claim, on=on, operator=operator, documents=documents)

    def record_refund(self, *, reason: str, year: int, months: list[Month], amount: Decimal, on: datetime.date,
                      operator: str, documents: list[str]) -> None:
        self.trigger_event(RefundPaid, reason=reason, year=year, months=[str(m) for m in months], amount=amount,
                           on=on, operator=operator, documents=documents)

    # -- the resident scheme (issue 6) ------------------------------------------------------------

    def flag_hardship(self, *, kind: str, body: str, on: datetime.date, operator: str, documents: list[str]) -> None:
        """RES-2: a special-hardship status, confirmed by a named body."""
        state = self.require_registered(on)
        if kind == "离休干部遗孀" and state.scheme != "resident":
            raise RuleViolation("RES-2", f"离休干部遗孀 is a group for a widow without employee insurance "
                                         f"({state.id_number} is in the {state.scheme} scheme on {on})")
        if kind in resident.hardship_on(self.history, on):
            raise RuleViolation("RES-2", f"{kind} is already recorded on {on}")
        self.trigger_event(HardshipFlagged, kind=kind, body=body, on=on, operator=operator, documents=documents)

    def end_hardship(self, *, kind: str, on: datetime.date, operator: str, documents: list[str]) -> None:
        if kind not in resident.hardship_on(self.history, on):
            raise RuleViolation("RES-2", f"{kind} is not recorded on {on}")
        self.trigger_event(HardshipEnded, kind=kind, on=on, operator=operator, documents=documents)

    def pay_resident(self, *, year: int, total: Decimal, personal_part: Decimal, fiscal_subsidy: Decimal,
                     assistance_subsidy: Decimal, newborn: bool, in_window: bool, back_paid: bool,
                     on: datetime.date, operator: str, documents: list[str]) -> None:
        state = self.require_registered(on)
        if state.scheme != "resident":
            raise RuleViolation("RES-3", f"{state.id_number} is in the {state.scheme} scheme, not the resident one")
        self.trigger_event(ResidentContributionPaid, year=year, total=total, personal_part=personal_part,
                           fiscal_subsidy=fiscal_subsidy, assistance_subsidy=assistance_subsidy, newborn=newborn,
                           in_window=in_window, back_paid=back_paid, on=on, operator=operator, documents=documents)

    def refund_resident(self, *, year: int, reason: str, amount: Decimal, on: datetime.date, operator: str,
                        documents: list[str]) -> None:
        self.trigger_event(ResidentRefunded, year=year, reason=reason, amount=amount, on=on, operator=operator,
                           documents=documents)

    def sign_facility(self, *, kind: str, facilities: list[str], on: datetime.date, operator: str,
                      documents: list[str]) -> datetime.date:
        """RES-5, RES-6: returns when the signing takes effect."""
        self.require_registered(on)
        effective_from = resident.signing_takes_effect(self.history, kind, on)
        self.trigger_event(FacilitySigned, kind=kind, facilities=facilities, effective_from=effective_from, on=on,
                           operator=operator, documents=documents)
        return effective_from

    def reverse(self, *, seq: int, reason: str, on: datetime.date, operator: str) -> None:
        history.check_reversible(self.history, seq)
        self.trigger_event(EventReversed, seq=seq, reason=reason, on=on, operator=operator, documents=[])

    def require_registered(self, on: datetime.date) -> PersonState:
        state = self.state_on(on)
        if state.transferred_out:
            raise RuleViolation("TRF-1", f"{state.id_number} was {state.cancelled_reason} on {state.cancelled_on}")
        if state.cancelled_reason:
            raise RuleViolation(
                "REG-5", f"{state.id_number} was cancelled ({state.cancelled_reason}) on {state.cancelled_on}"
            )
        if not state.registered:
            raise RuleViolation("REG-2", f"{state.id_number} is not registered on {on}")
        return state


class IdNumberIndex(Aggregate):
    """Points an ID number at its person; one per number ever held, so old numbers still find them (REG-3).

    Its id is derived from the number, so a second registration of a number conflicts in the store.
    """

    class Created(Aggregate.Created):
        person_id: UUID

    def __init__(self, person_id: UUID) -> None:
        self.person_id = person_id

    @staticmethod
    def id_for(id_number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"yibao:person:{id_number}")

    @classmethod
    def point(cls, id_number: str, person_id: UUID) -> IdNumberIndex:
        return cls._create(cls.Created, id=cls.id_for(id_number), person_id=person_id)
