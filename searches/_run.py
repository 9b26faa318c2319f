"""One process's share of a study: run trials until told to stop, and leave no trial of
its own marked running.

Each trial records which process runs it (:func:`searches._processes.identity`), so a
later run can tell a trial abandoned by a process that died (``kill -9``, a lost machine)
from one still running, and mark the first failed: the study's counts stay right and the
point is run again.

Example:
    >>> from searches._optuna import create_study, tpe_sampler
    >>> study = create_study(storage=None, sampler=tpe_sampler(0), name="s",
    ...                      directions=["minimize"])
    >>> release_abandoned(study)
    0
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from searches import _optuna
from searches._processes import identity, is_dead
from searches._signals import Interrupts, stopped_by_interrupt

__all__ = ["PROCESS_KEY", "optimize", "release_abandoned", "release_own"]

#: The user attribute naming the process that runs a trial.
PROCESS_KEY = "explorer_process"


def optimize(
    study: Any,
    objective: Callable[[Any], list[float]],
    *,
    n_trials: int,
    target: int | None,
    guard: Interrupts,
    progress: bool = False,
) -> None:
    """Run up to ``n_trials`` trials, stopping early once the study holds ``target``
    finished ones (whoever ran them) or when ``guard`` is asked to stop.

    Raises:
        KeyboardInterrupt: a stop was asked for; this process's running trial, if any,
            is marked failed first.
    """
    me = identity()

    def tracked(trial: Any) -> list[float]:
        trial.set_user_attr(PROCESS_KEY, me)
        with guard.urgent():
            return objective(trial)

    def stop() -> None:
        with contextlib.suppress(RuntimeError):  # between two optimize calls
            study.stop()

    guard.on_request(stop)
    try:
        study.optimize(
            tracked,
            n_trials=n_trials,
            callbacks=None if target is None else [_optuna.stop_at(target)],
            show_progress_bar=progress,
        )
        guard.check()
    except BaseException as error:
        if stopped_by_interrupt(error):
            release_own(study, "interrupted")
            raise KeyboardInterrupt from None
        release_own(study, "failed")
        raise
    finally:
        guard.on_request(None)


def release_own(study: Any, reason: str) -> None:
    """Mark this process's running trials failed (best effort: the storage may be gone)."""
    me = identity()
    with contextlib.suppress(Exception):
        for trial in _optuna.running(study):
            if trial.user_attrs.get(PROCESS_KEY) == me:
                _optuna.fail_trial(study, trial, reason)


def release_abandoned(study: Any) -> int:
    """Mark failed the running trials whose process has ended; return how many running
    trials are left that may belong to a live process (here or on another machine)."""
    alive = 0
    for trial in _optuna.running(study):
        owner = trial.user_attrs.get(PROCESS_KEY)
        if owner is not None and is_dead(str(owner)):
            _optuna.fail_trial(study, trial, "interrupted: its process ended before it finished")
        else:
            alive += 1
    return alive
