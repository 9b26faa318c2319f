"""Optuna, the way every study here uses it: samplers, quiet logs, the trial states that
count, creating and loading studies.

A leaf: it imports nothing of this package but :mod:`searches._optional`, so the engine,
the workers and every search kind can share it without an import circle. Optuna's private
corners (a trial's storage id) are touched here and nowhere else.

Example:
    >>> study = create_study(storage=None, sampler=tpe_sampler(0), name="s",
    ...                      directions=["minimize"])
    >>> study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=3)
    >>> count_finished(study)
    3
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

from searches._optional import require

__all__ = [
    "count_finished",
    "create_study",
    "finished_states",
    "fixed_sampler",
    "load_study",
    "optuna",
    "random_sampler",
    "sampler",
    "silenced",
    "tpe_sampler",
    "with_sampler",
]


def optuna() -> ModuleType:
    """The optuna module (one line naming the extra when it is missing)."""
    return require("optuna", feature="explorer search")


def tpe_sampler(seed: int | None) -> Any:
    """TPE with Optuna 5's defaults made explicit: multivariate, and a constant liar so
    that parallel workers do not all sample the same point."""
    return optuna().samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)


def sampler(name: str, seed: int | None) -> Any:
    """Optuna's sampler by its ``--sampler`` name: ``tpe``, ``random`` or ``grid``
    (:class:`optuna.samplers.BruteForceSampler`: every point once, in a random order; it
    follows a space whose choices depend on the family)."""
    module = optuna()
    if name == "tpe":
        return tpe_sampler(seed)
    if name == "random":
        return random_sampler(seed)
    with warnings.catch_warnings():  # experimental since Optuna 3.1
        warnings.simplefilter("ignore", module.exceptions.ExperimentalWarning)
        return module.samplers.BruteForceSampler(seed=seed)


def random_sampler(seed: int | None) -> Any:
    """Optuna's random sampler (for enqueued trials, whose parameters are all fixed)."""
    return optuna().samplers.RandomSampler(seed=seed)


def fixed_sampler(params: dict[str, Any], seed: int | None) -> Any:
    """A sampler that gives exactly ``params`` (a point that must still be visited)."""
    module = optuna()
    with warnings.catch_warnings():  # experimental since Optuna 2.4, unchanged since
        warnings.simplefilter("ignore", module.exceptions.ExperimentalWarning)
        return module.samplers.PartialFixedSampler(params, module.samplers.RandomSampler(seed=seed))


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Optuna's own log lines off: per-trial INFO, and the WARNING with a traceback when a
    trial fails (the error itself is raised, and the CLI prints it in one line)."""
    logging = optuna().logging
    previous = logging.get_verbosity()
    logging.set_verbosity(logging.ERROR)
    try:
        yield
    finally:
        logging.set_verbosity(previous)


def finished_states() -> tuple[Any, ...]:
    """The trial states that count toward a study's target: complete and pruned. A failed
    trial (interrupted, or its objective raised) does not: it is run again."""
    states = optuna().trial.TrialState
    return (states.COMPLETE, states.PRUNED)


def count_finished(study: Any) -> int:
    """Trials in the study that count toward its target."""
    return len(study.get_trials(deepcopy=False, states=finished_states()))


def create_study(*, storage: Any, sampler: Any, name: str, directions: Sequence[str]) -> Any:
    """Create the study, or load it when it exists (several processes may race here:
    Optuna resolves that)."""
    return optuna().create_study(
        storage=storage,
        sampler=sampler,
        study_name=name,
        directions=list(directions),
        load_if_exists=True,
    )


def load_study(*, storage: Any, sampler: Any, name: str) -> Any:
    """Load an existing study."""
    return optuna().load_study(study_name=name, storage=storage, sampler=sampler)


def with_sampler(study: Any, sampler: Any) -> Any:
    """The same study (same storage object, in memory too) seen through another sampler."""
    return optuna().study.Study(study.study_name, study._storage, sampler=sampler)
