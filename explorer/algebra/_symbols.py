"""Size symbols as sympy objects, named by the families (never by user text).

Example:
    >>> symbol("n_c"), symbol("n_c") is symbol("n_c")
    (n_c, True)
"""

from __future__ import annotations

import sympy

__all__ = ["symbol"]


def symbol(name: str) -> sympy.Symbol:
    """The positive symbol with a slot's name (sympy caches symbols by name and
    assumptions). Only positive, never ``integer=True``: sympy's ``solve`` then drops
    irrational roots (TECH_NOTES); integrality is enforced at the door and by the solver."""
    return sympy.Symbol(name, positive=True)
