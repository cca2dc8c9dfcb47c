"""The platform's code tables, loaded from `tables/*.json`: effective-dated, each code with its flags.

A table file names its sources, the date it applies from (`from`), whether the table as a whole is provisional,
and its codes. A code may carry its own `from` and `until` (half-open: in force on `from`, no longer on `until`),
`provisional` (not confirmed by a source at hand), `local` (a Ningxia or ledger extension, not national) and a
`note`; whatever else it carries (`ages`, `kind`, `with`) is the mapping's data. A later edition is written as
later dates, never by editing history, so an export for an old date gives the codes in force then.

The administrative divisions (`admdvs`) are not typed: a table file may name a `derived` database of python-stdnum
(GB/T 2260's codes with the years each was in force) and a prefix, and its codes are read from there.
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ledger.core.i18n import _
from ledger.core.policy import PolicyGap

FLAGS = ("provisional", "local")
KNOWN_KEYS = frozenset({"code", "name", "from", "until", "provisional", "local", "note"})


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    effective_from: datetime.date
    until: datetime.date | None = None
    provisional: bool = False
    local: bool = False
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    """The mapping's data about the code (`ages`, `kind`, `with`)."""

    def in_force(self, on: datetime.date) -> bool:
        return self.effective_from <= on and (self.until is None or on < self.until)

    def listing(self) -> dict[str, Any]:
        found = {"code": self.code, "name": self.name, "from": self.effective_from.isoformat(),
                 "until": self.until.isoformat() if self.until else None,
                 "provisional": self.provisional, "local": self.local}
        if self.note:
            found["note"] = self.note
        return {**found, **self.extra}


@dataclass(frozen=True)
class CodeTable:
    table: str
    title: str
    length: int
    effective_from: datetime.date
    provisional: bool
    about: str
    sources: dict[str, str]
    codes: tuple[Code, ...]

    def on(self, day: datetime.date) -> list[Code]:
        """The codes in force on `day`, in the table's order."""
        return [c for c in self.codes if c.in_force(day)]

    def get(self, code: str, day: datetime.date) -> Code | None:
        return next((c for c in reversed(self.codes) if c.code == code and c.in_force(day)), None)

    def require(self, code: str, day: datetime.date) -> Code:
        """The code in force on `day`; a code the mapping gives that the table has not (or no longer) is a gap in
        the standards' data, said as a policy gap is (`P`): the table needs a later dated entry."""
        found = self.get(code, day)
        if found is None:
            raise PolicyGap("P", _("code {code} of table {table} ({title}) is not in force on {day}: add it to "
                                   "ledger/standards/tables/{table}.json with its source and its dates").format(
                code=code, table=self.table, title=self.title, day=day))
        return found

    def name_of(self, code: str, day: datetime.date) -> str | None:
        found = self.get(code, day)
        return found.name if found else None


class CodeBook:
    """Every table by name."""

    def __init__(self, tables: list[CodeTable]):
        self.tables = {t.table: t for t in tables}

    def __getitem__(self, name: str) -> CodeTable:
        return self.tables[name]

    def names(self) -> list[str]:
        return sorted(self.tables)

    def with_table(self, table: CodeTable) -> CodeBook:
        """This book with one table replaced (a later edition, or a test's)."""
        return CodeBook([*(t for t in self.tables.values() if t.table != table.table), table])


@functools.cache
def code_book() -> CodeBook:
    """The tables shipped in ledger/standards/tables, read once."""
    folder = resources.files("ledger.standards").joinpath("tables")
    found = [table_from(json.loads(entry.read_text("utf-8")))
             for entry in sorted(folder.iterdir(), key=lambda e: e.name) if entry.name.endswith(".json")]
    return CodeBook(found)


def table_from(data: dict[str, Any]) -> CodeTable:
    """One table file's content as a table; its derived codes read from their database."""
    start = datetime.date.fromisoformat(data["from"])
    codes = [_code(entry, start) for entry in data.get("codes", [])]
    derived = data.get("derived")
    if derived:
        known = {c.code for c in codes}
        codes = [*(c for c in _derived(derived["database"], derived["prefix"], start) if c.code not in known), *codes]
    return CodeTable(table=data["table"], title=data["title"], length=int(data["length"]), effective_from=start,
                     provisional=bool(data.get("provisional")), about=data.get("about", ""),
                     sources=dict(data.get("sources", {})), codes=tuple(codes))


def _code(entry: dict[str, Any], start: datetime.date) -> Code:
    until = entry.get("until")
    return Code(code=str(entry["code"]), name=entry["name"],
                effective_from=datetime.date.fromisoformat(entry["from"]) if entry.get("from") else start,
                until=datetime.date.fromisoformat(until) if until else None,
                provisional=bool(entry.get("provisional")), local=bool(entry.get("local")), note=entry.get("note"),
                extra={k: v for k, v in entry.items() if k not in KNOWN_KEYS})


def _derived(database: str, prefix: str, start: datetime.date) -> list[Code]:
    """GB/T 2260 codes under `prefix` from stdnum's database, each in force over the years it names
    (`[1983-2002]城区`: from 1983-01-01 until 2003-01-01), never before the table's own start."""
    from stdnum import numdb

    codes = []
    for _length, low, _high, _props, children in numdb.get(database).prefixes:
        if low != prefix:
            continue
        for _child_length, rest, _child_high, props, _grandchildren in children:
            name = props.get("county", "")
            first = last = None
            if name.startswith("["):
                years, _, name = name[1:].partition("]")
                first, _, last = years.partition("-")
            begins = max(start, datetime.date(int(first), 1, 1)) if first else start
            ends = datetime.date(int(last) + 1, 1, 1) if last else None
            if ends is not None and ends <= begins:
                continue  # gone before the table applies
            codes.append(Code(code=prefix + rest, name=name, effective_from=begins, until=ends))
    return codes
