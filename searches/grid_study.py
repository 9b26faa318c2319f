"""A sweep as an Optuna study: every grid point one trial of Optuna's GridSampler.

What :mod:`searches.design_sweep` computes in one pass, stored point by point: resumable with
``load_if_exists`` (a killed sweep re-run finishes only the missing points) and shared by
``--workers`` or many machines on one storage. The grid is (structure, budget, depth),
the structure one label per family and its choices but the depth, so the stored space is
the sum of the choices, not their product. GridSampler re-scans the study for every
trial: this suits grids of up to a few thousand points; larger ones stream through the
vectorised engine instead.

Example:
    >>> from searches import make_space
    >>> rows, result = sweep_study(make_space(families=("gru",), layers=(1, 2)),
    ...                            budgets=("1M",), seed=0)
    >>> [(r.sizes["layers"], r.sizes["cells"], r.total) for r in rows]
    [(1, 552, 1000810), (2, 324, 997630)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from explorer.errors import BudgetError, ConflictError, InvalidSizeError
from searches import _optuna
from searches._engine import run_study
from searches._kind import Objectives
from searches._space_kind import SpaceKind
from searches._trial import record
from searches.design_sweep import SweepRow, row_of, structures
from searches.objectives import ObjectivePlan
from searches.results import SearchResult
from searches.space import Space

__all__ = ["Grid", "sweep_study"]

Point = tuple[str, int, int]


def _labels(space: Space) -> list[str]:
    return [s.label for s in structures(space)]


@dataclass(frozen=True, slots=True)
class Grid(SpaceKind):
    """Every point of structure x budget x depth once, by Optuna's GridSampler."""

    name: ClassVar[str] = "grid"
    space: Space
    budget: int
    budgets: tuple[int, ...]

    def fingerprint(self) -> dict[str, Any]:
        """The budgets and the space."""
        return {**SpaceKind.fingerprint(self), "budgets": list(self.budgets)}

    @property
    def size(self) -> int:
        """Points in the grid."""
        return len(_labels(self.space)) * len(self.budgets) * len(self.space.depths())

    def sampler(self, seed: int | None, name: str = "grid") -> Any:
        """GridSampler over structure x budget x depth."""
        import optuna

        grid: dict[str, Sequence[Any]] = {
            "structure": _labels(self.space),
            "budget": list(self.budgets),
            "depth": list(self.space.depths()),
        }
        return optuna.samplers.GridSampler(grid, seed=seed)

    def unvisited(self, study: Any) -> list[Point]:
        """Grid points without a finished trial, in grid order."""
        done = {
            (t.params.get("structure"), t.params.get("budget"), t.params.get("depth"))
            for t in study.get_trials(deepcopy=False, states=_optuna.finished_states())
        }
        return [
            (label, budget, depth)
            for label in _labels(self.space)
            for budget in self.budgets
            for depth in self.space.depths()
            if (label, budget, depth) not in done
        ]

    def pending(self, study: Any) -> list[dict[str, Any]]:
        """The points still unfinished once GridSampler is done (two workers took the same
        point, or an interrupted run's)."""
        return [
            {"structure": label, "budget": budget, "depth": depth}
            for label, budget, depth in self.unvisited(study)
        ]

    def points(self) -> list[dict[str, Any]] | None:
        """Every grid point as trial parameters."""
        return [
            {"structure": label, "budget": budget, "depth": depth}
            for label in _labels(self.space)
            for budget in self.budgets
            for depth in self.space.depths()
        ]

    def objective(self, plan: ObjectivePlan) -> Callable[[Any, Callable[[Any], None]], list[float]]:
        """Solve the trial's grid point; prune it (with the reason) when it has no design."""
        self.space.load()
        import optuna

        space, budgets = self.space, self.budgets
        by_label = dict(zip(_labels(space), structures(space)))

        def objective(trial: Any, before: Callable[[Any], None]) -> list[float]:
            structure = by_label[str(trial.suggest_categorical("structure", list(by_label)))]
            budget = int(trial.suggest_int("budget", min(budgets), max(budgets)))
            depths = space.depths()
            depth = int(trial.suggest_int("depth", min(depths), max(depths)))
            before(trial)
            choice = space.with_depth(structure, depth)
            try:
                solution = space.solve(choice, budget=budget)
            except (BudgetError, ConflictError, InvalidSizeError) as error:
                trial.set_user_attr("reason", str(error))
                raise optuna.TrialPruned(str(error)) from None
            design = space.to_design(solution)
            return record(trial, design, plan, space.solved_sizes(choice.family))

        return objective


def sweep_study(
    space: Space,
    *,
    budgets: Sequence[object],
    storage: str | None = None,
    study_name: str | None = None,
    workers: int = 1,
    seed: int | None = None,
    progress: bool = False,
    grace_period: int | None = None,
) -> tuple[list[SweepRow], SearchResult]:
    """Run (or resume) the sweep as a grid study; the rows in the sweep's order, and the
    study's result (``pruned`` holds the points without a design)."""
    parsed = tuple(dict.fromkeys(space.parse_budget(b) for b in budgets))
    if not parsed:
        raise BudgetError("give at least one budget")
    kind = Grid(space, parsed[0], parsed)
    result = run_study(
        kind,
        objectives=Objectives(("error",)),
        trials=kind.size,
        seed=seed,
        storage=storage,
        study_name=study_name,
        workers=workers,
        progress=progress,
        grace_period=grace_period,
    )
    order = {label: i for i, label in enumerate(_labels(space))}
    first: dict[tuple[int, int, int], SweepRow] = {}
    for trial in result.trials:
        design = trial.design
        assert design is not None
        label = trial.params["structure"]
        key = (order[label], design.budget, design.depth)
        if key not in first:
            first[key] = row_of(space, design, label)
    return [first[key] for key in sorted(first)], result
