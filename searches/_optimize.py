"""One process's share of a study: Optuna's ``study.optimize``, no point evaluated twice,
the study's target met exactly.

Optuna's samplers propose points already in the study (TPE re-proposed one design 6,022
times in 10,000 trials of a 96-design space: issue 22). Before a trial is evaluated, the
:class:`Ledger` looks it up among the points the study already settled (complete, pruned,
or failed by its objective's value) or another process is evaluating: such a trial is not
evaluated again; it ends pruned, marked ``repeat_of``, and an unvisited point of a finite
space is queued for the next trial. Repeats do not count toward the target. A finite space
whose every point is settled ends the search (:attr:`Ledger.exhausted`).

A trial that a process started after the study already held (or was running) its target
is a surplus: it ends pruned, marked ``surplus``, so the target is met exactly however
many processes share the study. A process that stopped short this way waits for the
trials in flight to finish, or to be failed once their heartbeat is a grace period old
(their process died), and then runs what is still missing (:func:`await_in_flight`).

Example:
    >>> from searches._optuna import create_study, tpe_sampler
    >>> study = create_study(storage=None, sampler=tpe_sampler(0), name="s",
    ...                      directions=["minimize"])
    >>> ledger = Ledger(study, points=[{"x": 0}, {"x": 1}], seed=0)
    >>> ledger.refresh()
    >>> ledger.settled, ledger.exhausted
    (0, False)
"""

from __future__ import annotations

import contextlib
import json
import random
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from searches import _optuna
from searches._signals import Interrupts, stopped_by_interrupt
from searches.errors import ObjectiveValueError

__all__ = [
    "REPEAT_KEY",
    "SURPLUS_KEY",
    "VALUE_FAILURE_KEY",
    "Ledger",
    "await_in_flight",
    "optimize",
    "point_key",
]

#: A trial that proposed a point already settled: the number of the trial that holds it.
REPEAT_KEY = "repeat_of"
#: A trial started after the study held its target: not evaluated.
SURPLUS_KEY = "surplus"
#: Trials in a row that settle no new point after which the sampler is taken to propose
#: only points the study holds (an infinite space it has converged on).
STUCK_AFTER = 200
#: Seconds between two looks at the trials other processes run, doubling up to the last.
_FIRST_POLL_S = 0.05
_LAST_POLL_S = 1.0
#: A trial failed by its objective's value (NaN, infinite, too large): final, not retried.
VALUE_FAILURE_KEY = "value_failure"


def point_key(params: dict[str, Any]) -> str:
    """A point's identity: its parameters, in a canonical text.

    Example:
        >>> point_key({"b": 2, "a": True}) == point_key({"a": True, "b": 2})
        True
    """
    return json.dumps(params, sort_keys=True, default=str)


class Ledger:
    """What the study has settled, read incrementally (each trial once it is finished).

    Attributes:
        settled: distinct points settled: they count toward the target.
        exhausted: every point of a finite space is settled.
        stuck: the sampler proposed only settled points for a long run of trials.
    """

    def __init__(self, study: Any, *, points: Sequence[dict[str, Any]] | None, seed: int | None):
        self.study = study
        self.points = None if points is None else list(points)
        self._all = None if points is None else {point_key(p): p for p in self.points or ()}
        self._random = random.Random(seed)
        self.settled = 0
        self.exhausted = False
        self.stuck = False
        self._done: dict[str, int] = {}  # key -> trial number that holds it
        self._seen_upto = 0  # trials below this index are finished and read
        self._open: list[Any] = []  # running or waiting trials, read each time

    def refresh(self) -> None:
        """Read the trials finished since the last call."""
        trials = self.study.get_trials(deepcopy=False)
        states = _optuna.optuna().trial.TrialState
        self._open = []
        index = self._seen_upto
        for index in range(self._seen_upto, len(trials)):
            trial = trials[index]
            if trial.state in (states.RUNNING, states.WAITING):
                self._open.append(trial)
                continue
            if not self._open:
                self._seen_upto = index + 1
            if _counts(trial, states):
                key = point_key(trial.params)
                if key not in self._done:
                    self._done[key] = trial.number
                    self.settled += 1
        if self._all is not None:
            self.exhausted = all(key in self._done for key in self._all)

    def counted_before(self, number: int) -> int:
        """Distinct settled points plus the running trials started before trial ``number``
        (what the study will hold once those finish)."""
        return self.settled + sum(
            1 for t in self._open if t.number < number and t.user_attrs.get(REPEAT_KEY) is None
        )

    def running(self) -> int:
        """Trials running now (in any process) that would settle a new point."""
        states = _optuna.optuna().trial.TrialState
        running = [t for t in self._open if t.state == states.RUNNING]
        return sum(1 for t in running if t.user_attrs.get(REPEAT_KEY) is None)

    def repeat_of(self, trial: Any) -> int | None:
        """The trial that settled (or is evaluating) ``trial``'s point, or ``None``."""
        key = point_key(trial.params)
        if key in self._done:
            return self._done[key]
        for other in self._open:
            if other.number != trial.number and point_key(other.params) == key:
                states = _optuna.optuna().trial.TrialState
                if other.state == states.RUNNING and other.params.keys() == trial.params.keys():
                    return int(other.number)
        return None

    def queue_unvisited(self) -> None:
        """Queue one point of a finite space that no trial holds yet (at random)."""
        if self._all is None:
            return
        taken = set(self._done) | {point_key(t.params) for t in self._open}
        fresh = [key for key in self._all if key not in taken]
        if fresh:
            choice = self._all[self._random.choice(fresh)]
            self.study.enqueue_trial(choice, skip_if_exists=True)


def await_in_flight(study: Any, ledger: Ledger, *, guard: Interrupts, target: int) -> bool:
    """Wait while the trials running in other processes would bring the study to
    ``target``, failing those whose heartbeat is a grace period old (Optuna's
    :func:`~optuna.storages.fail_stale_trials`, so their points are retried). Bounded by
    the heartbeats: a live trial finishes, a dead one goes stale.

    Returns:
        Whether trials are still missing (the caller runs them), rather than the study
        holding its target or its every point.

    Raises:
        KeyboardInterrupt: a stop was asked for.
    """
    optuna = _optuna.optuna()
    delay = _FIRST_POLL_S
    while True:
        guard.check()
        with warnings.catch_warnings():  # experimental since Optuna 2.9, unchanged since
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            optuna.storages.fail_stale_trials(study)
        ledger.refresh()
        if ledger.settled >= target or ledger.exhausted:
            return False
        if ledger.settled + ledger.running() < target:
            return True
        time.sleep(delay)
        delay = min(_LAST_POLL_S, delay * 2)


def _counts(trial: Any, states: Any) -> bool:
    """Whether a finished trial settles its point (and counts toward the target)."""
    attrs = trial.user_attrs
    if attrs.get(REPEAT_KEY) is not None or attrs.get(SURPLUS_KEY):
        return False
    if trial.state in (states.COMPLETE, states.PRUNED):
        return True
    return trial.state == states.FAIL and bool(attrs.get(VALUE_FAILURE_KEY))


def optimize(
    study: Any,
    objective: Callable[..., list[float]],
    *,
    target: int,
    guard: Interrupts,
    ledger: Ledger,
    on_trial: Callable[[Ledger], None] | None = None,
) -> None:
    """Run trials until the study holds ``target`` settled points, the space is
    exhausted, or ``guard`` is asked to stop.

    ``objective(trial, before)`` samples its point, calls ``before(trial)`` (which may end
    the trial as a repeat or a surplus) and evaluates it.

    Raises:
        KeyboardInterrupt: a stop was asked for (Optuna marks the trial under way failed).
    """
    optuna = _optuna.optuna()

    def before(trial: Any) -> None:
        ledger.refresh()
        holder = ledger.repeat_of(trial)
        if holder is not None:
            trial.set_user_attr(REPEAT_KEY, holder)
            ledger.queue_unvisited()
            raise optuna.TrialPruned(f"repeats trial {holder}")
        if ledger.counted_before(trial.number) >= target:
            trial.set_user_attr(SURPLUS_KEY, True)
            stop()
            raise optuna.TrialPruned("the study already holds its target")

    def run(trial: Any) -> list[float]:
        with guard.urgent():
            try:
                return objective(trial, before)
            except ObjectiveValueError as error:
                trial.set_user_attr("reason", str(error))
                trial.set_user_attr(VALUE_FAILURE_KEY, True)
                raise

    def stop() -> None:
        with contextlib.suppress(RuntimeError):  # between two optimize calls
            study.stop()

    streak = [0, ledger.settled]  # trials in a row that settled nothing new; last count

    def after(study: Any, trial: Any) -> None:
        ledger.refresh()
        if on_trial is not None:
            on_trial(ledger)
        streak[0] = 0 if ledger.settled > streak[1] else streak[0] + 1
        streak[1] = ledger.settled
        if ledger.settled >= target or ledger.exhausted or streak[0] >= STUCK_AFTER:
            ledger.stuck = streak[0] >= STUCK_AFTER
            stop()

    ledger.refresh()
    if ledger.settled >= target or ledger.exhausted:
        return
    guard.on_request(stop)
    try:
        while True:
            study.optimize(run, n_trials=None, callbacks=[after], catch=(ObjectiveValueError,))
            guard.check()
            if ledger.settled >= target or ledger.exhausted or ledger.stuck:
                return
            # Stopped short: the trials other processes have in flight would meet the
            # target. Wait until they finish, or die and are failed, then run what is
            # still missing (a trial of a killed process must not count forever).
            if not await_in_flight(study, ledger, guard=guard, target=target):
                return
    except BaseException as error:
        if stopped_by_interrupt(error):
            raise KeyboardInterrupt from None
        raise
    finally:
        guard.on_request(None)
