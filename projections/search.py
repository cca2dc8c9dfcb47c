"""Finding a person (人员查询) by name, phone or part of the ID number, as the registration stands now.

The read side's views table holds each person's ID number in a column and the registration facts (names, phones,
their changes) in its `facts` copy of the stream. A search narrows the persons in SQL (the ID number's column, or
the facts' text), then folds each one found to their registration now and keeps those whose present name, phone
or ID number match: a name changed since is found by its new value only. On a ledger encrypted at rest the facts'
copy is encrypted as the events are and the column holds each ID number keyed (`ids.id_key`), so names, phones
and parts of ID numbers cannot be searched there, only whole ID numbers (keyed, then looked up).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

from ledger.core.errors import BadInput
from ledger.core.i18n import _
from ledger.registration.person_state import PersonState, state_on
from ledger.store.tables import PAGE
from projections.plain import plain


def persons_found(uow: Any, *, name: str | None = None, phone: str | None = None, id_part: str | None = None,
                  limit: int = 50) -> list[dict[str, Any]]:
    """The persons whose name starts with `name` (the exact name among them), whose phone is `phone`, or whose ID
    number holds `id_part`, in ID-number order, at most `limit`; each as registered now."""
    if (name or phone) and uow.ledger.mapper.cipher is not None:
        raise BadInput("name" if name else "phone", _(
            "the ledger is encrypted at rest (YIBAO_CIPHER_KEY): names and phones are stored encrypted and cannot "
            "be searched; give the whole ID number with --id-part"))
    if id_part is not None and uow.ledger.mapper.cipher is not None and len(id_part) != 18:
        raise BadInput("id-part", _(
            "the ledger is encrypted at rest (YIBAO_CIPHER_KEY): its tables hold ID numbers keyed, so only a whole "
            "ID number (18 characters) can be searched"))
    found = []
    for page in _candidates(uow, name, phone, id_part):
        for person in uow.persons(page):
            state = state_on(uow.view(person), datetime.date.max)
            if _matches(state, name, phone, id_part):
                found.append(_row(state))
                if len(found) == limit:
                    return found
        uow.trim(2 * PAGE)
    return found


def _matches(state: PersonState, name: str | None, phone: str | None, id_part: str | None) -> bool:
    if name is not None:
        return (state.name or "").startswith(name)
    if phone is not None:
        return state.phone == phone
    return id_part in (state.id_number or "")


def _row(state: PersonState) -> dict[str, Any]:
    return plain({"id_number": state.id_number, "name": state.name, "sex": state.sex, "birth": state.birth,
                  "phone": state.phone, "scheme": state.scheme, "registered": state.registered,
                  "registered_on": state.registered_on})


def _candidates(uow: Any, name: str | None, phone: str | None, id_part: str | None) -> Iterator[list[Any]]:
    """Pages of the persons that may match, in ID-number order: from the views table (keyset-paged), or everyone
    on the in-memory store (the fold decides)."""
    tables = uow.tables
    if tables is None:
        ids = uow.person_ids()
        for start in range(0, len(ids), PAGE):
            yield ids[start:start + PAGE]
        return
    if id_part is not None and uow.ledger.mapper.cipher is not None:
        where, pattern = "id_number = " + tables.mark, tables.id_key(id_part)
    elif id_part is not None:
        where, pattern = "id_number LIKE " + tables.mark, f"%{id_part}%"
    else:
        facts = "convert_from(facts, 'UTF8')" if tables.postgres else "CAST(facts AS TEXT)"
        where = f"{facts} LIKE {tables.mark} ESCAPE '!'"
        said = _as_in_facts("name", name) if name is not None else _as_in_facts("phone", phone) + '\\"'
        pattern = "%" + _like(said) + "%"
    after = ""
    while True:
        with tables.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT person_id, id_number FROM {tables.name('yibao_views')} WHERE id_number > "
                           f"{tables.mark} AND {where} ORDER BY id_number LIMIT {PAGE}", [after, pattern])
            rows = cursor.fetchall()
        if not rows:
            return
        yield [tables.stream_id(row["person_id"]) for row in rows]
        after = rows[-1]["id_number"]


def _as_in_facts(key: str, value: str) -> str:
    """`"key":"value` (the value's start, no closing quote) as the views table's `facts` spell it: each fact's
    state is the library's JSON (text as it is) kept as a string in the JSON list of the facts (non-ASCII escaped),
    so the pair is encoded twice."""
    state = json.dumps({key: value}, ensure_ascii=False, separators=(",", ":"))[1:-2]
    return json.dumps(state)[1:-1]


def _like(text: str) -> str:
    """Text matched as it is by LIKE ... ESCAPE '!'."""
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
