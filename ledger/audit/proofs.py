"""What an auditor keeps and checks outside the database: digests of the log and inclusion proofs of events.

A digest names the log at one moment: how many events it held (the Merkle tree's size) and the last one's
notification id, the Merkle root over them, the log chain's head link, and the time. Kept outside the database,
it is what a database owner cannot rewrite: a log re-chained after any change no longer leads to it.

An inclusion proof shows that one event is the `leaf_index`-th leaf of the tree of `tree_size` leaves under a
digest: the event's leaf data (from which anyone holding its stored bytes recomputes the leaf) and the audit path.
`check_inclusion` needs no database; it trusts nothing in the proof that it does not recompute.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from ledger.audit.chain import leaf_data
from ledger.audit.merkle import leaf_hash, root_from_path
from ledger.core.errors import BadInput, RuleViolation
from ledger.core.i18n import _

DIGEST_PREFIX = "yibao-digest:v1"
PROOF_FORMAT = "yibao-proof/1"
_HASH = re.compile(r"[0-9a-f]{64}\Z")
_TOKEN = re.compile(r"yibao-digest:v1:(\d+):(\d+):([0-9a-f]{64}):([0-9a-f]{64}):(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\Z")


@dataclass(frozen=True)
class Digest:
    size: int  # events in the log, the Merkle tree's size
    last_notification_id: int  # the notification id of the last of them (0 for an empty log)
    root: bytes  # the Merkle root over their leaves
    head: bytes  # the log chain's link at the last of them
    at: datetime.datetime  # when the digest was taken (UTC)

    @property
    def token(self) -> str:
        """One line to keep: yibao-digest:v1:<size>:<last notification id>:<root>:<head>:<UTC time>."""
        return (f"{DIGEST_PREFIX}:{self.size}:{self.last_notification_id}:{self.root.hex()}:{self.head.hex()}:"
                f"{self.at.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}")

    def as_json(self) -> dict[str, Any]:
        return {"format": DIGEST_PREFIX, "size": self.size, "last_notification_id": self.last_notification_id,
                "root": self.root.hex(), "head": self.head.hex(),
                "at": self.at.astimezone(datetime.timezone.utc).isoformat(timespec="seconds"), "token": self.token}

    @classmethod
    def parse(cls, text: str, field: str = "against") -> Digest:
        """A digest from its token or its JSON document; anything else is refused naming the option."""
        text = text.strip()
        if text.startswith("{"):
            try:
                text = str(json.loads(text)["token"])
            except (ValueError, KeyError, TypeError):
                raise BadInput(field, _("not a digest: a JSON digest holds its token under \"token\"")) from None
        found = _TOKEN.match(text)
        if not found:
            raise BadInput(field, _("{text!r} is not a digest (yibao-digest:v1:<size>:<last notification id>:"
                                    "<root>:<head>:<time>)").format(text=text[:80]))
        size, last, root, head, at = found.groups()
        moment = datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        return cls(int(size), int(last), bytes.fromhex(root), bytes.fromhex(head), moment)


def proof_document(*, stream_id: str, seq: int, notification_id: int, originator_id: str, topic: str,
                   state_sha256: bytes, leaf_index: int, path: list[bytes], digest: Digest) -> dict[str, Any]:
    return {
        "format": PROOF_FORMAT,
        "event": {"stream_id": stream_id, "seq": seq, "notification_id": notification_id,
                  "originator_id": originator_id, "topic": topic, "state_sha256": state_sha256.hex()},
        "leaf_index": leaf_index,
        "tree_size": digest.size,
        "path": [sibling.hex() for sibling in path],
        "digest": digest.as_json(),
    }


def check_inclusion(proof: dict[str, Any], digest: Digest | str, *, stream_id: str | None = None,
                    seq: int | None = None) -> bool:
    """Whether `proof` shows its event in the log under `digest` (and, when given, that the event is the stream's
    `seq`-th): the leaf recomputed from the proof's event data, the path walked from the proof's index in a tree
    of the digest's size, its end compared with the digest's root. Malformed proofs are not included."""
    try:
        if isinstance(digest, str):
            digest = Digest.parse(digest)
        return _included(proof, digest, stream_id, seq)
    except (BadInput, KeyError, TypeError, ValueError, AttributeError):
        return False


def _included(proof: dict[str, Any], digest: Digest, stream_id: str | None, seq: int | None) -> bool:
    if proof.get("format") != PROOF_FORMAT:
        return False
    event = proof["event"]
    index, size = _integer(proof["leaf_index"]), _integer(proof["tree_size"])
    version, notification_id = _integer(event["seq"]), _integer(event["notification_id"])
    originator, topic = event["originator_id"], event["topic"]
    if not isinstance(originator, str) or not isinstance(topic, str):
        return False
    if size != digest.size or not 0 <= index < size or notification_id > digest.last_notification_id:
        return False
    if _same_stream(event["stream_id"], originator) is False:
        return False
    if stream_id is not None and not _same_stream(stream_id, originator):
        return False
    if seq is not None and seq != version:
        return False
    path = [_hash(sibling) for sibling in proof["path"]]
    leaf = leaf_hash(leaf_data(notification_id, originator, version, topic, _hash(event["state_sha256"])))
    root = root_from_path(index, size, leaf, path)
    return root is not None and root == digest.root


def _same_stream(claimed: Any, originator: str) -> bool:
    """A stream id as the clerk writes it (a UUID in any spelling) names the id the store keeps."""
    if not isinstance(claimed, str):
        return False
    try:
        return uuid.UUID(claimed).hex == originator
    except ValueError:
        return claimed == originator


def _integer(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("expected an integer")
    return value


def _hash(value: Any) -> bytes:
    if not isinstance(value, str) or not _HASH.match(value):
        raise ValueError("expected 64 lowercase hex digits")
    return bytes.fromhex(value)


def require_inclusion(proof: dict[str, Any], digest: Digest) -> None:
    """AUD-2: a proof that does not lead to the kept digest proves nothing; it is refused."""
    if not check_inclusion(proof, digest):
        raise RuleViolation("AUD-2", _("the proof does not show its event in the log under the digest taken {at} "
                                       "(size {size}): the proof is not for this digest, or the log or the proof was "
                                       "altered").format(at=digest.at.isoformat(), size=digest.size))
