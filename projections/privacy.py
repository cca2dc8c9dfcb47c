"""Personal data masked in every output unless revealed (DESIGN.md): ID numbers `640102********0011`, names
`马*`, phones `139****0000`, addresses and hukou kept to their first characters.

Renderers build their documents in clear and pass them through `masked` on the way out; a reveal (`--reveal
--reason`, recorded) skips it. What is personal is said once here, by field name, so every document of the CLI
contract is masked the same way.
"""

from __future__ import annotations

import re
from typing import Any

ID_FIELDS = frozenset({"id_number", "certno", "subject", "new_id_number", "old_id_number"})
NAME_FIELDS = frozenset({"name", "psn_name"})
PHONE_FIELDS = frozenset({"phone", "contact"})
PLACE_FIELDS = frozenset({"address", "hukou"})
CITIZEN_ID = re.compile(r"\d{17}[\dXx]")


def mask_id(number: str) -> str:
    """A citizen ID number keeps its area (6) and its last four characters; an employer's credit code is not
    personal and stays as it is."""
    if not CITIZEN_ID.fullmatch(number):
        return number
    return number[:6] + "*" * 8 + number[-4:]


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else name


def mask_phone(phone: str) -> str:
    return phone[:3] + "*" * max(0, len(phone) - 7) + phone[-4:] if len(phone) >= 7 else "*" * len(phone)


def mask_place(text: str) -> str:
    """An address or hukou keeps its first three characters (the region), the rest hidden."""
    return text[:3] + "***" if len(text) > 3 else text


MASKS = {**{f: mask_id for f in ID_FIELDS}, **{f: mask_name for f in NAME_FIELDS},
         **{f: mask_phone for f in PHONE_FIELDS}, **{f: mask_place for f in PLACE_FIELDS}}


def masked(document: Any) -> Any:
    """The document with every personal field masked, at any depth (lists, nested dicts, `changes` maps)."""
    if isinstance(document, dict):
        return {key: _field(key, value) for key, value in document.items()}
    if isinstance(document, list):
        return [masked(item) for item in document]
    return document


def _field(key: Any, value: Any) -> Any:
    mask = MASKS.get(key)
    if mask is not None and isinstance(value, str):
        return mask(value)
    return masked(value)
