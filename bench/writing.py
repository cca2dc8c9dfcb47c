"""Writing whole streams fast, as the stored rows the ledger itself would write.

Measured on this 2-core machine, the library's own path costs more than deciding what to record:

* making each fact an event object (`Stream.record`, the library's `trigger_event`): about 20 us;
* the JSON transcoder, which calls a Python `default()` hook for every Decimal, date, Month and UUID: about 40 us.
  `FactEncoder` writes a fact's stored state straight from its fields with one generated f-string per class (in
  the class's field order, each field as the ledger's transcodings write it), and `RowStream` keeps a stream's
  later facts as rows; `FastTranscoder` gives the mapper the same bytes for the facts still made as objects;
* on PostgreSQL, `insert_events` sends the batch as one array of a composite type, which psycopg dumps in Python
  with a regular expression per value (about 90 us an event), and at the commit the ledger had, a batch of more
  than ~15 MB hangs in psycopg's pipeline mode (psycopg/psycopg#685). `Writer` sends the rows with
  COPY ... FROM STDIN (FORMAT BINARY), built in one pass, in one transaction that first takes the recorder's own
  write lock on the events table (so that notification ids are committed in order, as the library guarantees),
  notifies its channel, and, when the ledger chains what it stores, chains them with the ledger's own code.

On SQLite the recorder's own `insert_events` writes them (one transaction per batch). tests/test_bench_generate.py
checks that every stored row reads back and is written again to the same bytes by the ledger's own mapper, and
that the rows are those the stream classes make (`--facts objects`), the recorded times aside.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import struct
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import (
    JSONTranscoder,
    StoredEvent,
    TranscodingNotRegisteredError,
)
from eventsourcing.utils import get_topic

from ledger.core.month import Month
from ledger.store.application import Ledger

PLAIN = (str, int, bool, float, type(None))


class FastTranscoder(JSONTranscoder):
    """The ledger's JSON transcoder, encoding to the same bytes without a Python call per custom value: an event's
    fields are converted in one loop and the C encoder (made once, as `json.JSONEncoder.iterencode` makes it for
    each call) writes them."""

    def __init__(self, original: JSONTranscoder):
        super().__init__()
        self.types, self.names = original.types, original.names
        self.original = original
        self._by_type = {kind: (transcoding.name, transcoding.encode) for kind, transcoding in self.types.items()}
        self._chunks = json.encoder.c_make_encoder(
            None, self._refuse, json.encoder.encode_basestring, None, ":", ",", False, False, True) \
            if json.encoder.c_make_encoder is not None else None

    def encode(self, obj: Any) -> bytes:
        if type(obj) is not dict or self._chunks is None:
            return json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode(self._prepare(obj)).encode()
        by_type, prepared = self._by_type, {}
        for key, value in obj.items():
            kind = type(value)
            if kind is str or kind is int or value is None or kind is bool or kind is float:
                prepared[key] = value
            elif kind is list and all(type(item) is str for item in value):
                prepared[key] = value
            elif kind in by_type:
                name, encode = by_type[kind]
                data = encode(value)
                prepared[key] = {"_type_": name, "_data_": data if type(data) is str else self._prepare(data)}
            else:
                prepared[key] = self._prepare(value)
        return "".join(self._chunks(prepared, 0)).encode("utf8")

    def decode(self, data: bytes) -> Any:
        return self.original.decode(data)

    def _prepare(self, value: Any) -> Any:
        kind = type(value)
        if kind in PLAIN:
            return value
        if kind is dict:
            return {key: self._prepare(item) for key, item in value.items()}
        if kind is list or kind is tuple:
            return [self._prepare(item) for item in value]
        found = self._by_type.get(kind)
        if found is None:
            self._refuse(value)
        name, encode = found
        return {"_type_": name, "_data_": self._prepare(encode(value))}

    @staticmethod
    def _refuse(value: Any) -> Any:
        raise TranscodingNotRegisteredError(f"Object of type {type(value)} is not serializable")


def speed_up(ledger: Ledger) -> None:
    """Give the ledger's mapper the fast transcoder (same bytes; reading is unchanged)."""
    if not isinstance(ledger.mapper.transcoder, FastTranscoder):
        ledger.mapper.transcoder = FastTranscoder(ledger.mapper.transcoder)


ANNOTATED_TYPES = {"Decimal": Decimal, "datetime.date": datetime.date, "Month": Month, "UUID": uuid.UUID,
                   "datetime": datetime.datetime}
class _Texts(dict):
    """Each date's or month's text, made once (`date.isoformat` and `Month.__str__` are slow in a hot loop)."""

    def __missing__(self, key: Any) -> str:
        text = self[key] = key.isoformat() if isinstance(key, datetime.date) else str(key)
        return text


TEXTS = _Texts()
INLINE = {
    # What the ledger's transcodings write for these types, as f-string parts (checked against them on start).
    Decimal: ("{str(%s)}", Decimal("-1234.50")),
    datetime.date: ("{TEXTS[%s]}", datetime.date(2024, 2, 29)),
    Month: ("{MONTHS[(%s.year - 1990) * 12 + %s.number - 1] if 1990 <= %s.year <= 2030 else TEXTS[%s]}",
            Month(987, 3)),
    uuid.UUID: ("{%s.hex}", uuid.UUID(int=12345)),
}


class Clock:
    """The recorded time of a fact, as the library stamps it (`datetime.now(timezone.utc)`) and as its
    transcoding writes it (`isoformat()`). Read afresh every EVERY facts: a few facts recorded within the same
    microseconds share a stamp (known-at reads compare with <=, so none is lost or reordered)."""

    EVERY = 16

    def __init__(self) -> None:
        self.left, self.text = 0, ""

    def now(self) -> str:
        if self.left:
            self.left -= 1
            return self.text
        self.left = self.EVERY - 1
        self.text = datetime.datetime.now(datetime.timezone.utc).isoformat()
        return self.text


class FactEncoder:
    """The stored state of a fact straight from its fields, as the mapper would store the event the stream class
    makes of them: for each class, one generated f-string writes the fields in the class's field order, each by
    its annotation (a string, a Decimal, a date, a Month ... as the ledger's transcodings write them; anything
    else through the transcoder), so there is no event object and no JSON encoder call per fact.
    tests/test_bench_generate.py compares every row with what the ledger's own mapper writes."""

    def __init__(self, transcoder: FastTranscoder):
        self.transcoder = transcoder
        self.clock = Clock()
        self.functions: dict[type, Any] = {}
        self.templates: dict[tuple, tuple[Any, list[str]]] = {}
        self.renderers: dict[tuple[type, str], Any] = {}
        self._inline: dict[type, tuple[str, str]] = {}
        for kind, (pattern, sample) in INLINE.items():
            found = transcoder._by_type.get(kind)
            if found is not None:
                name, encode = found
                # the pattern is ours (INLINE), checked here against the ledger's transcoding on a sample
                inline = eval("f" + repr(pattern.replace("%s", "v")), {"v": sample, **self._names()})
                if inline == encode(sample) and json.dumps(inline) == f'"{inline}"':
                    self._inline[kind] = (name, pattern)
        stamp = datetime.datetime.now(datetime.timezone.utc)
        self.timestamp_name = transcoder._by_type[datetime.datetime][0]
        if transcoder._by_type[datetime.datetime][1](stamp) != stamp.isoformat():
            raise TypeError("the ledger no longer writes a timestamp as isoformat(): the Clock must follow it")

    def state(self, event_class: type, timestamp: str, fields: dict[str, Any]) -> bytes:
        """`timestamp` as Clock.now() writes it."""
        function = self.functions.get(event_class) or self.compile(event_class)
        return function(timestamp, fields).encode("utf8")

    def _names(self) -> dict[str, Any]:
        return {"esc": json.encoder.encode_basestring, "generic": self._generic, "TEXTS": TEXTS,
                "MONTHS": [str(Month(1990, 1) + i) for i in range(41 * 12)]}

    def compile(self, event_class: type) -> Any:
        names = self._names()
        parts, count = [], 0
        for position, field_ in enumerate(dataclasses.fields(event_class)):
            if field_.name in ("originator_id", "originator_version"):
                continue
            if field_.name == "timestamp":
                parts.append('"timestamp":{{"_type_":"%s","_data_":"{ts}"}}' % self.timestamp_name)
                continue
            count += 1
            parts.append(f'"{field_.name}":' + self._part(field_.type, f'f["{field_.name}"]', names, position))
        if getattr(event_class, "class_version", 1) > 1:  # the mapper stores a class version above 1 (upcasting)
            parts.append(f'"class_version":{int(event_class.class_version)}')
        body = ("{{" + ",".join(parts) + "}}").replace("\\", "\\\\")
        source = (f"def encode(ts, f):\n    if len(f) != {count}:\n        raise TypeError('{event_class.__name__}: "
                  f"expected {count} fields, got %d' % len(f))\n    return f'{body}'")
        exec(source, names)  # noqa: S102  (made here from the class's own field list, no outside text)
        self.functions[event_class] = names["encode"]
        return names["encode"]

    def template(self, event_class: type, varying: tuple[str, ...]) -> tuple[Any, list[str]]:
        """For facts of a class whose fields outside `varying` repeat (a year of an employee's months): a function
        (timestamp, constants, *values) and the names of the constant fields, whose JSON texts (`render`) it takes
        in that order."""
        key = (event_class, varying)
        if key not in self.templates:
            names, parts, constants = self._names(), [], []
            for position, field_ in enumerate(dataclasses.fields(event_class)):
                if field_.name in ("originator_id", "originator_version"):
                    continue
                if field_.name == "timestamp":
                    parts.append('"timestamp":{{"_type_":"%s","_data_":"{ts}"}}' % self.timestamp_name)
                elif field_.name in varying:
                    value = f"v{varying.index(field_.name)}"
                    parts.append(f'"{field_.name}":' + self._part(field_.type, value, names, position))
                else:
                    parts.append(f'"{field_.name}":{{c[{len(constants)}]}}')
                    constants.append(field_.name)
            if getattr(event_class, "class_version", 1) > 1:
                parts.append(f'"class_version":{int(event_class.class_version)}')
            body = ("{{" + ",".join(parts) + "}}").replace("\\", "\\\\")
            values = "".join(f", v{i}" for i in range(len(varying)))
            exec(f"def encode(ts, c{values}):\n    return f'{body}'", names)  # noqa: S102  (as in compile)
            self.templates[key] = (names["encode"], constants)
        return self.templates[key]

    def render(self, event_class: type, name: str, value: Any) -> str:
        """One field's JSON text as a fact's state holds it."""
        key = (event_class, name)
        if key not in self.renderers:
            field_ = next(f for f in dataclasses.fields(event_class) if f.name == name)
            names = self._names()
            source = f"def render(v):\n    return f'{self._part(field_.type, 'v', names, 0)}'"
            exec(source, names)  # noqa: S102  (as in compile)
            self.renderers[key] = names["render"]
        return self.renderers[key](value)

    def _part(self, annotation: str, value: str, names: dict, position: int) -> str:
        """The f-string part writing one field's JSON value."""
        optional = annotation.endswith(" | None")
        kind = ANNOTATED_TYPES.get(annotation.removesuffix(" | None"), annotation.removesuffix(" | None"))
        if kind == "str":
            expression = f"esc({value})"
        elif kind == "int":
            expression = f"int.__repr__({value})"
        elif kind == "bool":
            expression = f'("true" if {value} else "false")'
        elif kind == "list[str]":
            expression = f'"[" + ",".join(map(esc, {value})) + "]"'
        elif kind in self._inline:
            name, pattern = self._inline[kind]
            literal = '{{"_type_":"%s","_data_":"%s"}}' % (name, pattern.replace("%s", value))
            if not optional:
                return literal
            names[f"part{position}"] = eval("lambda v: f" + repr(literal.replace(value, "v")))  # made here too
            expression = f"part{position}({value})"
        else:
            expression = f"generic({value})"
        if optional:
            expression = f'("null" if {value} is None else {expression})'
        return "{" + expression + "}"

    def _generic(self, value: Any) -> str:
        return "".join(self.transcoder._chunks(self.transcoder._prepare(value), 0))


class RowStream:
    """A stream whose first fact is made by its stream class (the aggregate, pending) and whose later facts are
    kept as the rows the store will hold: `record` takes what `Stream.record` takes."""

    def __init__(self, aggregate: Any, encoder: FactEncoder):
        self.aggregate, self.encoder, self.clock = aggregate, encoder, encoder.clock
        self.id, self.version = aggregate.id, aggregate.version
        self.rows: list[tuple[Any, int, str, bytes]] = []  # as the store keeps them: (stream id, version, topic, state)

    def record(self, event_class: type, **fields: Any) -> None:
        self.version += 1
        encode = self.encoder.functions.get(event_class) or self.encoder.compile(event_class)
        self.rows.append((self.id, self.version, get_topic(event_class),
                          encode(self.clock.now(), fields).encode("utf8")))

    def template(self, event_class: type, varying: tuple[str, ...], **constants: Any) -> Any:
        """A recorder of facts of `event_class` whose other fields are `constants`: call it with the `varying`
        fields' values, in that order (the same fact as `record` with all the fields)."""
        named = [f.name for f in dataclasses.fields(event_class)
                 if f.name not in ("originator_id", "originator_version", "timestamp")]
        if sorted(named) != sorted([*varying, *constants]):
            raise TypeError(f"{event_class.__name__} has the fields {named}, not {[*varying, *constants]}")
        encode, order = self.encoder.template(event_class, varying)
        rendered = tuple(self.encoder.render(event_class, name, constants[name]) for name in order)
        topic, clock, stream_id = get_topic(event_class), self.clock, self.id

        def emit(*values: Any) -> None:
            self.version += 1
            self.rows.append((stream_id, self.version, topic, encode(clock.now(), rendered, *values).encode("utf8")))

        return emit

    @property
    def pending(self) -> int:
        return len(self.aggregate.pending_events) + len(self.rows)


def pending(stream: Any) -> int:
    """How many facts a stream (an aggregate or a RowStream) holds unsaved."""
    return stream.pending if isinstance(stream, RowStream) else len(stream.pending_events)


class Writer:
    """Saves the pending facts of many streams (aggregates or RowStreams) in one transaction; returns how many
    rows it wrote.

    When the ledger's recorder chains what it stores (ledger/store/chain.py: every event bound into hash chains in
    the transaction that stores it), the rows COPY wrote are chained in the same transaction, under the same lock,
    with the ledger's own `chain.extend`: the bulk loader vouches for the events it wrote, as that module expects.
    On SQLite the recorder's own insert chains them."""

    def __init__(self, ledger: Ledger, use_copy: bool = True):
        from eventsourcing.postgres import PostgresApplicationRecorder

        speed_up(ledger)
        self.ledger = ledger
        self.recorder = ledger.recorder
        self.postgres = isinstance(self.recorder, PostgresApplicationRecorder)
        self.use_copy = use_copy and self.postgres
        self.encoder = FactEncoder(ledger.mapper.transcoder)
        self.chain = _chain_module() if hasattr(self.recorder, "chain_sql") else None
        self.seconds: Counter = Counter()

    def rows(self, aggregate: Any) -> RowStream:
        """The stream, its later facts kept as rows."""
        return RowStream(aggregate, self.encoder)

    def write(self, streams: Iterable[Any]) -> int:
        to_stored = self.ledger.mapper.to_stored_event
        rows: list[tuple[Any, int, str, bytes]] = []
        for stream in streams:
            aggregate = stream.aggregate if isinstance(stream, RowStream) else stream
            for event in aggregate.collect_events():
                stored = to_stored(event)
                rows.append((stored.originator_id, stored.originator_version, stored.topic, stored.state))
            if isinstance(stream, RowStream):
                rows.extend(stream.rows)
                stream.rows = []
        if not rows:
            return 0
        if self.use_copy:
            self._copy(rows)
        else:
            self.recorder.insert_events([StoredEvent(*row) for row in rows])
        return len(rows)

    def _copy(self, rows: list[tuple[Any, int, str, bytes]]) -> None:
        from psycopg.sql import SQL, Identifier

        recorder = self.recorder
        table = SQL("{}.{}").format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
        clock = time.perf_counter
        with recorder.datastore.transaction(commit=True) as cursor:
            started = clock()
            for statement in recorder.lock_table_statements:  # the library's write lock on the events table
                cursor.execute(statement, prepare=False)
            locked = clock()
            # A bulk load is run again if the server crashes: its commits need not wait for the disk.
            cursor.execute("SET LOCAL synchronous_commit = off")
            self.seconds["lock"] += locked - started
            cursor.execute(SQL("NOTIFY {}").format(Identifier(recorder.channel_name)))
            if self.chain is not None:
                cursor.execute(SQL("SELECT coalesce(max(notification_id), 0) AS last FROM {}").format(table))
                last = cursor.fetchone()["last"]
            copy_sql = SQL("COPY {} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)")
            with cursor.copy(copy_sql.format(table)) as copy:
                copy.write(binary_copy(rows, recorder.datastore.originator_id_type == "text"))
            copied = clock()
            self.seconds["copy"] += copied - locked
            if self.chain is not None:
                self._chain(cursor, table, last, rows)
                self.seconds["chain"] += clock() - copied

    def _chain(self, cursor: Any, table: Any, last: int, rows: list[tuple[Any, int, str, bytes]]) -> None:
        """The rows just copied, in notification order, bound into the ledger's chain by its own code."""
        from psycopg.sql import SQL

        cursor.execute(SQL("SELECT notification_id, originator_id, originator_version FROM {} "
                           "WHERE notification_id > %s ORDER BY notification_id").format(table), [last])
        written = {(row[0], row[1]): row for row in rows}
        as_text = self.recorder.datastore.originator_id_type == "text"
        events = []
        for found in cursor.fetchall():
            originator = uuid.UUID(found["originator_id"]) if as_text else found["originator_id"]
            _, version, topic, state = written[originator, found["originator_version"]]
            events.append((found["notification_id"], found["originator_id"], version, topic, state))
        if len(events) != len(rows):
            raise RuntimeError(f"{len(rows)} events written, {len(events)} found to chain")
        self.chain.extend(cursor, self.recorder.chain_sql, events)


_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)  # COPY's binary header: no flags, no extension
_UUID_ROW = struct.Struct(">hi16siqi")  # 4 fields; the id's 16 bytes; the version's 8; the topic's length
_TEXT_ROW = struct.Struct(">hi")
_VERSION_TOPIC = struct.Struct(">iqi")
_LENGTH = struct.Struct(">i")


def binary_copy(rows: list[tuple[Any, int, str, bytes]], ids_as_text: bool = False) -> bytes:
    """The rows (stream id, version, topic, state) as PostgreSQL's binary COPY format carries them (a header, per
    row the field count and each field's length and bytes, a trailer): what psycopg's `write_row` sends for the
    types uuid (or text), int8, text and bytea, built in one pass."""
    parts, topics = [_SIGNATURE], {}
    for originator, version, topic, state in rows:
        encoded = topics.get(topic)
        if encoded is None:
            encoded = topics[topic] = topic.encode("utf8")
        if ids_as_text:
            text = str(originator).encode("utf8")
            parts.append(_TEXT_ROW.pack(4, len(text)) + text + _VERSION_TOPIC.pack(8, version, len(encoded)))
        else:
            parts.append(_UUID_ROW.pack(4, 16, originator.bytes, 8, version, len(encoded)))
        parts.append(encoded)
        parts.append(_LENGTH.pack(len(state)))
        parts.append(state)
    parts.append(b"\xff\xff")  # the trailer: a field count of -1
    return b"".join(parts)


def _chain_module() -> Any:
    from ledger.store import chain

    return chain
