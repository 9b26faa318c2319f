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
    design_cap: bool = False,
    free: str = "size",
) -> Block:
    """Solve every point: ``count_at(k, index)`` gives the totals at multiples ``k`` for the
    points ``index`` (non-decreasing in ``k``); ``budgets`` one per point.

    ``design_cap``: ``hi_k`` is where the design's own range of ``free`` ends (not the
    user's maximum): a budget more than one step beyond the count there is out of reach,
    and its point has no design (as :func:`explorer.solve` refuses it).

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
    reason[stuck] = f"no allowed {free} reaches the budget (mode over)"
    if design_cap and hi_k is not None:
        at_end = feasible & (good == hi_k)
        stuck |= _beyond_reach(count_at, budgets, good=good, under=under, at_end=at_end, lo_k=lo_k)
        reason[stuck & ~(pick_above & ~has_above)] = (
            f"no allowed {free} reaches the budget: {free} can go no higher in this design"
        )
    feasible = feasible & ~stuck
    k = np.where(pick_above, good + 1, good)
    total = np.where(pick_above, above, under)
    step = np.where(has_above, above - under, -1)
    return Block(k, total, step, feasible, reason)


def _beyond_reach(
    count_at: Counter,
    budgets: np.ndarray[Any, Any],
    *,
    good: np.ndarray[Any, Any],
    under: np.ndarray[Any, Any],
    at_end: np.ndarray[Any, Any],
    lo_k: int,
) -> np.ndarray[Any, Any]:
    """The points at the end of the design's range whose budget lies more than one step
    beyond the count there."""
    points = np.flatnonzero(at_end & np.asarray(under < budgets, dtype=bool))
    beyond = np.zeros(len(budgets), dtype=bool)
    if points.size:
        below = good[points] - 1
        previous = np.zeros(points.size, dtype=object)
        has_previous = below >= lo_k
        if has_previous.any():
            previous[has_previous] = count_at(below[has_previous], points[has_previous])
        gap = budgets[points] - under[points]
        beyond[points] = np.asarray(gap > under[points] - previous, dtype=bool)
    return beyond
