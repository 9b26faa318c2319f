"""Ties (a size that follows the free one, ``r = n/4``) as exact integer functions.

A tie is parsed once (:mod:`explorer.expressions`, never ``eval``) and compiled here into a
closure on Python ints: ``floor(tie(x))`` with no :class:`~fractions.Fraction` on the path
that runs for every candidate size. A tie that is a polynomial in the free size (the usual
``n/4``, ``2*n + 16``) also gives its coefficients, from which the solver's first guess is
found in closed form.

Example:
    >>> from explorer.expressions import parse_expression
    >>> tie = compile_tie(parse_expression("n/4 + m/2", {"n", "m"}), "n", {"m": 34})
    >>> tie.floor(1023), tie.polynomial
    (272, (Fraction(17, 1), Fraction(1, 4)))
    >>> compile_tie(parse_expression("1000/n", {"n"}), "n", {}).floor(7)
    142
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from explorer.errors import FormulaError
from explorer.expressions import Expression

__all__ = ["Tie", "compile_tie", "polynomial_times"]


@dataclass(frozen=True, slots=True)
class Tie:
    """A compiled tie: its text, its exact floor at a free size, and its coefficients in
    the free size (``c0, c1, ...``) when it is a polynomial in it, else ``None``."""

    text: str
    floor: Callable[[int], int]
    polynomial: tuple[Fraction, ...] | None


class _NotPolynomialError(Exception):
    """Divided by something that depends on the free size."""


def compile_tie(expression: Expression, free: str, known: Mapping[str, int]) -> Tie:
    """The tie ``expression`` with ``free`` as its variable and the ``known`` sizes fixed."""
    try:
        polynomial = _polynomial(expression.tree, free, known)
    except _NotPolynomialError:
        return Tie(expression.text, _rational(expression.tree, free, known), None)
    while len(polynomial) > 1 and not polynomial[-1]:
        polynomial.pop()
    scale = math.lcm(*(c.denominator for c in polynomial))
    numerators = [int(c * scale) for c in reversed(polynomial)]  # highest power first

    def floor(x: int) -> int:
        value = 0
        for a in numerators:
            value = value * x + a
        return value // scale

    return Tie(expression.text, floor, tuple(polynomial))


def _fold(
    node: ast.expr,
    leaf: Callable[[ast.Constant | ast.Name], Any],
    combine: Callable[[ast.operator, Any, Any], Any],
    negate: Callable[[Any], Any],
) -> Any:
    """Walk a checked expression tree (numbers, names, + - * / **, unary signs)."""
    if isinstance(node, ast.Constant | ast.Name):
        return leaf(node)
    if isinstance(node, ast.UnaryOp):
        inner = _fold(node.operand, leaf, combine, negate)
        return negate(inner) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left = _fold(node.left, leaf, combine, negate)
        return combine(node.op, left, _fold(node.right, leaf, combine, negate))
    raise FormulaError(f"cannot evaluate {ast.dump(node)}")  # unreachable after checking


# -- a polynomial in the free size, rational coefficients (compile time only) -------------
def _add(p: list[Fraction], q: list[Fraction], sign: int = 1) -> list[Fraction]:
    size = max(len(p), len(q))
    return [
        (p[k] if k < len(p) else Fraction(0)) + sign * (q[k] if k < len(q) else Fraction(0))
        for k in range(size)
    ]


def polynomial_times(p: list[Fraction], q: list[Fraction]) -> list[Fraction]:
    """The product of two polynomials given by their coefficients (lowest power first)."""
    result = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            result[i + j] += a * b
    return result


def _polynomial(node: ast.expr, free: str, known: Mapping[str, int]) -> list[Fraction]:
    def leaf(item: ast.Constant | ast.Name) -> list[Fraction]:
        if isinstance(item, ast.Name):
            return [Fraction(0), Fraction(1)] if item.id == free else [Fraction(known[item.id])]
        return [Fraction(item.value)]  # type: ignore[arg-type]  # int or float, checked

    def combine(op: ast.operator, left: list[Fraction], right: list[Fraction]) -> list[Fraction]:
        if isinstance(op, ast.Add):
            return _add(left, right)
        if isinstance(op, ast.Sub):
            return _add(left, right, -1)
        if isinstance(op, ast.Mult):
            return polynomial_times(left, right)
        if isinstance(op, ast.Div):
            if any(right[1:]) or not right[0]:
                raise _NotPolynomialError
            return [c / right[0] for c in left]
        power: list[Fraction] = [Fraction(1)]  # ast.Pow: a whole exponent from 0 to 8, checked
        for _ in range(int(right[0])):
            power = polynomial_times(power, left)
        return power

    result: list[Fraction] = _fold(node, leaf, combine, lambda p: [-c for c in p])
    return result


# -- any tie, as a pair of ints (numerator, positive denominator) -------------------------
Pair = tuple[int, int]


def _rational(node: ast.expr, free: str, known: Mapping[str, int]) -> Callable[[int], int]:
    def leaf(item: ast.Constant | ast.Name) -> Callable[[int], Pair]:
        if isinstance(item, ast.Name):
            if item.id == free:
                return lambda x: (x, 1)
            value = known[item.id]
            return lambda x: (value, 1)
        number = Fraction(item.value)  # type: ignore[arg-type]  # int or float, checked
        pair = (number.numerator, number.denominator)
        return lambda x: pair

    def combine(
        op: ast.operator, left: Callable[[int], Pair], right: Callable[[int], Pair]
    ) -> Callable[[int], Pair]:
        combined: Callable[[int], Pair] = _COMBINE[type(op)](left, right)
        return combined

    def negate(f: Callable[[int], Pair]) -> Callable[[int], Pair]:
        def negative(x: int) -> Pair:
            a, b = f(x)
            return -a, b

        return negative

    value: Callable[[int], Pair] = _fold(node, leaf, combine, negate)

    def floor(x: int) -> int:
        numerator, denominator = value(x)
        return numerator // denominator

    return floor


def _add_pairs(f: Callable[[int], Pair], g: Callable[[int], Pair]) -> Callable[[int], Pair]:
    def add(x: int) -> Pair:
        (a, b), (c, d) = f(x), g(x)
        return a * d + c * b, b * d

    return add


def _sub_pairs(f: Callable[[int], Pair], g: Callable[[int], Pair]) -> Callable[[int], Pair]:
    def sub(x: int) -> Pair:
        (a, b), (c, d) = f(x), g(x)
        return a * d - c * b, b * d

    return sub


def _mul_pairs(f: Callable[[int], Pair], g: Callable[[int], Pair]) -> Callable[[int], Pair]:
    def mul(x: int) -> Pair:
        (a, b), (c, d) = f(x), g(x)
        return a * c, b * d

    return mul


def _div_pairs(f: Callable[[int], Pair], g: Callable[[int], Pair]) -> Callable[[int], Pair]:
    def div(x: int) -> Pair:
        (a, b), (c, d) = f(x), g(x)
        if c == 0:
            raise FormulaError("formula divides by zero for these sizes")
        return (a * d, b * c) if c > 0 else (-a * d, -b * c)

    return div


def _pow_pairs(f: Callable[[int], Pair], g: Callable[[int], Pair]) -> Callable[[int], Pair]:
    def power(x: int) -> Pair:
        (a, b), (exponent, _) = f(x), g(x)  # a whole exponent from 0 to 8, checked
        return a**exponent, b**exponent

    return power


_COMBINE: dict[type[ast.operator], Any] = {
    ast.Add: _add_pairs,
    ast.Sub: _sub_pairs,
    ast.Mult: _mul_pairs,
    ast.Div: _div_pairs,
    ast.Pow: _pow_pairs,
}
