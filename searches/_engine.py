"""The engine: create or resume a study, run it in one process or several, collect it.

It is given a :class:`~searches._kind.SearchKind` and never names one. The study is
created once (``load_if_exists=True``), stamped with the search's fingerprint (the kind's
own, plus the objectives), and refused if an existing study of that name holds a
different search. ``trials`` is the number of distinct points the study should hold at
the end: every process on the study stops once it does (exactly: see
:mod:`searches._optimize`), so a re-run of a killed search runs only what is missing, and
three processes asked for 300 trials make 300, not 900.

Dead processes are Optuna's business: a stored study runs Optuna's heartbeats
(:mod:`searches.storage`), so a trial whose process died, here or on another machine, is
failed once its heartbeat is a grace period old and its point is retried.

A Ctrl-C or SIGTERM stops the study between two trials (workers too) and becomes
:class:`~searches.errors.SearchInterruptedError`, one line saying what was kept and how to
resume.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import warnings
from dataclasses import dataclass
from typing import Any

from explorer.errors import InvalidSizeError, UsageError
from searches import _optuna
from searches._kind import Objectives, SearchKind
from searches._optimize import Ledger, optimize
from searches._signals import Interrupts, stopped_by_interrupt
from searches.errors import SearchInterruptedError, StorageError
from searches.objectives import ObjectivePlan
from searches.progress import Progress
from searches.results import SearchResult, records_from_study
from searches.storage import StorageSpec, describe_failure, opened, parse_storage
from searches.workers import Job, check_workers, run_workers

__all__ = [
    "FINGERPRINT_KEY",
    "GRACE_LIMIT",
    "SAMPLERS",
    "SEED_LIMIT",
    "check_seed",
    "default_study_name",
    "run_study",
]

FINGERPRINT_KEY = "explorer_search"
#: ``--sampler``: Optuna's TPE, random or brute-force (``grid``) sampler, or ``auto``: every
#: design evaluated when the space is small enough to do so in about a second, else TPE.
SAMPLERS = ("auto", "tpe", "random", "grid")
#: The longest ``--grace-period``: a week (a larger one overflowed Optuna's timedelta once
#: a trial was running).
GRACE_LIMIT = 7 * 24 * 3600
#: Seeds are numpy's: below 2**32.
SEED_LIMIT = 2**32
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
    """What makes two runs the same study (the seed, the sampler and the trial count do
    not)."""
    return {
        "kind": kind.name,
        **kind.fingerprint(),
        "objectives": list(plan.names),
        "directions": list(plan.directions),
        "target_ratio": objectives.target_ratio,
    }


def check_seed(seed: object) -> int | None:
    """``seed`` if it is ``None`` or a seed Optuna's samplers take.

    Raises:
        InvalidSizeError: not an integer in ``0 .. 2**32 - 1``.

    Example:
        >>> check_seed(7), check_seed(None)
        (7, None)
        >>> check_seed(2**32)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        explorer.errors.InvalidSizeError: seed must be below 2**32 (4,294,967,296), got ...
    """
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidSizeError(f"seed must be a non-negative integer, got {seed!r}")
    if seed >= SEED_LIMIT:
        raise InvalidSizeError(f"seed must be below 2**32 ({SEED_LIMIT:,}), got {seed:,}")
    return seed


@dataclass(frozen=True, slots=True)
class SamplerPlan:
    """The sampler a run uses, the target it runs to, and why."""

    name: str
    target: int
    exhaustive: bool
    space_size: int | None


def plan_sampler(kind: SearchKind, sampler: str, trials: int) -> SamplerPlan:
    """Resolve ``auto`` and check the choice against the kind's space.

    Raises:
        UsageError: an unknown sampler, or ``grid`` over a space that has no finite grid.
    """
    if sampler not in SAMPLERS:
        from explorer.errors import UnknownNameError

        raise UnknownNameError.for_name("sampler", sampler, SAMPLERS)
    size = kind.space_size()
    if sampler == "grid" and size is None:
        raise UsageError(
            f"--sampler grid needs a finite space; the {kind.name} search samples raw sizes: "
            "use tpe or random"
        )
    if sampler == "auto":
        if size is not None and size <= kind.exhaustive_limit():
            return SamplerPlan("grid", size, True, size)
        return SamplerPlan("tpe", trials, False, size)
    if sampler == "grid" and size is not None and trials >= size:
        return SamplerPlan("grid", size, True, size)
    return SamplerPlan(sampler, trials, False, size)


def run_study(  # noqa: PLR0915 - one study's life, said in order
    kind: SearchKind,
    *,
    objectives: Objectives,
    trials: int,
    seed: int | None = None,
    storage: str | StorageSpec | None = None,
    study_name: str | None = None,
    workers: int = 1,
    progress: bool = False,
    sampler: str = "auto",
    grace_period: int | None = None,
) -> SearchResult:
    """Create or resume the study and run until it holds ``trials`` distinct points (or
    every point of the space, when the sampler is exhaustive).

    Raises:
        StorageError: a bad storage, SQLite or memory with parallel workers, a storage
            that fails mid-study (one line), or a study of that name that holds a
            different search.
        ObjectiveError: a bad objective spec, or an objective that misbehaves.
        SearchInterruptedError: Ctrl-C or SIGTERM; the message says what was kept.
    """
    _optuna.optuna()
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise InvalidSizeError(f"trials must be a positive integer, got {trials!r}")
    check_workers(workers)
    check_seed(seed)
    plan = objectives.plan()
    spec = storage if isinstance(storage, StorageSpec) else parse_storage(storage)
    if grace_period is not None:
        if isinstance(grace_period, bool) or not isinstance(grace_period, int) or grace_period < 2:
            raise InvalidSizeError(f"grace period must be at least 2 seconds, got {grace_period!r}")
        if grace_period > GRACE_LIMIT:  # Optuna's timedelta overflowed on a running trial
            raise InvalidSizeError(
                f"grace period must be at most {GRACE_LIMIT:,} seconds (7 days), got "
                f"{grace_period:,}"
            )
        spec = spec.with_grace(grace_period)
    if workers > 1 and spec.kind == "memory":
        raise StorageError(
            f"{workers} workers need a study they share: give --storage search.log (a journal "
            "file) or postgresql://...; an in-memory study lives in one process"
        )
    if workers > 1 and not spec.shareable:
        raise StorageError(
            f"{workers} workers cannot share SQLite ({spec.display}): it takes one writing "
            "process; use a journal file (--storage search.log) or PostgreSQL"
        )
    chosen = plan_sampler(kind, sampler, trials)
    stamp = fingerprint(kind, plan, objectives)
    name = study_name or default_study_name(stamp)
    shown = spec.display
    study: Any = None
    ledger: Ledger | None = None
    with contextlib.ExitStack() as stack:
        guard = stack.enter_context(Interrupts())
        stack.enter_context(_optuna.silenced())
        try:
            opened_storage = stack.enter_context(opened(spec))
            study = _optuna.create_study(
                storage=opened_storage,
                sampler=kind.sampler(seed, chosen.name),
                name=name,
                directions=plan.directions,
            )
            _check_fingerprint(study, stamp, name, shown)
            _fail_stale(study)
            guard.check()
            ledger = Ledger(study, points=kind.points(), seed=seed)
            ledger.refresh()
            missing = max(0, chosen.target - ledger.settled)
            if missing and not ledger.exhausted:
                bar = Progress(missing, unit="trial", enabled=progress, start=ledger.settled)
                stack.callback(bar.close)
                if workers == 1:
                    optimize(
                        study,
                        kind.objective(plan),
                        target=chosen.target,
                        guard=guard,
                        ledger=ledger,
                        on_trial=lambda seen: bar.update(seen.settled),
                    )
                else:
                    job = Job(kind, objectives, spec, name, chosen.target, seed, chosen.name)
                    run_workers(job, workers, study=study, guard=guard, bar=bar, ledger=ledger)
                _visit_pending(kind, plan, study, seed, guard, ledger, chosen.target)
            ledger.refresh()
            records = records_from_study(study)
        except BaseException as error:
            if stopped_by_interrupt(error):
                raise _interrupted(study, spec, shown, name, chosen.target) from None
            failure = describe_failure(error, spec)
            if failure is not None:
                raise StorageError(failure) from None
            raise
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
        trials=tuple(records.trials),
        pruned=tuple(records.pruned),
        best=tuple(records.best),
        assumptions=kind.notes(),
        failed=tuple(records.failed),
        notes=tuple(_notes(records, ledger, chosen, spec)),
        unit=unit,
        measure=measure,
        sampler=chosen.name,
        space_size=chosen.space_size,
        exhaustive=bool(ledger is not None and ledger.exhausted),
        repeats=records.repeats,
    )


def _notes(
    records: Any, ledger: Ledger | None, chosen: SamplerPlan, spec: StorageSpec
) -> list[str]:
    notes = []
    if ledger is not None and ledger.exhausted and chosen.space_size is not None:
        how = (
            "few enough to evaluate every one: the best is the exact optimum"
            if chosen.exhaustive
            else "all evaluated, so the search ended there: the best is the exact optimum"
        )
        notes.append(f"the space's {chosen.space_size:,} designs are {how}")
    elif ledger is not None and ledger.stuck:
        notes.append(
            "the sampler proposed only designs already evaluated for a long run of trials; "
            "the search ended there"
        )
    if records.repeats:
        notes.append(
            f"{records.repeats:,} proposals repeated a design already evaluated: not evaluated "
            "again, and not counted"
        )
    if records.running:
        notes.append(
            f"{records.running} trial{'s' if records.running != 1 else ''} still running in "
            f"another process (live, or dead less than {spec.grace_period} s ago: then "
            "failed and retried once its heartbeat is that old)"
        )
    return notes


def _fail_stale(study: Any) -> None:
    """Optuna's own: fail the trials whose heartbeat is a grace period old (and retry
    their points)."""
    optuna = _optuna.optuna()
    with warnings.catch_warnings():  # experimental since Optuna 2.9, unchanged since
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        optuna.storages.fail_stale_trials(study)


def _visit_pending(  # noqa: PLR0917
    kind: SearchKind,
    plan: ObjectivePlan,
    study: Any,
    seed: int | None,
    guard: Interrupts,
    ledger: Ledger,
    target: int,
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
            optimize(
                fixed,
                objective,
                target=min(target, ledger.settled + 1),
                guard=guard,
                ledger=ledger,
            )


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
        ledger = Ledger(study, points=None, seed=None)
        ledger.refresh()
        done = ledger.settled
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
