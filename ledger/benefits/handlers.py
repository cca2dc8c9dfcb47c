"""Benefits handlers: interruption and resumption, back-payment, transfers, retirement, account spending."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ledger.benefits import account
from ledger.benefits.eligibility import eligibility
from ledger.benefits.events import (
    AccountSpent,
    PaymentInterrupted,
    PaymentResumed,
    Retired,
    TransferredIn,
    TransferredOut,
)
from ledger.benefits.interruption import check_interruption, check_resumption
from ledger.benefits.retirement import check_retirement, minimum_months
from ledger.benefits.transfers import refuse_ningxia_region
from ledger.contributions.assessment import back_pay_months, back_pay_scheme
from ledger.contributions.handlers import assess_at_minimum, cancel_assessment
from ledger.contributions.months import contribution_months, table
from ledger.core.month import Month
from ledger.registration.rules import require_registered


def interrupt(uow, *, id_number: str, month: Month, operator: str, documents: list[str] = ()) -> None:
    """WAIT-4: a flexible person stops paying from `month` (the first unpaid month)."""
    person = uow.person(id_number)
    view = uow.view(person)
    check_interruption(view, require_registered(view, month.first_day), month)
    person.record(PaymentInterrupted, month=month, operator=operator, documents=list(documents))
    uow.commit()


def resume(uow, *, id_number: str, on: datetime.date, operator: str, documents: list[str] = ()) -> None:
    """WAIT-5: paying again after an interruption; a new waiting period starts."""
    person = uow.person(id_number)
    view = uow.view(person)
    check_resumption(view, require_registered(view, on), on)
    person.record(PaymentResumed, on=on, operator=operator, documents=list(documents))
    uow.commit()


def back_pay(uow, *, id_number: str, first: Month, last: Month, on: datetime.date, operator: str,
             documents: list[str] = ()) -> int:
    """WAIT-6, RET-1 (补缴): each unpaid month of the gap at the minimum base in force for it, due this month.

    Back-paid months count toward contribution months only: no benefits for them, no account credit.
    """
    person = uow.person(id_number)
    view = uow.view(person)
    months = table(view)
    gap = back_pay_months(months, first, last, on)
    scheme = back_pay_scheme(require_registered(view, on).scheme)
    for month in gap:
        existing = months.get(month)
        if existing is not None and not existing.cancelled:
            cancel_assessment(person, existing, rule="WAIT-6", on=on, operator=operator)
        assess_at_minimum(uow, person, month, scheme=scheme, basis="back-pay", notice=f"back-pay {first}..{last} {on}",
                          due_on=Month.of(on).last_day, operator=operator, documents=list(documents))
    uow.commit()
    return len(gap)


def transfer_in(uow, *, id_number: str, from_region: str, months: int, balance: Decimal, on: datetime.date,
                operator: str, documents: list[str] = ()) -> None:
    """TRF-1, ACC-4: months and balance brought from another province."""
    person = uow.person(id_number)
    require_registered(uow.view(person), on)
    refuse_ningxia_region(from_region)
    person.record(TransferredIn, from_region=from_region, months=months, balance=balance, on=on, operator=operator,
                  documents=list(documents))
    uow.commit()


def transfer_out(uow, *, id_number: str, to_region: str, on: datetime.date, operator: str,
                 documents: list[str] = ()) -> Decimal:
    """TRF-1, ACC-4: the person leaves with the account's balance; months after it are no longer owed."""
    person = uow.person(id_number)
    view = uow.view(person)
    require_registered(view, on)
    refuse_ningxia_region(to_region)
    leaving = account.balance(account.movements(view, on))
    for month, person_month in table(view).items():
        if month > Month.of(on) and person_month.received == 0 and not person_month.cancelled:
            cancel_assessment(person, person_month, rule="TRF-1", on=on, operator=operator)
    person.record(TransferredOut, to_region=to_region, balance=leaving, on=on, operator=operator,
                  documents=list(documents))
    uow.commit()
    return leaving


def retire(uow, *, id_number: str, on: datetime.date, operator: str, documents: list[str] = ()) -> int:
    """RET-1: employee (or flexible) to retired; returns the months short of the minimum, to back-pay."""
    person = uow.person(id_number)
    view = uow.view(person)
    state = require_registered(view, on)
    check_retirement(state)
    months = contribution_months(view, on)["total"]
    minimum = minimum_months(uow.policy, state.sex, on)
    shortfall = max(0, minimum - months)
    person.record(Retired, on=on, months=months, minimum=minimum, shortfall=shortfall, operator=operator,
                  documents=list(documents))
    uow.commit()
    return shortfall


def spend(uow, *, id_number: str, amount: Decimal, on: datetime.date, operator: str, facility: str | None = None,
          documents: list[str] = ()) -> Decimal:
    """ACC-3: spending from the account; returns the balance left on the day."""
    person = uow.person(id_number)
    view = uow.view(person)
    allowed = eligibility(view, on)
    moves = account.movements(view, account.horizon(view, on))
    account.check_spending(moves, amount, allowed.account, allowed.reason, on)
    person.record(AccountSpent, amount=amount, facility=facility, on=on, operator=operator, documents=list(documents))
    uow.commit()
    return account.balance([m for m in moves if m.on <= on]) - amount
