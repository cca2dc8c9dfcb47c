"""AUD-2 without a database: the Merkle tree against its definition (RFC 6962), and the inclusion-proof checker
attacked the way forged proofs attack a verifier that checks only the ends (a wrong sibling, a swapped side, a
wrong index or size, a path cut short or padded, another event's proof, an altered digest)."""

from __future__ import annotations

import copy
import datetime
import hashlib
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.audit.chain import event_leaf, leaf_data, state_hash
from ledger.audit.merkle import (
    BLOCK,
    EMPTY_ROOT,
    Frontier,
    audit_path,
    leaf_hash,
    node_hash,
    root_from_path,
    root_of,
    subtree_root,
)
from ledger.audit.proofs import (
    Digest,
    check_inclusion,
    proof_document,
    require_inclusion,
)
from ledger.core.errors import BadInput, RuleViolation

AT = datetime.datetime(2024, 6, 30, 16, 0, tzinfo=datetime.timezone.utc)


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 2.1, word for word: MTH({}) = SHA-256(), MTH({d0}) = SHA-256(0x00 || d0), MTH(D[n]) =
    SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of two < n. Leaves here are leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


class Log:
    """A log of made-up events, as the chain would leaf them: its leaves, a digest, and honest proofs."""

    def __init__(self, size: int):
        self.events = [(n + 1, uuid.UUID(int=n % 7 + 1).hex, n // 7 + 1, "ledger.test:Fact", b"state %d" % n)
                       for n in range(size)]
        self.leaves = [event_leaf(*event) for event in self.events]
        self.digest = Digest(size, size, mth(self.leaves), b"\x11" * 32, AT)

    def proof(self, index: int, digest: Digest | None = None) -> dict:
        digest = digest or self.digest
        notification_id, originator, version, topic, state = self.events[index]
        path = audit_path(index, digest.size, lambda a, b: mth(self.leaves[a:b]))
        return proof_document(stream_id=str(uuid.UUID(originator)), seq=version, notification_id=notification_id,
                              originator_id=originator, topic=topic, state_sha256=state_hash(state),
                              leaf_index=index, path=path, digest=digest)


def test_aud_2_the_tree_is_rfc_6962s():
    leaves = [leaf_hash(b"%d" % i) for i in range(300)]
    assert root_of([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    for size in (1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 300):
        assert root_of(leaves[:size]) == mth(leaves[:size])


def test_aud_2_a_frontier_gives_every_root_and_every_subtree_it_completes_and_rebuilds_from_them():
    leaves = [leaf_hash(b"%d" % i) for i in range(1100)]
    frontier, completed = Frontier(), {}
    for size, leaf in enumerate(leaves, start=1):
        for level, index, node in frontier.append(leaf):
            completed[level, index] = node
        assert frontier.root() == mth(leaves[:size])
        again = Frontier.from_parts(size, completed, frontier.tail())  # as the chain's head keeps it
        assert again.hashes == frontier.hashes and len(frontier.tail()) <= 8 * 32
    assert completed == {(level, index): mth(leaves[index << level:(index + 1) << level])
                         for level in range(1, 11) for index in range(1100 >> level)}


def test_aud_2_a_root_from_stored_subtrees_and_blocks_of_leaves_is_the_roots():
    leaves = [leaf_hash(b"%d" % i) for i in range(5 * BLOCK + 77)]
    stored = {}
    frontier = Frontier()
    for leaf in leaves:
        stored.update({(level, index): node for level, index, node in frontier.append(leaf)})
    read = []

    def from_leaves(a, b):
        assert b - a <= BLOCK and a // BLOCK == (b - 1) // BLOCK, "a range within one block"
        read.append(b - a)
        return leaves[a:b]

    def node(level, index):
        assert level >= 8
        return stored[level, index]

    for size in (1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK, len(leaves)):
        read.clear()
        assert subtree_root(0, size, node, from_leaves) == mth(leaves[:size])
        assert sum(read) < BLOCK
        for index in (0, size // 2, size - 1):
            read.clear()
            path = audit_path(index, size, lambda a, b: subtree_root(a, b, node, from_leaves))
            assert root_from_path(index, size, leaves[index], path) == mth(leaves[:size])
            assert sum(read) < 3 * BLOCK


@pytest.fixture(scope="module")
def log():
    return Log(37)


def test_aud_2_an_honest_proof_verifies(log):
    for index in (0, 1, 17, 35, 36):
        proof = log.proof(index)
        assert check_inclusion(proof, log.digest)
        assert check_inclusion(proof, log.digest.token)
        assert check_inclusion(proof, log.digest, stream_id=proof["event"]["stream_id"], seq=proof["event"]["seq"])
        require_inclusion(proof, log.digest)
        assert len(proof["path"]) <= 6  # ceil(log2(37))


def forged(proof: dict, change) -> dict:
    copied = copy.deepcopy(proof)
    change(copied)
    return copied


def flip(hex_hash: str, bit: int = 0) -> str:
    value = bytearray(bytes.fromhex(hex_hash))
    value[bit // 8] ^= 1 << (bit % 8)
    return value.hex()


FORGERIES = {
    "a wrong sibling": lambda p: p["path"].__setitem__(1, flip(p["path"][1])),
    "two siblings swapped": lambda p: p["path"].__setitem__(slice(0, 2), p["path"][1::-1]),
    "the leaf's side swapped (the index's neighbour)": lambda p: p.__setitem__("leaf_index", p["leaf_index"] ^ 1),
    "a wrong leaf index": lambda p: p.__setitem__("leaf_index", p["leaf_index"] + 2),
    "a negative leaf index": lambda p: p.__setitem__("leaf_index", -1),
    "an index beyond the size": lambda p: p.__setitem__("leaf_index", p["tree_size"]),
    "a wrong tree size": lambda p: p.__setitem__("tree_size", p["tree_size"] - 1),
    "a larger tree size": lambda p: p.__setitem__("tree_size", p["tree_size"] + 1),
    "a path cut short": lambda p: p["path"].pop(),
    "a path padded": lambda p: p["path"].append(p["path"][-1]),
    "a path padded in front": lambda p: p["path"].insert(0, "00" * 32),
    "another state": lambda p: p["event"].__setitem__("state_sha256", flip(p["event"]["state_sha256"])),
    "another version": lambda p: p["event"].__setitem__("seq", p["event"]["seq"] + 1),
    "another notification id": lambda p: p["event"].__setitem__("notification_id", p["event"]["notification_id"] + 1),
    "another topic": lambda p: p["event"].__setitem__("topic", "ledger.test:Other"),
    "another stream": lambda p: p["event"].__setitem__("originator_id", uuid.UUID(int=99).hex),
    "a stream id that is not the hashed one": lambda p: p["event"].__setitem__("stream_id", str(uuid.UUID(int=99))),
    "a boolean for an index": lambda p: p.__setitem__("leaf_index", True),
    "a hash in capitals": lambda p: p["path"].__setitem__(0, p["path"][0].upper()),
    "a short hash": lambda p: p["path"].__setitem__(0, p["path"][0][:-2]),
    "no path": lambda p: p.pop("path"),
    "another format": lambda p: p.__setitem__("format", "yibao-proof/0"),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_aud_2_a_forged_proof_is_refused(log, forgery):
    honest = log.proof(10)  # leaf 10 of 37: siblings on both sides, and a right edge
    assert check_inclusion(honest, log.digest)
    proof = forged(honest, FORGERIES[forgery])
    assert not check_inclusion(proof, log.digest)
    with pytest.raises(RuleViolation, match="AUD-2"):
        require_inclusion(proof, log.digest)


def test_aud_2_a_proof_for_another_event_is_refused(log):
    """An honest proof of event 10, presented for event 11 (its leaf data swapped in) or asked about event 11."""
    ten, eleven = log.proof(10), log.proof(11)
    assert not check_inclusion(forged(ten, lambda p: p.__setitem__("event", eleven["event"])), log.digest)
    assert not check_inclusion(ten, log.digest, stream_id=eleven["event"]["stream_id"], seq=eleven["event"]["seq"])
    assert not check_inclusion(ten, log.digest, seq=ten["event"]["seq"] + 1)


def test_aud_2_an_altered_digest_refuses_an_honest_proof(log):
    proof = log.proof(20)
    for altered in (Digest(log.digest.size, log.digest.last_notification_id, bytes.fromhex(flip(log.digest.root.hex())),
                           log.digest.head, AT),
                    Digest(log.digest.size + 1, log.digest.last_notification_id, log.digest.root, log.digest.head, AT),
                    Digest(log.digest.size, 10, log.digest.root, log.digest.head, AT)):
        assert not check_inclusion(proof, altered)
    assert not check_inclusion(proof, "yibao-digest:v1:37:37:00")  # not a digest at all


def test_aud_2_a_proof_under_an_earlier_digest_verifies_under_it_only(log):
    earlier = Digest(20, 20, mth(log.leaves[:20]), b"\x22" * 32, AT)
    proof = log.proof(5, earlier)
    assert check_inclusion(proof, earlier)
    assert not check_inclusion(proof, log.digest)


def test_aud_2_the_digest_token_round_trips_and_bad_ones_name_the_option(log):
    assert Digest.parse(log.digest.token) == log.digest
    assert Digest.parse(str(log.digest.as_json()).replace("'", '"')) == log.digest
    for bad in ("", "yibao-digest:v2:1:1:" + "0" * 64 + ":" + "0" * 64 + ":2024-06-30T16:00:00Z",
                log.digest.token[:-1], log.digest.token.replace(log.digest.root.hex(), "xyz")):
        with pytest.raises(BadInput, match="^against:"):
            Digest.parse(bad)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=700), st.data())
def test_aud_2_honest_proofs_verify_and_any_flipped_bit_refuses(size, data):
    leaves = [leaf_hash(b"%d" % i) for i in range(size)]
    root = mth(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    path = audit_path(index, size, lambda a, b: mth(leaves[a:b]))
    assert root_from_path(index, size, leaves[index], path) == root
    assert len(path) <= (size - 1).bit_length()
    targets = [("leaf", None), ("root", None)] + [("path", i) for i in range(len(path))]
    what, where = data.draw(st.sampled_from(targets), label="flipped")
    bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
    leaf, forged_root, forged_path = leaves[index], root, list(path)
    if what == "leaf":
        leaf = bytes.fromhex(flip(leaf.hex(), bit))
    elif what == "root":
        forged_root = bytes.fromhex(flip(root.hex(), bit))
    else:
        forged_path[where] = bytes.fromhex(flip(path[where].hex(), bit))
    assert root_from_path(index, size, leaf, forged_path) != forged_root
    other = data.draw(st.integers(min_value=0, max_value=size), label="other index")
    if other != index:
        assert root_from_path(other, size, leaves[index], path) != root


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=200), st.data())
def test_aud_2_every_bit_of_a_proof_document_and_its_digest_counts(size, data):
    log = Log(size)
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    proof = log.proof(index)
    assert check_inclusion(proof, log.digest)
    fields = ["state"] + [f"path{i}" for i in range(len(proof["path"]))] + ["root"]
    field = data.draw(st.sampled_from(fields), label="field")
    bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
    digest = log.digest
    if field == "state":
        proof["event"]["state_sha256"] = flip(proof["event"]["state_sha256"], bit)
    elif field == "root":
        digest = Digest(digest.size, digest.last_notification_id, bytes.fromhex(flip(digest.root.hex(), bit)),
                        digest.head, AT)
    else:
        position = int(field[4:])
        proof["path"][position] = flip(proof["path"][position], bit)
    assert not check_inclusion(proof, digest)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1), st.text(max_size=40), st.integers(0, 2 ** 40),
       st.text(max_size=60), st.binary(max_size=300))
def test_aud_2_an_events_leaf_is_the_merkle_leaf_hash_of_its_leaf_data(notification_id, stream, version, topic,
                                                                       state):
    assert event_leaf(notification_id, stream, version, topic, state) == \
        leaf_hash(leaf_data(notification_id, stream, version, topic, hashlib.sha256(state).digest()))
