"""The one place where a store URL becomes the eventsourcing library's settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ledger.core.errors import BadInput

DEFAULT_URL = "sqlite:///yibao.sqlite3"


@dataclass(frozen=True)
class Store:
    url: str
    dialect: str  # "sqlite", "postgres" or "memory"
    settings: dict[str, str]

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.settings["SQLITE_DBNAME"]) if self.dialect == "sqlite" else None


def store_for(url: str) -> Store:
    """`sqlite:///relative.db`, `sqlite:////absolute.db`, `postgresql://user:pw@host:port/db`, or `memory:`."""
    if url == "memory:":
        return Store(url, "memory", {"PERSISTENCE_MODULE": "eventsourcing.popo"})
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path or parts.netloc:
            raise BadInput("db", f"{url!r}: expected sqlite:///path/to/ledger.sqlite3")
        return Store(url, "sqlite", {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "10",
            # the library's recorders, chaining every event they store (tamper evidence, AUD-2)
            "APPLICATION_RECORDER_TOPIC": "ledger.store.chained_sqlite:ChainedSQLiteApplicationRecorder",
            "PROCESS_RECORDER_TOPIC": "ledger.store.chained_sqlite:ChainedSQLiteProcessRecorder",
        })
    if parts.scheme in ("postgresql", "postgres"):
        dbname = unquote(parts.path.lstrip("/"))
        if not dbname or not parts.hostname:
            raise BadInput("db", f"{url!r}: expected postgresql://user:password@host:port/dbname")
        return Store(url, "postgres", {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": parts.hostname,
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_POOL_SIZE": "2",
            "APPLICATION_RECORDER_TOPIC": "ledger.store.chained_postgres:ChainedPostgresApplicationRecorder",
            "PROCESS_RECORDER_TOPIC": "ledger.store.chained_postgres:ChainedPostgresProcessRecorder",
        })
    raise BadInput("db", f"{url!r}: the store URL must start with sqlite:/// or postgresql://")
