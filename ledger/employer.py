"""The employer (参保单位): one stream per unified social credit code."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger import history
from ledger.deferral import check_deferral, deferral_periods
from ledger.employer_events import (
    BasesDeclared,
    DeferralAgreed,
    EmployerCancelled,
    EmployerChanged,
    EmployerRegistered,
    StaffHired,
    StaffLeft,
)
from ledger.employer_state import EmployerState, declared_wages, employer_state
from ledger.errors import RuleViolation
from ledger.events import EventReversed, LedgerEvent
from ledger.month import Month
from ledger.policy import Policy

UNIT_TYPES = ("enterprise", "institution", "government", "social-organisation", "individual-business", "other")
CHANGEABLE_FIELDS = ("name", "unit_type", "address", "legal_rep", "bank_account", "contact")


class Employer(Aggregate):
    def __init__(self) -> None:
        self.history: list[LedgerEvent] = []

    @staticmethod
    def id_for(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"yibao:employer:{code}")

    @classmethod
    def register(cls, *, code: str, **fields: Any) -> Employer:
        return cls._create(EmployerRegistered, id=cls.id_for(code), code=code, **fields)

    def state_on(self, on: datetime.date) -> EmployerState:
        return employer_state(self.history, on)

    def change(self, *, changes: dict[str, Any], reason: str | None, on: datetime.date, operator: str,
               documents: list[str]) -> None:
        state = self.require_registered(on)
        unchanged = [f for f, value in changes.items() if getattr(state, f) == value]
        if unchanged:
            raise RuleViolation("REG-3", f"{', '.join(unchanged)} already has that value")
        self.trigger_event(EmployerChanged, changes=changes, reason=reason, on=on, operator=operator,
                           documents=documents)

    def cancel(self, *, reason: str, owed: Decimal, on: datetime.date, operator: str,
               documents: list[str]) -> None:
        self.require_registered(on)
        if owed > 0:
            raise RuleViolation("REG-4", f"employer owes {owed}; settle arrears and late fees first")
        self.trigger_event(EmployerCancelled, reason=reason, owed=owed, on=on, operator=operator,
                           documents=documents)

    def hire(self, *, person_id: UUID, id_number: str, requested_month: Month, month: Month,
             declared_on: datetime.date, operator: str, documents: list[str]) -> None:
        state = self.require_registered(month.last_day)
        if person_id in state.staff:
            raise RuleViolation("CON-9", f"{id_number} is already on the staff of {state.code} in {month}")
        self.trigger_event(StaffHired, person_id=person_id, id_number=id_number, requested_month=requested_month,
                           month=month, declared_on=declared_on, operator=operator, documents=documents)

    def leave(self, *, person_id: UUID, id_number: str, requested_month: Month, month: Month,
              declared_on: datetime.date, operator: str, documents: list[str]) -> None:
        state = self.state_on(month.first_day)
        if person_id not in state.staff:
            raise RuleViolation("CON-9", f"{id_number} is not on the staff of {state.code} in {month}")
        self.trigger_event(StaffLeft, person_id=person_id, id_number=id_number, requested_month=requested_month,
                           month=month, declared_on=declared_on, operator=operator, documents=documents)

    def declare_bases(self, *, year: int, wages: dict[UUID, Decimal], id_numbers: dict[UUID, str],
                      file_digest: str, on: datetime.date, operator: str, documents: list[str]) -> None:
        """CON-1: once a year; a later declaration may only add people not yet declared."""
        self.require_registered(on)
        already = set(declared_wages(self.history, year)) & set(wages)
        if already:
            numbers = ", ".join(sorted(id_numbers[p] for p in already))
            raise RuleViolation("CON-1", f"bases for {year} are already declared for {numbers}; "
                                         "a declared base changes only through a reviewed change")
        self.trigger_event(BasesDeclared, year=year, wages={p.hex: w for p, w in wages.items()},
                           id_numbers={p.hex: n for p, n in id_numbers.items()}, file_digest=file_digest, on=on,
                           operator=operator, documents=documents)

    def defer(self, *, policy: Policy, month: Month, months: int, on: datetime.date, operator: str,
              documents: list[str]) -> None:
        """CON-8: a deferral agreement, at most the policy's months in a row."""
        self.require_registered(on)
        check_deferral(policy, deferral_periods(self.history), month, months)
        self.trigger_event(DeferralAgreed, month=month, until=month + months, on=on, operator=operator,
                           documents=documents)

    def reverse(self, *, seq: int, reason: str, on: datetime.date, operator: str) -> None:
        history.check_reversible(self.history, seq)
        self.trigger_event(EventReversed, seq=seq, reason=reason, on=on, operator=operator, documents=[])

    def require_registered(self, on: datetime.date) -> EmployerState:
        state = self.state_on(on)
        if state.cancelled_on is not None and not state.registered:
            raise RuleViolation("REG-4", f"employer {state.code} was cancelled on {state.cancelled_on}")
        if not state.registered:
            raise RuleViolation("REG-1", f"employer {state.code} is not registered on {on}")
        return state
