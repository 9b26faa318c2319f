"""A fit from shapes: each group of tensors is its instances times the product of its
dimensions, and each of those is a polynomial of few fields (``hidden_size``,
``num_heads * head_dim``, the number of layers), so fitting them apart takes the builds
along each field and few mixed ones, where fitting the group's elements as one
polynomial takes a build for every product of fields its Newton terms meet.

The builds are the builder's (memoised): every component is fitted from the same nodes,
so they share them. Where a group's instances differ in shape, or a group comes and goes
across the domain, there is no such product and the caller fits the elements instead; the
result is verified at held-out builds either way.

Example:
    >>> from explorer.derivation._build import Shape
    >>> from explorer.derivation._domain import Range
    >>> def shapes(p):  # a layer stack: layers x (d x 4d), and a table of v x d
    ...     return {"w": Shape(p[2], (p[0], 4 * p[0])), "e": Shape(1, (p[1], p[0]))}
    >>> found = fit_by_shapes(shapes, [Range(8, 512, 8), Range(1, 99), Range(1, 24)],
    ...                       (3, 40, 5), ("d", "v", "layers"), max_degree=4)
    >>> {g: p.text() for g, p in found.polynomials.items()}
    {'w': '4*d**2*layers', 'e': 'd*v'}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import NamedTuple

from explorer.derivation._build import Shape
from explorer.derivation._domain import Range
from explorer.derivation._newton import DegreeCapError, fit_polynomial
from explorer.derivation._poly import RationalPolynomial

__all__ = ["ShapeFit", "fit_by_shapes"]

Point = tuple[int, ...]


class ShapeFit(NamedTuple):
    """Each group's polynomial (instances x dimensions) and the points its fits built."""

    polynomials: dict[str, RationalPolynomial]
    points: frozenset[Point]


class _Irregular(Exception):  # noqa: N818 - an outcome: no product of shapes here
    """A group's shapes differ between its instances, or the group is not at a point."""


def fit_by_shapes(
    shapes: Callable[[Point], Mapping[str, Shape | None]],
    ranges: Sequence[Range],
    anchor: Sequence[int],
    variables: tuple[str, ...],
    *,
    max_degree: int,
) -> ShapeFit | None:
    """Each group's count as instances x the product of its dimensions, each fitted on
    its own; None where a group has no one shape, or a component no polynomial of degree
    ``max_degree`` (the caller then fits the elements).

    Raises:
        BuildFailure: from ``shapes``.
    """
    start = tuple(r.value(k) for r, k in zip(ranges, anchor))
    at = shapes(start)
    if any(found is None for found in at.values()):
        return None
    used: set[Point] = set()
    polynomials: dict[str, RationalPolynomial] = {}
    for group, found in at.items():
        assert found is not None
        product = RationalPolynomial.from_terms(variables, {(0,) * len(variables): Fraction(1)})
        for index in (-1, *range(len(found.dims))):  # the instances, then each dimension
            try:
                fit = fit_polynomial(
                    _component(shapes, group, len(found.dims), index),
                    ranges,
                    anchor,
                    max_degree=max_degree,
                )
            except (_Irregular, DegreeCapError):
                return None
            used.update(fit.points)
            product = product.times(fit.polynomial(variables))
        polynomials[group] = product
    if any(set(shapes(point)) != set(at) for point in used):
        return None  # a group that comes and goes: no product of shapes describes it
    return ShapeFit(polynomials, frozenset(used))


def _component(
    shapes: Callable[[Point], Mapping[str, Shape | None]], group: str, rank: int, index: int
) -> Callable[[Point], int]:
    """A group's instances (``index`` -1) or one of its dimensions, at a point."""

    def value(point: Point) -> int:
        here = shapes(point).get(group)
        if here is None or len(here.dims) != rank:
            raise _Irregular(group)
        return here.instances if index < 0 else here.dims[index]

    return value
