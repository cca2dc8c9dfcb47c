"""Medical benefit handlers (E ch.6-7, R ch.4-5): designated institutions, direct settlements (one at the counter,
or a day's file), reimbursement claims."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ledger.benefits.account import check_spending, horizon, movements
from ledger.benefits.eligibility import eligibility
from ledger.core.errors import BadInput, LedgerError, RuleViolation
from ledger.core.i18n import _, reworded, term
from ledger.core.jobs import Job
from ledger.medical.events import BenefitSettled, ReimbursementPaid
from ledger.medical.institution import Designation, Institution, SettlementNumber
from ledger.medical.rules import (
    STAYS,
    Reimbursement,
    Settlement,
    check_ceiling,
    check_claim_documents,
    check_exclusions,
    check_fund,
    check_parts,
    check_resident_facility,
    reimbursement,
    service_year,
)
from ledger.registration.rules import require_registered
from ledger.resident.events import FacilitySigned

CHUNK_ROWS = 500


def register_institution(uow, *, code: str, name: str, level: str, kind: str, region: str, on: datetime.date,
                         operator: str, documents: list[str] = ()) -> None:
    """Designated institutions are registered data (E34): settlements name them by code."""
    if uow.exists(Institution.id_for(code)):
        raise RuleViolation("BEN-1", _("institution {code} is already registered").format(code=code))
    uow.add(Institution.register(code=code, name=name, level=level, kind=kind, region=region, on=on,
                                 operator=operator, documents=list(documents)))
    uow.commit()


def designation(uow, code: str) -> Designation:
    institution = uow.get(Institution.id_for(code))
    if institution is None:
        raise RuleViolation("BEN-1", _("{code} is no designated institution: register it with "
                                       "`yibao institution register`").format(code=code))
    return institution.designation


def settle(uow, settlement: Settlement, *, operator: str, documents: list[str] = ()) -> str:
    """BEN-1, BEN-2: record what a designated institution settled; `already recorded` for a known number."""
    outcome = record_settlement(uow, settlement, operator=operator, documents=list(documents))
    uow.commit()
    return outcome


def record_settlement(uow, s: Settlement, *, operator: str, documents: list[str]) -> str:
    if s.settlement_no and uow.exists(SettlementNumber.id_for(s.institution, s.settlement_no)):
        return "already recorded"
    _check_shape(s)
    place = designation(uow, s.institution)
    if (s.kind == "pharmacy") != (place.kind == "pharmacy"):
        raise RuleViolation("BEN-1", _("a {kind} settlement is not made at {institution} (a {institution_kind})")
                            .format(kind=term(s.kind), institution=place.name, institution_kind=term(place.kind)))
    person = uow.person(s.id_number)
    view = uow.view(person)
    require_registered(view, s.on)
    allowed = eligibility(view, s.on)
    check_fund(allowed, s.fund, s.on)
    scheme = allowed.scheme if s.fund > 0 else None
    signs = False
    if scheme is not None:
        check_ceiling(uow.policy, view, scheme, service_year(s.on), s.fund)
        if scheme == "resident":
            signs = check_resident_facility(view, s.kind, place, s.on)
    paid_on = s.discharged or s.on
    if s.account > 0:
        spending = eligibility(view, paid_on)
        check_spending(movements(view, horizon(view, paid_on)), s.account, spending.account, spending.reason, paid_on)
    if signs:  # R22: the first use of a primary facility signs it
        person.record(FacilitySigned, kind="primary", facilities=[f"{place.name} (primary)"], effective_from=s.on,
                      on=s.on, operator=operator, documents=["R22: first use"])
    person.record(BenefitSettled, kind=s.kind, institution=s.institution, institution_name=place.name,
                  level=place.level, on=s.on, discharged=s.discharged, total=s.total, fund=s.fund, account=s.account,
                  own=s.own, settlement_no=s.settlement_no, scheme=scheme, rule=allowed.reason, operator=operator,
                  documents=documents)
    if s.settlement_no:
        uow.add(SettlementNumber.record_once(institution=s.institution, number=s.settlement_no,
                                             person_id=person.id.hex, on=s.on, operator=operator,
                                             documents=documents))
    return "settled"


def _check_shape(s: Settlement) -> None:
    check_parts(s.total, s.fund, s.account, s.own)
    if s.kind in STAYS and s.discharged is None:
        raise BadInput("discharged", _("a {kind} stay is settled once, at discharge (BEN-2): give --discharged")
                       .format(kind=term(s.kind)))
    if s.kind not in STAYS and s.discharged is not None:
        raise BadInput("discharged", _("only a stay has a discharge date, not a {kind} settlement").format(
            kind=term(s.kind)))
    if s.discharged is not None and s.discharged < s.on:
        raise BadInput("discharged", _("{discharged} is before the admission on {on}").format(discharged=s.discharged,
                                                                                              on=s.on))


@dataclass
class ImportSummary:
    rows: int = 0
    settled: int = 0
    already: int = 0


def import_settlements(uow, settlements: list[Settlement], *, digest: str, source: str, on: datetime.date,
                       operator: str, progress: Callable[[int], None] | None = None) -> ImportSummary:
    """A day's settlement file, all or nothing: every row is checked first (as if recorded one after another);
    any refusal refuses the file, naming the rows. Then the rows are recorded in chunks, each committed with the
    file's progress, so an import that stopped resumes after its last chunk and a file imported again records
    nothing (its settlement numbers are known)."""
    summary = ImportSummary(rows=len(settlements))
    _check_all(uow, settlements, source, operator)
    job = uow.get(Job.id_for("settlement-import", digest)) or uow.add(Job.start(
        kind="settlement-import", key=digest, parameters={"source": source, "rows": len(settlements)}, on=on,
        operator=operator, keyed=True))
    summary.already = job.done
    if progress:
        progress(job.done)
    for start in range(job.done, len(settlements), CHUNK_ROWS):
        chunk = settlements[start:start + CHUNK_ROWS]
        outcomes = [record_settlement(uow, s, operator=operator, documents=[source]) for s in chunk]
        summary.settled += outcomes.count("settled")
        summary.already += outcomes.count("already recorded")
        job.progressed(done=start + len(chunk), summary={"settled": summary.settled}, on=on, operator=operator)
        uow.commit()
        uow.trim(5000)
        if progress:
            progress(len(chunk))
    return summary


def _check_all(uow, settlements: list[Settlement], source: str, operator: str) -> None:
    problems = []
    for s in settlements:
        try:
            record_settlement(uow, s, operator=operator, documents=[source])
        except LedgerError as refusal:
            problems.append(_("row {row}: {problem}").format(row=s.row, problem=refusal))
    uow.rollback()
    if problems:
        shown = "; ".join(problems[:20])
        if len(problems) > 20:
            raise BadInput("file", _("{count} rows refused, nothing recorded: {shown}; and {more} more").format(
                count=len(problems), shown=shown, more=len(problems) - 20))
        raise BadInput("file", _("{count} rows refused, nothing recorded: {shown}").format(count=len(problems),
                                                                                            shown=shown))


def claim(uow, *, id_number: str, kind: str, on: datetime.date, institution_name: str, level: str, cost: Decimal,
          in_scope: Decimal, documents: dict[str, str], cause: str = "illness", third_party: bool = False,
          work_injury: bool = False, public_health: bool = False, abroad: bool = False,
          operator: str) -> Reimbursement:
    """BEN-3..BEN-5: a reimbursement claim (零星报销), checked whole, computed from policy, recorded as approved
    by its operator until vouchers exist (AUD-1)."""
    check_claim_documents(kind, documents, cause)
    check_exclusions(work_injury, third_party, public_health, abroad)
    if in_scope > cost:
        raise BadInput("in-scope", _("{in_scope} within the scheme's scope is more than the cost {cost}").format(
            in_scope=in_scope, cost=cost))
    person = uow.person(id_number)
    view = uow.view(person)
    require_registered(view, on)
    allowed = eligibility(view, on)
    if not allowed.pooled:
        raise RuleViolation(allowed.reason.split(":")[0], _(
            "no reimbursement for care on {on}: pooled benefits do not apply ({reason})").format(
            on=on, reason=reworded(allowed.reason)))
    computed = reimbursement(uow.policy, view, allowed.scheme, kind, level, in_scope, on)
    person.record(ReimbursementPaid, kind=kind, institution_name=institution_name, level=level, on=on, cost=cost,
                  in_scope=in_scope, deductible=computed.deductible, ratio=computed.ratio, computed=computed.computed,
                  ceiling_left=computed.ceiling_left, fund=computed.fund, cause=cause, scheme=allowed.scheme,
                  rule=allowed.reason, operator=operator, documents=[f"{k}:{v}" for k, v in documents.items()])
    uow.commit()
    return computed
