"""Audit handlers: corrections (冲正, AUD-2: an earlier fact is reversed by a new one naming it; nothing is
erased), the operators' roster, and vouchers (AUD-1: propose, review, approve or reject)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.audit.reveals import DataRevealed, Reveals
from ledger.audit.roster import (
    OperatorAdded,
    OperatorRemoved,
    Roster,
    check_removal,
    check_roles,
)
from ledger.audit.rules import check_reversible
from ledger.audit.vouchers import (
    Voucher,
    VoucherApproved,
    VoucherRejected,
    VoucherReviewed,
    check_rejection,
    next_step,
    state_of,
)
from ledger.benefits import handlers as benefits
from ledger.benefits.account import refuse_overdraft
from ledger.contributions import handlers as contributions
from ledger.contributions.events import ContributionReassessed
from ledger.core.errors import RuleViolation
from ledger.core.events import EventReversed
from ledger.core.i18n import _, event_name
from ledger.intake.files import WageRow
from ledger.maternity import handlers as maternity
from ledger.medical import handlers as medical
from ledger.refunds import handlers as refunds


def correct_person(uow, *, id_number: str, seq: int, reason: str, on: datetime.date, operator: str) -> None:
    """AUD-2; ACC-3: refused when taking back a credit would overdraw the account."""
    person = uow.person(id_number)
    check_reversible(person.history, seq)
    person.record(EventReversed, seq=seq, reason=reason, on=on, operator=operator, documents=[])
    refuse_overdraft(uow.view(person), seq)
    uow.commit()


def correct_employer(uow, *, code: str, seq: int, reason: str, on: datetime.date, operator: str) -> None:
    employer = uow.employer(code)
    check_reversible(employer.history, seq)
    employer.record(EventReversed, seq=seq, reason=reason, on=on, operator=operator, documents=[])
    uow.commit()


# -- operators (AUD-1) -----------------------------------------------------------------------------------


def name_first_admin(uow, *, name: str, on: datetime.date) -> bool:
    """The ledger's first administrator; False (nothing recorded) when the ledger has one already."""
    if uow.get(Roster.ID) is not None:
        return False
    uow.add(Roster.start(admin=name, on=on))
    uow.commit()
    return True


def add_operator(uow, *, name: str, roles: list[str], on: datetime.date, operator: str) -> None:
    """AUD-1: an administrator adds an operator, or gives one in office new roles."""
    roster = _roster(uow)
    roster.record(OperatorAdded, name=name, roles=check_roles(roles), on=on, operator=operator, documents=[])
    uow.commit()


def remove_operator(uow, *, name: str, reason: str, on: datetime.date, operator: str) -> None:
    roster = _roster(uow)
    check_removal(uow.in_office(), name)
    roster.record(OperatorRemoved, name=name, reason=reason, on=on, operator=operator, documents=[])
    uow.commit()


def _roster(uow) -> Roster:
    roster = uow.get(Roster.ID)
    if roster is None:
        raise RuleViolation("AUD-1", _("the ledger has no operators yet: run `yibao init --admin NAME` first"))
    return roster


# -- vouchers (AUD-1) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """A high-impact operation: its handler, the field naming whom it concerns, and when it needs a voucher
    (given what a trial run would record and return); `encode`/`decode` keep its fields storable."""

    handler: Callable[..., Any]
    subject: str
    vouchered: Callable[[list[Any], dict[str, Any], Any], bool] = lambda facts, fields, result: True
    encode: Callable[[dict[str, Any]], dict[str, Any]] = dict
    decode: Callable[[dict[str, Any]], dict[str, Any]] = dict


def _wages_out(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "rows": [{"row": r.row, "id_number": r.id_number, "wage": r.wage} for r in fields["rows"]]}


def _wages_in(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "rows": [WageRow(**r) for r in fields["rows"]]}


OPERATIONS: dict[str, Operation] = {
    "correct-person": Operation(correct_person, "id_number"),
    "correct-employer": Operation(correct_employer, "code"),
    "refund": Operation(refunds.request, "id_number"),
    "maternity-claim": Operation(maternity.claim, "id_number"),
    "reimbursement": Operation(medical.claim, "id_number"),
    "back-pay": Operation(benefits.back_pay, "id_number"),
    "retire": Operation(benefits.retire, "id_number", lambda facts, fields, shortfall: shortfall > 0),
    "transfer-in": Operation(benefits.transfer_in, "id_number", lambda facts, fields, _: fields["balance"] > 0),
    "declare-bases": Operation(
        contributions.declare_bases, "code",
        lambda facts, fields, _: any(isinstance(f, ContributionReassessed) for f in facts), _wages_out, _wages_in),
}
"""AUD-1's vouchered operations: refunds, maternity claims, reimbursement claims, back-payments, corrections,
retirement short of the minimum months (to be back-paid), transfer-in balances, and base declarations that
correct months already assessed."""


@dataclass(frozen=True)
class Submitted:
    """A proposal (`voucher` set: nothing took effect) or an operation that needed none (applied at once); with
    what the handler returned (for a proposal, what it would record)."""

    result: Any
    voucher: str | None = None
    summary: str = ""


def submit(uow, *, operation: str, operator: str, on: datetime.date, **fields: Any) -> Submitted:
    """AUD-1: run the operation on trial (every rule checked, nothing stored); if it needs a voucher, propose
    one, else apply it."""
    chosen = OPERATIONS[operation]
    trial = uow.trial_unit()
    result = chosen.handler(trial, operator=operator, on=on, **fields)
    if not chosen.vouchered(trial.recorded, fields, result):
        return Submitted(chosen.handler(uow, operator=operator, on=on, **fields))
    code, summary = Voucher.new_code(datetime.datetime.now(datetime.timezone.utc).date()), describe(trial.recorded)
    uow.add(Voucher.propose(code=code, operation=operation, fields={**chosen.encode(fields), "on": on},
                            subject=fields[chosen.subject], summary=summary, on=on, operator=operator,
                            documents=_documents(fields)))
    uow.commit()
    return Submitted(result, code, summary)


def sign(uow, *, voucher: str, on: datetime.date, operator: str) -> tuple[str, Any]:
    """AUD-1: review a proposed voucher, or approve a reviewed one: the approval runs the operation on the
    proposal's fields, its rules checked again now, and records its effect with the approval in one
    transaction, every fact carrying the three signatures. Returns the step taken and what the handler gave."""
    stream = _voucher(uow, voucher)
    state = state_of(stream.history)
    if next_step(state, operator) == "review":
        stream.record(VoucherReviewed, on=on, operator=operator, documents=[])
        uow.commit()
        return "reviewed", None
    stream.record(VoucherApproved, on=on, operator=operator, documents=[])
    uow.signatures = {**state.signatures, "approver": operator}
    chosen = OPERATIONS[state.operation]
    return "approved", chosen.handler(uow, operator=state.handler, **chosen.decode(state.fields))


def reject(uow, *, voucher: str, reason: str, on: datetime.date, operator: str) -> None:
    stream = _voucher(uow, voucher)
    check_rejection(state_of(stream.history), operator)
    stream.record(VoucherRejected, reason=reason, on=on, operator=operator, documents=[])
    uow.commit()


def describe(facts: list[Any]) -> str:
    """What a proposal would record, for the reviewer: each kind of fact and how many."""
    kinds = Counter(type(f).__name__ for f in facts)
    return ", ".join(f"{name}" + (f" x{count}" if count > 1 else "") for name, count in kinds.items())


def described(summary: str) -> str:
    """A stored summary of `describe` as a person reads it: each kind of fact by its name in the reader's
    language (the summary itself stays as stored)."""
    return ", ".join(event_name(name) + (f" x{count}" if count else "")
                     for name, _x, count in (part.partition(" x") for part in summary.split(", ") if part))


def _documents(fields: dict[str, Any]) -> list[str]:
    documents = fields.get("documents") or []
    return [f"{k}:{v}" for k, v in documents.items()] if isinstance(documents, dict) else list(documents)


def _voucher(uow, code: str) -> Voucher:
    stream = uow.get(Voucher.id_for(code))
    if stream is None:
        raise RuleViolation("AUD-1", _("there is no voucher {code}").format(code=code))
    return stream


# -- reveals ---------------------------------------------------------------------------------------------


def reveal(uow, *, subject: str, command: str, reason: str, operator: str) -> None:
    """Record that the operator is shown `subject`'s personal data in clear, before it is shown."""
    on = datetime.datetime.now(datetime.timezone.utc).date()
    stream = uow.get(Reveals.id_for(operator, on)) or uow.add(Reveals.start(operator=operator, on=on))
    stream.record(DataRevealed, subject=subject, command=command, reason=reason, on=on, operator=operator,
                  documents=[])
    uow.commit()
