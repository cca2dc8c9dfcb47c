"""Audit rules (E ch.11, R ch.8): every trace can be followed and nothing erased (AUD-2)."""

from __future__ import annotations

from ledger.core.errors import RuleViolation
from ledger.core.events import EventReversed, LedgerEvent
from ledger.core.history import reversals
from ledger.core.i18n import _


def check_reversible(events: list[LedgerEvent], seq: int) -> None:
    """AUD-2: a correction names an existing, standing, ordinary fact."""
    by_seq = {e.originator_version: e for e in events}
    target = by_seq.get(seq)
    if target is None:
        raise RuleViolation("AUD-2", _("there is no event {seq} to correct (last is {last})").format(
            seq=seq, last=len(events)))
    if isinstance(target, EventReversed):
        raise RuleViolation("AUD-2", _("event {seq} is itself a correction; record a new fact instead").format(seq=seq))
    reversed_by = reversals(events)
    if seq in reversed_by:
        raise RuleViolation("AUD-2", _("event {seq} was already reversed by event {by}").format(
            seq=seq, by=reversed_by[seq]))
