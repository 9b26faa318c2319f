"""What a search returns: one record per finished trial, the best ones, and the settings.

Data only; :mod:`searches.render` turns it into text and :mod:`searches.plots` into a
picture.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from searches.design import Design

__all__ = ["SearchResult", "StudyRecords", "TrialRecord", "records_from_study"]


@dataclass(frozen=True, slots=True)
class TrialRecord:
    """One finished trial: its sampled choices, its design and values (``None`` when the
    trial was pruned: no design of that choice meets the budget; ``reason`` says why)."""

    number: int
    state: str
    params: Mapping[str, Any]
    design: Design | None
    values: tuple[float, ...] | None
    reason: str | None = None

    @property
    def family(self) -> str | None:
        """The sampled family."""
        if self.design is not None:
            return self.design.family
        family = self.params.get("family")
        return None if family is None else str(family)

    def to_json(self) -> dict[str, Any]:
        """``number``, ``state``, ``family``, ``sizes``, ``total``, ``values`` and the rest."""
        data: dict[str, Any] = {"number": self.number, "state": self.state, "family": self.family}
        if self.design is not None:
            data.update(self.design.to_json())
            data["values"] = None if self.values is None else list(self.values)
        else:
            data["reason"] = self.reason
        data["params"] = dict(self.params)
        return data


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A finished search.

    Attributes:
        kind: ``constrained`` (every design solved onto the budget) or ``baseline``
            (plain Optuna over raw sizes, the budget a soft constraint).
        trials: every trial with a design, in trial order (on budget or not).
        pruned: trials whose choice has no design at the budget (too deep, too small).
        failed: trials that did not finish (interrupted, or their process died); they do
            not count toward ``requested`` and their points are tried again.
        best: the best feasible trial (one objective) or the Pareto front (several), one
            trial per distinct design (the first that found it).
        requested: the trial count asked for (finished trials in the study at the end).
        assumptions: defaults the user did not choose.
        notes: what else the user should know (trials another process still runs, an
            exhausted space, repeated proposals).
        sampler: the Optuna sampler that ran: ``tpe``, ``random`` or ``grid`` (Optuna's
            BruteForceSampler: every design, in a random order).
        space_size: how many designs the space holds (``None``: not finite, the
            baseline's raw sizes).
        exhaustive: every design of the space was evaluated: the best is the optimum.
        repeats: proposals of a design the study already held (not evaluated again).
        unit: what ``budget`` and each design's ``total`` count: ``parameters``,
            ``FLOPs`` or ``bytes``.
        measure: the measure in words (``forward FLOPs of one 2048-token sequence ...``).
    """

    kind: str
    study_name: str
    storage: str
    budget: int
    objectives: tuple[str, ...]
    directions: tuple[str, ...]
    seed: int | None
    requested: int
    workers: int
    trials: tuple[TrialRecord, ...]
    pruned: tuple[TrialRecord, ...]
    best: tuple[TrialRecord, ...]
    assumptions: tuple[str, ...] = field(default=())
    failed: tuple[TrialRecord, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    unit: str = "parameters"
    measure: str = "parameters"
    sampler: str = "tpe"
    space_size: int | None = None
    exhaustive: bool = False
    repeats: int = 0

    @property
    def finished(self) -> int:
        """Trials with a design plus pruned ones."""
        return len(self.trials) + len(self.pruned)

    @property
    def on_budget(self) -> int:
        """Trials whose design is within the integer step of the budget."""
        return sum(1 for t in self.trials if t.design is not None and t.design.on_budget)

    @property
    def on_budget_fraction(self) -> float:
        """On-budget trials over all finished trials (pruned ones are wasted)."""
        return self.on_budget / self.finished if self.finished else 0.0

    @property
    def multi_objective(self) -> bool:
        """More than one value per trial."""
        return len(self.directions) > 1

    def to_json(self) -> dict[str, Any]:
        """One JSON-ready object: ``trials``, ``best`` (a trial, or the Pareto front's list
        with several objectives), ``pruned`` and the settings."""
        best: Any = [t.to_json() for t in self.best]
        if not self.multi_objective:
            best = best[0] if best else None
        return {
            "kind": self.kind,
            "study_name": self.study_name,
            "storage": self.storage,
            "budget": self.budget,
            "unit": self.unit,
            "measure": self.measure,
            "objectives": list(self.objectives),
            "directions": list(self.directions),
            "seed": self.seed,
            "requested_trials": self.requested,
            "workers": self.workers,
            "finished_trials": self.finished,
            "on_budget_trials": self.on_budget,
            "on_budget_fraction": self.on_budget_fraction,
            "trials": [t.to_json() for t in self.trials],
            "pruned": [t.to_json() for t in self.pruned],
            "failed": [t.to_json() for t in self.failed],
            "best": best,
            "assumptions": list(self.assumptions),
            "notes": list(self.notes),
            "sampler": self.sampler,
            "space_size": self.space_size,
            "exhaustive": self.exhaustive,
            "repeats": self.repeats,
        }

    def to_pandas(self) -> Any:
        """Every trial with a design as a :class:`pandas.DataFrame`: one row per trial,
        the sizes as columns, then the totals and the objectives' values (pandas is
        optional: imported here, one line naming it when missing).

        Raises:
            MissingExtraError: pandas is not installed.
        """
        from searches._optional import require

        pandas = require("pandas", feature="to_pandas()", extra="pandas")
        rows = []
        for trial in self.trials:
            assert trial.design is not None
            row: dict[str, Any] = {"number": trial.number, "family": trial.design.family}
            row.update({k: v for k, v in trial.design.sizes.items() if k != "convention"})
            row.update(
                total=trial.design.total,
                unit=trial.design.unit,
                parameters=trial.design.parameters,
                relative_error=trial.design.relative_error,
                on_budget=trial.design.on_budget,
            )
            row.update(zip(self.objectives, trial.values or ()))
            rows.append(row)
        return pandas.DataFrame(rows)

    def _repr_html_(self) -> str:
        """Jupyter's view: the summary and the ranked designs as an HTML table."""
        from searches.render import html_table, search_rows

        header, rows, summary = search_rows(self)
        return str(html_table(header, rows, caption=summary))


@dataclass(frozen=True, slots=True)
class StudyRecords:
    """A study read back: trials with a design, pruned ones (no design at the budget),
    failed ones (interrupted, dead, or a value that is not a number), the best, and how
    many proposals repeated a design (or came after the target) and are still running."""

    trials: list[TrialRecord]
    pruned: list[TrialRecord]
    failed: list[TrialRecord]
    best: list[TrialRecord]
    repeats: int
    running: int


def records_from_study(study: Any) -> StudyRecords:
    """The records of a finished Optuna study."""
    from optuna.trial import TrialState

    trials: list[TrialRecord] = []
    pruned: list[TrialRecord] = []
    failed: list[TrialRecord] = []
    by_number: dict[int, TrialRecord] = {}
    repeats = running = 0
    for frozen in study.get_trials(deepcopy=False):
        if frozen.state == TrialState.RUNNING:
            running += 1
            continue
        if frozen.user_attrs.get("repeat_of") is not None or frozen.user_attrs.get("surplus"):
            repeats += frozen.user_attrs.get("repeat_of") is not None
            continue
        stored = frozen.user_attrs.get("design")
        if frozen.state == TrialState.COMPLETE and stored is not None:
            record = TrialRecord(
                frozen.number,
                "complete",
                dict(frozen.params),
                Design.from_json(stored),
                tuple(frozen.values),
            )
            trials.append(record)
            by_number[frozen.number] = record
        elif frozen.state in (TrialState.PRUNED, TrialState.FAIL):
            reason = frozen.user_attrs.get(
                "reason", "interrupted, or its process died (its point is tried again)"
            )
            (pruned if frozen.state == TrialState.PRUNED else failed).append(
                TrialRecord(
                    frozen.number,
                    frozen.state.name.lower(),
                    dict(frozen.params),
                    None,
                    None,
                    reason,
                )
            )
    best: dict[str, TrialRecord] = {}  # one trial per distinct design, the first found
    for frozen in sorted(_best_trials(study), key=lambda t: t.number):
        found = by_number.get(frozen.number)
        if found is not None and found.design is not None:
            key = json.dumps([found.design.family, dict(found.design.sizes)], sort_keys=True)
            best.setdefault(key, found)
    return StudyRecords(trials, pruned, failed, list(best.values()), repeats, running)


def _best_trials(study: Any) -> Sequence[Any]:
    if len(study.directions) > 1:
        return list(study.best_trials)
    try:
        return [study.best_trial]
    except ValueError:  # no feasible trial finished
        return []
