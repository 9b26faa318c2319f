"""Exact integer solves of many budgets and depths at once, on numpy arrays.

For one structure (family, directions, projection ratio) the count is one compiled
formula in the cells and the depth; :meth:`explorer.Count.evaluate_many` evaluates it
exactly for whole arrays (int64 overflow guarded: exact Python ints past it). Each
point's largest allowed cell count within its budget is found by a doubling search and
then bisection, all points together, on these exact counts: the same answer, neighbours
and tie rule as :func:`explorer.solve` (the tests check point by point), at array speed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Block", "solve_block"]

#: Where an unbounded search stops (in multiples of the step): beyond any real width.
CEILING = 2**40

Counter = Callable[[np.ndarray[Any, Any], np.ndarray[Any, Any]], np.ndarray[Any, Any]]


@dataclass(frozen=True, slots=True)
class Block:
    """Solved points: the chosen multiple ``k`` (cells = k * step), its total and integer
    step (``-1``: no neighbour above), and which points have a design at all."""

    k: np.ndarray[Any, Any]
    total: np.ndarray[Any, Any]
    step: np.ndarray[Any, Any]
    feasible: np.ndarray[Any, Any]
    reason: np.ndarray[Any, Any]


def _over(counts: np.ndarray[Any, Any], budgets: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return np.asarray(counts > budgets, dtype=bool)


def solve_block(
    count_at: Counter,
    budgets: np.ndarray[Any, Any],
    *,
    lo_k: int,
    hi_k: int | None,
    mode: str,
) -> Block:
    """Solve every point: ``count_at(k, index)`` gives the totals at multiples ``k`` for the
    points ``index`` (non-decreasing in ``k``); ``budgets`` one per point.

    Example:
        >>> budgets = np.array([10, 99, 100, 3])
        >>> block = solve_block(lambda k, i: k * k, budgets, lo_k=2, hi_k=None, mode="nearest")
        >>> block.k.tolist(), block.total.tolist(), block.feasible.tolist()
        ([3, 10, 10, 2], [9, 100, 100, 0], [True, True, True, False])
    """
    n = len(budgets)
    everyone = np.arange(n)
    cap = CEILING if hi_k is None else hi_k
    good = np.full(n, lo_k, dtype=np.int64)
    bad = np.full(n, lo_k + 1, dtype=np.int64)  # count(bad) > budget, or bad == cap + 1
    feasible = ~_over(count_at(good, everyone), budgets) if lo_k <= cap else np.zeros(n, bool)
    active = everyone[feasible & (bad <= cap)]
    while active.size:  # doubling: find a k over the budget
        fine = active[~_over(count_at(bad[active], active), budgets[active])]
        good[fine] = bad[fine]
        bad[fine] = np.minimum(lo_k + 2 * (bad[fine] - lo_k), cap + 1)
        active = fine[bad[fine] <= cap]
    active = everyone[feasible & (bad - good > 1)]
    while active.size:  # bisection between the last k within and the first over
        mid = (good[active] + bad[active]) // 2
        over = _over(count_at(mid, active), budgets[active])
        bad[active[over]] = mid[over]
        good[active[~over]] = mid[~over]
        active = active[bad[active] - good[active] > 1]

    solved = everyone[feasible]
    under = np.zeros(n, dtype=object)
    above = np.full(n, -1, dtype=object)
    if solved.size:
        under[solved] = count_at(good[solved], solved)
        with_above = solved[good[solved] + 1 <= cap]
        if with_above.size:
            above[with_above] = count_at(good[with_above] + 1, with_above)
    has_above = above >= 0
    exact = np.asarray(under == budgets, dtype=bool)
    if mode == "under":
        pick_above = np.zeros(n, dtype=bool)
    elif mode == "over":
        pick_above = ~exact
    else:
        pick_above = ~exact & has_above & np.asarray(budgets - under > above - budgets, dtype=bool)
    reason = np.full(n, "", dtype=object)
    reason[~feasible] = "the budget is below the smallest allowed design"
    stuck = feasible & pick_above & ~has_above
    reason[stuck] = "no allowed cell count reaches the budget (mode over)"
    feasible = feasible & ~stuck
    k = np.where(pick_above, good + 1, good)
    total = np.where(pick_above, above, under)
    step = np.where(has_above, above - under, -1)
    return Block(k, total, step, feasible, reason)
