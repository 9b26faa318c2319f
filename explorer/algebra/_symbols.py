"""Size symbols, named by the families (never by user text): sympy symbols, or inside
:func:`~explorer.algebra._named.without_sympy` the variables of sympy-free polynomials.

Example:
    >>> symbol("n_c"), symbol("n_c") is symbol("n_c")
    (n_c, True)
    >>> integer(3)
    3
"""

from __future__ import annotations

from typing import Any

from explorer.algebra._named import NamedPolynomial, building_without_sympy

__all__ = ["integer", "symbol"]


def symbol(name: str) -> Any:
    """The positive symbol with a slot's name (sympy caches symbols by name and
    assumptions). Only positive, never ``integer=True``: sympy's ``solve`` then drops
    irrational roots (TECH_NOTES); integrality is enforced at the door and by the solver."""
    if building_without_sympy():
        return NamedPolynomial.variable(name)
    import sympy

    return sympy.Symbol(name, positive=True)


def integer(value: int) -> Any:
    """A whole number as the terms being built expect it (a sympy ``Integer``, or an int)."""
    if building_without_sympy():
        return value
    import sympy

    return sympy.Integer(value)
