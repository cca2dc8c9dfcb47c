"""Money (CON-7): Decimal yuan with two places, rounded half-up to the fen in this one place."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def round_fen(amount: Decimal) -> Decimal:
    """Half-up to the fen: 0.005 becomes 0.01 (never the banker's half-even of a bare quantize)."""
    return amount.quantize(FEN, ROUND_HALF_UP)


def round_to(amount: Decimal, quantum: Decimal) -> Decimal:
    """Half-up to a coarser quantum (a base to whole yuan, E16), kept with two places."""
    return amount.quantize(quantum, ROUND_HALF_UP).quantize(FEN, ROUND_HALF_UP)
