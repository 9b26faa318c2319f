"""From a family's sympy terms to a compiled count, built once per structure.

Example:
    >>> from explorer.families import FAMILIES
    >>> from explorer.conventions import CONVENTIONS
    >>> family = FAMILIES["lstm"]
    >>> structure, _ = family.parse({"input": 39, "cells": 1024, "layers": 3, "output": 34},
    ...                             CONVENTIONS["weights"], explicit={}, symbolic=False)
    >>> compiled_count(family, structure).function("total")(39, 1024, 34)
    21166080
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from explorer.algebra import _cache
from explorer.algebra._compiled import CompiledCount, TermInfo
from explorer.algebra._poly import Polynomial

if TYPE_CHECKING:
    import sympy

    from explorer.algebra._term import Term
    from explorer.families import Family, Structure

__all__ = ["SymbolicCount", "compiled_count", "symbolic_count"]

_COMPILED: dict[tuple[Any, ...], CompiledCount] = {}


def compiled_count(family: Family, structure: Structure) -> CompiledCount:
    """The compiled count of a structure: from memory, else the disk cache, else sympy."""
    try:
        return _COMPILED[structure]
    except KeyError:
        pass
    key = repr(tuple(structure))
    compiled = _cache.load(key)
    if compiled is None:
        compiled = _compile(symbolic_count(family, structure))
        _cache.store(key, compiled)
    _COMPILED[structure] = compiled
    return compiled


class SymbolicCount:
    """The sympy side of a structure: its terms, symbols (argument order) and formula."""

    __slots__ = ("formula", "slots", "symbols", "terms")

    def __init__(self, family: Family, structure: Structure) -> None:
        import sympy

        from explorer.algebra._symbols import symbol

        self.slots = family.slots(structure)
        self.terms: tuple[Term, ...] = family.build_terms(structure)
        self.symbols: tuple[sympy.Symbol, ...] = tuple(symbol(s.symbol) for s in self.slots)
        self.formula: sympy.Expr = sympy.Add(*(t.expr for t in self.terms))
        stray = self.formula.free_symbols - set(self.symbols)
        if stray:  # a family bug, not user input
            raise AssertionError(f"formula uses undeclared sizes {stray}")


@functools.lru_cache(maxsize=512)
def symbolic_count(family: Family, structure: Structure) -> SymbolicCount:
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
        )
        for t in symbolic.terms
    )
    biases = sympy.Add(*(t.expr for t in symbolic.terms if t.is_bias))
    return CompiledCount(
        slots=symbolic.slots,
        terms=terms,
        total=_polynomial(symbolic.formula, symbols),
        biases=_polynomial(biases, symbols),
        formula_text=str(symbolic.formula),
    )
