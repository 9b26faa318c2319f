"""Polynomials over named sizes with ordinary arithmetic, for building terms without sympy.

Families compose their terms from symbols and ``+ - *``. Inside :func:`without_sympy`, the
algebra's :func:`~explorer.algebra.symbol` hands out :class:`NamedPolynomial` variables
instead of sympy symbols, so the same family code builds thousands of layers' terms in
milliseconds, never expanding one large sympy expression (and never importing sympy).

Example:
    >>> x, y = NamedPolynomial.variable("x"), NamedPolynomial.variable("y")
    >>> print(4 * x * (y + x) + 8 * x - 1)
    4*x**2 + 4*x*y + 8*x - 1
    >>> with without_sympy():
    ...     building_without_sympy()
    True
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from explorer.algebra._poly import monomial_times

__all__ = ["NamedPolynomial", "building_without_sympy", "without_sympy"]

#: A monomial: ``((name, power), ...)``, names increasing.
Key = tuple[tuple[str, int], ...]

_WITHOUT_SYMPY: ContextVar[bool] = ContextVar("explorer_without_sympy", default=False)


def building_without_sympy() -> bool:
    """Whether terms are being built without sympy (inside :func:`without_sympy`)."""
    return _WITHOUT_SYMPY.get()


@contextmanager
def without_sympy() -> Iterator[None]:
    """Build terms from :class:`NamedPolynomial` variables meanwhile."""
    token = _WITHOUT_SYMPY.set(True)
    try:
        yield
    finally:
        _WITHOUT_SYMPY.reset(token)


class NamedPolynomial:
    """An integer polynomial over named variables: ``+``, ``-``, ``*``, integer powers, and
    ``str`` as sympy prints an expanded polynomial."""

    __slots__ = ("terms",)

    def __init__(self, terms: dict[Key, int]) -> None:
        self.terms = terms

    @classmethod
    def variable(cls, name: str) -> NamedPolynomial:
        """The polynomial ``name``."""
        return cls({((name, 1),): 1})

    # -- arithmetic ----------------------------------------------------------------------
    @staticmethod
    def _coerce(other: object) -> NamedPolynomial | None:
        if isinstance(other, NamedPolynomial):
            return other
        try:
            value = operator.index(other)  # type: ignore[arg-type]  # ints, sympy Integers
        except TypeError:
            return None
        return NamedPolynomial({(): value} if value else {})

    def __add__(self, other: object) -> NamedPolynomial:
        right = self._coerce(other)
        if right is None:
            return NotImplemented
        terms = dict(self.terms)
        for key, c in right.terms.items():
            value = terms.get(key, 0) + c
            if value:
                terms[key] = value
            else:
                terms.pop(key, None)
        return NamedPolynomial(terms)

    __radd__ = __add__

    def __neg__(self) -> NamedPolynomial:
        return NamedPolynomial({k: -c for k, c in self.terms.items()})

    def __sub__(self, other: object) -> NamedPolynomial:
        right = self._coerce(other)
        if right is None:
            return NotImplemented
        return self + (-right)

    def __rsub__(self, other: object) -> NamedPolynomial:
        left = self._coerce(other)
        if left is None:
            return NotImplemented
        return left + (-self)

    def __mul__(self, other: object) -> NamedPolynomial:
        if type(other) is int:  # the common case first: a number scales
            return NamedPolynomial({k: c * other for k, c in self.terms.items()} if other else {})
        right = self._coerce(other)
        if right is None:
            return NotImplemented
        if len(right.terms) == 1 and () in right.terms:  # a number of another kind
            factor = right.terms[()]
            return NamedPolynomial({k: c * factor for k, c in self.terms.items()} if factor else {})
        if len(self.terms) == 1 and len(right.terms) == 1:  # monomial times monomial
            ((a_key, a),) = self.terms.items()
            ((b_key, b),) = right.terms.items()
            return NamedPolynomial({monomial_times(a_key, b_key): a * b})
        terms: dict[Key, int] = {}
        for left_key, a in self.terms.items():
            for right_key, b in right.terms.items():
                key = monomial_times(left_key, right_key)
                value = terms.get(key, 0) + a * b
                if value:
                    terms[key] = value
                else:
                    terms.pop(key, None)
        return NamedPolynomial(terms)

    __rmul__ = __mul__

    def __pow__(self, power: int) -> NamedPolynomial:
        result = NamedPolynomial({(): 1})
        for _ in range(operator.index(power)):
            result = result * self
        return result

    def __eq__(self, other: object) -> bool:
        right = self._coerce(other)
        return right is not None and right.terms == self.terms

    def __hash__(self) -> int:
        return hash(frozenset(self.terms.items()))

    # -- text ----------------------------------------------------------------------------
    def __str__(self) -> str:
        if len(self.terms) == 1:  # one monomial: nothing to order
            ((key, coefficient),) = self.terms.items()
            body = "*".join(name if p == 1 else f"{name}**{p}" for name, p in key)
            if not body:
                return str(coefficient)
            if coefficient == 1:
                return body
            return f"-{body}" if coefficient == -1 else f"{coefficient}*{body}"

        def order(item: tuple[Key, int]) -> tuple[Any, ...]:
            return (*((0, name, -power) for name, power in item[0]), (1, "", 0))

        parts: list[str] = []
        for key, coefficient in sorted(self.terms.items(), key=order):
            body = "*".join(name if p == 1 else f"{name}**{p}" for name, p in key)
            magnitude = abs(coefficient)
            text = str(magnitude) if not body else body if magnitude == 1 else f"{magnitude}*{body}"
            if not parts:
                parts.append(text if coefficient > 0 else f"-{text}")
            else:
                parts.append(f"{'+' if coefficient > 0 else '-'} {text}")
        return " ".join(parts) if parts else "0"

    def __repr__(self) -> str:
        return f"NamedPolynomial({self})"
