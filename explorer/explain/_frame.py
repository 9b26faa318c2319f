"""The formula's sizes two ways: sympy symbols for the words, and a sparse polynomial
ring over the rationals (:mod:`sympy.polys.rings`) for the cause search, whose
arithmetic on :class:`~sympy.polys.rings.PolyElement` takes microseconds.

In the ring the depth is written ``K + 1``: terms of layer 0 then have no ``K`` and
grouped layers a factor ``K``, so a whole term is a clean part of the difference.

Example:
    >>> from explorer._api import formula
    >>> frame = Frame.of(formula("lstm", convention="weights"), {"nc": "cells", "L": "layers"},
    ...                  {"nc": 1024, "L": 3}, {"cells": "n_c", "layers": "L"}, depth="L")
    >>> n_c, depth = frame.symbol_of["nc"], frame.symbol_of["L"]
    >>> poly = frame.poly(8 * n_c**2 * (depth - 1))  # 8*n_c**2*K in the ring
    >>> frame.text(frame.expr(poly)), frame.value(poly)
    ('8*nc**2*(L - 1)', Fraction(16777216, 1))
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sympy.polys.rings import PolyElement

    from explorer.algebra import Count

__all__ = ["Frame"]


@functools.cache
def _offset() -> Any:
    """``K``, the depth less one; one symbol for every frame, so that sympy's cache of
    rings holds one ring per set of sizes, not one per comparison."""
    import sympy

    return sympy.Dummy("K", positive=True)


@dataclass(frozen=True, slots=True)
class Frame:
    """The formula's names, their symbols, values and polynomial ring.

    Attributes:
        names: formula name -> size keyword, in the order of the formula.
        values: formula name -> its size.
        symbol_of: formula name -> our symbol (``nc`` -> ``n_c``).
        yours: our symbol -> a symbol named as in the formula, for every text shown.
        fixed: the sizes the formula does not name -> their values.
        gens: our symbols of the formula's names; ``depth`` is the one for the layers.
        ring: the polynomial ring over ``gens``, the depth replaced by ``K = L - 1``.
    """

    names: Mapping[str, str]
    values: Mapping[str, int]
    symbol_of: Mapping[str, Any]
    yours: Mapping[Any, Any]
    fixed: Mapping[Any, Any]
    gens: tuple[Any, ...]
    depth: Any
    ring: Any

    @classmethod
    def of(
        cls,
        true: Count,
        names: Mapping[str, str],
        values: Mapping[str, int],
        symbols: Mapping[str, str],
        *,
        depth: str,
    ) -> Frame:
        """The frame of the symbolic count ``true`` for the formula's ``names``;
        ``symbols`` gives each size keyword's symbol, ``depth`` the depth's symbol."""
        import sympy
        from sympy.polys.domains import QQ
        from sympy.polys.rings import ring

        ours = {str(s): s for s in true.symbols}
        symbol_of = {
            name: ours.get(symbols[key], sympy.Symbol(symbols[key], positive=True))
            for name, key in names.items()
        }
        yours = {symbol_of[n]: sympy.Symbol(n, positive=True) for n in names}
        fixed = {s: sympy.Integer(v) for s, v in zip(true.symbols, true.values) if v is not None}
        gens = tuple(yours)
        by_depth = next((s for s in gens if str(s) == depth), None)
        ring_of_sizes = ring([_offset() if g == by_depth else g for g in gens], QQ)[0]
        return cls(names, values, symbol_of, yours, fixed, gens, by_depth, ring_of_sizes)

    def poly(self, expr: Any) -> PolyElement:
        """``expr`` (sympy, fixed sizes substituted) in the ring, the depth as ``K + 1``."""
        import sympy

        expr = sympy.sympify(expr).xreplace(self.fixed)  # our own numbers, never user text
        if self.depth is not None:
            expr = expr.xreplace({self.depth: _offset() + 1})
        return self.ring.from_expr(expr)

    def expr(self, poly: PolyElement) -> Any:
        """A polynomial back as a factored sympy expression (the depth as ``L``)."""
        import sympy

        gens = [self.depth - 1 if g == self.depth else g for g in self.gens]
        return sympy.factor(poly.as_expr(*gens))

    def value(self, poly: PolyElement) -> Fraction:
        """The polynomial at the formula's sizes."""
        values = {self.symbol_of[n]: v for n, v in self.values.items()}
        at = [values[g] - 1 if g == self.depth else values[g] for g in self.gens]
        exact = poly(*at) if at else poly.coeff(1)  # no sizes: the constant
        return Fraction(int(exact.numerator), int(exact.denominator))

    def text(self, expr: Any) -> str:
        """An expression in the formula's own names, a leading minus moved into a
        difference when it can be (``4*nc*(np - ni)``, not ``-4*nc*(ni - np)``)."""
        import sympy

        if not isinstance(expr, sympy.Basic):  # numbers only: user text never reaches sympify
            value = Fraction(expr)
            expr = sympy.Rational(value.numerator, value.denominator)
        return _positive_text(expr.xreplace(self.fixed).xreplace(self.yours))


def _positive_text(expr: Any) -> str:
    import sympy

    if not expr.is_Mul:
        return str(expr)
    coefficient, rest = expr.as_coeff_Mul()
    factors = list(sympy.Mul.make_args(rest))
    flippable = [i for i, f in enumerate(factors) if f.is_Add and len(f.args) == 2]
    if coefficient >= 0 or not flippable:
        return str(expr)
    flipped = sympy.sstr(-factors[flippable[-1]], order="none")
    if flipped.startswith("-"):
        return str(expr)
    texts = [f"({f})" if f.is_Add else str(f) for f in factors]
    texts[flippable[-1]] = f"({flipped})"
    head = [] if coefficient == -1 else [str(-coefficient)]
    return "*".join([*head, *texts])
