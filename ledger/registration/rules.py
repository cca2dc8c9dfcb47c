"""Registration rules (REG-1..REG-6, and TRF-1's insured area): pure functions of policy, view and date."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ledger.core.errors import BadInput, RuleViolation
from ledger.core.i18n import _, term
from ledger.core.policy import Policy
from ledger.core.view import View
from ledger.registration.employer_state import EmployerState, employer_state
from ledger.registration.person_state import (
    IDENTITY_FIELDS,
    PersonState,
    registrations,
    state_on,
)

SCHEMES = ("employee", "flexible", "resident")
UNIT_TYPES = ("enterprise", "institution", "government", "social-organisation", "individual-business", "other")
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
NINGXIA = "64"


def registration_is_late(policy: Policy, founded: datetime.date | None, registered_on: datetime.date) -> bool:
    """REG-1: an employer registers within the due days of its founding; later is accepted but flagged."""
    if founded is None:
        return False
    due_days = policy.integer("employer_registration_due_days", founded)
    return registered_on > founded + datetime.timedelta(days=due_days)


def require_registered(person: View, on: datetime.date) -> PersonState:
    """The person's state on `on`, refused naming the rule when their registration does not stand then."""
    state = state_on(person, on)
    if state.transferred_out:
        raise RuleViolation("TRF-1", _("{id_number} was transferred out to {region} on {on}").format(
            id_number=state.id_number, region=state.transferred_to, on=state.cancelled_on))
    if state.cancelled_reason:
        raise RuleViolation("REG-5", _("{id_number} was cancelled ({reason}) on {on}").format(
            id_number=state.id_number, reason=term(state.cancelled_reason), on=state.cancelled_on))
    if not state.registered:
        raise RuleViolation("REG-2", _("{id_number} is not registered on {on}").format(id_number=state.id_number,
                                                                                       on=on))
    return state


def require_employer_registered(employer: View, on: datetime.date) -> EmployerState:
    state = employer_state(employer, on)
    if state.cancelled_on is not None and not state.registered:
        raise RuleViolation("REG-4", _("employer {code} was cancelled on {on}").format(code=state.code,
                                                                                        on=state.cancelled_on))
    if not state.registered:
        raise RuleViolation("REG-1", _("employer {code} is not registered on {on}").format(code=state.code, on=on))
    return state



def check_identity(id_number: str, sex: str, birth: datetime.date, on: datetime.date) -> None:
    """REG-2: the sex and the birth date registered are those the citizen ID number encodes (GB 11643), and the
    insured date is not before the birth: the maternity rules (MAT-3) and the retirement ages (RET-1) read them,
    so a disagreement is refused wherever the registration comes from, not only at the CLI's edge."""
    from ledger.intake.validation import birth_date_of, sex_of

    if sex != sex_of(id_number):
        raise BadInput("sex", _("{sex} does not agree with the ID number's order code").format(sex=sex))
    if birth != birth_date_of(id_number):
        raise BadInput("birth", _("{birth} does not agree with the ID number (which says {birth_date})").format(
            birth=birth, birth_date=birth_date_of(id_number)))
    if on < birth:
        raise BadInput("on", _("{on} is before the person was born ({birth}): no one is insured before birth").format(
            on=on, birth=birth))


def check_employer_for_scheme(scheme: str, code: str | None) -> None:
    """REG-2, REG-6: an employee registers through an employer; nobody else has one."""
    if scheme == "employee" and code is None:
        raise BadInput("employer", _("an employee-scheme registration names its employer (--employer USCC)"))
    if scheme != "employee" and code is not None:
        raise BadInput("employer", _("a {scheme} registration has no employer").format(scheme=term(scheme)))


def check_reregistration(person: View, on: datetime.date) -> None:
    """REG-2, MON-3: only a person whose registration was cancelled before `on` registers again (on the same
    stream); a registration dated before a standing one would rewrite history."""
    state = state_on(person, on)
    if state.registered:
        raise RuleViolation("REG-2", _("{id_number} is already registered ({scheme}) on {on}").format(
            id_number=state.id_number, scheme=term(state.scheme), on=on))
    standing = registrations(person)
    if standing and state.cancelled_on is None:
        raise RuleViolation("REG-2", _(
            "{id_number} is registered from {registered}: only a registration cancelled before {on} registers "
            "again; a wrong registration date is fixed with `yibao correct`").format(
            id_number=state.id_number, registered=standing[0], on=on))


def check_change(state: Any, changes: dict[str, Any], documents: list[str], identity: frozenset[str]) -> None:
    """REG-3: key identity changes need a supporting document; a change to the same value is refused."""
    named = sorted(set(changes) & identity)
    if named and not documents:
        raise RuleViolation("REG-3", _("changing {fields} needs a supporting --document").format(
            fields=", ".join(term(f) for f in named)))
    unchanged = [f for f, value in changes.items() if getattr(state, f) == value]
    if unchanged:
        raise RuleViolation("REG-3", _("{fields} already has that value").format(
            fields=", ".join(term(f) for f in unchanged)))


def check_person_change(state: PersonState, changes: dict[str, Any], documents: list[str],
                        birth_of: Any) -> None:
    """REG-3 for a person; the birth date must agree with the ID number (GB 11643); TRF-1 for the area."""
    new_number, new_birth = changes.get("id_number", state.id_number), changes.get("birth", state.birth)
    if birth_of(new_number) != new_birth:
        raise BadInput("birth", _("{birth} does not agree with the ID number {id_number}").format(
            birth=new_birth, id_number=new_number))
    if "area" in changes and not changes["area"].startswith(NINGXIA):
        raise RuleViolation("TRF-1", _("{area} is outside Ningxia: leaving is a transfer out "
                                       "(`yibao person transfer-out`)").format(area=changes["area"]))
    check_change(state, changes, documents, IDENTITY_FIELDS)


def check_cancellation_documents(reason: str, documents: list[str]) -> None:
    """REG-5: a cancellation carries the document its reason needs, as KIND:REF."""
    kinds = CANCELLATION_DOCUMENTS[reason]
    if kinds and not any(d.partition(":")[0] in kinds for d in documents):
        needed = alternatives([f"--document {kind}:REF ({DOCUMENT_NAMES[kind]})" for kind in kinds])
        raise RuleViolation("REG-5", _("a cancellation for {reason} needs {documents}").format(
            reason=term(reason), documents=needed))


def alternatives(items: list[str]) -> str:
    """`a or b or c`, in the reader's language."""
    said = items[0]
    for item in items[1:]:
        said = _("{first} or {second}").format(first=said, second=item)
    return said


def check_employer_cancellable(owed: Decimal) -> None:
    """REG-4: an employer is cancelled only when it owes nothing."""
    if owed > 0:
        raise RuleViolation("REG-4", _("employer owes {owed}; settle arrears and late fees first").format(owed=owed))


def check_scheme_switch(state: PersonState, scheme: str) -> None:
    if state.scheme == scheme:
        raise RuleViolation("REG-3", _("{id_number} is already in the {scheme} scheme").format(
            id_number=state.id_number, scheme=term(scheme)))
    if state.scheme == "retired":
        raise RuleViolation("RET-1", _("a retired person stays retired"))
