"""From a family's sympy terms to a compiled count, built once per structure.

Example:
    >>> import explorer
    >>> c = explorer.count("lstm", convention="weights", input=39, cells=1024, layers=3,
    ...                    output=34)
    >>> compiled_count(c.family, c.structure).function("total")(39, 1024, 34)
    21166080
"""

from __future__ import annotations

import functools
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from explorer.algebra import _cache
from explorer.algebra._compiled import CompiledCount, TermInfo
from explorer.algebra._poly import Polynomial
from explorer.algebra._protocol import FamilyLike

if TYPE_CHECKING:
    import sympy

    from explorer.algebra._term import Term

__all__ = ["SymbolicCount", "cache_key", "compiled_count", "symbolic_count"]

_COMPILED: dict[tuple[Any, ...], CompiledCount] = {}


def compiled_count(family: FamilyLike, structure: Hashable) -> CompiledCount:
    """The compiled count of a structure: from memory, else the disk cache, else sympy."""
    try:
        return _COMPILED[(family.name, structure)]
    except KeyError:
        pass
    key = cache_key(family, structure)
    compiled = _cache.load(key)
    if compiled is None:
        compiled = _compile(symbolic_count(family, structure))
        _cache.store(key, compiled)
    _COMPILED[(family.name, structure)] = compiled
    return compiled


def cache_key(family: FamilyLike, structure: Hashable) -> str:
    """The disk cache's key of a structure: the family's name and the structure's repr."""
    return f"{family.name}|{structure!r}"


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


def _polynomial(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...]) -> Polynomial:
    import sympy

    poly = sympy.Poly(sympy.expand(expr), *symbols)
    monomials = []
    for exponents, coefficient in poly.terms():
        if not coefficient.is_Integer:  # counts are integer polynomials; see TECH_NOTES
            raise AssertionError(f"non-integer coefficient {coefficient} in {expr}")
        monomials.append((int(coefficient), tuple(int(e) for e in exponents)))
    return Polynomial(tuple(monomials))


def _compile(symbolic: SymbolicCount) -> CompiledCount:
    import sympy

    symbols = symbolic.symbols
    terms = tuple(
        TermInfo(
            name=t.name,
            kind=t.kind,
            meaning=t.meaning,
            group=t.group,
            shape_text=tuple(str(d) for d in t.shape),
            copies_text=str(t.multiplicity),
            shape=tuple(_polynomial(d, symbols) for d in t.shape),
            count=_polynomial(t.expr, symbols),
            role=t.role,
        )
        for t in symbolic.terms
    )
    biases = sympy.Add(*(t.expr for t in symbolic.terms if t.is_bias))
    partly = any(t.active is not None for t in symbolic.terms)
    return CompiledCount(
        slots=symbolic.slots,
        terms=terms,
        total=_polynomial(symbolic.formula, symbols),
        biases=_polynomial(biases, symbols),
        active=_polynomial(symbolic.active, symbols) if partly else None,
        formula_text=str(symbolic.formula),
    )
