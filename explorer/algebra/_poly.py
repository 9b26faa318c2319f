"""Integer polynomials as plain data, and the Python code generated from them.

A count is an integer polynomial in the sizes. Holding it as data (coefficients and
exponents) lets a compiled count be stored on disk and evaluated without importing
sympy, and the code we generate from it contains nothing but integers, slot names and
``+ * **``: no user text ever reaches ``exec``.

Example:
    >>> p = Polynomial(((4, (1, 1)), (4, (0, 2))))  # 4*a0*a1 + 4*a1**2
    >>> p.source(("m", "n"))
    '4*m*n + 4*n*n'
    >>> compile_functions((p,), 2)[0](39, 1024)
    4354048
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Polynomial", "compile_functions", "compile_tuple_function"]

Monomial = tuple[int, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Polynomial:
    """Sum of ``coefficient * prod(x_k ** e_k)`` over the monomials, integer data only."""

    monomials: tuple[Monomial, ...]

    def source(self, names: Sequence[str]) -> str:
        """The polynomial as a Python expression over ``names`` (one per slot)."""
        parts: list[str] = []
        for coefficient, exponents in self.monomials:
            # Small powers as products: faster than ** on ints and numpy arrays alike.
            factors = [
                "*".join([name] * e) if e <= 4 else f"{name}**{e}"
                for name, e in zip(names, exponents)
                if e
            ]
            if not factors:
                parts.append(str(coefficient))
            elif coefficient == 1:
                parts.append("*".join(factors))
            elif coefficient == -1:
                parts.append("-" + "*".join(factors))
            else:
                parts.append(f"{coefficient}*" + "*".join(factors))
        return " + ".join(parts).replace("+ -", "- ") if parts else "0"

    def absolute(self) -> Polynomial:
        """Every coefficient made non-negative: an upper bound of |p| and of every partial
        sum and product met while evaluating p, for sizes >= 1 (used to guard int64)."""
        return Polynomial(tuple((abs(c), e) for c, e in self.monomials))

    def to_json(self) -> list[list[Any]]:
        """Plain lists for the on-disk cache."""
        return [[c, list(e)] for c, e in self.monomials]

    @classmethod
    def from_json(cls, data: object, slots: int) -> Polynomial:
        """Rebuild from :meth:`to_json`, checking that it is integer data of the right arity."""
        if not isinstance(data, list):
            raise ValueError("polynomial must be a list")
        monomials: list[Monomial] = []
        for item in data:
            coefficient, exponents = item
            if type(coefficient) is not int or len(exponents) != slots:
                raise ValueError("bad monomial")
            if not all(type(e) is int and 0 <= e <= 64 for e in exponents):
                raise ValueError("bad exponent")
            monomials.append((coefficient, tuple(exponents)))
        return cls(tuple(monomials))


def _arg_names(slots: int) -> tuple[str, ...]:
    return tuple(f"a{k}" for k in range(slots))


def compile_functions(polys: Sequence[Polynomial], slots: int) -> list[Callable[..., Any]]:
    """One Python function per polynomial, each taking the slot values positionally.

    The functions work on Python ints (exact) and on numpy arrays alike.
    """
    names = _arg_names(slots)
    signature = ", ".join(names)
    lines = [f"def f{k}({signature}):\n    return {p.source(names)}\n" for k, p in enumerate(polys)]
    namespace: dict[str, Any] = {}
    exec(compile("".join(lines), "<explorer.algebra>", "exec"), namespace)
    return [namespace[f"f{k}"] for k in range(len(polys))]


def compile_tuple_function(
    polys: Sequence[Polynomial], slots: int
) -> Callable[..., tuple[Any, ...]]:
    """One function returning the tuple of all polynomials' values (one call for all terms)."""
    names = _arg_names(slots)
    body = ", ".join(p.source(names) for p in polys)
    source = (
        f"def terms({', '.join(names)}):\n    return ({body}{',' if len(polys) == 1 else ''})\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<explorer.algebra>", "exec"), namespace)
    function: Callable[..., tuple[Any, ...]] = namespace["terms"]
    return function
