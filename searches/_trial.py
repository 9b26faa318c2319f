"""What every trial does, constrained or baseline: sample the structure, record the design."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from typing import Any

from searches.design import Design
from searches.objectives import ObjectivePlan
from searches.space import Choice, Space

__all__ = ["budget_violation", "record", "suggest_choice"]


def suggest_choice(trial: Any, space: Space) -> Choice:
    """Sample the family, then each choice it declares (depth, directions, ratios ...)."""
    family = str(trial.suggest_categorical("family", list(space.families)))
    picks: list[tuple[str, Any]] = []
    for declared in space.declared(family):
        values = space.values(declared.name)
        if declared.kind == "bool":
            picks.append(
                (declared.name, bool(trial.suggest_categorical(declared.name, list(values))))
            )
        else:
            picks.append((declared.name, _suggest_int(trial, declared.name, values)))
    return Choice(family, tuple(picks))


def _suggest_int(trial: Any, name: str, choices: Sequence[int]) -> int:
    """An evenly spaced run is an integer range (its order helps the sampler); anything
    else is a set of categories."""
    if len(choices) > 2:
        step = choices[1] - choices[0]
        if all(b - a == step for a, b in itertools.pairwise(choices)):
            return int(trial.suggest_int(name, choices[0], choices[-1], step=step))
    return int(trial.suggest_categorical(name, list(choices)))


def budget_violation(design: Design) -> float:
    """Optuna's constraint value: ``<= 0`` exactly when the design is on budget."""
    gap = abs(design.total - design.budget)
    if gap == 0:
        return 0.0
    return float(gap if design.step is None else gap - design.step)


def record(
    trial: Any, design: Design, plan: ObjectivePlan, solved: Sequence[str] = ()
) -> list[float]:
    """Store the design and the budget constraint on the trial; return its values.

    Besides the whole design (``design``, JSON), the sizes in ``solved`` (the free size
    the solver filled in, the sizes tied to it) and the totals are trial attributes of
    their own, so that Optuna's tools (``study.trials_dataframe()``, optuna-dashboard)
    show them as columns: ``parameters``, and ``flops`` or ``bytes`` when the budget
    counts them.
    """
    values = plan.evaluate(design)
    for name in solved:
        value = design.sizes.get(name)
        if value is not None and not isinstance(value, bool):
            trial.set_user_attr(name, value)
    trial.set_user_attr("parameters", design.parameters)
    if design.unit != "parameters":
        trial.set_user_attr(design.unit.lower(), design.total)
    trial.set_user_attr("design", design.to_json())
    with warnings.catch_warnings():  # a retried trial inherits its constraint: the same one
        warnings.filterwarnings("ignore", "The constraint value is ignored", UserWarning)
        trial.set_constraint("budget", budget_violation(design))
    return values
