"""Exact integer root finding for monotone counts.

A guess (a closed-form root, or a bracketed float root) starts an exponential search that
is then narrowed by bisection, all on exact Python-int counts: the result is provably the
largest allowed integer whose count is within the budget, whatever the guess's error.

Example:
    >>> largest_within(lambda k: k * k, 10**12, lo=1, hi=None, guess=999_999)
    (1000000, 4)
    >>> largest_within(lambda k: k * k, 10**12, lo=1, hi=None, guess=1)[0]
    1000000
    >>> quadratic_floor_root(1, 0, -10**12)
    1000000
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

__all__ = ["CEILING", "closed_form_guess", "largest_within", "quadratic_floor_root"]

#: Where an unbounded search stops: far beyond any real size, so the search always ends.
CEILING = 2**64


def largest_within(
    count: Callable[[int], int], budget: int, *, lo: int, hi: int | None, guess: int
) -> tuple[int | None, int]:
    """Largest ``k`` in ``[lo, hi]`` with ``count(k) <= budget`` (``count`` non-decreasing),
    or ``None`` when even ``count(lo)`` is over; and the number of evaluations."""
    evaluations = 0
    hi = CEILING if hi is None else hi

    def over(k: int) -> bool:
        nonlocal evaluations
        evaluations += 1
        return count(k) > budget

    k = max(lo, min(guess, hi))
    if not over(k):
        good, step = k, 1
        while True:
            nxt = good + step
            if nxt >= hi:
                if nxt > hi and good == hi:
                    return good, evaluations
                nxt = hi
                if not over(nxt):
                    return nxt, evaluations
                bad = nxt
                break
            if over(nxt):
                bad = nxt
                break
            good, step = nxt, step * 2
    else:
        bad, step = k, 1
        while True:
            if bad == lo:
                return None, evaluations
            nxt = max(lo, bad - step)
            if not over(nxt):
                good = nxt
                break
            bad, step = nxt, step * 2
    while bad - good > 1:
        mid = (good + bad) // 2
        if over(mid):
            bad = mid
        else:
            good = mid
    return good, evaluations


def quadratic_floor_root(a: int, b: int, c: int) -> int | None:
    """``floor`` of the larger real root of ``a x^2 + b x + c`` (a > 0), exactly, by
    ``math.isqrt``; ``None`` if there is no real root."""
    discriminant = b * b - 4 * a * c
    if discriminant < 0:
        return None
    # floor((-b + floor(sqrt(D))) / 2a) == floor((-b + sqrt(D)) / 2a) for integers
    return (-b + math.isqrt(discriminant)) // (2 * a)


def closed_form_guess(coefficients: Sequence[int], budget: int) -> tuple[int | None, str]:
    """The exact floor root of ``sum(c_d x^d) = budget`` for degree 1 or 2, and the method
    name; ``(None, ...)`` when the degree is higher (the caller brackets instead)."""
    degree = max((d for d, c in enumerate(coefficients) if c), default=0)
    if degree == 1:
        a1, a0 = coefficients[1], coefficients[0]
        return (budget - a0) // a1, "closed form (linear, exact integer division)"
    if degree == 2:
        a2, a1, a0 = coefficients[2], coefficients[1], coefficients[0]
        return quadratic_floor_root(a2, a1, a0 - budget), "closed form (quadratic, exact isqrt)"
    return None, f"degree {degree}"
