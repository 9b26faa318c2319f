"""What every trial does, constrained or baseline: sample the structure, record the design."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from searches.design import Design
from searches.objectives import ObjectivePlan
from searches.space import Choice, Space, has_projection

__all__ = ["budget_violation", "record", "suggest_choice"]


def suggest_choice(trial: Any, space: Space) -> Choice:
    """Sample family, depth, directions and (for lstmp) the projection ratio."""
    family = str(trial.suggest_categorical("family", list(space.families)))
    layers = _suggest_int(trial, "layers", space.layers)
    bidirectional = bool(trial.suggest_categorical("bidirectional", list(space.bidirectional)))
    ratio = _suggest_int(trial, "proj_ratio", space.proj_ratios) if has_projection(family) else None
    return Choice(family, layers, bidirectional, ratio)


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


def record(trial: Any, design: Design, plan: ObjectivePlan) -> list[float]:
    """Store the design and the budget constraint on the trial; return its values."""
    values = plan.evaluate(design)
    trial.set_user_attr("design", design.to_json())
    trial.set_constraint("budget", budget_violation(design))
    return values
