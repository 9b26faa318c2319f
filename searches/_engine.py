"""The engine: create or resume a study, run it in one process or several, collect it.

It is given a :class:`~searches._kind.SearchKind` and never names one. The study is
created once (``load_if_exists=True``), stamped with the search's fingerprint (the kind's
own, plus the objectives), and refused if an existing study of that name holds a
different search. ``trials`` is the number of finished trials the study should hold at
the end: every process on the study stops once it does, so a re-run of a killed search
runs only what is missing, and three processes asked for 300 trials make 300, not 900.

A Ctrl-C or SIGTERM stops the study between two trials (workers too) and becomes
:class:`~searches.errors.SearchInterruptedError`, one line saying what was kept and how to
resume.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from explorer.errors import InvalidSizeError
from searches import _optuna
from searches._kind import Objectives, SearchKind
from searches._processes import check_workers
from searches._run import optimize, release_abandoned
from searches._signals import Interrupts, stopped_by_interrupt
from searches._workers import Job, run_workers
from searches.errors import SearchInterruptedError, StorageError
from searches.objectives import ObjectivePlan
from searches.results import SearchResult, records_from_study
from searches.storage import StorageSpec, opened, parse_storage

__all__ = ["FINGERPRINT_KEY", "default_study_name", "run_study"]

FINGERPRINT_KEY = "explorer_search"
#: Rounds of visiting the points a kind still needs after its sampler is done (points two
#: workers both took, or left by an interrupted run).
_TOP_UP_ROUNDS = 3


def default_study_name(fingerprint: dict[str, Any]) -> str:
    """``constrained-3f2a...``: the same search resumes the same study by default.

    Example:
        >>> default_study_name({"kind": "grid", "budget": 1})
        'grid-b26b92d3578f'
    """
    digest = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()
    return f"{fingerprint['kind']}-{digest[:12]}"


def fingerprint(kind: SearchKind, plan: ObjectivePlan, objectives: Objectives) -> dict[str, Any]:
    """What makes two runs the same study (the seed and the trial count do not)."""
    return {
        "kind": kind.name,
        **kind.fingerprint(),
        "objectives": list(plan.names),
        "directions": list(plan.directions),
        "target_ratio": objectives.target_ratio,
    }


def run_study(
    kind: SearchKind,
    *,
    objectives: Objectives,
    trials: int,
    seed: int | None = None,
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
        SearchInterruptedError: Ctrl-C or SIGTERM; the message says what was kept.
    """
    _optuna.optuna()
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise InvalidSizeError(f"trials must be a positive integer, got {trials!r}")
    check_workers(workers)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise InvalidSizeError(f"seed must be a non-negative integer, got {seed!r}")
    plan = objectives.plan()
    spec = storage if isinstance(storage, StorageSpec) else parse_storage(storage)
    if workers > 1 and spec.kind == "rdb" and not spec.shareable:
        raise StorageError(
            f"{workers} workers cannot share SQLite ({spec.display}): concurrent writers break "
            "it; use a journal file (--storage search.log) or PostgreSQL"
        )
    stamp = fingerprint(kind, plan, objectives)
    name = study_name or default_study_name(stamp)
    shown = spec.display
    study: Any = None
    with contextlib.ExitStack() as stack:
        if workers > 1 and spec.kind == "memory":  # processes share a temporary journal
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="explorer-search-"))
            spec = StorageSpec("journal", str(Path(folder) / "study.log"))
        guard = stack.enter_context(Interrupts())
        stack.enter_context(_optuna.silenced())
        try:
            opened_storage = stack.enter_context(opened(spec))
            study = _optuna.create_study(
                storage=opened_storage,
                sampler=kind.sampler(seed),
                name=name,
                directions=plan.directions,
            )
            _check_fingerprint(study, stamp, name, shown)
            others = release_abandoned(study)
            guard.check()
            remaining = kind.remaining(study, trials)
            if remaining and workers == 1:
                objective = kind.objective(plan)
                optimize(
                    study,
                    objective,
                    n_trials=remaining,
                    target=trials,
                    guard=guard,
                    progress=progress,
                )
            elif remaining:
                job = Job(kind, objectives, spec, name, trials, seed)
                run_workers(job, remaining, workers, progress=progress, study=study, guard=guard)
            _visit_pending(kind, plan, study, seed, guard)
            records, pruned, failed, best = records_from_study(study)
        except BaseException as error:
            if stopped_by_interrupt(error):
                raise _interrupted(study, spec, shown, name, trials) from None
            if _from_the_database(error):
                message = spec.redact(_first_line(error))
                raise StorageError(f"storage {shown} failed: {message}") from None
            raise
    notes = (
        (
            f"{others} trial{'s' if others != 1 else ''} still marked running by another "
            "process (live, or one that died on another machine) left as they are",
        )
        if others
        else ()
    )
    unit, measure = kind.measure()
    return SearchResult(
        kind=kind.name,
        study_name=name,
        storage=shown,
        budget=kind.budget,
        objectives=plan.names,
        directions=plan.directions,
        seed=seed,
        requested=trials,
        workers=workers,
        trials=tuple(records),
        pruned=tuple(pruned),
        best=tuple(best),
        assumptions=kind.notes(),
        failed=tuple(failed),
        notes=notes,
        unit=unit,
        measure=measure,
    )


def _visit_pending(
    kind: SearchKind, plan: ObjectivePlan, study: Any, seed: int | None, guard: Interrupts
) -> None:
    """Run the points the kind still needs, each exactly as given."""
    objective = None
    for _ in range(_TOP_UP_ROUNDS):
        pending = kind.pending(study)
        if not pending:
            return
        objective = objective or kind.objective(plan)
        for params in pending:
            fixed = _optuna.with_sampler(study, _optuna.fixed_sampler(params, seed))
            optimize(fixed, objective, n_trials=1, target=None, guard=guard)


def _check_fingerprint(study: Any, stamp: dict[str, Any], name: str, shown: str) -> None:
    stored = study.user_attrs.get(FINGERPRINT_KEY)
    if stored is None:
        if study.get_trials(deepcopy=False):
            raise StorageError(
                f"study {name!r} in {shown} was not made by explorer search; "
                "choose another --study-name"
            )
        study.set_user_attr(FINGERPRINT_KEY, stamp)
        return
    if stored != stamp:
        differs = sorted(k for k in stamp if stored.get(k) != stamp[k])
        raise StorageError(
            f"study {name!r} in {shown} holds a different search ({_differ(differs)}); "
            "resume it with the same options or choose another --study-name"
        )


def _differ(names: list[str]) -> str:
    """``budget differs``, ``budget and space differ``, ``a, b and c differ``.

    Example:
        >>> _differ(["budget"]), _differ(["budget", "space"]), _differ(["a", "b", "c"])
        ('budget differs', 'budget and space differ', 'a, b and c differ')
    """
    if len(names) == 1:
        return f"{names[0]} differs"
    return f"{', '.join(names[:-1])} and {names[-1]} differ"


def _interrupted(
    study: Any, spec: StorageSpec, shown: str, name: str, trials: int
) -> SearchInterruptedError:
    if study is None:
        return SearchInterruptedError("interrupted before the study started; nothing ran")
    try:
        done = _optuna.count_finished(study)
    except Exception:  # the storage itself may be what was interrupted
        return SearchInterruptedError(
            f"interrupted: study {name!r} in {shown} keeps the trials it finished; "
            "run the same command again to resume"
        )
    if spec.kind == "memory" or shown == "in memory":
        return SearchInterruptedError(
            f"interrupted after {done} of {trials} finished trials; an in-memory study is not "
            "kept: give --storage FILE.log to make a search resumable"
        )
    return SearchInterruptedError(
        f"interrupted: study {name!r} in {shown} keeps {done} of {trials} finished trials; "
        "run the same command again to resume"
    )


def _from_the_database(error: BaseException) -> bool:
    """SQLAlchemy's and the drivers' errors: a lost or refused connection, mid-study."""
    module = type(error).__module__
    return module.startswith(("sqlalchemy", "psycopg", "pymysql", "MySQLdb"))


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:300]
