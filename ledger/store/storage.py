"""The one place where a store URL becomes the eventsourcing library's settings."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ledger.core.errors import BadInput, StorageFailure
from ledger.core.i18n import _

DEFAULT_URL = "sqlite:///yibao.sqlite3"


@dataclass(frozen=True)
class Store:
    url: str
    dialect: str  # "sqlite", "postgres" or "memory"
    settings: dict[str, str]

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.settings["SQLITE_DBNAME"]) if self.dialect == "sqlite" else None


CIPHER_SETTING = "YIBAO_CIPHER_KEY"


def cipher_key(environ: dict[str, str]) -> bytes | None:
    """The at-rest key from the environment (`yibao keygen` makes one): base64 of 16, 24 or 32 bytes."""
    text = environ.get(CIPHER_SETTING)
    if text is None:
        return None
    try:
        key = base64.b64decode(text.strip().encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        key = b""
    if len(key) not in (16, 24, 32):
        raise StorageFailure(_("{setting} is not a key: it must be base64 of 16, 24 or 32 bytes, as `yibao keygen` "
                               "prints; nothing was read or written").format(setting=CIPHER_SETTING))
    return key


def cipher_settings(key: bytes | None) -> dict[str, str]:
    """The library's AES-GCM cipher (eventsourcing.cryptography, on the `cryptography` package)."""
    if key is None:
        return {}
    return {"CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher", "CIPHER_KEY": base64.b64encode(key).decode()}


def shown_url(url: str) -> str:
    """The URL as it may be printed or logged: never its password."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.netloc.rpartition("@")[2]
        return parts._replace(netloc=f"{user}:***@{host}").geturl()
    except ValueError:
        return "the --db URL (not shown: it could not be read)"


def store_for(url: str) -> Store:
    """`sqlite:///relative.db`, `sqlite:////absolute.db`, `postgresql://user:pw@host:port/db`, or `memory:`."""
    if url == "memory:":
        return Store(url, "memory", {"PERSISTENCE_MODULE": "eventsourcing.popo"})
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path or parts.netloc:
            raise BadInput("db", _("{url!r}: expected sqlite:///path/to/ledger.sqlite3").format(url=url))
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
            raise BadInput("db", _("{url!r}: expected postgresql://user:password@host:port/dbname").format(
                url=shown_url(url)))
        try:
            port = str(parts.port or 5432)
        except ValueError:
            raise BadInput("db", _("{url!r}: the port is not a number from 1 to 65535").format(
                url=shown_url(url))) from None
        return Store(url, "postgres", {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": parts.hostname,
            "POSTGRES_PORT": port,
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_POOL_SIZE": "2",
            "APPLICATION_RECORDER_TOPIC": "ledger.store.chained_postgres:ChainedPostgresApplicationRecorder",
            "PROCESS_RECORDER_TOPIC": "ledger.store.chained_postgres:ChainedPostgresProcessRecorder",
        })
    raise BadInput("db", _("{url!r}: the store URL must start with sqlite:/// or postgresql://").format(
        url=shown_url(url)))
