"""``--workers N``: N local processes on one storage, Optuna's own distributed mode.

The parent has created the study; each worker loads it by name, samples with its own
seed (``seed + index``: identical seeds would sample identical points) and runs its share
of the missing trials, stopping early once the study holds its target. Workers live no
longer than their parent: they ignore the terminal's Ctrl-C (the parent forwards it as
SIGTERM, after which a worker finishes or fails its current trial and leaves), and they
are sent SIGTERM when the parent dies, however it dies. The parent shows progress by
reading the storage and re-raises the first worker error, after stopping the others.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from explorer.errors import ExplorerError
from searches import _optuna
from searches._kind import Objectives, SearchKind
from searches._processes import die_with_parent
from searches._progress import bar as progress_bar
from searches._run import optimize, release_abandoned
from searches._signals import Interrupts
from searches.storage import StorageSpec, opened

__all__ = ["Job", "run_workers", "shares"]

_POLL_S = 0.2
#: How long stopped workers may take to finish their current trial before they are killed.
STOP_GRACE_S = 10.0


def shares(total: int, workers: int) -> list[int]:
    """``total`` trials split as evenly as possible.

    Example:
        >>> shares(10, 3)
        [4, 3, 3]
    """
    base, extra = divmod(total, workers)
    return [base + (1 if i < extra else 0) for i in range(workers)]


@dataclass(frozen=True, slots=True)
class Job:
    """What a worker needs to rebuild the study and its objective (picklable)."""

    kind: SearchKind
    objectives: Objectives
    storage: StorageSpec
    study_name: str
    target: int
    seed: int | None


@dataclass
class _Worker:
    process: Any
    results: multiprocessing.connection.Connection
    outcome: tuple[str, Any] | None = None


def run_workers(
    job: Job, remaining: int, workers: int, *, progress: bool, study: Any, guard: Interrupts
) -> None:
    """Run ``remaining`` trials over ``workers`` spawned processes; wait for all.

    Raises:
        KeyboardInterrupt: ``guard`` was asked to stop (the workers are stopped first).
        ExplorerError: a worker's error (the others are stopped first).
    """
    parts = [n for n in shares(remaining, workers) if n]
    start = _optuna.count_finished(study)
    bar = progress_bar(remaining, unit="trial", desc="trials", enabled=progress)
    team: list[_Worker] = []
    try:
        # spawn, not fork: the parent may hold database connections and threads.
        context = multiprocessing.get_context("spawn")
        with _terminal_interrupts_ignored():  # the children inherit it across exec
            for index, n in enumerate(parts):
                receive, send = context.Pipe(duplex=False)
                process = context.Process(
                    target=work, args=(job, n, index, send), name=f"explorer-worker-{index}"
                )
                process.daemon = True
                process.start()
                send.close()
                team.append(_Worker(process, receive))
        while any(w.outcome is None for w in team):
            guard.check()
            _collect(team, timeout=_POLL_S)
            failed = next((w for w in team if w.outcome and w.outcome[0] == "error"), None)
            if failed is not None:
                raise failed.outcome[1]  # type: ignore[index]
            if any(w.outcome and w.outcome[0] == "interrupted" for w in team):
                raise KeyboardInterrupt
            if bar is not None:
                done = _optuna.count_finished(study) - start
                bar.update(max(0, min(done, remaining) - bar.n))
    finally:
        if bar is not None:
            bar.close()
        _stop(team)
        # A worker killed after the grace left its trial running: every worker has ended,
        # so the trial is released now, not on the next run (best effort: the storage may
        # be what failed).
        with contextlib.suppress(Exception):
            release_abandoned(study)


@contextlib.contextmanager
def _terminal_interrupts_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _collect(team: list[_Worker], *, timeout: float) -> None:
    """Wait up to ``timeout`` for outcomes; a worker that died without one has an error."""
    waiting = {w.results: w for w in team if w.outcome is None}
    sentinels = {w.process.sentinel: w for w in team if w.outcome is None}
    if not waiting:
        return
    ready = multiprocessing.connection.wait([*waiting, *sentinels], timeout=timeout)
    for item in ready:
        worker = waiting.get(item) or sentinels.get(item)  # type: ignore[call-overload]
        if worker is None or worker.outcome is not None:
            continue
        try:
            worker.outcome = worker.results.recv()
        except (EOFError, OSError):
            worker.process.join()
            code = worker.process.exitcode
            worker.outcome = (
                "interrupted"
                if code in (-signal.SIGTERM, -signal.SIGINT)
                else ("error", ExplorerError(f"a worker process died (exit status {code})"))
            )


def _stop(team: list[_Worker]) -> None:
    """SIGTERM to the workers still running; SIGKILL to those still there after the grace
    (or at once on a second interrupt)."""
    alive = [w.process for w in team if w.process.is_alive()]
    for process in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
    try:
        deadline = time.monotonic() + STOP_GRACE_S
        for process in alive:
            process.join(max(0.0, deadline - time.monotonic()))
    finally:
        for process in alive:
            if process.is_alive():
                process.kill()
                process.join()
        for worker in team:
            worker.results.close()


def work(
    job: Job, n_trials: int, index: int, results: multiprocessing.connection.Connection
) -> None:
    """One worker: load the study, run up to ``n_trials`` trials with its own seed, send
    back ``("done", n)``, ``("interrupted", None)`` or ``("error", exception)``. Prints
    nothing: the parent reports."""
    die_with_parent()
    outcome: tuple[str, Any]
    try:
        seed = None if job.seed is None else job.seed + index
        with (
            Interrupts((signal.SIGTERM,)) as guard,
            _optuna.silenced(),
            opened(job.storage) as storage,
        ):
            study = _optuna.load_study(
                storage=storage, sampler=job.kind.sampler(seed), name=job.study_name
            )
            objective = job.kind.objective(job.objectives.plan())
            optimize(study, objective, n_trials=n_trials, target=job.target, guard=guard)
        outcome = ("done", n_trials)
    except KeyboardInterrupt:
        outcome = ("interrupted", None)
    except ExplorerError as error:
        outcome = ("error", error)
    except BaseException as error:  # a bug: the parent shows it
        outcome = ("error", RuntimeError(f"worker {index}: {type(error).__name__}: {error}"))
    with contextlib.suppress(OSError, KeyboardInterrupt):
        results.send(outcome)
        results.close()
