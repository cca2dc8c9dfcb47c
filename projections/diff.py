"""What the ledger said differently about a person at two moments: status, months and account (disputes)."""

from __future__ import annotations

from typing import Any


def flatten(document: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(document, dict):
        flat: dict[str, Any] = {}
        for key, value in document.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else key))
        return flat
    return {prefix: document}


def changes(before: Any, after: Any) -> list[dict[str, Any]]:
    """Field by field, the values that differ (dotted paths into nested documents)."""
    old, new = flatten(before), flatten(after)
    return [{"field": key, "before": old.get(key), "after": new.get(key)}
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]


def month_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    old = {row["month"]: row for row in before}
    new = {row["month"]: row for row in after}
    found = []
    for month in sorted(set(old) | set(new)):
        for change in changes(old.get(month, {}), new.get(month, {})):
            found.append({"month": month, **change})
    return found
