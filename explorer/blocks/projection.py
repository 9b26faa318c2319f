"""Projections of the cell output (Sak, Senior, Beaufays 2014)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explorer.algebra._term import Term
from explorer.blocks._context import Place

if TYPE_CHECKING:
    import sympy

__all__ = ["nonrecurrent_projection", "recurrent_projection"]


def recurrent_projection(place: Place, *, proj: sympy.Expr, cells: sympy.Expr) -> list[Term]:
    """``weight_hr`` (r × n): the projection fed back to the gates (PyTorch's proj_size).

    Example:
        >>> import sympy
        >>> r, n = sympy.symbols("r n", positive=True)
        >>> recurrent_projection(Place("l0", "layer 0", "0"), proj=r, cells=n)[0].expr
        n*r
    """
    return [
        Term(
            f"weight_hr_{place.suffix}",
            "projection",
            (proj, cells),
            f"{place.label}: recurrent projection, cells -> projection fed back to the gates",
            place.group,
            place.copies,
            place.role("weight_hr", "recurrent projection", block="projection"),
        )
    ]


def nonrecurrent_projection(place: Place, *, proj: sympy.Expr, cells: sympy.Expr) -> list[Term]:
    """``weight_hp`` (p × n): the projection that only feeds forward (Sak et al. 2014).

    Example:
        >>> import sympy
        >>> p, n = sympy.symbols("p n", positive=True)
        >>> nonrecurrent_projection(Place("l0", "layer 0", "0"), proj=p, cells=n)[0].expr
        n*p
    """
    return [
        Term(
            f"weight_hp_{place.suffix}",
            "projection",
            (proj, cells),
            f"{place.label}: non-recurrent projection, cells -> outputs that only feed forward",
            place.group,
            place.copies,
            place.role("weight_hp", "non-recurrent projection", block="projection"),
        )
    ]
