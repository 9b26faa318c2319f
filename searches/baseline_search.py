"""The baseline for comparison: plain Optuna over raw sizes, the budget a soft constraint.

The same structural choices as :mod:`searches.budget_search`, plus the free size sampled
as one more integer (log scale) in ``[minimum or 1, 2 x the widest on-budget design]``,
a range that already knows the budget's scale (a generous baseline). The budget enters
only through Optuna 5's ``trial.set_constraint``: a trial is feasible when it lies
within the integer step of the budget. Off-budget trials are spent and bias the sampler;
that is what this mode measures.

Example:
    >>> from searches import baseline, make_space
    >>> space = make_space(families=("lstm",), layers=range(1, 4))
    >>> result = baseline(space, budget="6.5M", objectives="depth", trials=10, seed=1)
    >>> result.on_budget < 10
    True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import explorer
from explorer.errors import BudgetError, ConflictError, InvalidSizeError
from searches._engine import run_study
from searches._kind import Objectives
from searches._space_kind import SpaceKind
from searches._trial import record, suggest_choice
from searches.design import Design
from searches.objectives import DEFAULT_OBJECTIVE, ObjectiveFunction, ObjectivePlan
from searches.results import SearchResult
from searches.space import Choice, Space

__all__ = ["Baseline", "baseline", "free_range", "make_objective"]


def free_range(space: Space, budget: int) -> tuple[int, int]:
    """The baseline's range for the free size: from ``minimum`` (or 1; at least the largest
    divisor of a ratio choice, so that a tied size stays positive) to twice the widest
    design that meets the budget (or ``maximum``).

    Raises:
        BudgetError: no structural choice meets the budget at all.
    """
    low = space.minimum or 1
    for family in space.families:
        for declared in space.declared(family):
            if declared.kind == "ratio" and not declared.percent:
                low = max(low, *space.values(declared.name))
    if space.maximum is not None:
        return low, space.maximum
    widest = 0
    for choice in space.choices():
        try:
            solution = space.solve(choice, budget=budget)
        except (BudgetError, ConflictError, InvalidSizeError):
            continue
        widest = max(widest, solution.value)
    if widest == 0:
        raise BudgetError(f"no design of this space meets the budget {budget:,}")
    return low, max(low, 2 * widest)


@dataclass(frozen=True, slots=True)
class Baseline(SpaceKind):
    """Optuna samples the structure and the cells (TPE); the budget a soft constraint."""

    name: ClassVar[str] = "baseline"
    space: Space
    budget: int

    def exhaustive_limit(self) -> int:
        """Never exhaustive: the baseline samples raw sizes."""
        return 0

    def objective(self, plan: ObjectivePlan) -> Callable[[Any, Callable[[Any], None]], list[float]]:
        """See :func:`make_objective`."""
        self.space.load()
        return make_objective(self.space, self.budget, plan)


def make_objective(
    space: Space, budget: int, plan: ObjectivePlan
) -> Callable[[Any, Callable[[Any], None]], list[float]]:
    """The Optuna objective of a baseline study."""
    import optuna

    low, high = free_range(space, budget)
    step = space.multiple_of

    def integer_step(choice: Choice, total: int, free: int) -> int | None:
        """The integer step on the budget's side, in its unit: to the next size down when
        over it, up when under it (the same rule as a solved design's neighbours)."""
        other = free - step if total >= budget else free + step
        if other < 1:
            return None
        try:
            counted = explorer.count(choice.family, **space.concrete(choice, other))
            return abs(total - space.measure_of(counted))
        except (ConflictError, InvalidSizeError):
            return None

    def objective(trial: Any, before: Callable[[Any], None]) -> list[float]:
        choice = suggest_choice(trial, space)
        name = space.free(choice.family)
        if step == 1:
            free = int(trial.suggest_int(name, low, high, log=True))
        else:
            first = -(-low // step) * step
            free = int(trial.suggest_int(name, first, max(first, high), step=step))
        before(trial)
        sizes = space.concrete(choice, free)
        try:
            counted = explorer.count(choice.family, **sizes)
            total = space.measure_of(counted)
        except (ConflictError, InvalidSizeError) as error:
            trial.set_user_attr("reason", str(error))
            raise optuna.TrialPruned(str(error)) from None
        design = Design(
            choice.family,
            sizes,
            total,
            budget,
            integer_step(choice, total, free),
            unit=space.unit,
            parameters=counted.total,
            seq=space.seq or 1,
            decoder_seq=space.decoder_seq,
            compute=space.compute,
        )
        return record(trial, design, plan, space.solved_sizes(choice.family))

    return objective


def baseline(
    space: Space,
    *,
    budget: object,
    objectives: str | tuple[str | ObjectiveFunction, ...] = DEFAULT_OBJECTIVE,
    directions: tuple[str, ...] | None = None,
    target_ratio: float = 64.0,
    trials: int = 100,
    seed: int | None = None,
    storage: str | None = None,
    study_name: str | None = None,
    workers: int = 1,
    progress: bool = False,
    sampler: str = "auto",
    grace_period: int | None = None,
) -> SearchResult:
    """Run (or resume) the plain-Optuna baseline study; arguments as
    :func:`searches.search`."""
    return run_study(
        Baseline(space, space.parse_budget(budget)),
        objectives=Objectives.make(objectives, directions=directions, target_ratio=target_ratio),
        trials=trials,
        seed=seed,
        storage=storage,
        study_name=study_name,
        workers=workers,
        progress=progress,
        sampler=sampler,
        grace_period=grace_period,
    )
