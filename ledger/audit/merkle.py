"""A Merkle tree over the log's leaves in notification order, as Certificate Transparency builds it (RFC 6962,
section 2.1; the path check of RFC 9162, section 2.1.3.2): a leaf's hash is H(0x00 || leaf), a node's
H(0x01 || left || right), and a tree of n leaves splits at the largest power of two below n.

The tree lets an auditor who kept a small digest (the root at some size) check that one event is in the log with
O(log n) hashes, and check the whole log against the digest after the database was rewritten and re-chained.

`Frontier` keeps the roots of the perfect subtrees covering the leaves so far (at most one per bit of the size):
appending a leaf costs one hash on average and gives every subtree it completes, which the store keeps from
level `STORED_FROM` up so that a root or a path at any size needs only O(log n) stored nodes and at most two
blocks of leaves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

STORED_FROM = 8  # subtrees of 256 leaves and more are stored; smaller ones are hashed from their leaves
BLOCK = 1 << STORED_FROM
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(size: int) -> int:
    """The largest power of two below `size` (size > 1): where RFC 6962 splits a tree."""
    return 1 << ((size - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """The root over leaf hashes, straight from the definition (small ranges, and the tests' reference)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = split(len(leaf_hashes))
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


class Frontier:
    """The roots of the perfect subtrees that cover leaves [0, size), largest first."""

    __slots__ = ("size", "hashes")

    def __init__(self, size: int = 0, hashes: list[bytes] | None = None):
        self.size = size
        self.hashes = hashes if hashes is not None else []
        if len(self.hashes) != bin(size).count("1"):
            raise ValueError(f"a frontier of size {size} has {bin(size).count('1')} hashes, not {len(self.hashes)}")

    def append(self, leaf_hash_: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf; returns the subtrees it completed, (level, index, hash), level 1 and up."""
        completed = []
        node, level, size, hashes = leaf_hash_, 0, self.size, self.hashes
        while size >> level & 1:
            node = node_hash(hashes.pop(), node)
            level += 1
            completed.append((level, size >> level, node))
        hashes.append(node)
        self.size = size + 1
        return completed

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        hashes = self.hashes
        root = hashes[-1]
        for left in reversed(hashes[:-1]):
            root = node_hash(left, root)
        return root

    def tail(self) -> bytes:
        """Its subtrees smaller than a block, which the store keeps with the chain's head (the larger ones are
        among the stored subtrees)."""
        return b"".join(h for (level, _), h in zip(subtrees_of(self.size), self.hashes) if level < STORED_FROM)

    @classmethod
    def from_parts(cls, size: int, stored: dict[tuple[int, int], bytes], tail: bytes) -> Frontier:
        """The frontier of `size` leaves from its stored subtrees (`stored_subtrees(size)`) and its tail."""
        if len(tail) % 32:
            raise ValueError("a frontier's tail is a whole number of 32-byte hashes")
        small = [bytes(tail[i:i + 32]) for i in range(0, len(tail), 32)]
        return cls(size, [stored[subtree] for subtree in stored_subtrees(size)] + small)


def subtrees_of(size: int) -> list[tuple[int, int]]:
    """(level, index) of the perfect subtrees covering `size` leaves, largest first (a frontier's)."""
    found, start = [], 0
    for level in reversed(range(size.bit_length())):
        if size >> level & 1:
            found.append((level, start >> level))
            start += 1 << level
    return found


def stored_subtrees(size: int) -> list[tuple[int, int]]:
    """The subtrees of a frontier that the store keeps (a block and more)."""
    return [(level, index) for level, index in subtrees_of(size) if level >= STORED_FROM]


def subtree_root(start: int, end: int, stored: Callable[[int, int], bytes],
                 leaves: Callable[[int, int], Sequence[bytes]]) -> bytes:
    """The root over leaves [start, end) from what the store keeps: `stored(level, index)` for a perfect aligned
    subtree of BLOCK leaves or more, `leaves(start, end)` for the leaf hashes of a range within one block."""
    size = end - start
    if size >= BLOCK and size & (size - 1) == 0 and start % size == 0:
        level = size.bit_length() - 1
        return stored(level, start >> level)
    if size <= BLOCK:
        return root_of(leaves(start, end))
    k = split(size)
    return node_hash(subtree_root(start, start + k, stored, leaves), subtree_root(start + k, end, stored, leaves))


def audit_path(index: int, size: int, root: Callable[[int, int], bytes]) -> list[bytes]:
    """RFC 6962 PATH(index, D[0:size]): the siblings from the leaf up, each the root over a range."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path, start, end = [], 0, size
    while end - start > 1:
        k = split(end - start)
        if index - start < k:
            path.append(root(start + k, end))
            end = start + k
        else:
            path.append(root(start, start + k))
            start += k
    path.reverse()
    return path


def root_from_path(index: int, size: int, leaf_hash_: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root a path leads to from a leaf, or None when the path cannot belong to that index in that size
    (RFC 9162 2.1.3.2: the index and the size fix which side each sibling is on and how many there are)."""
    if not 0 <= index < size:
        return None
    fn, sn, node = index, size - 1, leaf_hash_
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return node if sn == 0 else None
