"""Transfers (关系转移接续, TRF-1, ACC-4): months and the account's balance move with a person across provinces."""

from __future__ import annotations

from ledger.core.errors import RuleViolation
from ledger.core.i18n import _
from ledger.registration.rules import NINGXIA


def refuse_ningxia_region(region: str) -> None:
    """TRF-1, E33: the ledger holds all of Ningxia, so a move between its cities is no transfer."""
    if region.startswith(NINGXIA):
        raise RuleViolation("TRF-1", _("{region} is in Ningxia: a move within Ningxia is no transfer in or out; "
                                       "record it with `yibao person change --set area=CODE`").format(region=region))
