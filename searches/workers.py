"""``--workers N``: N local processes on one stored study, Optuna's own distributed mode.

Each worker is an independent Optuna process: it loads the study by name, samples with
its own seed (``seed + index``: identical seeds would sample identical points) and runs
trials until the study holds its target (exactly: :mod:`searches._optimize`). A worker
that dies leaves its trial to Optuna's heartbeats, like a process on another machine. The
parent shows progress by reading the storage, and re-raises the first worker error after
stopping the others. Workers live no longer than their parent: they ignore the terminal's
Ctrl-C (the parent forwards it as SIGTERM, after which a worker finishes or fails its
current trial and leaves), and they are sent SIGTERM when the parent dies, however it dies.

Example:
    >>> check_workers(2)
    2
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from explorer.errors import ExplorerError, InvalidSizeError

__all__ = ["WORKERS_PER_CPU", "Job", "check_workers", "run_workers", "worker_limit"]

_POLL_S = 0.2
#: How long stopped workers may take to finish their current trial before they are killed.
STOP_GRACE_S = 10.0
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WATCH_S = 0.5
#: Worker processes allowed per CPU: more only compete for the CPUs (and each holds
#: Python, numpy and optuna, about 100 MB).
WORKERS_PER_CPU = 4
_MIN_LIMIT = 8


def worker_limit() -> int:
    """The most ``--workers`` this machine allows: 4 per CPU this process may use, at
    least 8."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(_MIN_LIMIT, WORKERS_PER_CPU * cpus)


def check_workers(workers: object) -> int:
    """``workers`` if it is a sensible number of local processes.

    Raises:
        InvalidSizeError: not a positive integer, or more than :func:`worker_limit`.

    Example:
        >>> check_workers(10**11)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        explorer.errors.InvalidSizeError: workers must be at most ...
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidSizeError(f"workers must be a positive integer, got {workers!r}")
    limit = worker_limit()
    if workers > limit:
        raise InvalidSizeError(
            f"workers must be at most {limit} here ({WORKERS_PER_CPU} per CPU), got {workers:,}; "
            "for more, start the same command on other machines with one --storage"
        )
    return workers


@dataclass(frozen=True, slots=True)
class Job:
    """What a worker needs to rebuild the study and its objective (picklable)."""

    kind: Any  # a SearchKind
    objectives: Any  # an Objectives
    storage: Any  # a StorageSpec
    study_name: str
    target: int
    seed: int | None
    sampler: str


@dataclass
class _Worker:
    process: Any
    results: multiprocessing.connection.Connection
    outcome: tuple[str, Any] | None = None


def run_workers(job: Job, workers: int, *, study: Any, guard: Any, bar: Any, ledger: Any) -> None:
    """Run the study in ``workers`` spawned processes until it holds its target.

    Raises:
        KeyboardInterrupt: ``guard`` was asked to stop (the workers are stopped first).
        ExplorerError: a worker's error (the others are stopped first).
    """
    team: list[_Worker] = []
    try:
        # spawn, not fork: the parent may hold database connections and threads.
        context = multiprocessing.get_context("spawn")
        with _terminal_interrupts_ignored():  # the children inherit it across exec
            for index in range(workers):
                receive, send = context.Pipe(duplex=False)
                process = context.Process(
                    target=work, args=(job, index, send), name=f"explorer-worker-{index}"
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
            ledger.refresh()
            bar.update(ledger.settled)
    finally:
        _stop(team)


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


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Send ``sig`` to this process when its parent ends, however it ends (``kill -9``
    included): ``prctl(PR_SET_PDEATHSIG)`` on Linux, a watchdog thread elsewhere."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)  # the running program's libc
        if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before the call
                os.kill(os.getpid(), sig)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_S)
        os.kill(os.getpid(), sig)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def work(job: Job, index: int, results: multiprocessing.connection.Connection) -> None:
    """One worker: load the study, run trials with its own seed until the study holds its
    target, send back ``("done", None)``, ``("interrupted", None)`` or ``("error",
    exception)``. Prints nothing: the parent reports."""
    from searches import _optuna
    from searches._optimize import Ledger, optimize
    from searches._signals import Interrupts
    from searches.storage import opened

    die_with_parent()
    outcome: tuple[str, Any]
    try:
        seed = None if job.seed is None else (job.seed + index) % 2**32
        with (
            Interrupts((signal.SIGTERM,)) as guard,
            _optuna.silenced(),
            opened(job.storage) as storage,
        ):
            study = _optuna.load_study(
                storage=storage, sampler=job.kind.sampler(seed, job.sampler), name=job.study_name
            )
            objective = job.kind.objective(job.objectives.plan())
            ledger = Ledger(study, points=job.kind.points(), seed=seed)
            optimize(study, objective, target=job.target, guard=guard, ledger=ledger)
        outcome = ("done", None)
    except KeyboardInterrupt:
        outcome = ("interrupted", None)
    except ExplorerError as error:
        outcome = ("error", error)
    except BaseException as error:  # a bug, or the storage's error: the parent shows it
        from searches.storage import describe_failure

        failure = describe_failure(error, job.storage)
        if failure is not None:
            from searches.errors import StorageError

            outcome = ("error", StorageError(failure))
        else:
            outcome = ("error", RuntimeError(f"worker {index}: {type(error).__name__}: {error}"))
    with contextlib.suppress(OSError, KeyboardInterrupt):
        results.send(outcome)
        results.close()
