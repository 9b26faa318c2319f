"""Peephole connections: diagonal cell-to-gate weights (Gers & Schmidhuber 2000)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explorer.algebra._term import Term
from explorer.blocks._context import Place

if TYPE_CHECKING:
    import sympy

__all__ = ["peepholes"]


def peepholes(place: Place, *, cells: sympy.Expr) -> list[Term]:
    """Three diagonal vectors (input, forget, output gates), 3·n weights.

    Example:
        >>> import sympy
        >>> n = sympy.Symbol("n", positive=True)
        >>> peepholes(Place("l0", "layer 0", "0"), cells=n)[0].expr
        3*n
    """
    return [
        Term(
            f"weight_peephole_{place.suffix}",
            "peephole",
            (3, cells),
            f"{place.label}: peephole weights, diagonal cell-to-gate (i, f, o)",
            place.group,
            place.copies,
            place.role("weight_peephole", "peepholes", block="peepholes"),
        )
    ]
