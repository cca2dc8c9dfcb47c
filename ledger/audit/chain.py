"""The hash chain that makes the stored log tamper-evident (AUD-2: nothing erased, every trace followed).

Every stored event becomes a leaf: a SHA-256 over the bytes the store holds for it (its notification id, stream id
as stored, version, topic, and a hash of its state bytes exactly as stored), the same leaf as the Merkle tree's
(ledger/audit/merkle.py). Leaves are linked twice: along the
whole log in notification order and along each stream, each link a hash of the link before it and the leaf, so
that changing, removing, adding or moving any event changes every link after it.

The state enters the leaf through its own hash so that an inclusion proof can name an event without carrying the
person's data: whoever holds the stored bytes can recompute `state_sha256` and the leaf.

Pure functions only: no store, no clock.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from dataclasses import dataclass

from ledger.core.i18n import _, term

GENESIS = bytes(32)  # the link before the first event of the log, and before the first event of each stream
LEAF_FORMAT = b"yibao-event/1\x00"

_HEADER = struct.Struct(">qI")
_LEAF_PREFIX = b"\x00" + LEAF_FORMAT  # RFC 6962's leaf-hash prefix, then the leaf data's own
_sha256 = hashlib.sha256
_pack = _HEADER.pack


def state_hash(state: bytes) -> bytes:
    return _sha256(state).digest()


def leaf_data(notification_id: int, originator_id: str, version: int, topic: str, state_sha256: bytes) -> bytes:
    """The bytes a leaf hashes; each variable field is length-prefixed so no two events encode alike."""
    stream, kind = originator_id.encode("utf-8"), topic.encode("utf-8")
    return b"".join((LEAF_FORMAT, _pack(notification_id, len(stream)), stream, _pack(version, len(kind)), kind,
                     state_sha256))


def event_leaf(notification_id: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The leaf of one stored event, from its stored bytes: the Merkle tree's leaf hash of its leaf data,
    leaf_hash(leaf_data(...)) (RFC 6962: H(0x00 || data)), which both chains link too, so that one hash serves
    all three. Written out in one expression: every write and every verification computes it for each event."""
    stream, kind = originator_id.encode("utf-8"), topic.encode("utf-8")
    return _sha256(b"".join((_LEAF_PREFIX, _pack(notification_id, len(stream)), stream, _pack(version, len(kind)),
                             kind, _sha256(state).digest()))).digest()


def link(previous: bytes, leaf: bytes) -> bytes:
    return _sha256(previous + leaf).digest()


def stored_originator(originator_id: object) -> str:
    """The stream id as the store keeps it: the library writes a UUID as its 32 hex digits (SQLite's text column;
    PostgreSQL's uuid column holds the same 16 bytes), any other id as its text."""
    return originator_id.hex if isinstance(originator_id, uuid.UUID) else str(originator_id)


@dataclass(frozen=True)
class Break:
    """The first place where the stored log and its chain disagree: what an auditor is told (AUD-2)."""

    notification_id: int
    stream_id: str | None
    version: int | None
    kind: str  # "edited", "deleted", "inserted", "reordered" or "rewritten"
    detail: str
    """In English, as the JSON document keeps it (DESIGN.md)."""
    shown: str = ""
    """The detail in the reader's language, when it was said in one."""

    def __str__(self) -> str:
        if self.stream_id is not None:
            return _("the log is broken at notification {notification_id} (stream {stream}, version {version}): "
                     "{kind}: {detail}").format(notification_id=self.notification_id, stream=self.stream_id,
                                                version=self.version, kind=term(self.kind),
                                                detail=self.shown or self.detail)
        return _("the log is broken at notification {notification_id}: {kind}: {detail}").format(
            notification_id=self.notification_id, kind=term(self.kind), detail=self.shown or self.detail)

    def as_json(self) -> dict:
        return {"notification_id": self.notification_id, "stream_id": self.stream_id, "version": self.version,
                "kind": self.kind, "detail": self.detail}
