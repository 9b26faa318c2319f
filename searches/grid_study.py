"""A sweep as an Optuna study: every grid point one trial of Optuna's GridSampler.

What :mod:`searches.sweep` computes in one pass, stored point by point: resumable with
``load_if_exists`` (a killed sweep re-run finishes only the missing points) and shared by
``--workers`` or many machines on one storage. The grid is (structure, budget, depth),
the structure one label per family, directions and ratio, so the stored search space is
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
from typing import Any

from explorer.errors import BudgetError, ConflictError, InvalidSizeError
from searches._study import SearchConfig, run_study
from searches._trial import record
from searches.design import Design
from searches.objectives import ObjectivePlan
from searches.results import SearchResult
from searches.space import Choice, Space
from searches.sweep import SweepRow, structures

__all__ = ["grid_sampler", "make_objective", "sweep_study", "unvisited"]


def _labels(space: Space) -> list[str]:
    return [
        f"{s.family}/{'bi' if s.bidirectional else 'uni'}/{s.ratio or '-'}"
        for s in structures(space)
    ]


def grid_sampler(config: SearchConfig, seed: int | None) -> Any:
    """GridSampler over structure x budget x depth."""
    import optuna

    grid: dict[str, Sequence[Any]] = {
        "structure": _labels(config.space),
        "budget": list(config.budgets),
        "layers": list(config.space.layers),
    }
    return optuna.samplers.GridSampler(grid, seed=seed)


def unvisited(config: SearchConfig, study: Any) -> set[tuple[str, int, int]]:
    """Grid points without a finished trial."""
    from searches._study import finished_states

    every = {
        (label, budget, layers)
        for label in _labels(config.space)
        for budget in config.budgets
        for layers in config.space.layers
    }
    for trial in study.get_trials(deepcopy=False, states=finished_states()):
        params = trial.params
        every.discard((params.get("structure"), params.get("budget"), params.get("layers")))
    return every


def make_objective(config: SearchConfig, plan: ObjectivePlan) -> Callable[[Any], list[float]]:
    """Solve the trial's grid point; prune it (with the reason) when it has no design."""
    import optuna

    space = config.space
    by_label = dict(zip(_labels(space), structures(space)))

    def objective(trial: Any) -> list[float]:
        structure = by_label[str(trial.suggest_categorical("structure", list(by_label)))]
        budget = int(trial.suggest_int("budget", min(config.budgets), max(config.budgets)))
        layers = int(trial.suggest_int("layers", min(space.layers), max(space.layers)))
        choice = Choice(structure.family, layers, structure.bidirectional, structure.ratio)
        try:
            solution = space.solve(
                choice.family,
                budget=budget,
                layers=layers,
                bidirectional=choice.bidirectional,
                ratio=choice.ratio,
            )
        except (BudgetError, ConflictError, InvalidSizeError) as error:
            trial.set_user_attr("reason", str(error))
            raise optuna.TrialPruned(str(error)) from None
        return record(trial, Design.from_solution(solution), plan)

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
) -> tuple[list[SweepRow], SearchResult]:
    """Run (or resume) the sweep as a grid study; the rows in the sweep's order, and the
    study's result (``pruned`` holds the points without a design)."""
    config = SearchConfig.make(
        "grid",
        space,
        budget=budgets[0],
        objectives=("error",),
        directions=None,
        target_ratio=64.0,
        seed=seed,
        budgets=tuple(budgets),
    )
    points = len(_labels(space)) * len(config.budgets) * len(space.layers)
    result = run_study(
        config,
        trials=points,
        storage=storage,
        study_name=study_name,
        workers=workers,
        progress=progress,
    )
    order = {label: i for i, label in enumerate(_labels(space))}
    first: dict[tuple[int, int, int], SweepRow] = {}
    for trial in result.trials:
        design = trial.design
        assert design is not None
        key = (order[trial.params["structure"]], design.budget, design.layers)
        first.setdefault(
            key,
            SweepRow(design.family, design.budget, design.total, dict(design.sizes), design.step),
        )
    return [first[key] for key in sorted(first)], result
