"""The budget-constrained study: Optuna samples the structure, the solver fills in the cells.

Every design a trial evaluates is on budget by construction (within the integer step):
Optuna chooses the family, depth, directions and projection ratio; :func:`explorer.solve`
then finds the exact cell count. A choice that cannot meet the budget (too deep for it,
or under ``min_cells``) is pruned with the solver's reason, never a crash.

Example:
    >>> from searches import make_space, search
    >>> space = make_space(families=("lstm", "gru"), layers=range(1, 5))
    >>> result = search(space, budget="6.5M", objectives="depth", trials=8, seed=1)
    >>> result.on_budget_fraction, result.best[0].design.depth
    (1.0, 4)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from explorer.errors import BudgetError, ConflictError, InvalidSizeError
from searches._engine import run_study
from searches._kind import Objectives
from searches._space_kind import SpaceKind
from searches._trial import record, suggest_choice
from searches.design import Design
from searches.objectives import DEFAULT_OBJECTIVE, ObjectiveFunction, ObjectivePlan
from searches.results import SearchResult
from searches.space import Choice, Space

__all__ = ["EXHAUSTIVE", "LISTED", "Constrained", "search"]

#: The most designs ``--sampler auto`` evaluates every one of: about a second here (an
#: in-memory study with Optuna's BruteForceSampler, each choice solved once).
EXHAUSTIVE = 1_000
#: The most designs listed to find the ones no trial holds yet (for a repeated proposal).
LISTED = 200_000


@dataclass(frozen=True, slots=True)
class Constrained(SpaceKind):
    """Optuna samples the structure; the solver fills in the free size at ``budget``."""

    name: ClassVar[str] = "constrained"
    space: Space
    budget: int

    def objective(self, plan: ObjectivePlan) -> Callable[[Any, Callable[[Any], None]], list[float]]:
        """The Optuna objective of a constrained study (solutions cached per choice)."""
        self.space.load()
        import optuna

        space, budget = self.space, self.budget
        solved: dict[Choice, Design | str] = {}

        def objective(trial: Any, before: Callable[[Any], None]) -> list[float]:
            choice = suggest_choice(trial, space)
            before(trial)
            found = solved.get(choice)
            if found is None:
                found = _solve(space, choice, budget)
                solved[choice] = found
            if isinstance(found, str):
                trial.set_user_attr("reason", found)
                raise optuna.TrialPruned(found)
            return record(trial, found, plan, space.solved_sizes(choice.family))

        return objective

    def points(self) -> list[dict[str, Any]] | None:
        """Every structural choice as trial parameters (none past :data:`LISTED`)."""
        if self.space.size > LISTED:
            return None
        return [{"family": c.family, **dict(c.picks)} for c in self.space.choices()]

    def exhaustive_limit(self) -> int:
        """:data:`EXHAUSTIVE`: about a second's work (measured: benchmarks/bench_search.py)."""
        return EXHAUSTIVE


def _solve(space: Space, choice: Choice, budget: int) -> Design | str:
    """The choice's design at the budget, or the reason it has none."""
    try:
        design = space.to_design(space.solve(choice, budget=budget))
    except (BudgetError, ConflictError, InvalidSizeError) as error:
        return str(error)
    narrow = space.too_narrow(design)
    return design if narrow is None else narrow


def search(
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
    """Run (or resume) a budget-constrained study; see :func:`searches._engine.run_study`.

    Args:
        space: the structural choices (:func:`searches.make_space`).
        budget: in the space's unit: parameters (``6.5M``, ``6.5e6``, 6500000), or FLOPs
            (``2e12``) or bytes (``80GB``) when the space has that measure.
        objectives: ``aspect`` (default: the width/depth ratio nearest
            ``target_ratio``), ``macs``, ``flops``, ``training_flops``, ``depth``,
            ``error``, ``module:function`` or callables taking a
            :class:`~searches.design.Design`; several for a Pareto front.
        directions: one per value, to override the objectives' own.
        trials: finished trials the study should hold at the end, whoever runs them (a
            resumed study runs only the missing ones; processes sharing the study stop
            once it holds them).
        storage: ``None`` (in memory), a journal file, ``sqlite:///FILE.db`` or any RDB URL.
        workers: local processes sharing the storage.
        sampler: ``auto`` (every design when the space holds at most
            :data:`EXHAUSTIVE`: the exact optimum; else TPE), ``tpe``, ``random`` or
            ``grid`` (Optuna's BruteForceSampler).
        grace_period: seconds without a heartbeat after which a stored trial's process
            counts as dead (its trial failed, its point retried); default 20.
    """
    return run_study(
        Constrained(space, space.parse_budget(budget)),
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
