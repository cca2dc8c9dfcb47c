"""Registration handlers (E ch.2, R ch.2): employers and persons registered, changed, cancelled; scheme switches."""

from __future__ import annotations

import datetime
from typing import Any

from ledger.contributions.arrears import debt_of
from ledger.contributions.handlers import record_hire
from ledger.core.errors import RuleViolation
from ledger.core.i18n import _
from ledger.core.month import Month
from ledger.intake.validation import birth_date_of
from ledger.registration.employer import Employer
from ledger.registration.events import (
    EmployerCancelled,
    EmployerChanged,
    PersonCancelled,
    PersonChanged,
    PersonReregistered,
    SchemeSwitched,
)
from ledger.registration.person import IdNumberIndex, Person
from ledger.registration.person_state import state_on
from ledger.registration.rules import (
    check_cancellation_documents,
    check_change,
    check_employer_cancellable,
    check_employer_for_scheme,
    check_identity,
    check_person_change,
    check_reregistration,
    check_scheme_switch,
    registration_is_late,
    require_employer_registered,
    require_registered,
)
from ledger.resident.rules import check_registration


def register_employer(uow, *, code: str, name: str, unit_type: str, on: datetime.date,
                      founded: datetime.date | None = None, insured_from: datetime.date | None = None,
                      address: str | None = None, legal_rep: str | None = None, bank_account: str | None = None,
                      contact: str | None = None, operator: str, documents: list[str] = ()) -> bool:
    """REG-1: flagged late past the policy's days from founding; returns whether it was late."""
    if uow.exists(Employer.id_for(code)):
        raise RuleViolation("REG-1", _("employer {code} is already registered").format(code=code))
    late = registration_is_late(uow.policy, founded, on)
    uow.add(Employer.register(
        code=code, name=name, unit_type=unit_type, address=address, legal_rep=legal_rep, bank_account=bank_account,
        contact=contact, founded=founded, insured_from=insured_from or on, late=late, on=on, operator=operator,
        documents=list(documents)))
    uow.commit()
    return late


def change_employer(uow, *, code: str, changes: dict[str, Any], on: datetime.date, operator: str,
                    reason: str | None = None, documents: list[str] = ()) -> None:
    """REG-3."""
    employer = uow.employer(code)
    check_change(require_employer_registered(uow.view(employer), on), changes, list(documents), frozenset())
    employer.record(EmployerChanged, changes=changes, reason=reason, on=on, operator=operator,
                    documents=list(documents))
    uow.commit()


def cancel_employer(uow, *, code: str, reason: str, on: datetime.date, operator: str,
                    documents: list[str] = ()) -> None:
    """REG-4: refused while the employer owes anything."""
    employer = uow.employer(code)
    require_employer_registered(uow.view(employer), on)
    owed = debt_of(uow, code, on).owed
    check_employer_cancellable(owed)
    employer.record(EmployerCancelled, reason=reason, owed=owed, on=on, operator=operator, documents=list(documents))
    uow.commit()


def register_person(uow, *, id_number: str, name: str, sex: str, scheme: str, on: datetime.date,
                    employer: str | None = None, birth: datetime.date | None = None, hukou: str | None = None,
                    phone: str | None = None, address: str | None = None, operator: str,
                    documents: list[str] = ()) -> Person:
    """REG-2 (an employee registration also registers maternity, REG-6, and puts the person on the employer's
    staff); a person cancelled earlier registers again on the same stream (MON-3)."""
    birth = birth or birth_date_of(id_number)
    check_identity(id_number, sex, birth, on)
    check_employer_for_scheme(scheme, employer)
    employing = uow.get(Employer.id_for(employer)) if employer else None
    if employer and employing is None:
        raise RuleViolation("REG-1", _("no employer is registered with credit code {code}: an employee registers "
                                       "with a registered employer (register the employer first)").format(
            code=employer))
    if employing is not None:
        require_employer_registered(uow.view(employing), on)
    documents = list(documents)
    person = uow.person_or_none(id_number)
    if person is not None:
        view = uow.view(person)
        if scheme == "resident" and not state_on(view, on).registered:
            check_registration(uow.policy, hukou or state_on(view, on).hukou, person.history[0].birth, on, documents)
        check_reregistration(view, on)
        person.record(PersonReregistered, scheme=scheme, employer=employer, on=on, operator=operator,
                      documents=documents)
    else:
        if scheme == "resident":
            check_registration(uow.policy, hukou, birth, on, documents)
        person = uow.add(Person.register(id_number=id_number, name=name, sex=sex, birth=birth, scheme=scheme,
                                         employer=employer, hukou=hukou, phone=phone, address=address, on=on,
                                         operator=operator, documents=documents))
        uow.add(IdNumberIndex.point(id_number, person.id))
    if employing is not None:
        # The registration form is the employer's declaration of a new member of staff.
        record_hire(uow, employing, person, id_number=id_number, requested_month=Month.of(on), month=Month.of(on),
                    declared_on=on, operator=operator, documents=documents)
    uow.commit()
    return person


def change_person(uow, *, id_number: str, changes: dict[str, Any], on: datetime.date, operator: str,
                  reason: str | None = None, documents: list[str] = ()) -> None:
    """REG-3: identity changes need a document; after an ID-number change both numbers find the person."""
    person = uow.person(id_number)
    state = require_registered(uow.view(person), on)
    check_person_change(state, changes, list(documents), birth_date_of)
    if "id_number" in changes and uow.exists(IdNumberIndex.id_for(changes["id_number"])):
        raise RuleViolation("REG-2", _("ID number {id_number} already belongs to a registered person").format(
            id_number=changes["id_number"]))
    person.record(PersonChanged, changes=changes, reason=reason, on=on, operator=operator, documents=list(documents))
    if "id_number" in changes:
        uow.add(IdNumberIndex.point(changes["id_number"], person.id))
    uow.commit()


def cancel_person(uow, *, id_number: str, reason: str, on: datetime.date, operator: str,
                  documents: list[str] = ()) -> None:
    """REG-5: with the document its reason needs."""
    person = uow.person(id_number)
    require_registered(uow.view(person), on)
    check_cancellation_documents(reason, list(documents))
    person.record(PersonCancelled, reason=reason, on=on, operator=operator, documents=list(documents))
    uow.commit()


def switch_scheme(uow, *, id_number: str, scheme: str, on: datetime.date, operator: str,
                  documents: list[str] = ()) -> None:
    person = uow.person(id_number)
    check_scheme_switch(require_registered(uow.view(person), on), scheme)
    person.record(SchemeSwitched, scheme=scheme, on=on, operator=operator, documents=list(documents))
    uow.commit()

