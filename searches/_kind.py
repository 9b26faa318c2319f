"""What a kind of study is, to the engine: a plug-in object it is given.

The engine (:mod:`searches._engine`) creates or resumes the study, runs it in one process
or many, and collects the result; it never names a kind. A kind says what it is called,
what makes two runs the same study, how a trial is evaluated, how it samples, how many
trials it still needs and which points it must still visit. Adding a kind is one module:
a subclass of :class:`SearchKind` (picklable: workers rebuild its objective) and a front
door that hands an instance to :func:`searches._engine.run_study`.

Example:
    >>> class Constant(SearchKind):
    ...     name, budget = "constant", 10
    ...     def fingerprint(self): return {"value": 1}
    ...     def objective(self, plan): return lambda trial, before: [1.0]
    >>> Constant().fingerprint(), Constant().notes(), Constant().space_size()
    ({'value': 1}, (), None)
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from searches import _optuna
from searches.objectives import ObjectiveFunction, ObjectivePlan, resolve_objectives

__all__ = ["Objectives", "SearchKind"]


class SearchKind(abc.ABC):
    """A kind of study. Subclasses are frozen dataclasses holding their settings."""

    #: The kind's name: recorded in the study, the result and the default study name.
    name: ClassVar[str]
    #: The budget its designs meet (the first of several).
    budget: int

    @abc.abstractmethod
    def fingerprint(self) -> dict[str, Any]:
        """What, besides the objectives, makes two runs the same study (JSON-ready; the
        seed and the trial count do not belong here)."""

    @abc.abstractmethod
    def objective(self, plan: ObjectivePlan) -> Callable[[Any, Callable[[Any], None]], list[float]]:
        """The Optuna objective ``(trial, before)``: sample the trial's point, call
        ``before(trial)`` (the engine's check that the point is new), evaluate it; its
        values out (``optuna.TrialPruned`` for a choice without a design)."""

    def sampler(self, seed: int | None, name: str = "tpe") -> Any:
        """The Optuna sampler ``name`` (``tpe``, ``random``, ``grid``)."""
        return _optuna.sampler(name, seed)

    def points(self) -> list[dict[str, Any]] | None:
        """Every point of the space as trial parameters (``None``: not finite, or too many
        to list)."""
        return None

    def space_size(self) -> int | None:
        """How many points the space holds (``None``: not finite)."""
        points = self.points()
        return None if points is None else len(points)

    def exhaustive_limit(self) -> int:
        """The most points ``--sampler auto`` evaluates all of (about a second's work)."""
        return 0

    def pending(self, study: Any) -> list[dict[str, Any]]:
        """Points that must still be visited once the sampler is done (their parameters;
        the engine enqueues them). None by default."""
        return []

    def notes(self) -> tuple[str, ...]:
        """Assumptions to show with the result (defaults the user did not choose)."""
        return ()

    def measure(self) -> tuple[str, str]:
        """What the budget counts: its unit and the measure in words (parameters by
        default; FLOPs or bytes under a measure)."""
        return "parameters", "parameters"


@dataclass(frozen=True, slots=True)
class Objectives:
    """The objectives asked for: names, ``module:function`` specs or callables, and
    optional directions (picklable: each worker loads them itself)."""

    items: tuple[str | ObjectiveFunction, ...]
    directions: tuple[str, ...] | None = None
    target_ratio: float = 64.0

    @classmethod
    def make(
        cls,
        objectives: str | tuple[str | ObjectiveFunction, ...],
        *,
        directions: tuple[str, ...] | None = None,
        target_ratio: float = 64.0,
    ) -> Objectives:
        """From the API's arguments (``"macs,depth"`` or a tuple)."""
        items = (
            tuple(s.strip() for s in objectives.split(","))
            if isinstance(objectives, str)
            else tuple(objectives)
        )
        return cls(items, None if directions is None else tuple(directions), float(target_ratio))

    def plan(self) -> ObjectivePlan:
        """The loaded objectives (raises ObjectiveError for a bad spec)."""
        return resolve_objectives(
            self.items, directions=self.directions, target_ratio=self.target_ratio
        )
