"""The roster read back (AUD-1): every operator ever added, in office or not."""

from __future__ import annotations

from typing import Any

from ledger.audit.roster import OperatorAdded, OperatorRemoved, Roster


def operator_rows(ledger: Any) -> list[dict[str, Any]]:
    roster = ledger.stream(Roster.ID)
    rows: dict[str, dict[str, Any]] = {}
    for fact in roster.history if roster is not None else []:
        if isinstance(fact, OperatorAdded):
            rows[fact.name] = {"name": fact.name, "roles": sorted(fact.roles), "in_office": True,
                               "added_on": fact.on.isoformat(), "added_by": fact.operator, "removed": None}
        elif isinstance(fact, OperatorRemoved) and fact.name in rows:
            rows[fact.name].update(in_office=False, removed={"on": fact.on.isoformat(), "by": fact.operator,
                                                             "reason": fact.reason})
    return list(rows.values())
