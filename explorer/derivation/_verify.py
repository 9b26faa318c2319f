"""Held-out verification: fresh builds at points the fit never used, each range's two ends
included (without the ends a special value such as ``proj_size=0`` slipped through in 18
of 20 seeds in the feasibility study; with them in none).

Example:
    >>> import random
    >>> from explorer.derivation._domain import Range
    >>> points = held_out_points((Range(1, 100), Range(0, 8)), random.Random(1), set(), 4)
    >>> all(p[0] in (1, 100) or p[1] in (0, 8) for p in points[:4]), len(points) >= 8
    (True, True)
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from fractions import Fraction

from explorer.derivation._domain import Range
from explorer.derivation._poly import RationalPolynomial

__all__ = ["LOW_VALUES", "Mismatch", "held_out_points", "log_uniform_index", "verify"]

Point = tuple[int, ...]
#: A point where the formula and a fresh build disagree: point, built, predicted.
Mismatch = tuple[Point, int, Fraction]


def log_uniform_index(size: int, rng: random.Random) -> int:
    """A lattice index drawn log-uniformly: every scale is checked, and few huge builds
    (a 1000-layer model takes a second to build, even on the meta device)."""
    return min(size - 1, max(0, math.floor(math.exp(rng.random() * math.log(size + 1))) - 1))


#: The first values of each range are checked too: constraints and special values show
#: there (a head size that must be even fails at the fifth multiple of 32 heads).
LOW_VALUES = 6


def held_out_points(
    ranges: Sequence[Range], rng: random.Random, used: set[Point], extra: int
) -> list[Point]:
    """Each variable at its two ends and at its first values (the others drawn), the
    all-low and all-high corners, then ``extra`` random points; points the fit used are
    skipped where possible."""

    def draw() -> list[int]:
        return [r.value(log_uniform_index(r.size, rng)) for r in ranges]

    wanted: list[Point] = [
        tuple(r.lo for r in ranges),
        tuple(r.hi for r in ranges),
    ]
    for i, r in enumerate(ranges):
        firsts = [r.value(k) for k in range(1, min(LOW_VALUES, r.size - 1))]
        for value in (r.lo, r.hi, *firsts):
            for _ in range(8):  # redraw the others until the point is new
                values = draw()
                values[i] = value
                if tuple(values) not in used:
                    break
            wanted.append(tuple(values))
    for _ in range(extra):
        for _ in range(8):
            candidate = tuple(draw())
            if candidate not in used:
                break
        wanted.append(candidate)
    points: list[Point] = []
    for point in wanted:
        if point not in points:
            points.append(point)
    return points


def verify(
    count: Callable[[Point], int], polynomial: RationalPolynomial, points: Sequence[Point]
) -> list[Mismatch]:
    """The points where a fresh build disagrees with the polynomial (all are checked).

    Raises:
        BuildFailure: from ``count``.
    """
    mismatches: list[Mismatch] = []
    for point in points:
        built = count(point)
        predicted = polynomial.evaluate(point)
        if predicted != built:
            mismatches.append((point, built, predicted))
    return mismatches
