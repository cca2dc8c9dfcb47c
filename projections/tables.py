"""The read side's tables, as rows: what the folds of one stream's view give (the same folds that answer live
queries: one implementation of each rule). A person's rows are replaced whole whenever any stream their fold
reads has moved on; an employer's staff rows likewise."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ledger.audit.vouchers import state_of
from ledger.benefits import account
from ledger.benefits.eligibility import periods as eligibility_periods
from ledger.contributions.events import (
    AssessmentCancelled,
    ContributionAssessed,
    ContributionReassessed,
    ContributionReceived,
    StaffHired,
    StaffLeft,
)
from ledger.contributions.months import table
from ledger.core.events import EventReversed
from ledger.core.money import ZERO
from ledger.core.month import Month
from ledger.core.view import View
from ledger.maternity.events import BenefitPaid as MaternityBenefitPaid
from ledger.maternity.rules import counted_from, merged_month, runs
from ledger.medical.events import BenefitSettled, ReimbursementPaid
from ledger.medical.rules import service_year
from ledger.refunds.events import RefundPaid, ResidentRefunded
from ledger.registration import person_state
from ledger.resident.events import ResidentContributionPaid

MONTH_FACTS = (ContributionAssessed, ContributionReassessed, ContributionReceived, AssessmentCancelled)
PERSON_TABLES = ("yibao_views", "yibao_person_months", "yibao_account_movements", "yibao_eligibility",
                 "yibao_maternity_months", "yibao_benefit_payments", "yibao_registrations", "yibao_fund_entries")
EMPLOYER_TABLES = ("yibao_staff",)
VOUCHER_TABLES = ("yibao_vouchers",)
COLUMNS = {
    "yibao_views": ("person_id", "id_number", "position", "streams", "horizon", "last_receipt", "facts"),
    "yibao_person_months": (
        "person_id", "month", "scheme", "employer", "base", "employer_part", "personal_part", "total", "received",
        "true_up", "true_up_due_on", "cancelled", "basis", "reference_year", "notice", "due_on", "last_received_on",
        "receipts", "state", "credited", "counts_from", "back_paid_from",
        "maternity_from", "position"),
    "yibao_account_movements": ("person_id", "n", "on_date", "kind", "amount", "detail", "balance", "credited",
                                "spent", "position"),
    "yibao_eligibility": ("person_id", "valid_from", "valid_until", "account", "pooled", "pooled_from", "reason",
                          "scheme", "position"),
    "yibao_maternity_months": ("person_id", "month", "continuous", "position"),
    "yibao_benefit_payments": ("person_id", "seq", "payment", "kind", "service_on", "year", "institution", "fund",
                               "account", "own", "scheme", "standing", "position"),
    "yibao_registrations": ("person_id", "valid_from", "valid_until", "id_number", "registered", "scheme",
                            "position"),
    "yibao_fund_entries": ("person_id", "seq", "entry", "kind", "on_date", "year", "amount", "personal_part",
                           "fiscal_subsidy", "assistance_subsidy", "standing", "position"),
    "yibao_staff": ("code", "person_id", "id_number", "from_month", "until_month", "position"),
    "yibao_vouchers": ("voucher", "stream_id", "operation", "subject", "stage", "handler", "reviewer", "approver",
                       "proposed_at", "summary", "position"),
}
FUND_ENTRIES = {ResidentContributionPaid: "resident-contribution", MaternityBenefitPaid: "maternity",
                RefundPaid: "refund", ResidentRefunded: "resident-refund"}
PRIMARY_KEYS = {
    "yibao_views": ("person_id",), "yibao_person_months": ("person_id", "month"),
    "yibao_account_movements": ("person_id", "n"), "yibao_eligibility": ("person_id", "valid_from"),
    "yibao_maternity_months": ("person_id", "month"), "yibao_benefit_payments": ("person_id", "seq"),
    "yibao_registrations": ("person_id", "valid_from"), "yibao_fund_entries": ("person_id", "seq"),
    "yibao_staff": ("code", "person_id", "from_month"),
    "yibao_vouchers": ("voucher",),
}


@dataclass
class Rows:
    """Rows by table, each row a tuple in COLUMNS order (position last, filled in by `positioned`)."""

    by_table: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, name: str, rows: list[tuple]) -> None:
        self.by_table.setdefault(name, []).extend(rows)



def person_rows(view: View, person_id: Any, position: int, at_rest: Any) -> Rows:
    """Every table's rows for one person, from one view as known now; `at_rest` (ledger.store.tables.AtRest)
    says how they hold the facts and ID numbers."""
    until = horizon(view)
    rows = Rows()
    rows.add("yibao_views", [_view_row(view, person_id, position, at_rest, until)])
    rows.add("yibao_person_months", _month_rows(view, person_id, position, until, at_rest))
    rows.add("yibao_account_movements", _movement_rows(view, person_id, until, position))
    rows.add("yibao_eligibility", [
        (person_id, p.valid_from, p.valid_until, p.eligibility.account, p.eligibility.pooled,
         p.eligibility.pooled_from, p.eligibility.reason, p.eligibility.scheme, position)
        for p in eligibility_periods(view, until)])
    rows.add("yibao_maternity_months", [(person_id, str(m), count, position)
                                        for m, count in runs(view, until).items()])
    rows.add("yibao_benefit_payments", _payment_rows(view, person_id, position))
    rows.add("yibao_registrations", [
        (person_id, start, end, at_rest.id_key(state.id_number), state.registered,
         state.scheme if state.registered else None, position) for start, end, state in person_state.periods(view)])
    rows.add("yibao_fund_entries", _fund_entry_rows(view, person_id, position))
    return rows


def horizon(view: View) -> datetime.date:
    """How far a person's date-dependent rows reach: the first day of the second month after the last date any
    fact touches (its receipts and due dates included). Later dates are answered by the fold."""
    last = account.horizon(view, datetime.date.min)
    for person_month in table(view).values():
        last = max(last, person_month.due_on, person_month.true_up_due_on or last)
    return (Month.of(last) + 2).first_day


def light_facts(view: View) -> list[Any]:
    """The facts a query needs besides the month table: every fact but the month facts, with the reversals of
    those facts (a month fact's reversal is in the month table already)."""
    by_seq = {e.originator_version: e for e in view.events}
    return [e for e in view.events if not isinstance(e, MONTH_FACTS)
            and not (isinstance(e, EventReversed) and isinstance(by_seq.get(e.seq), MONTH_FACTS))]


def _view_row(view: View, person_id: Any, position: int, at_rest: Any, until: datetime.date) -> tuple:
    blob = json.dumps([at_rest.fact(e) for e in light_facts(view)]).encode()
    state = person_state.state_on(view, datetime.date.max)
    deferrals = {code: [[str(start), str(until)] for start, until in spans] for code, spans in view.deferrals.items()}
    receipts = [pm.last_received_on for pm in table(view).values() if pm.last_received_on]
    return (person_id, at_rest.id_key(state.id_number) if state.id_number else "", position, json.dumps(deferrals),
            until, max(receipts, default=None), blob)


def _month_rows(view: View, person_id: Any, position: int, until: datetime.date, at_rest: Any) -> list[tuple]:
    rows, merged, notice = [], merged_month(view.policy, until), at_rest.notices(view)
    for month, pm in table(view).items():
        rows.append((
            person_id, str(month), pm.scheme, pm.employer, pm.base, pm.employer_part, pm.personal_part, pm.total,
            pm.received, pm.true_up, pm.true_up_due_on, pm.cancelled, pm.basis, pm.reference_year,
            notice(pm.notice),
            pm.due_on, pm.last_received_on, json.dumps([[d.isoformat(), str(a), i] for d, a, i in pm.receipts]),
            pm.state_with(view.deferrals), account.credit(view.policy, pm, view.deferrals), *pm.counts_from,
            counted_from(pm, view.deferrals, merged), position))
    return rows


def _movement_rows(view: View, person_id: Any, until: datetime.date, position: int) -> list[tuple]:
    rows, moves = [], account.movements(view, until - datetime.timedelta(days=1))
    for n, (move, totals) in enumerate(zip(moves, account.running(moves)), start=1):
        rows.append((person_id, n, move.on, move.kind, move.amount, move.detail, totals["balance"],
                     totals["credited"], totals["spent"], position))
    return rows


def _payment_rows(view: View, person_id: Any, position: int) -> list[tuple]:
    rows = []
    for event in view.events:
        if isinstance(event, (BenefitSettled, ReimbursementPaid)):
            settled = isinstance(event, BenefitSettled)
            rows.append((
                person_id, event.originator_version, "settlement" if settled else "reimbursement", event.kind,
                event.on, service_year(event.on), event.institution if settled else None, event.fund,
                event.account if settled else ZERO, event.own if settled else event.cost - event.fund,
                event.scheme, event.originator_version not in view.reversed_by, position))
    return rows


def _fund_entry_rows(view: View, person_id: Any, position: int) -> list[tuple]:
    """E68, R50: the money besides the months and the benefit payments, by the date it was paid: resident
    contributions with their subsidies (RES-3), maternity payments (MAT-3..MAT-5), refunds (REF-1..REF-3)."""
    rows = []
    for event in view.events:
        entry = _fund_entry(event)
        if entry is not None:
            kind, year, amount, parts = entry
            rows.append((person_id, event.originator_version, FUND_ENTRIES[type(event)], kind, event.on, year, amount,
                         *parts, event.originator_version not in view.reversed_by, position))
    return rows


def _fund_entry(event: Any) -> tuple[str, int, Any, tuple] | None:
    """(kind, year, amount, (personal part, fiscal subsidy, medical-assistance subsidy)) of a fund entry."""
    if isinstance(event, ResidentContributionPaid):
        kind = "back-pay" if event.back_paid else "newborn" if event.newborn else \
            "in-window" if event.in_window else "late"
        return kind, event.year, event.total, (event.personal_part, event.fiscal_subsidy, event.assistance_subsidy)
    if isinstance(event, MaternityBenefitPaid):
        return event.kind, event.on.year, event.amount, (ZERO, ZERO, ZERO)
    if isinstance(event, (RefundPaid, ResidentRefunded)):
        return event.reason, event.year, event.amount, (ZERO, ZERO, ZERO)
    return None


def staff_rows(view: View, code: str, position: int, id_key: Callable[[str], str]) -> list[tuple]:
    """CON-9: each stay on the staff, [from, until), from the employer's standing staff changes (each ID number
    as `id_key` gives it)."""
    open_stays: dict[Any, tuple[str, str]] = {}
    rows = []
    for event in view.of(StaffHired, StaffLeft):
        if isinstance(event, StaffHired) and event.person_id not in open_stays:
            open_stays[event.person_id] = (id_key(event.id_number), str(event.month))
        elif isinstance(event, StaffLeft) and event.person_id in open_stays:
            id_number, start = open_stays.pop(event.person_id)
            rows.append((code, event.person_id, id_number, start, str(event.month), position))
    rows += [(code, person_id, id_number, start, None, position) for person_id, (id_number, start) in
             open_stays.items()]
    return rows


def voucher_row(facts: list[Any], stream_id: Any, position: int, id_key: Callable[[str], str]) -> tuple:
    """AUD-1: where a voucher stands, from its stream (its subject, an ID number or a credit code, as `id_key`
    gives it)."""
    listing = state_of(facts).listing()
    listing["subject"] = id_key(listing["subject"])
    return (listing["voucher"], stream_id, *(listing[c] for c in COLUMNS["yibao_vouchers"][2:-1]), position)
