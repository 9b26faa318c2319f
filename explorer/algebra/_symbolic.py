"""The sympy side of a structure: its terms, their symbols and its formula, built once.

Example:
    >>> import explorer
    >>> c = explorer.count("rnn", convention="weights", input=3, cells=2)
    >>> symbolic_count(c.family, c.structure).formula
    n_c**2 + n_c*n_i
"""

from __future__ import annotations

import functools
from collections.abc import Hashable
from typing import TYPE_CHECKING

from explorer.algebra._protocol import FamilyLike

if TYPE_CHECKING:
    import sympy

    from explorer.algebra._term import Term

__all__ = ["SymbolicCount", "symbolic_count"]


class SymbolicCount:
    """The sympy side of a structure: its terms, symbols (argument order) and formula."""

    __slots__ = ("active", "formula", "slots", "symbols", "terms")

    def __init__(self, family: FamilyLike, structure: Hashable) -> None:
        import sympy

        from explorer.algebra._symbols import symbol

        self.slots = family.slots(structure)
        self.terms: tuple[Term, ...] = family.build_terms(structure)
        self.symbols: tuple[sympy.Symbol, ...] = tuple(symbol(s.symbol) for s in self.slots)
        self.formula: sympy.Expr = sympy.Add(*(t.expr for t in self.terms))
        self.active: sympy.Expr = sympy.Add(
            *(t.expr if t.active is None else t.active for t in self.terms)
        )
        stray = (self.formula.free_symbols | self.active.free_symbols) - set(self.symbols)
        if stray:  # a family bug, not user input
            raise AssertionError(f"formula uses undeclared sizes {stray}")


@functools.lru_cache(maxsize=512)
def symbolic_count(family: FamilyLike, structure: Hashable) -> SymbolicCount:
    """Build (once) the sympy terms of a structure."""
    return SymbolicCount(family, structure)
