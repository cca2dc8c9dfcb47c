"""Statistical reports (统计报表, E68, E69, R50, R51): insured persons, contributions, resident financing, the
personal accounts, benefits, maternity payments and refunds of a month or a year, summed over the read side's
tables as known now (never by replaying streams), in one consistent read.

E68 and R50 ask for the statistics of enrolment (参保情况), collection (基金征缴), fiscal subsidy (财政补贴) and
benefits (医保待遇); E69 and R51 for the structure of the insured and the trends of income and spending: the
annual report sets each headline figure beside the year before's.

Every figure is a count of rows or a sum of one column over rows (money summed in fen, exactly, on both stores),
so each can be checked against the rows it sums (tests/test_reports.py does).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledger.core.money import FEN
from ledger.core.month import Month
from ledger.store.tables import Tables

SCHEMES = ("employee", "flexible", "retired", "resident")
COUNTED_STATES = ("paid", "trued-up", "back-paid")
"""MON-1: the states of a month whose money was received (the month counts, MON-2)."""
INTERRUPTED = "WAIT-4%"
"""E24: the eligibility of a flexible person whose payment is interrupted."""
SECTIONS = ("insured", "contributions", "resident_contributions", "account", "benefits", "maternity", "refunds")


@dataclass(frozen=True)
class Period:
    """[start, until): a calendar month or year; stocks are counted on its last day."""

    name: str
    start: datetime.date
    until: datetime.date

    @property
    def last(self) -> datetime.date:
        return self.until - datetime.timedelta(days=1)

    @property
    def months(self) -> tuple[str, str]:
        return str(Month.of(self.start)), str(Month.of(self.last))

    @classmethod
    def month(cls, month: Month) -> Period:
        return cls(str(month), month.first_day, (month + 1).first_day)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(str(year), datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))


def monthly(tables: Tables, cursor: Any, month: Month, today: datetime.date) -> dict[str, Any]:
    """The month's report: stocks on its last day, flows within it, the months assessed for it."""
    return {"report": "monthly", "month": str(month), **_sections(Sums(tables, cursor, today), Period.month(month))}


def annual(tables: Tables, cursor: Any, year: int, today: datetime.date) -> dict[str, Any]:
    """The year's report, its contributions month by month, and its headline figures beside the year before's."""
    sums = Sums(tables, cursor, today)
    this, before = _sections(sums, Period.year(year)), _sections(sums, Period.year(year - 1))
    by_month = [{"month": str(Month(year, n)), **sums.contribution_figures(Period.month(Month(year, n)))}
                for n in range(1, 13)]
    return {"report": "annual", "year": year, **this, "contributions_by_month": by_month,
            "year_on_year": year_on_year(this, before)}


def _sections(sums: Sums, period: Period) -> dict[str, Any]:
    return {"from": period.start.isoformat(), "until": period.until.isoformat(),
            **{name: with_total(getattr(sums, name)(period)) for name in SECTIONS}}


# -- the headline figures of a year and the year before (E69, R51: trends) -----------------------------------

HEADLINES = (
    # figure, section, column: the section's total row's column
    ("insured_registered", "insured", "registered"),
    ("insured_new", "insured", "new"),
    ("insured_lost", "insured", "lost"),
    ("contributions_assessed", "contributions", "assessed"),
    ("contributions_received", "contributions", "received"),
    ("contributions_arrears", "contributions", "arrears"),
    ("resident_contributions", "resident_contributions", "total"),
    ("resident_fiscal_subsidy", "resident_contributions", "fiscal_subsidy"),
    ("account_credited", "account", "credited"),
    ("account_spent", "account", "spent"),
    ("benefits_fund", "benefits", "fund"),
    ("benefits_total", "benefits", "total"),
    ("maternity_paid", "maternity", "amount"),
    ("refunds_paid", "refunds", "amount"),
)


MONEY_HEADLINES = frozenset(column for figure, section, column in HEADLINES if section != "insured")


def year_on_year(this: dict[str, Any], before: dict[str, Any]) -> list[dict[str, Any]]:
    """Each headline figure this year, the year before, the change and the change in per cent (None from 0)."""
    rows = []
    for figure, section, column in HEADLINES:
        now, then = _total(this[section], column), _total(before[section], column)
        money = isinstance(now, str)
        a, b = (Decimal(now), Decimal(then)) if money else (now, then)
        change = a - b
        percent = None if b == 0 else str((Decimal(change) * 100 / Decimal(b)).quantize(Decimal("0.1")))
        rows.append({"figure": figure, "this_year": now, "last_year": then,
                     "change": f"{change:.2f}" if money else change, "change_percent": percent})
    return rows


def _total(rows: list[dict[str, Any]], column: str) -> Any:
    """The section's total row's figure; a section with no rows has none: zero."""
    return rows[-1][column] if rows else ("0.00" if column in MONEY_HEADLINES else 0)


def with_total(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows and a last row `total` summing every figure (the label columns say `total`, or are empty)."""
    if not rows:
        return rows
    total: dict[str, Any] = {}
    for key, value in rows[0].items():
        if isinstance(value, int) and not isinstance(value, bool):
            total[key] = sum(row[key] for row in rows)
        elif _is_money(value):
            total[key] = f"{sum((Decimal(row[key]) for row in rows), Decimal(0)):.2f}"
        else:
            total[key] = "total" if key == next(iter(rows[0])) else ""
    return [*rows, total]


def _is_money(value: Any) -> bool:
    return isinstance(value, str) and value.replace("-", "", 1).replace(".", "", 1).isdigit() and "." in value


# -- the sums, read from the tables ---------------------------------------------------------------------------

class Sums:
    """The report's queries over one cursor (one snapshot); money summed in fen as integers on both stores.

    The values in the SQL are the report's own (dates, months, flags, kinds), never text typed by a user: they are
    written as literals of the store's dialect, which keeps each query readable."""

    def __init__(self, tables: Tables, cursor: Any, today: datetime.date):
        self.tables, self.cursor, self.today = tables, cursor, today
        self.yes, self.no = ("TRUE", "FALSE") if tables.postgres else ("1", "0")

    def fen(self, column: str) -> str:
        """A money column in fen, an integer: exact for SQLite's decimal text (at most 2 places) and for numeric."""
        if self.tables.postgres:
            return f"CAST(ROUND({column} * 100) AS BIGINT)"
        return f"CAST(ROUND(CAST({column} AS REAL) * 100) AS INTEGER)"

    def rows(self, sql: str) -> list[dict[str, Any]]:
        self.cursor.execute(sql)
        return [dict(row) for row in self.cursor.fetchall()]

    def t(self, table: str) -> str:
        return self.tables.name(table)

    # -- 参保情况: insured persons by scheme and status ------------------------------------------------------

    def insured(self, period: Period) -> list[dict[str, Any]]:
        """On the period's last day: registered and cancelled (by the scheme left); within it: new and lost
        (registration periods starting or ending in a scheme); paid (a month of the period received, or a resident
        the year's contribution); interrupted (E24's flexible interruption; a resident who paid the year before,
        not this year: R10)."""
        figures = {"registered": self._registered(period.last), "new": self._changes(period, "new"),
                   "lost": self._changes(period, "lost"), "paid": self._paid(period),
                   "interrupted": self._interrupted(period), "cancelled": self._cancelled(period.last)}
        return [{"scheme": scheme, **{name: counts.get(scheme, 0) for name, counts in figures.items()}}
                for scheme in SCHEMES]

    def _registered(self, day: datetime.date) -> dict[str, int]:
        return _counts(self.rows(f"SELECT scheme, COUNT(*) AS n FROM {self.t('yibao_registrations')} WHERE "
                                 f"registered = {self.yes} AND {_covers('', day)} GROUP BY scheme"))

    def _changes(self, period: Period, which: str) -> dict[str, int]:
        """Registration periods in a scheme starting (`new`) or ending (`lost`) within the period, where the
        period next to it was not registered or in another scheme (an ID-number change is no movement)."""
        here, there = ("valid_from", "valid_until") if which == "new" else ("valid_until", "valid_from")
        return _counts(self.rows(
            f"SELECT r.scheme, COUNT(*) AS n FROM {self.t('yibao_registrations')} AS r "
            f"LEFT JOIN {self.t('yibao_registrations')} AS o ON o.person_id = r.person_id AND o.{there} = r.{here} "
            f"WHERE r.registered = {self.yes} AND r.{here} >= {_day(period.start)} AND r.{here} <= "
            f"{_day(period.last)} AND (o.person_id IS NULL OR o.registered = {self.no} OR o.scheme <> r.scheme) "
            "GROUP BY r.scheme"))

    def _cancelled(self, day: datetime.date) -> dict[str, int]:
        """Registrations cancelled (REG-5) on the day, by the scheme the person was in before."""
        return _counts(self.rows(
            f"SELECT p.scheme, COUNT(*) AS n FROM {self.t('yibao_registrations')} AS r "
            f"JOIN {self.t('yibao_registrations')} AS p ON p.person_id = r.person_id AND p.valid_until = r.valid_from "
            f"WHERE r.registered = {self.no} AND {_covers('r.', day)} AND p.registered = {self.yes} "
            "GROUP BY p.scheme"))

    def _paid(self, period: Period) -> dict[str, int]:
        first, last = period.months
        states = ", ".join(f"'{state}'" for state in COUNTED_STATES)
        counts = _counts(self.rows(
            f"SELECT scheme, COUNT(DISTINCT person_id) AS n FROM {self.t('yibao_person_months')} WHERE month >= "
            f"'{first}' AND month <= '{last}' AND state IN ({states}) GROUP BY scheme"))
        counts["resident"] = self._count(f"SELECT COUNT(*) AS n FROM ({self._residents_paid(period.last.year)}) AS p")
        return counts

    def _count(self, sql: str) -> int:
        return int(self.rows(sql)[0]["n"])

    def _residents_paid(self, year: int) -> str:
        """RES-4: the persons whose contribution for the year stands, not refunded afterwards (REF-3)."""
        entries = self.t("yibao_fund_entries")
        return (f"SELECT DISTINCT c.person_id FROM {entries} AS c WHERE c.entry = 'resident-contribution' AND "
                f"c.standing = {self.yes} AND c.year = {int(year)} AND NOT EXISTS (SELECT 1 FROM {entries} AS r "
                f"WHERE r.person_id = c.person_id AND r.entry = 'resident-refund' AND r.standing = {self.yes} AND "
                "r.year = c.year AND r.seq > c.seq)")

    def _interrupted(self, period: Period) -> dict[str, int]:
        """Registered on the last day and interrupted then (E24; the person's last eligibility period known reaches
        on until a later fact); residents registered then who paid the year before and not this year (R10)."""
        day, eligibility = period.last, self.t("yibao_eligibility")
        counts = _counts(self.rows(
            f"SELECT g.scheme, COUNT(*) AS n FROM {self.t('yibao_registrations')} AS g JOIN {eligibility} AS e ON "
            f"e.person_id = g.person_id AND e.valid_from <= {_day(day)} AND (e.valid_until > {_day(day)} OR "
            f"e.valid_until = (SELECT MAX(x.valid_until) FROM {eligibility} AS x WHERE x.person_id = e.person_id)) "
            f"WHERE g.registered = {self.yes} AND {_covers('g.', day)} AND g.scheme <> 'resident' AND e.reason "
            f"LIKE '{INTERRUPTED}' GROUP BY g.scheme"))
        counts["resident"] = self._count(
            f"SELECT COUNT(*) AS n FROM {self.t('yibao_registrations')} AS g WHERE g.registered = {self.yes} AND "
            f"g.scheme = 'resident' AND {_covers('g.', day)} AND g.person_id IN "
            f"({self._residents_paid(day.year - 1)}) AND g.person_id NOT IN ({self._residents_paid(day.year)})")
        return counts

    # -- 基金征缴: contributions assessed and received ----------------------------------------------------------

    def contributions(self, period: Period) -> list[dict[str, Any]]:
        """The person-months of the period's months by scheme (CON-6, MON-1)."""
        return self._contribution_rows(period, "scheme")

    def contribution_figures(self, period: Period) -> dict[str, Any]:
        return self._contribution_rows(period, None)[0]

    def _contribution_rows(self, period: Period, by: str | None) -> list[dict[str, Any]]:
        """Assessed (not cancelled: the employer and personal parts, of which true-ups, CON-3), received (every
        receipt known), outstanding (assessed, not received), deferred (CON-8), arrears (what was due before today
        and not received, not deferred, as `employer arrears` counts it) and cancelled (CON-5)."""
        f, today, live = self.fen, _day(self.today), f"cancelled = {self.no}"
        due = (f"(CASE WHEN due_on < {today} THEN {f('total')} - {f('true_up')} ELSE 0 END + CASE WHEN "
               f"true_up_due_on IS NOT NULL AND true_up_due_on < {today} THEN {f('true_up')} ELSE 0 END)")
        unpaid = f"{f('total')} > {f('received')}"
        first, last = period.months
        found = self.rows(
            f"SELECT {by + ', ' if by else ''}SUM(CASE WHEN {live} THEN 1 ELSE 0 END) AS person_months, "
            f"SUM(CASE WHEN {live} THEN {f('employer_part')} ELSE 0 END) AS employer_part, "
            f"SUM(CASE WHEN {live} THEN {f('personal_part')} ELSE 0 END) AS personal_part, "
            f"SUM(CASE WHEN {live} THEN {f('total')} ELSE 0 END) AS assessed, "
            f"SUM(CASE WHEN {live} THEN {f('true_up')} ELSE 0 END) AS true_up, "
            f"SUM({f('received')}) AS received, "
            f"SUM(CASE WHEN {live} AND {unpaid} THEN {f('total')} - {f('received')} ELSE 0 END) AS outstanding, "
            f"SUM(CASE WHEN {live} AND state = 'deferred' AND {unpaid} THEN {f('total')} - {f('received')} ELSE 0 "
            "END) AS deferred, "
            f"SUM(CASE WHEN {live} AND state <> 'deferred' AND {due} > {f('received')} THEN {due} - {f('received')} "
            "ELSE 0 END) AS arrears, "
            f"SUM(CASE WHEN {live} THEN 0 ELSE 1 END) AS cancelled_months, "
            f"SUM(CASE WHEN {live} THEN 0 ELSE {f('total')} END) AS cancelled "
            f"FROM {self.t('yibao_person_months')} WHERE month >= '{first}' AND month <= '{last}'"
            + (f" GROUP BY {by} ORDER BY {by}" if by else ""))
        return [_money_of(row, ("employer_part", "personal_part", "assessed", "true_up", "received", "outstanding",
                                "deferred", "arrears", "cancelled")) for row in found]

    def resident_contributions(self, period: Period) -> list[dict[str, Any]]:
        """RES-3, R17 (财政补贴): the resident contributions paid within the period, by how they were paid: the
        total financing, the personal part, the fiscal and the medical-assistance subsidy."""
        f = self.fen
        return [_money_of(row, ("total", "personal_part", "fiscal_subsidy", "assistance_subsidy")) for row in self.rows(
            f"SELECT kind, COUNT(*) AS payments, SUM({f('amount')}) AS total, SUM({f('personal_part')}) AS "
            f"personal_part, SUM({f('fiscal_subsidy')}) AS fiscal_subsidy, SUM({f('assistance_subsidy')}) AS "
            f"assistance_subsidy FROM {self.t('yibao_fund_entries')} WHERE entry = 'resident-contribution' AND "
            f"standing = {self.yes} AND {_within('on_date', period)} GROUP BY kind ORDER BY kind")]

    # -- 个人账户, 医保待遇, 生育保险, 退费 ---------------------------------------------------------------------------

    def account(self, period: Period) -> list[dict[str, Any]]:
        """ACC-1..ACC-4: the personal accounts' movements within the period by kind: credits and transfers in are
        `credited`, spending and settlements' account parts `spent`, a transfer out `transferred_out`."""
        rows = []
        for row in self.rows(f"SELECT kind, COUNT(*) AS movements, SUM({self.fen('amount')}) AS amount FROM "
                             f"{self.t('yibao_account_movements')} WHERE {_within('on_date', period)} GROUP BY kind "
                             "ORDER BY kind"):
            amount, out = int(row.pop("amount") or 0), row["kind"] == "transfer-out"
            rows.append(_money_of({**row, "credited": max(amount, 0), "spent": 0 if out else max(-amount, 0),
                                   "transferred_out": max(-amount, 0) if out else 0},
                                  ("credited", "spent", "transferred_out")))
        return rows

    def benefits(self, period: Period) -> list[dict[str, Any]]:
        """BEN-1..BEN-7: the standing settlements and reimbursements for services within the period (a stay by
        its admission, BEN-2), by scheme and kind: the total cost, the fund's, the account's and the own part."""
        f = self.fen
        return [_money_of({**row, "scheme": row["scheme"] or ""}, ("total", "fund", "account", "own"))
                for row in self.rows(
            f"SELECT scheme, kind, COUNT(*) AS payments, SUM({f('fund')} + {f('account')} + {f('own')}) AS total, "
            f"SUM({f('fund')}) AS fund, SUM({f('account')}) AS account, SUM({f('own')}) AS own FROM "
            f"{self.t('yibao_benefit_payments')} WHERE standing = {self.yes} AND {_within('service_on', period)} "
            "GROUP BY scheme, kind ORDER BY scheme, kind")]

    def maternity(self, period: Period) -> list[dict[str, Any]]:
        """MAT-3..MAT-5: the standing maternity payments within the period by kind."""
        return [_money_of(row, ("amount",)) for row in self.rows(
            f"SELECT kind, COUNT(*) AS payments, SUM({self.fen('amount')}) AS amount FROM "
            f"{self.t('yibao_fund_entries')} WHERE entry = 'maternity' AND standing = {self.yes} AND "
            f"{_within('on_date', period)} GROUP BY kind ORDER BY kind")]

    def refunds(self, period: Period) -> list[dict[str, Any]]:
        """REF-1..REF-3: the standing refunds within the period: the flexible pooled part (`refund`) and a
        resident's year (`resident-refund`), by reason."""
        return [_money_of(row, ("amount",)) for row in self.rows(
            f"SELECT entry, kind AS reason, COUNT(*) AS refunds, SUM({self.fen('amount')}) AS amount FROM "
            f"{self.t('yibao_fund_entries')} WHERE entry IN ('refund', 'resident-refund') AND standing = "
            f"{self.yes} AND {_within('on_date', period)} GROUP BY entry, kind ORDER BY entry, kind")]


def _day(day: datetime.date) -> str:
    return f"'{day.isoformat()}'"


def _covers(alias: str, day: datetime.date) -> str:
    return f"{alias}valid_from <= {_day(day)} AND ({alias}valid_until IS NULL OR {alias}valid_until > {_day(day)})"


def _within(column: str, period: Period) -> str:
    return f"{column} >= {_day(period.start)} AND {column} <= {_day(period.last)}"


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {row[next(iter(row))]: int(row["n"]) for row in rows}


def _money_of(row: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    """Fen as the contract's decimal strings with two places; counts as ints (no rows: zero)."""
    return {key: f"{(Decimal(int(value or 0)) * FEN):.2f}" if key in columns else
            int(value or 0) if value is None or isinstance(value, (int, Decimal)) else value
            for key, value in row.items()}


def snapshot(ledger: Any, tables: Any, build: Callable, now: datetime.datetime) -> dict[str, Any]:
    """A report built in one read-only snapshot of the tables (repeatable read on PostgreSQL, so every section
    counts the same rows), with the log position those rows reflect."""
    from projections.build import TRACKING

    with tables.datastore.transaction(commit=False) as cursor:
        if tables.postgres:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        document = build(tables, cursor, now.date())
        position = ledger.factory.tracking_recorder()._max_tracking_id(TRACKING, cursor) or 0
    head = {key: document.pop(key) for key in list(document) if not isinstance(document[key], list)}
    return {**head, "generated_at": now.isoformat(timespec="seconds"), "position": position, **document}
