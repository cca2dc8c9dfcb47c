"""The read side's tables in the event database (migrations/NNN_projections.sql): the SQL to load streams with
their notification ids, to replace a stream's rows, and to find whom a batch job concerns.

Handlers ask the unit of work; the unit of work asks here. What the rows hold is computed by `projections/`.
"""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ledger.contributions.months import PersonMonth, advance
from ledger.core.ids import id_key
from ledger.core.money import ZERO
from ledger.core.month import Month
from ledger.core.view import View
from ledger.policy.book import PolicyBook
from ledger.registration import person_state
from ledger.registration.employer import Employer

PAGE = 500
FOLDING_IDLE = "5min"  # a stuck fold still ends; a page of 40-year histories does not


@dataclass
class Current:
    """A person's view as the read side's rows give it, current with the streams: the stream's version, how far
    the date-dependent rows reach, and the last day money was received (earlier dates see fewer receipts)."""

    view: View
    version: int
    horizon: datetime.date
    last_receipt: datetime.date | None
    read: dict[UUID, int] = field(default_factory=dict)
    """The version of each stream the rows' fold read (the person's, the policy book's, employers')."""


@dataclass
class Loaded:
    """A stream's facts as stored, with the highest notification id among them (what a fold of them reflects); on
    an encrypted ledger also each fact as stored, by version (what the views table keeps of it)."""

    events: list[Any]
    position: int
    stored: dict[int, StoredEvent] = field(default_factory=dict)


@dataclass(frozen=True)
class AtRest:
    """How a person's rows hold what the facts say (issue 14): on an encrypted ledger, each fact as the events
    table stores it (its ciphertext, in base64: nothing is encrypted anew, and a rebuild writes the same rows) and
    ID numbers as their keyed identifiers; else each fact's JSON and the numbers, as always."""

    mapper: Any
    id_key: Callable[[str], str]
    stored: dict[int, StoredEvent]

    def notices(self, view: View) -> Callable[[str], str]:
        """How the person's month rows hold a notice: a flexible person's names their ID number, keyed on an
        encrypted ledger."""
        if self.mapper.cipher is None:
            return lambda notice: notice
        keys = {n: self.id_key(n) for n in numbers_of(view)}
        return lambda notice: _replaced(notice, keys)

    def fact(self, event: Any) -> list:
        """[version, topic, state as text] of a fact, as the views table holds it."""
        if self.mapper.cipher is None:
            stored = self.mapper.to_stored_event(event)
            return [stored.originator_version, stored.topic, stored.state.decode("utf-8")]
        stored = self.stored[event.originator_version]
        return [stored.originator_version, stored.topic, base64.b64encode(stored.state).decode("ascii")]


class Tables:
    """One ledger's tables; `suffix` names a generation being built (`_next` for a rebuild, `_check` for a check)."""

    def __init__(self, ledger: Any, suffix: str = ""):
        self.ledger, self.suffix = ledger, suffix
        self.datastore = ledger.recorder.datastore
        self.postgres = type(self.datastore).__name__.startswith("Postgres")
        self.mark = "%s" if self.postgres else "?"
        events = ledger.recorder.events_table_name
        self.events = f'"{self.datastore.schema}"."{events}"' if self.postgres else events
        self.nid = "notification_id" if self.postgres else "rowid"

    def name(self, table: str) -> str:
        return table + self.suffix

    @contextmanager
    def transaction(self, commit: bool = True) -> Iterator[Any]:
        """A transaction for folding: on PostgreSQL the library ends a session idle in a transaction for 5 s, and a
        page of long histories folds between two statements for longer than that."""
        with self.datastore.transaction(commit=commit) as cursor:
            if self.postgres:
                cursor.execute(f"SET LOCAL idle_in_transaction_session_timeout = '{FOLDING_IDLE}'")
            yield cursor

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """A cursor for a query's few reads. On PostgreSQL, statements on the library's autocommit connection:
        under READ COMMITTED each statement sees its own snapshot inside a transaction or out of one, and the rows
        only move forward, so a read after the currency check never sees an older answer; leaving out BEGIN and
        ROLLBACK saves two of a status query's round trips."""
        if not self.postgres:
            with self.datastore.transaction(commit=False) as cursor:
                yield cursor
            return
        with self.datastore.get_connection() as connection:
            yield connection.cursor()

    # -- values in and out ----------------------------------------------------------------------------

    def adapt(self, value: Any) -> Any:
        """What the driver stores: psycopg takes Python values; SQLite gets text for dates, decimals and ids."""
        if self.postgres:
            return value
        if isinstance(value, UUID):
            return value.hex
        if isinstance(value, (datetime.date, Decimal)):
            return value.isoformat() if isinstance(value, datetime.date) else str(value)
        if isinstance(value, bool):
            return int(value)
        return value

    def stream_id(self, value: Any) -> UUID:
        return value if isinstance(value, UUID) else UUID(value)

    def id_key(self, id_number: str) -> str:
        """What the rows hold for an ID number (the keyed identifier on an encrypted ledger): see `ids.id_key`."""
        return id_key(self.ledger, id_number)

    def at_rest(self, loaded: Loaded) -> AtRest:
        return AtRest(self.ledger.mapper, self.id_key, loaded.stored)

    # -- loading streams ------------------------------------------------------------------------------

    def load(self, cursor: Any, stream_ids: Iterable[UUID]) -> dict[UUID, Loaded]:
        """Many streams' facts at once, decoded, each with its highest notification id (one query a page)."""
        ids = list(stream_ids)
        found: dict[UUID, Loaded] = {}
        mapper = self.ledger.mapper
        for start in range(0, len(ids), PAGE):
            page = ids[start:start + PAGE]
            marks = ",".join([self.mark] * len(page))
            cursor.execute(f"SELECT originator_id, originator_version, topic, state, {self.nid} AS nid "
                           f"FROM {self.events} WHERE originator_id IN ({marks}) "
                           "ORDER BY originator_id, originator_version", [self.adapt(i) for i in page])
            for row in cursor.fetchall():
                stream = self.stream_id(row["originator_id"])
                stored = StoredEvent(stream, row["originator_version"], row["topic"], bytes(row["state"]))
                loaded = found.setdefault(stream, Loaded([], 0))
                loaded.events.append(mapper.to_domain_event(stored))
                loaded.position = max(loaded.position, row["nid"])
                if mapper.cipher is not None:
                    loaded.stored[stored.originator_version] = stored
        return found

    def facts_of(self, cursor: Any, stream_id: UUID, topics: list[str]) -> list[Any]:
        """One stream's facts of these topics only, decoded, in version order: the rest are not even decoded."""
        cursor.execute(f"SELECT originator_version, topic, state FROM {self.events} WHERE originator_id = {self.mark} "
                       f"AND topic IN ({','.join([self.mark] * len(topics))}) ORDER BY originator_version",
                       [self.adapt(stream_id), *topics])
        mapper = self.ledger.mapper
        return [mapper.to_domain_event(StoredEvent(stream_id, row["originator_version"], row["topic"],
                                                   bytes(row["state"]))) for row in cursor.fetchall()]

    def positions(self, cursor: Any, stream_ids: Iterable[UUID]) -> dict[UUID, tuple[int, int]]:
        """Each stream's highest notification id and version now."""
        ids = [self.adapt(i) for i in stream_ids]
        found = {}
        for start in range(0, len(ids), PAGE):
            page = ids[start:start + PAGE]
            cursor.execute(f"SELECT originator_id, MAX({self.nid}) AS nid, MAX(originator_version) AS version "
                           f"FROM {self.events} WHERE originator_id IN ({','.join([self.mark] * len(page))}) "
                           "GROUP BY originator_id", page)
            found.update({self.stream_id(row["originator_id"]): (row["nid"], row["version"])
                          for row in cursor.fetchall()})
        return found

    def recorded_by(self, cursor: Any, current: Current, moment: datetime.datetime) -> bool:
        """Whether every stream the rows were folded from had all its facts recorded by `moment`: the view as
        known then is then the view as known now, and the rows answer for it. Each stream's last fact is the
        latest it recorded (a stream's facts are created in version order)."""
        pairs = list(current.read.items())
        cursor.execute(f"SELECT originator_id, originator_version, topic, state FROM {self.events} WHERE "
                       + " OR ".join([f"(originator_id = {self.mark} AND originator_version = {self.mark})"] *
                                     len(pairs)), [v for s, version in pairs for v in (self.adapt(s), version)])
        mapper, last = self.ledger.mapper, cursor.fetchall()
        return len(last) == len(pairs) and all(
            mapper.to_domain_event(StoredEvent(self.stream_id(row["originator_id"]), row["originator_version"],
                                               row["topic"], bytes(row["state"]))).timestamp <= moment
            for row in last)

    def streams_with(self, cursor: Any, topics: list[str], after: int = 0) -> Iterator[UUID]:
        """The streams that have a fact of these topics, in recorded order of that fact (paged)."""
        last = after
        while True:
            marks = ",".join([self.mark] * len(topics))
            cursor.execute(f"SELECT originator_id, {self.nid} AS nid FROM {self.events} WHERE {self.nid} > "
                           f"{self.mark} AND topic IN ({marks}) ORDER BY {self.nid} LIMIT {PAGE * 10}",
                           [last, *topics])
            rows = cursor.fetchall()
            yield from (self.stream_id(row["originator_id"]) for row in rows)
            if len(rows) < PAGE * 10:
                return
            last = rows[-1]["nid"]

    def end(self, cursor: Any) -> int:
        cursor.execute(f"SELECT MAX({self.nid}) AS nid FROM {self.events}")
        row = cursor.fetchone()
        return row["nid"] or 0

    # -- writing rows ---------------------------------------------------------------------------------

    def replace(self, cursor: Any, tables: tuple[str, ...], key: str, keys: Iterable[Any],
                rows: dict[str, list[tuple]], columns: dict[str, tuple[str, ...]]) -> None:
        """Delete every row of these keys in these tables, then insert the rows given."""
        keys = [self.adapt(k) for k in keys]
        for table in tables:
            for start in range(0, len(keys), PAGE):
                page = keys[start:start + PAGE]
                cursor.execute(f"DELETE FROM {self.name(table)} WHERE {key} IN ({','.join([self.mark] * len(page))})",
                               page)
            table_rows = rows.get(table, [])
            if table_rows:
                self.insert(cursor, table, columns[table], table_rows)

    def insert(self, cursor: Any, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if self.postgres:
            with cursor.copy(f"COPY {self.name(table)} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ",".join([self.mark] * len(columns))
        cursor.executemany(f"INSERT INTO {self.name(table)} ({', '.join(columns)}) VALUES ({marks})",
                           [[self.adapt(v) for v in row] for row in rows])

    # -- reading rows ---------------------------------------------------------------------------------

    def current_views(self, cursor: Any, person_ids: Iterable[UUID], policy_for: Any, *, months_later: bool = False
                      ) -> dict[UUID, Current]:
        """The views of those persons whose rows are current (no stream their fold read has moved on since they
        were made), built from the rows: the others are not returned. Their month tables are read at once, in
        bulk, or with `months_later` only if a fold asks (within this cursor's transaction).

        `policy_for(position)` gives the policy as known now, the policy book being at `position`.
        """
        ids = list(person_ids)
        rows = {}
        for start in range(0, len(ids), PAGE):
            page = ids[start:start + PAGE]
            cursor.execute(f"SELECT * FROM {self.name('yibao_views')} WHERE "
                           f"person_id IN ({','.join([self.mark] * len(page))})", [self.adapt(i) for i in page])
            rows.update({self.stream_id(row["person_id"]): row for row in cursor.fetchall()})
        deferrals = {pid: json.loads(row["streams"]) for pid, row in rows.items()}
        streams = {PolicyBook.ID, *rows, *(Employer.id_for(code) for spans in deferrals.values() for code in spans)}
        now = self.positions(cursor, streams)
        policy = policy_for(now.get(PolicyBook.ID, (0, 0))[0])
        current = {}
        for pid, row in rows.items():
            read = [pid, PolicyBook.ID, *(Employer.id_for(code) for code in deferrals[pid])]
            if max(now.get(s, (0, 0))[0] for s in read) != row["position"]:
                continue
            current[pid] = Current(self._light_view(pid, row, deferrals[pid], policy), now[pid][1],
                                   _date(row["horizon"]), _date(row["last_receipt"]),
                                   {s: now[s][1] for s in read if s in now})
        if months_later:
            for pid, found in current.items():
                found.view.preset_later("months", lambda pid=pid, view=found.view: self.shown(
                    self.months_of(cursor, pid), view), advance=advance)
        else:
            months = self.months_of_many(cursor, current)
            for pid, found in current.items():
                found.view.preset("months", self.shown(months.get(pid, {}), found.view), advance=advance)
        return current

    def _light_view(self, person_id: UUID, row: Any, deferrals: dict, policy: Any) -> View:
        mapper = self.ledger.mapper
        facts = [mapper.to_domain_event(StoredEvent(person_id, version, topic, self._state(state)))
                 for version, topic, state in json.loads(bytes(row["facts"]))]
        spans = {code: [(Month.parse(a), Month.parse(b)) for a, b in periods] for code, periods in deferrals.items()}
        return View(facts, policy=policy, deferrals=spans)

    def shown(self, months: dict[Month, PersonMonth], view: View) -> dict[Month, PersonMonth]:
        """A person's month rows as the facts say them: each notice with the person's ID numbers in it restored
        from their keyed identifiers (see `AtRest.notices`)."""
        if self.ledger.mapper.cipher is None:
            return months
        keys = {self.id_key(n): n for n in numbers_of(view)}
        return {month: replace(pm, notice=_replaced(pm.notice, keys)) if any(k in pm.notice for k in keys) else pm
                for month, pm in months.items()}

    def _state(self, text: str) -> bytes:
        """A fact's state as stored, from the views table's text of it (see `AtRest.fact`)."""
        return text.encode() if self.ledger.mapper.cipher is None else base64.b64decode(text)

    # -- one person's answers on a date (the rows the folds wrote) --------------------------------------

    def eligibility_on(self, cursor: Any, person_id: UUID, on: datetime.date) -> dict | None:
        cursor.execute(f"SELECT account, pooled, pooled_from, reason, scheme FROM {self.name('yibao_eligibility')} "
                       f"WHERE person_id = {self.mark} AND valid_from <= {self.mark} AND valid_until > {self.mark}",
                       [self.adapt(person_id), self.adapt(on), self.adapt(on)])
        row = cursor.fetchone()
        return None if row is None else {**dict(row), "pooled_from": _date(row["pooled_from"])}

    def account_on(self, cursor: Any, person_id: UUID, on: datetime.date) -> dict[str, Decimal]:
        """ACC-4: the running totals after the last movement dated by `on` (all zero before the first)."""
        cursor.execute(f"SELECT balance, credited, spent FROM {self.name('yibao_account_movements')} WHERE "
                       f"person_id = {self.mark} AND on_date <= {self.mark} ORDER BY n DESC LIMIT 1",
                       [self.adapt(person_id), self.adapt(on)])
        row = cursor.fetchone()
        return {"balance": ZERO, "credited": ZERO, "spent": ZERO} if row is None else \
            {key: _money(row[key]) for key in ("balance", "credited", "spent")}

    def movements_until(self, cursor: Any, person_id: UUID, until: datetime.date) -> list[tuple]:
        cursor.execute(f"SELECT on_date, kind, amount, detail FROM {self.name('yibao_account_movements')} WHERE "
                       f"person_id = {self.mark} AND on_date <= {self.mark} ORDER BY n",
                       [self.adapt(person_id), self.adapt(until)])
        return [(_date(r["on_date"]), r["kind"], _money(r["amount"]), r["detail"]) for r in cursor.fetchall()]

    def counted_months(self, cursor: Any, person_id: UUID, on: datetime.date) -> tuple[int, int]:
        """MON-2: the months up to `on`'s that counted by `on`, and of those the back-paid ones."""
        day = self.adapt(on)
        cursor.execute(f"SELECT SUM(CASE WHEN counts_from <= {self.mark} THEN 1 ELSE 0 END) AS counted, "
                       f"SUM(CASE WHEN back_paid_from <= {self.mark} THEN 1 ELSE 0 END) AS back_paid "
                       f"FROM {self.name('yibao_person_months')} WHERE person_id = {self.mark} AND month <= {self.mark}",
                       [day, day, self.adapt(person_id), str(Month.of(on))])
        row = cursor.fetchone()
        return int(row["counted"] or 0), int(row["back_paid"] or 0)

    def run_until(self, cursor: Any, person_id: UUID, month: Month, on: datetime.date) -> int:
        """MAT-2: the run of months ending with `month` that counted by `on`: the k-th latest counted month is
        still in the run while it is `month - k` (after a gap it never is again)."""
        index = "CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER)"
        cursor.execute(f"SELECT COUNT(*) AS run FROM (SELECT {index} AS i, ROW_NUMBER() OVER (ORDER BY month DESC) "
                       f"AS k FROM {self.name('yibao_person_months')} WHERE person_id = {self.mark} AND month <= "
                       f"{self.mark} AND maternity_from <= {self.mark}) AS counted WHERE i + k = {self.mark}",
                       [self.adapt(person_id), str(month), self.adapt(on), month.year * 12 + month.number + 1])
        return cursor.fetchone()["run"]

    def months_of_many(self, cursor: Any, person_ids: Iterable[UUID]) -> dict[UUID, dict[Month, PersonMonth]]:
        ids = [self.adapt(i) for i in person_ids]
        found: dict[UUID, dict[Month, PersonMonth]] = {}
        for start in range(0, len(ids), PAGE):
            page = ids[start:start + PAGE]
            cursor.execute(f"SELECT * FROM {self.name('yibao_person_months')} WHERE person_id IN "
                           f"({','.join([self.mark] * len(page))}) ORDER BY person_id, month", page)
            for row in cursor.fetchall():
                found.setdefault(self.stream_id(row["person_id"]), {})[Month.parse(row["month"])] = \
                    person_month(dict(row))
        return found

    def months_of(self, cursor: Any, person_id: UUID) -> dict[Month, PersonMonth]:
        cursor.execute(f"SELECT * FROM {self.name('yibao_person_months')} WHERE person_id = {self.mark} "
                       "ORDER BY month", [self.adapt(person_id)])
        return {Month.parse(row["month"]): person_month(dict(row)) for row in cursor.fetchall()}

    def index(self, cursor: Any, id_numbers: Iterable[str]) -> dict[str, UUID]:
        """Person ids by ID number, from the ID-number index streams, in bulk."""
        from ledger.registration.person import IdNumberIndex

        by_stream = {IdNumberIndex.id_for(n): n for n in id_numbers}
        return {by_stream[stream]: loaded.events[0].person_id for stream, loaded in self.load(cursor, by_stream).items()}

    def employer_months(self, cursor: Any, code: str) -> list[PersonMonth]:
        """Every person-month assessed for the employer (REG-4, CON-8, MAT-5), as known now."""
        cursor.execute(f"SELECT * FROM {self.name('yibao_person_months')} WHERE employer = {self.mark}", [code])
        return [person_month(dict(row)) for row in cursor.fetchall()]

    def persons_of_employers(self, cursor: Any, codes: Iterable[str]) -> set[UUID]:
        codes = list(codes)
        if not codes:
            return set()
        cursor.execute(f"SELECT DISTINCT person_id FROM {self.name('yibao_person_months')} WHERE employer IN "
                       f"({','.join([self.mark] * len(codes))})", codes)
        return {self.stream_id(row["person_id"]) for row in cursor.fetchall()}

    def employers_staffed(self, cursor: Any, month: Month) -> list[str]:
        """CON-9: the employers with anyone on their staff in the month."""
        cursor.execute(f"SELECT DISTINCT code FROM {self.name('yibao_staff')} WHERE from_month <= {self.mark} AND "
                       f"(until_month IS NULL OR until_month > {self.mark}) ORDER BY code", [str(month), str(month)])
        return [row["code"] for row in cursor.fetchall()]

    def registered_as(self, cursor: Any, scheme: str, on: datetime.date | None) -> list[UUID]:
        """Who is registered in the scheme on the date (ever, with no date), from the registrations table, in the
        order they were first recorded."""
        when = "" if on is None else \
            f" AND valid_from <= {self.mark} AND (valid_until IS NULL OR valid_until > {self.mark})"
        cursor.execute(f"SELECT r.person_id FROM (SELECT DISTINCT person_id FROM "
                       f"{self.name('yibao_registrations')} WHERE scheme = {self.mark} AND registered = {self.mark}"
                       f"{when}) AS r JOIN {self.events} AS e ON e.originator_id = r.person_id AND "
                       f"e.originator_version = 1 ORDER BY e.{self.nid}",
                       [scheme, self.adapt(True), *([] if on is None else [self.adapt(on)] * 2)])
        return [self.stream_id(row["person_id"]) for row in cursor.fetchall()]

    def vouchers(self, cursor: Any, stages: Iterable[str], subject: str | None = None) -> list[dict[str, Any]]:
        """AUD-1: vouchers at these stages (about one subject), oldest first; each subject as its proposal says
        (the table holds it keyed on an encrypted ledger)."""
        stages = list(stages)
        about = "" if subject is None else f" AND subject = {self.mark}"
        cursor.execute(f"SELECT stream_id, voucher, operation, subject, stage, handler, reviewer, approver, "
                       f"proposed_at, summary FROM {self.name('yibao_vouchers')} WHERE stage IN "
                       f"({','.join([self.mark] * len(stages))}){about} ORDER BY proposed_at",
                       [*stages, *([] if subject is None else [self.id_key(subject)])])
        rows = [dict(row) for row in cursor.fetchall()]
        streams = [self.stream_id(row.pop("stream_id")) for row in rows]
        if self.ledger.mapper.cipher is not None:
            proposals = self.load(cursor, streams)
            for row, stream in zip(rows, streams):
                row["subject"] = proposals[stream].events[0].subject
        return rows

    def months_where(self, cursor: Any, condition: str, params: list[Any]) -> set[UUID]:
        """The persons with a month row meeting a condition (written with this dialect's marks)."""
        cursor.execute(f"SELECT DISTINCT person_id FROM {self.name('yibao_person_months')} WHERE {condition}",
                       [self.adapt(p) for p in params])
        return {self.stream_id(row["person_id"]) for row in cursor.fetchall()}


def person_month(row: dict) -> PersonMonth:
    """A month row read back as the fold made it (either store's types)."""
    return PersonMonth(
        month=Month.parse(row["month"]), scheme=row["scheme"], employer=row["employer"], base=_money(row["base"]),
        employer_part=_money(row["employer_part"]), personal_part=_money(row["personal_part"]),
        total=_money(row["total"]), basis=row["basis"], reference_year=row["reference_year"], notice=row["notice"],
        due_on=_date(row["due_on"]), received=_money(row["received"]), true_up=_money(row["true_up"]),
        true_up_due_on=_date(row["true_up_due_on"]), cancelled=bool(row["cancelled"]),
        last_received_on=_date(row["last_received_on"]),
        receipts=tuple((datetime.date.fromisoformat(d), Decimal(a), i) for d, a, i in json.loads(row["receipts"])))


def numbers_of(view: View) -> set[str]:
    """Every ID number the person's registration facts have given them."""
    return {state.id_number for _, _, state in person_state.periods(view) if state.id_number}


def _replaced(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


def _money(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)
