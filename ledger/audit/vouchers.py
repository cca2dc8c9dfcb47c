"""Business vouchers (业务凭证, AUD-1): a high-impact operation is proposed by its handler (经办人), reviewed
(复核人) and approved (审批人), three different people; only the approval records its effect.

A voucher is its own stream: the proposal carries the operation and every field the handler was given, so the
approval runs the same handler on the same fields, checking the rules again as of that moment.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from ledger.core.errors import RuleViolation
from ledger.core.events import LedgerCreated, LedgerEvent, Stream
from ledger.core.i18n import _, term

STAGES = ("proposed", "reviewed", "approved", "rejected")


class VoucherProposed(LedgerCreated):
    """What the handler asked for, checked whole when proposed: nothing of it takes effect yet."""

    voucher: str
    operation: str
    fields: dict[str, Any]
    subject: str
    """The ID number or credit code the voucher is about."""
    summary: str
    on: datetime.date


class VoucherReviewed(LedgerEvent):
    on: datetime.date


class VoucherApproved(LedgerEvent):
    """The final approval: recorded in the same transaction as the effect, whose facts name the voucher."""

    on: datetime.date


class VoucherRejected(LedgerEvent):
    reason: str
    on: datetime.date


class Voucher(Stream):
    @staticmethod
    def id_for(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"yibao:voucher:{code}")

    @staticmethod
    def new_code(on: datetime.date) -> str:
        return f"V{on:%Y%m%d}-{secrets.token_hex(3).upper()}"

    @classmethod
    def propose(cls, *, code: str, operation: str, fields: dict[str, Any], subject: str, summary: str,
                on: datetime.date, operator: str, documents: list[str]) -> Voucher:
        return cls.open(VoucherProposed, cls.id_for(code), voucher=code, operation=operation, fields=fields,
                        subject=subject, summary=summary, on=on, operator=operator, documents=documents)


@dataclass(frozen=True)
class VoucherState:
    code: str
    operation: str
    fields: dict[str, Any]
    subject: str
    summary: str
    stage: str
    handler: str
    proposed_at: datetime.datetime
    reviewer: str | None = None
    approver: str | None = None
    rejected_by: str | None = None
    reason: str | None = None

    def listing(self) -> dict[str, Any]:
        """The voucher as `review list` shows it (and the read side's vouchers table holds it)."""
        return {"voucher": self.code, "operation": self.operation, "subject": self.subject, "stage": self.stage,
                "handler": self.handler, "reviewer": self.reviewer, "approver": self.approver,
                "proposed_at": self.proposed_at.isoformat(), "summary": self.summary}

    @property
    def signatures(self) -> dict[str, str | None]:
        """AUD-1: who handled, reviewed and approved; what the effect's facts carry."""
        return {"voucher": self.code, "handler": self.handler, "reviewer": self.reviewer, "approver": self.approver}


def state_of(facts: list[Any]) -> VoucherState:
    proposed = facts[0]
    state = VoucherState(proposed.voucher, proposed.operation, proposed.fields, proposed.subject, proposed.summary,
                         "proposed", proposed.operator, proposed.timestamp)
    for fact in facts[1:]:
        if isinstance(fact, VoucherReviewed):
            state = _with(state, stage="reviewed", reviewer=fact.operator)
        elif isinstance(fact, VoucherApproved):
            state = _with(state, stage="approved", approver=fact.operator)
        elif isinstance(fact, VoucherRejected):
            state = _with(state, stage="rejected", rejected_by=fact.operator, reason=fact.reason)
    return state


def _with(state: VoucherState, **changes: Any) -> VoucherState:
    return VoucherState(**{**state.__dict__, **changes})


def next_step(state: VoucherState, operator: str) -> str:
    """AUD-1: a proposed voucher is reviewed next, a reviewed one approved; never by someone who already signed
    it, so handler, reviewer and approver are three people. Returns the step ("review" or "approve")."""
    if state.stage in ("approved", "rejected"):
        raise RuleViolation("AUD-1", _("voucher {code} is already {stage}").format(code=state.code,
                                                                                   stage=term(state.stage)))
    signed = {"handler": state.handler, "reviewer": state.reviewer}
    for role, name in signed.items():
        if name == operator and state.stage == "proposed":
            raise RuleViolation("AUD-1", _("{operator} is the {role} of voucher {code}: another person must review it")
                                .format(operator=operator, role=term(role), code=state.code))
        if name == operator:
            raise RuleViolation("AUD-1", _("{operator} is the {role} of voucher {code}: another person must approve "
                                           "it").format(operator=operator, role=term(role), code=state.code))
    return "review" if state.stage == "proposed" else "approve"


def check_rejection(state: VoucherState, operator: str) -> None:
    """AUD-1: a voucher still open may be rejected by anyone but its handler."""
    if state.stage in ("approved", "rejected"):
        raise RuleViolation("AUD-1", _("voucher {code} is already {stage}").format(code=state.code,
                                                                                   stage=term(state.stage)))
    if operator == state.handler:
        raise RuleViolation("AUD-1", _("{operator} is the handler of voucher {code}: a reviewer or approver "
                                       "rejects it").format(operator=operator, code=state.code))
