"""Creating, resuming and running a study, in one process or several on one storage.

The study is created once (``load_if_exists=True``), stamped with the search's
fingerprint (kind, budget, space, objectives), and refused if an existing study of that
name holds a different search. ``trials`` is the number of finished trials the study
should hold at the end, so re-running a killed search's command runs only what is missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explorer.errors import InvalidSizeError
from explorer.solver import parse_budget
from searches._optional import require
from searches.errors import StorageError
from searches.objectives import ObjectiveFunction, ObjectivePlan, resolve_objectives
from searches.results import SearchResult, records_from_study
from searches.space import Space, has_projection
from searches.storage import StorageSpec, opened, parse_storage

__all__ = ["FINGERPRINT_KEY", "SearchConfig", "make_sampler", "run_study", "silenced"]

FINGERPRINT_KEY = "explorer_search"
KINDS = ("constrained", "baseline", "grid")


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """Everything a worker process needs to rebuild the objective (picklable)."""

    kind: str
    space: Space
    budget: int
    objectives: tuple[str | ObjectiveFunction, ...]
    directions: tuple[str, ...] | None
    target_ratio: float
    seed: int | None
    budgets: tuple[int, ...] = ()

    @classmethod
    def make(
        cls,
        kind: str,
        space: Space,
        *,
        budget: object,
        objectives: str | tuple[str | ObjectiveFunction, ...],
        directions: tuple[str, ...] | None,
        target_ratio: float,
        seed: int | None,
        budgets: tuple[object, ...] = (),
    ) -> SearchConfig:
        """Validated at the door."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        items = (
            tuple(s.strip() for s in objectives.split(","))
            if isinstance(objectives, str)
            else tuple(objectives)
        )
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise InvalidSizeError(f"seed must be a non-negative integer, got {seed!r}")
        return cls(
            kind,
            space,
            parse_budget(budget),
            items,
            None if directions is None else tuple(directions),
            float(target_ratio),
            seed,
            tuple(dict.fromkeys(parse_budget(b) for b in budgets)),
        )

    def plan(self) -> ObjectivePlan:
        """The loaded objectives (raises ObjectiveError for a bad spec)."""
        return resolve_objectives(
            self.objectives, directions=self.directions, target_ratio=self.target_ratio
        )

    def fingerprint(self, plan: ObjectivePlan) -> dict[str, Any]:
        """What makes two runs the same study (the seed and trial count do not)."""
        return {
            "kind": self.kind,
            "budget": self.budget,
            "space": self.space.to_json(),
            "objectives": list(plan.names),
            "directions": list(plan.directions),
            "target_ratio": self.target_ratio,
            **({"budgets": list(self.budgets)} if self.kind == "grid" else {}),
        }

    def objective(self, plan: ObjectivePlan) -> Callable[[Any], list[float]]:
        """The Optuna objective for this kind of study."""
        if self.kind == "constrained":
            from searches.budget_search import make_objective
        elif self.kind == "grid":
            from searches.grid_study import make_objective
        else:
            from searches.baseline import make_objective
        return make_objective(self, plan)

    def sampler(self, seed: int | None) -> Any:
        """TPE for searches; Optuna's GridSampler over every point for a grid study."""
        if self.kind != "grid":
            return make_sampler(seed)
        from searches.grid_study import grid_sampler

        return grid_sampler(self, seed)

    def missing(self, study: Any) -> int:
        """A grid study's points not yet finished (one that two parallel workers both
        took counts once)."""
        from searches.grid_study import unvisited

        return len(unvisited(self, study))


def make_sampler(seed: int | None) -> Any:
    """TPE with Optuna 5's defaults made explicit: multivariate, and a constant liar so
    that parallel workers do not all sample the same point."""
    optuna = require("optuna", feature="explorer search")
    return optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Optuna's own log lines off: per-trial INFO, and the WARNING with a traceback when a
    trial fails (the error itself is raised, and the CLI prints it in one line)."""
    import optuna

    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)


def default_study_name(fingerprint: dict[str, Any]) -> str:
    """``constrained-3f2a...``: the same search resumes the same study by default."""
    digest = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()
    return f"{fingerprint['kind']}-{digest[:12]}"


def finished_states() -> tuple[Any, ...]:
    """The trial states that count toward ``trials``."""
    from optuna.trial import TrialState

    return (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


def run_study(
    config: SearchConfig,
    *,
    trials: int,
    storage: str | StorageSpec | None = None,
    study_name: str | None = None,
    workers: int = 1,
    progress: bool = False,
) -> SearchResult:
    """Create or resume the study and run until it holds ``trials`` finished trials.

    Raises:
        StorageError: a bad storage, SQLite with parallel workers, or a study of that name
            that holds a different search.
        ObjectiveError: a bad objective spec, or an objective that misbehaves.
    """
    optuna = require("optuna", feature="explorer search")
    for name, value in (("trials", trials), ("workers", workers)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidSizeError(f"{name} must be a positive integer, got {value!r}")
    plan = config.plan()
    spec = storage if isinstance(storage, StorageSpec) else parse_storage(storage)
    if workers > 1 and spec.kind == "rdb" and not spec.shareable:
        raise StorageError(
            f"{workers} workers cannot share SQLite ({spec.display}): concurrent writers break "
            "it; use a journal file (--storage search.log) or PostgreSQL"
        )
    fingerprint = config.fingerprint(plan)
    name = study_name or default_study_name(fingerprint)
    with contextlib.ExitStack() as stack:
        shown = spec.display
        if workers > 1 and spec.kind == "memory":  # processes share a temporary journal
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="explorer-search-"))
            spec = StorageSpec("journal", str(Path(folder) / "study.log"))
        stack.enter_context(silenced())
        study = optuna.create_study(
            storage=stack.enter_context(opened(spec)),
            sampler=config.sampler(config.seed),
            study_name=name,
            directions=list(plan.directions),
            load_if_exists=True,
        )
        _check_fingerprint(study, fingerprint, name, shown)
        done = len(study.get_trials(deepcopy=False, states=finished_states()))
        remaining = config.missing(study) if config.kind == "grid" else max(0, trials - done)
        if remaining and workers == 1:
            study.optimize(config.objective(plan), n_trials=remaining, show_progress_bar=progress)
        elif remaining:
            from searches._workers import run_workers

            run_workers(config, spec, name, remaining, workers, progress=progress, study=study)
        for _ in range(3 if config.kind == "grid" else 0):  # points two workers both took
            left = config.missing(study)
            if not left:
                break
            study.optimize(config.objective(plan), n_trials=left)
        records, pruned, best = records_from_study(study)
        assumptions = _assumptions(config)
        return SearchResult(
            kind=config.kind,
            study_name=name,
            storage=shown,
            budget=config.budget,
            objectives=plan.names,
            directions=plan.directions,
            seed=config.seed,
            requested=trials,
            workers=workers,
            trials=tuple(records),
            pruned=tuple(pruned),
            best=tuple(best),
            assumptions=assumptions,
        )


def _check_fingerprint(study: Any, fingerprint: dict[str, Any], name: str, shown: str) -> None:
    stored = study.user_attrs.get(FINGERPRINT_KEY)
    if stored is None:
        if study.get_trials(deepcopy=False):
            raise StorageError(
                f"study {name!r} in {shown} was not made by explorer search; "
                "choose another --study-name"
            )
        study.set_user_attr(FINGERPRINT_KEY, fingerprint)
        return
    if stored != fingerprint:
        differs = sorted(k for k in fingerprint if stored.get(k) != fingerprint[k])
        raise StorageError(
            f"study {name!r} in {shown} holds a different search ({', '.join(differs)} "
            "differ); resume it with the same options or choose another --study-name"
        )


def _assumptions(config: SearchConfig) -> tuple[str, ...]:
    space = config.space
    notes = []
    if space.convention is None:
        notes.append("convention pytorch (default; change with --convention)")
    if space.input is None:
        notes.append("input 39 (default; change with --input)")
    if space.output is None:
        notes.append("output 34 (default; change with --output, 0 for none)")
    if any(has_projection(f) for f in space.families):
        ratios = ",".join(str(r) for r in space.proj_ratios)
        notes.append(f"projection = cells // ratio, ratio in {ratios} (--proj-ratio)")
    return tuple(notes)
