"""Solving a derived formula (``explorer derive ... --save``): the value of one variable
that meets a parameter budget, on the lattice the formula was verified on.

Example:
    >>> from explorer.derivation import Derived
    >>> d = Derived.from_data({"format": 1, "target": "demo.Layer",
    ...     "formula": "4*n*(m + n + 2)", "variables": ["m", "n"],
    ...     "domain": {"m": {"lo": 1, "hi": 512, "step": 1},
    ...                "n": {"lo": 8, "hi": 1024, "step": 8}},
    ...     "builds": 40, "verified": {"points": 24, "exact": True}}, "inline")
    >>> solve_formula(d, "1M", m=39).sizes
    {'m': 39, 'n': 480}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from explorer.errors import BudgetError, ConflictError, UnknownNameError
from explorer.solver._budget import parse_budget
from explorer.solver._integer import closed_form_guess, largest_within
from explorer.solver._solution import Neighbour, Solution
from explorer.solver._solver import MODES

if TYPE_CHECKING:
    from explorer.derivation import Derived, Range

__all__ = ["solve_formula"]


def solve_formula(
    derived: Derived,
    budget: object,
    *,
    free: str | None = None,
    mode: str = "nearest",
    **fixed: int,
) -> Solution:
    """The value of one variable that meets a parameter budget, provably best.

    The other variables are given; the free one ranges over its domain's lattice
    (``lo + k*step``). The count must not decrease along that lattice (checked
    exactly); then a closed-form root guess and an exact integer search find the
    largest value within the budget, and its neighbour above.

    Args:
        budget: parameters, as a number or text (``6.5M``, ``7B``).
        free: the variable to solve for (default: the one not given).
        mode: ``nearest`` (default), ``under`` or ``over`` the budget.
        **fixed: every other variable.

    Raises:
        BudgetError: no value of the domain meets the budget as the mode asks.
        ConflictError: no single free variable, or one that does not change the count.
    """
    target = parse_budget(budget)
    if mode not in MODES:
        raise UnknownNameError.for_name("mode", mode, MODES)
    for name in fixed:
        if name not in derived.domain:
            raise UnknownNameError.for_name("variable of this formula", name, derived.variables)
    free = _free(derived, free, fixed)
    for name, value in fixed.items():
        derived.check_value(name, value)
    r = derived.domain[free]
    index = derived.variables.index(free)
    base = [fixed.get(v, 0) for v in derived.variables]
    steps = _lattice_coefficients(derived.polynomial.univariate(index, base), r)
    if not any(steps[1:]):
        raise ConflictError(f"{free} does not change the count here: nothing to solve")
    _check_monotone(steps, r.size - 1, free)
    scale = math.lcm(1, *(c.denominator for c in steps))
    integers = [int(c * scale) for c in steps]
    guess, method = closed_form_guess(integers, target * scale)
    if guess is None:
        guess, method = 0, "exact exponential search on the monotone count"
    evaluations = 0

    def count_at(k: int) -> int:
        nonlocal evaluations
        evaluations += 1
        point = list(base)
        point[index] = r.value(k)
        return derived.exact(tuple(point))

    best, _ = largest_within(count_at, target, lo=0, hi=r.size - 1, guess=max(0, guess))
    if best is None:
        smallest = count_at(0)
        raise BudgetError(
            f"budget {target:,} is below the smallest count in the domain: "
            f"{free}={r.lo} gives {smallest:,}"
        )
    under = Neighbour(r.value(best), count_at(best))
    above = (
        None
        if best == r.size - 1 or under.total == target
        else (Neighbour(r.value(best + 1), count_at(best + 1)))
    )
    chosen = _choose(under, above, target=target, mode=mode, free=free, r=r)
    sizes = {v: (chosen.value if v == free else fixed[v]) for v in derived.variables}
    return Solution(
        family=f"derived {derived.title or derived.target}",
        convention="derived",
        overrides={},
        free=free,
        sizes=sizes,
        total=chosen.total,
        budget=target,
        relative_error=(chosen.total - target) / target,
        mode=mode,
        below=under,
        above=above,
        method=f"{method}, on the lattice {r.text()}",
        evaluations=evaluations,
        assumptions=(f"formula verified on {derived.domain_text()}",),
    )


def _free(derived: Derived, free: str | None, fixed: Mapping[str, int]) -> str:
    if free is None:
        unbound = [v for v in derived.variables if v not in fixed]
        if len(unbound) != 1:
            listed = ", ".join(unbound) or "none"
            raise ConflictError(
                f"solve needs exactly one free variable, found {listed}: give the others"
            )
        return unbound[0]
    if free not in derived.domain:
        raise UnknownNameError.for_name("variable of this formula", free, derived.variables)
    if free in fixed:
        raise ConflictError(f"{free} is both given ({fixed[free]}) and free; drop one")
    missing = [v for v in derived.variables if v != free and v not in fixed]
    if missing:
        raise ConflictError(f"give {', '.join(f'{v}=...' for v in missing)} to solve for {free}")
    return free


def _choose(
    under: Neighbour, above: Neighbour | None, *, target: int, mode: str, free: str, r: Range
) -> Neighbour:
    """The value the mode asks for, of the best ones at or under and over the budget."""
    if under.total == target or mode == "under":
        return under
    closer_above = above is not None and above.total - target < target - under.total
    if mode == "nearest" and not closer_above:
        return under
    if above is None:
        raise BudgetError(
            f"no {free} in the domain ({r.text()}) reaches the budget {target:,}: "
            f"the largest, {under.value}, gives {under.total:,}"
        )
    return above


def _lattice_coefficients(coefficients: list[Fraction], r: Range) -> list[Fraction]:
    """``p(lo + step*k)`` as coefficients in ``k`` (constant first)."""
    result = [Fraction(0)] * len(coefficients)
    for degree, c in enumerate(coefficients):
        if not c:
            continue
        for j in range(degree + 1):  # (lo + step*k)**degree by the binomial theorem
            result[j] += c * math.comb(degree, j) * r.lo ** (degree - j) * r.step**j
    return result


def _check_monotone(coefficients: list[Fraction], top: int, free: str) -> None:
    """The count must not decrease for k in 0..top (exact; solving relies on it).

    Non-negative coefficients in ``k >= 0`` prove it at once; otherwise the differences
    ``q(k+1) - q(k)`` must have no real root in ``[0, top-1]`` and start non-negative.
    """
    if all(c >= 0 for c in coefficients[1:]):
        return
    import sympy

    k = sympy.Symbol("k")
    q = sum(sympy.Rational(c.numerator, c.denominator) * k**d for d, c in enumerate(coefficients))
    difference = sympy.Poly(sympy.expand(q.subs(k, k + 1) - q), k)
    start = difference.eval(0)
    if difference.is_zero or (start >= 0 and difference.count_roots(0, max(0, top - 1)) == 0):
        return
    raise ConflictError(
        f"the count is not monotone in {free} over its domain: an exact search for a budget "
        "needs it to be; narrow the domain"
    )
