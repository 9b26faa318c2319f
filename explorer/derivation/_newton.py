"""The exact fit: adaptive multivariate Newton interpolation in rational arithmetic.

The nodes of variable ``i`` are lattice values starting at a (random) anchor and going up,
then down from it once the top is reached. A polynomial is the sum of Newton terms
``c_a * prod_i prod_{t < a_i} (x_i - node_i[t])``; ``c_a`` needs one new value, at the
grid point ``a``, and the coefficients of the terms below ``a``. Along each axis terms are
added until two in a row vanish (the degree in that variable, up to a cap); a mixed term is
added only when every term just below it is non-zero: at a random anchor the coefficients
of a polynomial's terms are non-zero but for a set of measure zero, so this finds every
term with few values (8 to 89 for LSTM ... Mixtral), where a full tensor grid needs up to
hundreds. A zero by coincidence would drop a term: the held-out verification catches it,
and the caller then fits again on a new anchor with ``full=True`` (every term up to the
degrees, no pruning).

Example:
    >>> from explorer.derivation._domain import Range
    >>> f = lambda p: 4 * p[1] * (p[0] + p[1]) + 8 * p[1]        # an LSTM layer
    >>> fit = fit_polynomial(f, (Range(1, 64), Range(1, 64)), (5, 9), max_degree=6)
    >>> fit.polynomial(("m", "n")).text(), fit.degrees
    ('4*m*n + 4*n**2 + 8*n', (1, 2))
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from explorer.derivation._domain import Range
from explorer.derivation._poly import Exponents, RationalPolynomial, multiply, plus

__all__ = ["DegreeCapError", "Fit", "fit_polynomial", "node_indices", "refit"]


class DegreeCapError(Exception):
    """The count is not a polynomial of degree <= the cap along one variable."""

    def __init__(self, index: int, cap: int) -> None:
        super().__init__(f"degree above {cap} in variable {index}")
        self.index = index
        self.cap = cap


@dataclass(frozen=True)
class Fit:
    """Newton coefficients (zeros included where they were computed) and the nodes."""

    coefficients: dict[Exponents, Fraction]
    nodes: tuple[tuple[int, ...], ...]
    degrees: tuple[int, ...]
    points: tuple[tuple[int, ...], ...]

    def polynomial(self, variables: Sequence[str]) -> RationalPolynomial:
        """The fitted polynomial, expanded into monomials."""
        arity = len(self.nodes)
        total: dict[Exponents, Fraction] = {}
        factor_cache: dict[tuple[int, int], dict[Exponents, Fraction]] = {}
        for alpha, c in self.coefficients.items():
            if not c:
                continue
            term: dict[Exponents, Fraction] = {(0,) * arity: c}
            for i, a in enumerate(alpha):
                if a:
                    key = (i, a)
                    if key not in factor_cache:
                        factor_cache[key] = _newton_factor(i, self.nodes[i][:a], arity)
                    term = multiply(term, factor_cache[key])
            total = plus(total, term)
        return RationalPolynomial.from_terms(variables, total)


def _newton_factor(index: int, nodes: Sequence[int], arity: int) -> dict[Exponents, Fraction]:
    """``prod_t (x_index - nodes[t])`` as terms."""
    result: dict[Exponents, Fraction] = {(0,) * arity: Fraction(1)}
    unit = tuple(int(k == index) for k in range(arity))
    for node in nodes:
        result = multiply(result, {unit: Fraction(1), (0,) * arity: Fraction(-node)})
    return result


#: Nodes taken along one variable: the fit needs at most ``max_degree + 3`` (8 + 3), so a
#: huge range (``1:10**12``) costs no memory in proportion to its size.
MAX_NODES = 16


def node_indices(size: int, anchor: int, limit: int = MAX_NODES) -> list[int]:
    """Lattice indices in node order: the anchor, up to the top, then down from it (at
    most ``limit`` of them).

    Example:
        >>> node_indices(6, 3)
        [3, 4, 5, 2, 1, 0]
        >>> node_indices(10**12, 5, limit=4)
        [5, 6, 7, 8]
    """
    up = range(anchor, min(size, anchor + limit))
    down = range(anchor - 1, max(-1, anchor - 1 - (limit - len(up))), -1)
    return [*up, *down]


def fit_polynomial(
    count: Callable[[tuple[int, ...]], int],
    ranges: Sequence[Range],
    anchor: Sequence[int],
    *,
    max_degree: int,
    full: bool = False,
) -> Fit:
    """Fit the polynomial through ``count`` on the lattices, from the anchor (indices).

    Args:
        count: the exact count at a point (values in variable order).
        ranges: one lattice per variable.
        anchor: the lattice index of the first node of each variable.
        max_degree: the largest degree allowed in any one variable.
        full: every mixed term up to the axis degrees (no pruning by zero coefficients).

    Raises:
        DegreeCapError: some variable's degree exceeds ``max_degree``.
        BuildFailure: from ``count``.
    """
    arity = len(ranges)
    nodes = tuple(
        tuple(r.value(k) for k in node_indices(r.size, a)) for r, a in zip(ranges, anchor)
    )
    coefficients: dict[Exponents, Fraction] = {}
    points: list[tuple[int, ...]] = []

    def newton_basis(beta: Exponents, x: Sequence[int]) -> int:
        product = 1
        for i, b in enumerate(beta):
            for t in range(b):
                product *= x[i] - nodes[i][t]
        return product

    def compute(alpha: Exponents) -> Fraction:
        x = tuple(nodes[i][a] for i, a in enumerate(alpha))
        points.append(x)
        value = Fraction(count(x))
        for beta, c in coefficients.items():
            if c and beta != alpha and all(b <= a for b, a in zip(beta, alpha)):
                value -= c * newton_basis(beta, x)
        coefficient = value / newton_basis(alpha, x)
        coefficients[alpha] = coefficient
        return coefficient

    zero = (0,) * arity
    compute(zero)
    degrees = []
    for i in range(arity):
        degree, zeros, k = 0, 0, 0
        while zeros < 2:
            k += 1
            if k >= len(nodes[i]):  # every lattice value used: exact on this axis
                break
            if k > max_degree + 2:
                raise DegreeCapError(i, max_degree)
            alpha = tuple(k if j == i else 0 for j in range(arity))
            if compute(alpha):
                if k > max_degree:
                    raise DegreeCapError(i, max_degree)
                degree, zeros = k, 0
            else:
                zeros += 1
        degrees.append(degree)

    # Mixed terms, by total degree, each needing all the terms just below it.
    for total in range(2, sum(degrees) + 1):
        for alpha in _with_total(degrees, total):
            if sum(1 for a in alpha if a) < 2 or alpha in coefficients:
                continue
            below = [
                tuple(a - (j == i) for j, a in enumerate(alpha)) for i in range(arity) if alpha[i]
            ]
            if full or all(coefficients.get(b) for b in below):
                compute(alpha)
    return Fit(dict(coefficients), nodes, tuple(degrees), tuple(points))


def _with_total(degrees: Sequence[int], total: int) -> list[Exponents]:
    """Exponent tuples bounded by ``degrees`` with the given sum."""
    return [
        alpha
        for alpha in itertools.product(*(range(d + 1) for d in degrees))
        if sum(alpha) == total
    ]


def refit(fit: Fit, value: Callable[[tuple[int, ...]], int]) -> Fit:
    """The same Newton terms, at the same nodes, for another function of the points: the
    fit of one group of tensors from the builds the total's fit made (no new build when
    ``value`` reads the builds already made). Terms the total's fit left out stay out;
    the caller verifies the result at held-out points.

    Example:
        >>> from explorer.derivation._domain import Range
        >>> total = lambda p: p[0] * p[1] + 3 * p[0]
        >>> fit = fit_polynomial(total, (Range(1, 64), Range(1, 64)), (5, 9), max_degree=6)
        >>> refit(fit, lambda p: 3 * p[0]).polynomial(("m", "n")).text()
        '3*m'
    """
    nodes = fit.nodes
    coefficients: dict[Exponents, Fraction] = {}
    for alpha in fit.coefficients:  # computed in an order where every lower term came first
        x = tuple(nodes[i][a] for i, a in enumerate(alpha))
        remainder = Fraction(value(x))
        for beta, c in coefficients.items():
            if c and all(b <= a for b, a in zip(beta, alpha)):
                remainder -= c * _basis(nodes, beta, x)
        coefficients[alpha] = remainder / _basis(nodes, alpha, x)
    return Fit(coefficients, nodes, fit.degrees, fit.points)


def _basis(nodes: Sequence[Sequence[int]], beta: Exponents, x: Sequence[int]) -> int:
    product = 1
    for i, b in enumerate(beta):
        for t in range(b):
            product *= x[i] - nodes[i][t]
    return product
