"""Apply `migrations/<dialect>/NNN_name.sql` in order, each once, recording it in yibao_schema_version."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ledger.core.errors import NotInitialised
from ledger.core.i18n import _
from ledger.store.storage import Store

VERSION_TABLE = "yibao_schema_version"
STATEMENT_MARKER = "-- statement"
REBUILD_MARKER = "-- yibao: rebuild the read side"
"""A migration adding a read-side table says so: a ledger upgraded to it has rows only for what is recorded
afterwards, so `yibao init` rebuilds its read side."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def rebuilds(self) -> bool:
        return any(line.strip() == REBUILD_MARKER for line in self.sql.splitlines())

    def statements(self) -> list[str]:
        # Our migrations keep semicolons out of literals, so a plain split of what is not comment is exact; a
        # migration whose trigger or function bodies hold semicolons separates its statements by marker lines.
        lines = self.sql.splitlines()
        if any(line.strip() == STATEMENT_MARKER for line in lines):
            chunks, current = [], []
            for line in lines:
                if line.strip() == STATEMENT_MARKER:
                    chunks.append(current)
                    current = []
                elif not line.lstrip().startswith("--"):
                    current.append(line)
            chunks.append(current)
            return [s for s in ("\n".join(chunk).strip() for chunk in chunks) if s]
        code = "\n".join(line for line in lines if not line.lstrip().startswith("--"))
        return [s.strip() for s in code.split(";") if s.strip()]


def migrations(dialect: str) -> list[Migration]:
    folder = resources.files("migrations").joinpath(dialect)
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, name = entry.name.removesuffix(".sql").partition("_")
            found.append(Migration(int(number), name, entry.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def current_version(datastore: Any, dialect: str) -> int:
    exists_sql = {
        "sqlite": f"SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '{VERSION_TABLE}'",
        "postgres": f"SELECT count(*) AS n FROM pg_tables WHERE tablename = '{VERSION_TABLE}' "
                    "AND schemaname = current_schema()",
    }[dialect]
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(exists_sql)
        if _first(cursor.fetchone()) == 0:
            return 0
        cursor.execute(f"SELECT coalesce(max(version), 0) AS v FROM {VERSION_TABLE}")
        return int(_first(cursor.fetchone()))


def upgrade(datastore: Any, store: Store) -> list[Migration]:
    """Apply what is missing, each migration in its own transaction; returns what was applied."""
    if store.dialect == "memory":
        return []
    applied = []
    marker = "?" if store.dialect == "sqlite" else "%s"
    for migration in migrations(store.dialect):
        if migration.version <= current_version(datastore, store.dialect):
            continue
        with datastore.transaction(commit=True) as cursor:
            for statement in migration.statements():
                cursor.execute(statement)
            cursor.execute(
                f"INSERT INTO {VERSION_TABLE} (version, name, applied_at) VALUES ({marker}, {marker}, {marker})",
                (migration.version, migration.name, datetime.datetime.now(datetime.timezone.utc).isoformat()),
            )
        applied.append(migration)
    return applied


def require_current(datastore: Any, store: Store) -> None:
    if store.dialect == "memory":
        return
    latest = migrations(store.dialect)[-1].version
    version = current_version(datastore, store.dialect)
    if version == 0:
        raise NotInitialised(_("{store} holds no ledger yet: run `yibao init` first").format(store=store.url))
    if version < latest:
        raise NotInitialised(_("{store} is at schema version {version}, this yibao needs {latest}: run `yibao init` "
                               "to upgrade").format(store=store.url, version=version, latest=latest))


def _first(row: Any) -> Any:
    return row[next(iter(row.keys()))] if hasattr(row, "keys") else row[0]
