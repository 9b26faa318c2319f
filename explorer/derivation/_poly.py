"""Polynomials with exact rational coefficients, held as data.

A derived count is such a polynomial over the varied arguments. It is fitted in
:class:`fractions.Fraction`, printed as text that :mod:`explorer.expressions` parses back,
and evaluated through the project's generated integer code (an integer numerator over a
common denominator), so nothing here needs sympy unless sympy is asked for.

Example:
    >>> p = RationalPolynomial.from_terms(("n", "L"), {(2, 1): Fraction(8), (1, 0): Fraction(1, 2)})
    >>> p.text()
    '8*n**2*L + n/2'
    >>> p.denominator, p.evaluate((4, 3))
    (2, Fraction(386, 1))
    >>> from explorer.expressions import parse_expression
    >>> RationalPolynomial.from_expression(parse_expression(p.text(), {"n", "L"}), ("n", "L")) == p
    True
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from explorer.algebra import Polynomial, compile_functions
from explorer.errors import FormulaError

if TYPE_CHECKING:
    import sympy

    from explorer.expressions import Expression

__all__ = ["Exponents", "RationalPolynomial", "multiply", "plus"]

Exponents = tuple[int, ...]
Terms = dict[Exponents, Fraction]

#: Bounds on a polynomial read from a file: far beyond any count, and they keep a
#: hostile formula (nested powers) from expanding without end.
MAX_TERMS = 4096
MAX_DEGREE = 64


@dataclass(frozen=True)
class RationalPolynomial:
    """``sum(c * prod(x_i ** e_i))`` with rational ``c``, over named variables."""

    variables: tuple[str, ...]
    terms: tuple[tuple[Exponents, Fraction], ...]
    _compiled: dict[str, Callable[..., Any]] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    @classmethod
    def from_terms(
        cls, variables: Sequence[str], terms: Mapping[Exponents, Fraction]
    ) -> RationalPolynomial:
        """From ``{exponents: coefficient}`` (zero coefficients dropped, terms ordered)."""
        kept = [(e, Fraction(c)) for e, c in terms.items() if c]
        kept.sort(key=lambda item: (-sum(item[0]), tuple(-x for x in item[0])))
        return cls(tuple(variables), tuple(kept))

    @classmethod
    def from_expression(
        cls, expression: Expression, variables: Sequence[str]
    ) -> RationalPolynomial:
        """Expand a checked expression (from the safe parser) into a polynomial.

        Raises:
            FormulaError: division by anything but a non-zero number, or a polynomial too
                large to be a parameter count.
        """
        index = {name: k for k, name in enumerate(variables)}
        terms = _expand(expression.tree, index, len(variables))
        return cls.from_terms(variables, terms)

    def plus(self, other: RationalPolynomial) -> RationalPolynomial:
        """``self + other`` (the same variables)."""
        return RationalPolynomial.from_terms(
            self.variables, plus(dict(self.terms), dict(other.terms))
        )

    def times(self, other: RationalPolynomial) -> RationalPolynomial:
        """``self * other`` (the same variables)."""
        return RationalPolynomial.from_terms(
            self.variables, multiply(dict(self.terms), dict(other.terms))
        )

    # -- evaluation --------------------------------------------------------------------------
    @property
    def denominator(self) -> int:
        """The least common denominator of the coefficients."""
        return math.lcm(1, *(c.denominator for _, c in self.terms))

    @property
    def numerator(self) -> Polynomial:
        """``denominator * self`` as an integer polynomial (the project's data type)."""
        d = self.denominator
        return Polynomial(tuple((int(c * d), e) for e, c in self.terms))

    def function(self, which: str = "numerator") -> Callable[..., Any]:
        """Generated code (integers and argument names only) for the ``numerator`` or its
        ``bound`` (every coefficient made positive): on ints or numpy arrays."""
        built = self._compiled.get(which)
        if built is None:
            poly = self.numerator if which == "numerator" else self.numerator.absolute()
            built = compile_functions((poly,), len(self.variables))[0]
            self._compiled[which] = built
        return built

    def evaluate(self, values: Sequence[int]) -> Fraction:
        """The exact value at one point (values in variable order)."""
        return Fraction(self.function()(*values), self.denominator)

    def degree(self, index: int) -> int:
        """The degree in one variable."""
        return max((e[index] for e, _ in self.terms), default=0)

    def univariate(self, index: int, values: Sequence[int]) -> list[Fraction]:
        """Coefficients (constant first) in the variable ``index``, the others bound."""
        coefficients = [Fraction(0)] * (self.degree(index) + 1)
        for exponents, c in self.terms:
            term = c
            for k, e in enumerate(exponents):
                if e and k != index:
                    term *= values[k] ** e
            coefficients[exponents[index]] += term
        return coefficients

    # -- text and sympy ----------------------------------------------------------------------
    def text(self) -> str:
        """The expanded polynomial as arithmetic text the safe parser reads back."""
        parts: list[str] = []
        for exponents, c in self.terms:
            factors = [
                name if e == 1 else f"{name}**{e}"
                for name, e in zip(self.variables, exponents)
                if e
            ]
            magnitude = abs(c)
            head = [] if magnitude.numerator == 1 and factors else [str(magnitude.numerator)]
            body = "*".join(head + factors)
            if magnitude.denominator != 1:
                body += f"/{magnitude.denominator}"
            sign = "-" if c < 0 else "+"
            parts.append(f"{sign} {body}")
        if not parts:
            return "0"
        text = " ".join(parts)
        return text[2:] if text.startswith("+ ") else "-" + text[2:]

    def factored(self) -> str:
        """The text with the common factor pulled out: the rational content and the
        monomial dividing every term (``4*n*(m + n + 2)``); no other factoring.

        Example:
            >>> p = RationalPolynomial.from_terms(("m", "n"), {(1, 1): Fraction(2),
            ...     (0, 2): Fraction(2), (0, 1): Fraction(3)})
            >>> p.factored()
            'n*(2*m + 2*n + 3)'
            >>> RationalPolynomial.from_terms(("n",), {(2,): Fraction(5, 2)}).factored()
            '5*n**2/2'
        """
        if len(self.terms) < 2:
            return self.text()
        arity = len(self.variables)
        lead = self.terms[0][1]
        content = Fraction(math.gcd(*(c.numerator for _, c in self.terms)), self.denominator) * (
            1 if lead > 0 else -1
        )
        shared = tuple(min(e[k] for e, _ in self.terms) for k in range(arity))
        inner = RationalPolynomial.from_terms(
            self.variables,
            {tuple(x - s for x, s in zip(e, shared)): c / content for e, c in self.terms},
        )
        outer = RationalPolynomial.from_terms(
            self.variables, {shared: Fraction(content.numerator)}
        ).text()
        if outer == "1" and content.denominator == 1:
            return inner.text()  # nothing in common
        head = {"1": "", "-1": "-"}.get(outer, outer + "*")
        body = f"{head}({inner.text()})"
        return body + (f"/{content.denominator}" if content.denominator != 1 else "")

    def readable(self) -> str:
        """:meth:`factored` where the safe parser reads it back as the same polynomial,
        else the expanded :meth:`text` (which always reads back). No sympy: a fresh process
        saves its import.

        Example:
            >>> RationalPolynomial.from_terms(("n",), {(2,): Fraction(4), (1,): Fraction(8)}
            ...                               ).readable()
            '4*n*(n + 2)'
        """
        from explorer.errors import UsageError
        from explorer.expressions import parse_expression

        text = self.factored()
        try:
            again = RationalPolynomial.from_expression(
                parse_expression(text, self.variables), self.variables
            )
        except UsageError:
            again = None
        if again == self:
            return text
        expanded = self.text()
        parse_expression(expanded, self.variables)  # the expanded form always reads back
        return expanded

    def to_sympy(self, symbols: Sequence[sympy.Symbol]) -> sympy.Expr:
        """The same polynomial as a sympy expression over ``symbols`` (built, not parsed)."""
        import sympy

        total = sympy.Integer(0)
        for exponents, c in self.terms:
            term = sympy.Rational(c.numerator, c.denominator)
            for symbol, e in zip(symbols, exponents):
                term *= symbol**e
            total += term
        return total


def plus(a: Terms, b: Terms, sign: int = 1) -> Terms:
    """``a + sign * b``."""
    out = dict(a)
    for e, c in b.items():
        out[e] = out.get(e, Fraction(0)) + sign * c
    return {e: c for e, c in out.items() if c}


def multiply(a: Terms, b: Terms) -> Terms:
    """``a * b``.

    Raises:
        FormulaError: the product is too large to be a parameter count.
    """
    out: Terms = {}
    for ea, ca in a.items():
        for eb, cb in b.items():
            e = tuple(x + y for x, y in zip(ea, eb))
            if sum(e) > MAX_DEGREE:
                raise FormulaError(f"formula refused: degree above {MAX_DEGREE}")
            out[e] = out.get(e, Fraction(0)) + ca * cb
    if len(out) > MAX_TERMS:
        raise FormulaError(f"formula refused: more than {MAX_TERMS} terms once expanded")
    return {e: c for e, c in out.items() if c}


def _expand(node: ast.expr, index: Mapping[str, int], arity: int) -> Terms:
    """The terms of a tree the safe parser has checked (numbers, names, + - * / **)."""
    zero = (0,) * arity
    if isinstance(node, ast.Constant):
        value = node.value
        number = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)  # type: ignore[arg-type]
        return {zero: number} if number else {}
    if isinstance(node, ast.Name):
        exponents = tuple(int(k == index[node.id]) for k in range(arity))
        return {exponents: Fraction(1)}
    if isinstance(node, ast.UnaryOp):
        inner = _expand(node.operand, index, arity)
        return {e: -c for e, c in inner.items()} if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left = _expand(node.left, index, arity)
        if isinstance(node.op, ast.Pow):
            exponent = node.right.value if isinstance(node.right, ast.Constant) else None
            if type(exponent) is not int or exponent < 0:
                raise FormulaError("formula refused: exponents must be whole numbers")
            result: Terms = {zero: Fraction(1)}
            for _ in range(exponent):
                result = multiply(result, left)
            return result
        right = _expand(node.right, index, arity)
        if isinstance(node.op, ast.Add):
            return plus(left, right)
        if isinstance(node.op, ast.Sub):
            return plus(left, right, -1)
        if isinstance(node.op, ast.Mult):
            return multiply(left, right)
        if isinstance(node.op, ast.Div):
            if set(right) - {zero} or not right:
                raise FormulaError("formula refused: it divides by something other than a number")
            return {e: c / right[zero] for e, c in left.items()}
    raise FormulaError(f"formula refused: {type(node).__name__} is not arithmetic")
