"""Exact integer root finding for monotone counts.

A guess (a closed-form root, or a few Newton steps on the count's polynomial) starts an
exponential search that is then narrowed by bisection, all on exact Python-int counts: the
result is provably the largest allowed integer whose count is within the budget, whatever
the guess's error. No float ever decides an answer.

Example:
    >>> largest_within(lambda k: k * k, 10**12, lo=1, hi=None, guess=999_999)
    (1000000, 4)
    >>> largest_within(lambda k: k * k, 10**12, lo=1, hi=None, guess=1)[0]
    1000000
    >>> quadratic_floor_root(1, 0, -10**12)
    1000000
    >>> polynomial_guess([0, 0, 0, 1], 10**18)
    (1000000, 'Newton steps on the polynomial')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

__all__ = [
    "CEILING",
    "closed_form_guess",
    "largest_within",
    "polynomial_guess",
    "quadratic_floor_root",
]

#: Where an unbounded search stops: far beyond any real size, so the search always ends.
CEILING = 2**64


def largest_within(
    count: Callable[[int], int], budget: int, *, lo: int, hi: int | None, guess: int
) -> tuple[int | None, int]:
    """Largest ``k`` in ``[lo, hi]`` with ``count(k) <= budget`` (``count`` non-decreasing),
    or ``None`` when even ``count(lo)`` is over; and the number of distinct sizes counted."""
    hi = CEILING if hi is None else hi
    seen: set[int] = set()

    def over(k: int) -> bool:
        seen.add(k)
        return count(k) > budget

    k = max(lo, min(guess, hi))
    if not over(k):
        good, step = k, 1
        while True:
            nxt = good + step
            if nxt >= hi:
                if nxt > hi and good == hi:
                    return good, len(seen)
                nxt = hi
                if not over(nxt):
                    return nxt, len(seen)
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
                return None, len(seen)
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
    return good, len(seen)


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
    name; ``(None, ...)`` when the degree is higher (the caller guesses otherwise)."""
    degree = max((d for d, c in enumerate(coefficients) if c), default=0)
    if degree == 1:
        a1, a0 = coefficients[1], coefficients[0]
        return (budget - a0) // a1, "closed form (linear, exact integer division)"
    if degree == 2:
        a2, a1, a0 = coefficients[2], coefficients[1], coefficients[0]
        return quadratic_floor_root(a2, a1, a0 - budget), "closed form (quadratic, exact isqrt)"
    return None, f"degree {degree}"


def polynomial_guess(coefficients: Sequence[int], budget: int) -> tuple[int | None, str]:
    """A first guess of the root of ``sum(c_d x^d) = budget``: the closed form for degree 1
    or 2, else a few Newton steps in floating point (only a guess: the exact search that
    follows decides); ``None`` when there is no usable guess."""
    guess, method = closed_form_guess(coefficients, budget)
    degree = max((d for d, c in enumerate(coefficients) if c), default=0)
    if degree <= 2 or coefficients[degree] <= 0:
        return guess, method
    try:
        x = (budget / coefficients[degree]) ** (1 / degree)
        for _ in range(64):
            value = slope = 0.0
            for c in reversed(coefficients):  # Horner, with the derivative alongside
                slope = slope * x + value
                value = value * x + c
            if slope <= 0:
                break
            step = (value - budget) / slope
            x -= step
            if abs(step) < 0.5:
                break
    except (OverflowError, ZeroDivisionError):
        return None, method
    if not math.isfinite(x) or x < 1:
        return None, method
    return int(x), "Newton steps on the polynomial"
