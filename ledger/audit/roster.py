"""The operators (经办、复核、审批人员) and their roles, as facts: who may record what (AUD-1).

One roster for the ledger. Its first fact names the first administrator (`yibao init --admin`); from then on an
administrator adds and removes operators. Every fact the ledger records names its operator, and the unit of
work refuses to store a fact whose operator is unknown, removed, or acting outside their roles.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from ledger.audit.reveals import REVEALERS, DataRevealed, RevealsOpened
from ledger.audit.vouchers import VoucherApproved, VoucherRejected, VoucherReviewed
from ledger.core.errors import RuleViolation
from ledger.core.events import LedgerCreated, LedgerEvent, Stream
from ledger.core.i18n import _, event_name, term

ROLES = ("clerk", "reviewer", "approver", "auditor", "admin")
"""经办 (records business facts, proposes vouchers), 复核 (reviews a voucher), 审批 (approves it), 审计 (reads,
reveals), 管理 (keeps the roster)."""


class RosterOpened(LedgerCreated):
    """The ledger's first administrator, named when the ledger was set up."""

    admin: str
    on: datetime.date


class OperatorAdded(LedgerEvent):
    name: str
    roles: list[str]
    on: datetime.date


class OperatorRemoved(LedgerEvent):
    name: str
    reason: str
    on: datetime.date


class Roster(Stream):
    ID = uuid5(NAMESPACE_URL, "yibao:roster")

    @classmethod
    def start(cls, *, admin: str, on: datetime.date) -> Roster:
        roster = cls.open(RosterOpened, cls.ID, admin=admin, on=on, operator=admin, documents=[])
        roster.record(OperatorAdded, name=admin, roles=["admin"], on=on, operator=admin, documents=[])
        return roster


def roles_of(facts: list[Any]) -> dict[str, frozenset[str]]:
    """Each operator in office and their roles, from the roster's facts (a second addition replaces the roles)."""
    roles: dict[str, frozenset[str]] = {}
    for fact in facts:
        if isinstance(fact, OperatorAdded):
            roles[fact.name] = frozenset(fact.roles)
        elif isinstance(fact, OperatorRemoved):
            roles.pop(fact.name, None)
    return roles


def check_roles(roles: list[str]) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        if not roles:
            raise RuleViolation("AUD-1", _("roles must be among {roles} (got none)").format(roles=", ".join(ROLES)))
        raise RuleViolation("AUD-1", _("roles must be among {roles} (got {given})").format(
            roles=", ".join(ROLES), given=", ".join(roles)))
    return sorted(set(roles))


def role_needed(fact: Any) -> tuple[str, ...]:
    """AUD-1: the roles any one of which may record the fact."""
    if isinstance(fact, (RosterOpened, OperatorAdded, OperatorRemoved)):
        return ("admin",)
    if isinstance(fact, VoucherReviewed):
        return ("reviewer",)
    if isinstance(fact, VoucherApproved):
        return ("approver",)
    if isinstance(fact, VoucherRejected):
        return ("reviewer", "approver")
    if isinstance(fact, (RevealsOpened, DataRevealed)):
        return REVEALERS
    return ("clerk",)


def authorise(in_office: dict[str, frozenset[str]], facts: list[Any]) -> None:
    """AUD-1: every fact about to be stored names an operator in office holding a role that may record it. The
    roster's first fact is the exception: it names the first administrator of a ledger that has none."""
    for fact in facts:
        if not isinstance(fact, LedgerEvent):  # the ID-number index: bookkeeping that names no one
            continue
        if isinstance(fact, RosterOpened) and not in_office:
            in_office = {fact.admin: frozenset({"admin"})}
            continue
        check_may_act(in_office, fact.operator, role_needed(fact), type(fact).__name__)


def check_may_act(in_office: dict[str, frozenset[str]], operator: str, roles: tuple[str, ...], event: str) -> None:
    """AUD-1: the operator is in office and holds one of the roles that may record the event (its class name)."""
    if not in_office:
        raise RuleViolation("AUD-1", _("the ledger has no operators yet: run `yibao init --admin NAME` first"))
    if operator not in in_office:
        raise RuleViolation("AUD-1", _("{operator!r} is not an operator of this ledger (an admin adds one with "
                                       "`yibao operator add`)").format(operator=operator))
    if not in_office[operator] & set(roles):
        held = ", ".join(term(role) for role in sorted(in_office[operator]))
        needed = alternatives([term(role) for role in roles])
        raise RuleViolation("AUD-1", _("{operator} ({held}) may not record {event}: it needs the {roles} role").format(
            operator=operator, held=held, event=event_name(event), roles=needed))


def check_removal(in_office: dict[str, frozenset[str]], name: str) -> None:
    if name not in in_office:
        raise RuleViolation("AUD-1", _("{name!r} is not an operator of this ledger").format(name=name))
    admins = [n for n, roles in in_office.items() if "admin" in roles]
    if admins == [name]:
        raise RuleViolation("AUD-1", _("{name} is the last administrator: add another before removing them").format(
            name=name))


def alternatives(items: list[str]) -> str:
    """`a or b or c`, in the reader's language."""
    said = items[0]
    for item in items[1:]:
        said = _("{first} or {second}").format(first=said, second=item)
    return said
