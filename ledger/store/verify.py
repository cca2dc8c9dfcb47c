"""What the store shows an auditor (AUD-2): the whole log checked against its chain, a digest of the log, and an
inclusion proof of one event.

`verify` recomputes both chains and the Merkle tree from the stored bytes in one pass in notification order, a
page at a time (the log is never held in memory), and names the first place where the events, the chain rows and
the stored tree disagree; given a digest kept outside the database it also proves that the log still leads to it.
`digest` and `inclusion_proof` read only the chain's head, O(log n) stored subtrees and at most two blocks of
leaves, so they cost the same on a log of any length; they trust the stored tree, which `verify` checks.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ledger.audit.chain import (
    GENESIS,
    Break,
    event_leaf,
    link,
    state_hash,
    stored_originator,
)
from ledger.audit.merkle import (
    BLOCK,
    STORED_FROM,
    Frontier,
    audit_path,
    stored_subtrees,
    subtree_root,
)
from ledger.audit.proofs import Digest, check_inclusion, proof_document
from ledger.core.errors import BadInput, RuleViolation
from ledger.core.i18n import _
from ledger.store.chain import CHAIN, MERKLE, Statements

PAGE = 20_000


@dataclass(frozen=True)
class Verified:
    """What `verify` found: how many chained events it recomputed, the digest of what it recomputed (the
    stored bytes' own head and root, not the stored ones), and the first break, if any."""

    events: int
    digest: Digest
    broken: Break | None
    against: Digest | None = None

    def require_intact(self) -> None:
        """AUD-2: a log that no longer matches its chain, or no longer leads to a kept digest, is refused."""
        if self.broken is not None:
            raise RuleViolation("AUD-2", str(self.broken))


def stream_label(stored: Any) -> str:
    """A stream id as clerks and auditors read it (a UUID with dashes when it is one)."""
    text = stored_originator(stored)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text


@contextmanager
def reading(ledger: Any) -> Iterator[Any]:
    """One read transaction over a single snapshot, rows as tuples."""
    datastore = ledger.recorder.datastore
    with datastore.transaction(commit=False) as cursor:
        if not Statements(ledger.recorder).postgres:
            cursor.sqlite_cursor.row_factory = None
            # memory-mapped reads: a third less time for the random look-ups of each stream's previous link
            cursor.execute("PRAGMA mmap_size = 2147418112")
            try:
                yield cursor
            finally:
                cursor.execute("PRAGMA mmap_size = 0")
            return
        from psycopg.rows import tuple_row

        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.row_factory = tuple_row
        yield cursor


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


# -- the whole log ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of the log one worker checks: chain positions [first, end) and the events with notification ids
    in (after, through]; None is the log's end."""

    first: int
    end: int | None
    after: int
    through: int | None


@dataclass
class Checked:
    """What a worker found over its span: the log chain and the Merkle frontier where it stopped."""

    events: int
    nodes: int
    last_notification_id: int
    log: bytes
    frontier: Frontier
    broken: Break | None


def verify(ledger: Any, *, against: Digest | None = None, progress: Callable[[int], None] | None = None,
           workers: int = 1) -> Verified:
    """The whole log recomputed from its stored bytes, split among `workers` processes on a long log: each span
    starts from the stored links and subtrees where the span before it ends, which that span checks."""
    sql = Statements(ledger.recorder)
    with reading(ledger) as cursor:
        size, _last, _head_link = _head(cursor)
        spans = _spans(cursor, sql, size, workers)
    if len(spans) == 1:
        with reading(ledger) as cursor:
            found = [_check(cursor, sql, spans[0], against, progress)]
    else:
        found = _in_processes(ledger.url, spans, against, progress, workers)
    broken = next((checked.broken for checked in found if checked.broken is not None), None)
    last = found[-1]
    if broken is None:
        with reading(ledger) as cursor:  # the subtrees the verified events complete (later writes add more)
            cursor.execute(f"SELECT count(*) FROM {MERKLE} WHERE ((idx + 1) << level) <= {sql.mark}",
                           [last.frontier.size])
            stored = cursor.fetchone()[0]
        computed = sum(checked.nodes for checked in found)
        if stored != computed:
            broken = _break(last.last_notification_id, None, None, "inserted", lambda _: _(
                "the Merkle tree holds {stored} stored subtrees where the log makes {computed} (the chain was "
                "altered)").format(stored=stored, computed=computed))
    events = sum(checked.events for checked in found)
    if broken is None and against is not None and events < against.size:
        broken = _break(last.last_notification_id, None, None, "deleted", lambda _: _(
            "the log holds {events} chained events, fewer than the {size} of the digest taken {at}: events were "
            "removed").format(events=events, size=against.size, at=against.at.isoformat()))
    last_id = 0 if last.last_notification_id == LOWEST else last.last_notification_id  # an empty log's
    digest = Digest(last.frontier.size, last_id, last.frontier.root(), last.log, now())
    return Verified(events, digest, broken, against)


LOWEST = -(2 ** 63)  # below any notification id: an event an insider stored at 0 or below is still read
CHUNK = 2048 * BLOCK  # positions per span (524,288) when the log is split among processes: whole blocks, so
# that a span's frontier is all stored subtrees


def _spans(cursor: Any, sql: Statements, size: int, workers: int) -> list[Span]:
    if workers <= 1 or size < 2 * CHUNK:
        return [Span(0, None, LOWEST, None)]
    cuts = list(range(CHUNK, size - CHUNK // 2, CHUNK))
    marks = ",".join([sql.mark] * len(cuts))
    cursor.execute(f"SELECT position, notification_id FROM {CHAIN} WHERE position IN ({marks})",
                   [cut - 1 for cut in cuts])
    ends = dict(cursor.fetchall())
    if len(ends) != len(cuts):
        return [Span(0, None, LOWEST, None)]  # positions missing: one pass names the first break
    bounds = [(0, LOWEST), *((cut, ends[cut - 1]) for cut in cuts)]
    return [Span(first, nxt[0] if nxt else None, after, nxt[1] if nxt else None)
            for (first, after), nxt in zip(bounds, [*bounds[1:], None])]


def _in_processes(url: str, spans: list[Span], against: Digest | None, progress: Callable[[int], None] | None,
                  workers: int) -> list[Checked]:
    import multiprocessing

    found = []
    # spawned, not forked: the parent's open connections and pool threads must not be copied
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for checked in pool.imap(_check_in_process, [(url, span, against) for span in spans]):
            found.append(checked)
            if progress is not None:
                progress(checked.events)
            if checked.broken is not None:
                pool.terminate()  # every span before this one is checked: its break is the first
                break
    return found


def _check_in_process(task: tuple[str, Span, Digest | None]) -> Checked:
    from ledger.store.opening import open_ledger

    url, span, against = task
    ledger = open_ledger(url, decoding=False)  # a worker reads stored bytes only: it needs no key
    try:
        with reading(ledger) as cursor:
            return _check(cursor, Statements(ledger.recorder), span, against, None)
    finally:
        ledger.close()


class _Stop(Exception):
    def __init__(self, broken: Break):
        self.broken = broken


Said = Callable[[Callable[[str], str]], str]
"""A break's detail, said with the lookup it is given: `lambda _: _("...").format(...)`."""


def _break(notification_id: int, stream: Any, version: int | None, kind: str, said: Said) -> Break:
    """The break, its detail in English as the JSON document keeps it (DESIGN.md) and in the reader's language."""
    return Break(notification_id, None if stream is None else stream_label(stream), version, kind, said(str), said(_))


def _stop(notification_id: int, stream: Any, version: int | None, kind: str, said: Said) -> None:
    raise _Stop(_break(notification_id, stream, version, kind, said))


def _pages(cursor: Any, query: str, params: list[Any], key: int) -> Iterator[Any]:
    """The rows of `query`, ordered by its first column, which its first ` > ` bounds by `key` (LOWEST: from
    the lowest), read a page at a time."""
    statement = query.replace(" > ", " >= ", 1) if key == LOWEST else query
    while True:
        cursor.execute(statement, [key, *params])
        rows = cursor.fetchall()
        yield from rows
        if len(rows) < PAGE:
            return
        statement, key = query, rows[-1][0]


def _check(cursor: Any, sql: Statements, span: Span, against: Digest | None,
           progress: Callable[[int], None] | None) -> Checked:
    """One pass over a span: events and chain rows merged by notification id, both chains and the tree
    recomputed, each stored value compared as soon as it is recomputed. The chain rows' own stream ids and
    versions are not read here: they are in the leaf, and a wrong one breaks a stream link."""
    mark = sql.mark
    log, frontier = _start(cursor, sql, span)
    nodes = _Nodes(cursor, sql, span.first)
    last_id = span.after
    through = "" if span.through is None else f" AND {sql.nid} <= {int(span.through)}"
    end = "" if span.end is None else f" AND c.position < {int(span.end)}"
    events = _pages(cursor, f"SELECT {sql.nid}, originator_id, originator_version, topic, state FROM {sql.events} "
                            f"WHERE {sql.nid} > {mark}{through} ORDER BY {sql.nid} LIMIT {PAGE}", [], span.after)
    chain = _pages(cursor, "SELECT c.position, c.notification_id, c.leaf, c.stream_link, c.log_link, c.frontier_tail, "
                           f"(SELECT p.stream_link FROM {CHAIN} p WHERE p.originator_id = c.originator_id AND "
                           f"p.position < c.position ORDER BY p.position DESC LIMIT 1) FROM {CHAIN} c WHERE "
                           f"c.position > {mark}{end} ORDER BY c.position LIMIT {PAGE}", [], span.first - 1)
    append, counted = frontier.append, 0
    event, row = next(events, None), next(chain, None)
    try:
        while event is not None or row is not None:
            if row is None or (event is not None and event[0] < row[1]):
                _stop(event[0], event[1], event[2], "inserted", lambda _: _(
                    "the event has no chain row: it was stored outside the ledger (or bulk-loaded and not chained "
                    "yet)"))
            if event is None or row[1] < event[0]:
                originator, version = _chained(cursor, sql, row[0])
                _stop(row[1], originator, version, "deleted", lambda _: _(
                    "the event chained here is missing from the events table"))
            notification_id, originator, version, topic, state = event
            position, _nid, leaf, stream_link, log_link, stored_frontier, previous_stream = row
            if position != frontier.size or notification_id <= last_id:
                _misplaced(frontier.size, last_id, event, row)
            recomputed = event_leaf(notification_id, stored_originator(originator), version, topic, state)
            if recomputed != leaf:
                _edited(cursor, sql, event, row)
            log = link(log, recomputed)
            if log != log_link:
                _stop(notification_id, originator, version, "edited", lambda _: _(
                    "the chain's log link here does not follow from the event before it (the chain was altered)"))
            if stream_link != link(GENESIS if previous_stream is None else previous_stream, recomputed):
                _stop(notification_id, originator, version, "edited", lambda _: _(
                    "the chain's stream link here does not follow from the stream's previous event"))
            completed = append(recomputed)
            if len(completed) >= STORED_FROM:
                nodes.check(completed, event)
            if stored_frontier is not None and stored_frontier != frontier.tail():
                _stop(notification_id, originator, version, "edited", lambda _: _(
                    "the Merkle frontier stored here is not the tree's (the chain was altered)"))
            last_id = notification_id
            if against is not None and frontier.size == against.size and \
                    (notification_id, log, frontier.root()) != (against.last_notification_id, against.head,
                                                               against.root):
                _stop(notification_id, originator, version, "rewritten", lambda _: _(
                    "the log no longer leads to the digest taken {at}: its first {size} events were changed and "
                    "re-chained since (at or before this one)").format(at=against.at.isoformat(), size=against.size))
            counted += 1
            if counted == PAGE and progress is not None:
                progress(counted)
                counted = 0
            event, row = next(events, None), next(chain, None)
    except _Stop as stop:
        return Checked(frontier.size - span.first, nodes.seen, last_id, log, frontier, stop.broken)
    if progress is not None and counted:
        progress(counted)
    return Checked(frontier.size - span.first, nodes.seen, last_id, log, frontier, None)


def _start(cursor: Any, sql: Statements, span: Span) -> tuple[bytes, Frontier]:
    """The log link and the Merkle frontier before the span's first position, as stored (the span before it
    checks them); a span starts at a multiple of BLOCK, so its frontier is all stored subtrees."""
    if span.first == 0:
        return GENESIS, Frontier()
    cursor.execute(f"SELECT log_link FROM {CHAIN} WHERE position = {sql.mark}", [span.first - 1])
    log = bytes(cursor.fetchone()[0])
    tree = _StoredTree(cursor, sql)
    return log, Frontier.from_parts(span.first, {subtree: tree.node(*subtree)
                                                 for subtree in stored_subtrees(span.first)}, b"")


def _chained(cursor: Any, sql: Statements, position: int) -> tuple[Any, int]:
    """The stream id and version a chain row records."""
    cursor.execute(f"SELECT originator_id, originator_version FROM {CHAIN} WHERE position = {sql.mark}", [position])
    found = cursor.fetchone()
    return found[0], found[1]


def _misplaced(size: int, last_id: int, event: Any, row: Any) -> None:
    notification_id, originator, version = event[0], event[1], event[2]
    if row[0] != size:
        _stop(notification_id, originator, version, "deleted", lambda _: _(
            "chain positions {first} to {last} are missing: events were removed with their chain rows before this "
            "one").format(first=size, last=row[0] - 1))
    _stop(notification_id, originator, version, "reordered", lambda _: _(
        "the chain holds this event after notification {notification_id}").format(notification_id=last_id))


def _edited(cursor: Any, sql: Statements, event: Any, row: Any) -> None:
    """The event's leaf is not the one chained here: another event moved here, or this one was changed."""
    notification_id, originator, version = event[0], event[1], event[2]
    chained_originator, chained_version = _chained(cursor, sql, row[0])
    if (stored_originator(chained_originator), chained_version) != (stored_originator(originator), version):
        cursor.execute(f"SELECT notification_id FROM {CHAIN} WHERE originator_id = {sql.mark} AND "
                       f"originator_version = {sql.mark}", [sql.column(originator), version])
        elsewhere = cursor.fetchone()
        if elsewhere is not None:
            _stop(notification_id, originator, version, "reordered", lambda _: _(
                "this event is stored at notification {stored} but was chained at notification {chained}").format(
                stored=notification_id, chained=elsewhere[0]))
        _stop(notification_id, originator, version, "edited", lambda _: _(
            "the chain recorded stream {stream} version {version} here").format(
            stream=stream_label(chained_originator), version=chained_version))
    _stop(notification_id, originator, version, "edited", lambda _: _(
        "its stored bytes (topic or state) differ from those chained"))


class _Nodes:
    """The stored subtrees a span completes, read level by level in the order the span completes them."""

    def __init__(self, cursor: Any, sql: Statements, first: int):
        self.cursor, self.mark, self.first = cursor, sql.mark, first
        self.levels: dict[int, Iterator[Any]] = {}
        self.seen = 0

    def check(self, completed: list[tuple[int, int, bytes]], event: Any) -> None:
        for level, index, node in completed[STORED_FROM - 1:]:
            self.seen += 1
            stored = self.levels.get(level)
            if stored is None:
                stored = self.levels[level] = _pages(
                    self.cursor, f"SELECT idx, hash FROM {MERKLE} WHERE idx > {self.mark} AND level = {self.mark} "
                                 f"ORDER BY idx LIMIT {PAGE}", [level], (self.first >> level) - 1)
            found = next(stored, None)
            if found is None or found[0] != index or found[1] != node:
                _stop(event[0], event[1], event[2], "edited", lambda _, level=level, index=index: _(
                    "the Merkle tree's stored subtree ({level}, {index}) completed here is missing or differs (the "
                    "chain was altered)").format(level=level, index=index))


# -- a digest and an inclusion proof ------------------------------------------------------------------------


class _StoredTree:
    """The Merkle tree as the chain stores it: subtrees of a block and up, and the leaves."""

    def __init__(self, cursor: Any, sql: Statements):
        self.cursor, self.mark = cursor, sql.mark
        self.blocks: dict[int, list[bytes]] = {}

    def root(self, start: int, end: int) -> bytes:
        return subtree_root(start, end, self.node, self.leaves)

    def node(self, level: int, index: int) -> bytes:
        self.cursor.execute(f"SELECT hash FROM {MERKLE} WHERE level = {self.mark} AND idx = {self.mark}",
                            [level, index])
        row = self.cursor.fetchone()
        if row is None:
            raise RuleViolation("AUD-2", _("the Merkle tree's stored subtree ({level}, {index}) is missing: run "
                                           "`yibao verify`").format(level=level, index=index))
        return bytes(row[0])

    def leaves(self, start: int, end: int) -> list[bytes]:
        first = start - start % BLOCK
        block = self.blocks.get(first)
        if block is None:
            self.cursor.execute(f"SELECT leaf FROM {CHAIN} WHERE position >= {self.mark} AND position < {self.mark} "
                                "ORDER BY position", [first, first + BLOCK])
            block = self.blocks[first] = [bytes(row[0]) for row in self.cursor.fetchall()]
        found = block[start - first:end - first]
        if len(found) != end - start:
            raise RuleViolation("AUD-2", _("the chain's leaves {first} to {last} are not all there: run "
                                           "`yibao verify`").format(first=start, last=end - 1))
        return found


def _head(cursor: Any) -> tuple[int, int, bytes]:
    """The chain's size, last notification id and head link."""
    cursor.execute(f"SELECT position, notification_id, log_link FROM {CHAIN} ORDER BY position DESC LIMIT 1")
    row = cursor.fetchone()
    return (0, 0, GENESIS) if row is None else (row[0] + 1, row[1], bytes(row[2]))


def _digest(cursor: Any, sql: Statements) -> Digest:
    size, last, head = _head(cursor)
    return Digest(size, last, _StoredTree(cursor, sql).root(0, size), head, now())


def digest(ledger: Any) -> Digest:
    """The log's digest now, from the stored tree (verify checks the stored tree against the events)."""
    with reading(ledger) as cursor:
        return _digest(cursor, Statements(ledger.recorder))


def inclusion_proof(ledger: Any, stream_id: uuid.UUID, seq: int, against: Digest | None = None) -> dict[str, Any]:
    """The proof that the stream's `seq`-th event is in the log under `against` (or a digest of the log now);
    refused (AUD-2) when the event's stored bytes no longer make its leaf, or the log no longer leads to
    the digest."""
    sql = Statements(ledger.recorder)
    mark = sql.mark
    with reading(ledger) as cursor:
        cursor.execute(f"SELECT {sql.nid}, originator_id, topic, state FROM {sql.events} WHERE originator_id = {mark} "
                       f"AND originator_version = {mark}", [sql.column(stream_id), seq])
        event = cursor.fetchone()
        if event is None:
            raise BadInput("seq", _("stream {stream} has no event {seq}").format(stream=stream_id, seq=seq))
        notification_id, originator, topic, state = event[0], event[1], event[2], bytes(event[3])
        cursor.execute(f"SELECT position, notification_id, leaf FROM {CHAIN} WHERE originator_id = {mark} AND "
                       f"originator_version = {mark}", [sql.column(stream_id), seq])
        chained = cursor.fetchone()
        stored = stored_originator(originator)
        if chained is None or chained[1] != notification_id:
            raise RuleViolation("AUD-2", _("event {seq} of stream {stream} (notification {notification_id}) is not "
                                           "in the chain: it was stored outside the ledger; run `yibao verify`").format(
                seq=seq, stream=stream_id, notification_id=notification_id))
        if event_leaf(notification_id, stored, seq, topic, state) != bytes(chained[2]):
            raise RuleViolation("AUD-2", _("event {seq} of stream {stream} (notification {notification_id}) was "
                                           "edited after it was chained; run `yibao verify`").format(
                seq=seq, stream=stream_id, notification_id=notification_id))
        position = chained[0]
        current = _digest(cursor, sql) if against is None else None
        kept = against or current
        if position >= kept.size:
            raise BadInput("against", _("the digest covers {size} events; event {seq} of stream {stream} is the "
                                        "{position}th, recorded after it").format(size=kept.size, seq=seq,
                                                                                  stream=stream_id,
                                                                                  position=position + 1))
        if against is not None and against.size > _head(cursor)[0]:
            raise RuleViolation("AUD-2", _("the log holds fewer events than the {size} of the digest taken {at}: "
                                           "events were removed; run `yibao verify`").format(
                size=against.size, at=against.at.isoformat()))
        path = audit_path(position, kept.size, _StoredTree(cursor, sql).root)
    proof = proof_document(stream_id=str(stream_id), seq=seq, notification_id=notification_id, originator_id=stored,
                           topic=topic, state_sha256=state_hash(state), leaf_index=position, path=path,
                           digest=kept)
    if not check_inclusion(proof, kept):
        raise RuleViolation("AUD-2", _("the log no longer leads to the digest taken {at}: it was rewritten since; "
                                       "run `yibao verify --against` with it").format(at=kept.at.isoformat()))
    return proof
