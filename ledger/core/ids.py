"""Stream ids derived from what identifies a person (their citizen ID number).

Without a key they are name-based UUIDs (uuid5), as they have always been. With a cipher key configured
(`YIBAO_CIPHER_KEY`), they are keyed: HMAC-SHA256 under a key derived from the cipher key, so that whoever holds
the encrypted store cannot test whether an ID number (a small space: a birth date, a place, an order code) is in
it by computing its stream id; the read side's tables hold ID numbers likewise keyed (`id_key`). The key is the
process's: a process opens ledgers of one key.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

_key: bytes | None = None


def use_key(cipher_key: bytes | None) -> None:
    """Derive the id key from the cipher key (never the cipher key itself), or go back to unkeyed ids."""
    global _key
    _key = None if cipher_key is None else hmac.new(cipher_key, b"yibao:stream-ids", hashlib.sha256).digest()


def natural_id(name: str) -> UUID:
    if _key is None:
        return uuid5(NAMESPACE_URL, name)
    return UUID(bytes=_keyed(name)[:16], version=5)


def id_key(ledger: Any, id_number: str) -> str:
    """What the read side's tables hold for an ID number, and what a query by ID number looks up there: on an
    encrypted ledger its keyed identifier (HMAC under the id key, as the ID index's stream ids), so that whoever
    holds the database can neither read the numbers in the tables nor test whether one is in the ledger; on an
    unencrypted ledger the number itself, as always."""
    if ledger.mapper.cipher is None:
        return id_number
    if _key is None:
        raise LookupError("an encrypted ledger opened without its id key (open it with ledger.store.opening)")
    return _keyed("yibao:id-number:" + id_number).hex()


def _keyed(name: str) -> bytes:
    return hmac.new(_key, name.encode("utf-8"), hashlib.sha256).digest()
