"""Maternity handlers (E ch.8): a claim is checked whole, then recorded with what it pays, together."""

from __future__ import annotations

import datetime

from ledger.contributions.months import table_on
from ledger.core.month import Month
from ledger.maternity.events import BenefitPaid, MaternityClaimed
from ledger.maternity.rules import (
    AverageBase,
    Claim,
    allowances_paid,
    check_claimant,
    check_documents,
    check_eligible,
    check_not_paid,
    continuous_months,
    employer_average_base,
    entitlement,
)
from ledger.registration.person_state import state_on


def claim(uow, *, id_number: str, kind: str, birth: datetime.date, on: datetime.date, operator: str,
          documents: dict[str, str], leave_days: int | None = None, elsewhere_unsigned: bool = False,
          family_planning: bool = True, emergency: bool = False) -> tuple[Claim, AverageBase | None]:
    """MAT-1..MAT-5: check the documents and the person, compute what is paid, record claim and payments."""
    check_documents(kind, documents, emergency)
    person = uow.person(id_number)
    view = uow.view(person)
    at_birth = state_on(view, birth)
    check_claimant(kind, at_birth.sex)
    months = table_on(view, on)
    check_eligible(months, view.deferrals, at_birth.scheme, birth, family_planning)
    continuous = continuous_months(view, Month.of(birth), on)
    average = None
    if kind in ("allowance", "nursing-subsidy"):
        code = months[Month.of(birth)].employer
        average = employer_average_base(uow.policy, uow.employer_months(code), code, birth)
    claimed = entitlement(uow.policy, kind, birth, continuous, average, leave_days, elsewhere_unsigned,
                          allowances_paid(view))
    check_not_paid(view, claimed.payments, birth)
    papers = [f"{k}:{v}" for k, v in documents.items()]
    person.record(MaternityClaimed, kind=kind, birth=birth, continuous_months=continuous,
                  average_base=average.amount if average else None, averaged=str(average) if average else None,
                  leave_days=claimed.leave_days, elsewhere_unsigned=elsewhere_unsigned, emergency=emergency, on=on,
                  operator=operator, documents=papers)
    claim_seq = person.version
    for payment_kind, amount, period in claimed.payments:
        person.record(BenefitPaid, kind=payment_kind, amount=amount, birth=birth, period=period, claim_seq=claim_seq,
                      on=on, operator=operator, documents=papers)
    uow.commit()
    return claimed, average

