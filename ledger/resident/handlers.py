"""Resident handlers (R ch.2, ch.3): hardship flags, the annual payment, facility signing, school batches."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.core.errors import BadInput, RuleViolation
from ledger.core.i18n import _
from ledger.intake.files import StudentRow
from ledger.intake.validation import birth_date_of
from ledger.registration.person import IdNumberIndex, Person
from ledger.registration.rules import require_registered
from ledger.resident.events import (
    ConditionRecognised,
    FacilitySigned,
    HardshipEnded,
    HardshipFlagged,
    ResidentContributionPaid,
)
from ledger.resident.rules import (
    amounts,
    check_chronic_facilities,
    check_flag,
    check_payer,
    check_payment,
    check_unflag,
    hardship_on,
    signing_takes_effect,
)


def flag_hardship(uow, *, id_number: str, kind: str, body: str, on: datetime.date, operator: str,
                  documents: list[str] = ()) -> None:
    """RES-2: a special-hardship status, confirmed by a named body."""
    person = uow.person(id_number)
    view = uow.view(person)
    check_flag(view, require_registered(view, on), kind, on)
    person.record(HardshipFlagged, kind=kind, body=body, on=on, operator=operator, documents=list(documents))
    uow.commit()


def end_hardship(uow, *, id_number: str, kind: str, on: datetime.date, operator: str,
                 documents: list[str] = ()) -> None:
    person = uow.person(id_number)
    check_unflag(uow.view(person), kind, on)
    person.record(HardshipEnded, kind=kind, on=on, operator=operator, documents=list(documents))
    uow.commit()


def pay(uow, *, id_number: str, year: int, on: datetime.date, operator: str, back_pay: bool = False,
        documents: list[str] = ()) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """RES-3, WAIT-8, RES-7: the year's financing, with its subsidies; refused outside the window."""
    person = uow.person(id_number)
    view = uow.view(person)
    state = require_registered(view, on)
    in_window, newborn = check_payment(uow.policy, view, year, on, state.birth, back_pay)
    total, personal, fiscal, assistance = amounts(uow.policy, year, hardship_on(view, on))
    check_payer(state)
    person.record(ResidentContributionPaid, year=year, total=total, personal_part=personal, fiscal_subsidy=fiscal,
                  assistance_subsidy=assistance, newborn=newborn, in_window=in_window, back_paid=back_pay, on=on,
                  operator=operator, documents=list(documents))
    uow.commit()
    return total, personal, fiscal, assistance


def sign_facility(uow, *, id_number: str, kind: str, facilities: list[tuple[str, str]], on: datetime.date,
                  operator: str, documents: list[str] = ()) -> datetime.date:
    """RES-5, RES-6: returns when the signing takes effect."""
    if kind == "chronic":
        check_chronic_facilities(facilities)
    person = uow.person(id_number)
    view = uow.view(person)
    require_registered(view, on)
    effective_from = signing_takes_effect(view, kind, on)
    person.record(FacilitySigned, kind=kind, facilities=[f"{name} ({level})" for name, level in facilities],
                  effective_from=effective_from, on=on, operator=operator, documents=list(documents))
    uow.commit()
    return effective_from


def register_students(uow, *, school: str, rows: list[StudentRow], on: datetime.date, operator: str) -> int:
    """RES-1: a school's students, all or none: any refused row refuses the batch, naming the rows."""
    problems = [_("row {row}: {id_number} is already registered").format(row=row.row, id_number=row.id_number)
                for row in rows
                if uow.exists(IdNumberIndex.id_for(row.id_number))]
    if problems:
        raise BadInput("file", "; ".join(problems))
    for row in rows:
        person = uow.add(Person.register(
            id_number=row.id_number, name=row.name, sex=row.sex, birth=birth_date_of(row.id_number),
            scheme="resident", employer=None, hukou=f"school: {school}", phone=None, address=None, on=on,
            operator=operator, documents=[f"school:{school}"]))
        uow.add(IdNumberIndex.point(row.id_number, person.id))
    uow.commit()
    return len(rows)


RECOGNITION_DOCUMENTS = ("card", "diagnosis")


def recognise_condition(uow, *, id_number: str, condition: str, on: datetime.date, operator: str,
                        documents: dict[str, str]) -> None:
    """R23 (门诊大病认定): a chronic outpatient condition recognised on the card and the diagnosis papers."""
    missing = [kind for kind in RECOGNITION_DOCUMENTS if kind not in documents]
    if missing:
        raise RuleViolation("BEN-6", _("recognising a condition (R23) needs {documents} (社会保障卡, 病历诊断资料)")
                            .format(documents=", ".join(missing)))
    person = uow.person(id_number)
    require_registered(uow.view(person), on)
    person.record(ConditionRecognised, condition=condition, on=on, operator=operator,
                  documents=[f"{k}:{v}" for k, v in documents.items()])
    uow.commit()
