"""``--workers N``: N local processes on one storage, Optuna's own distributed mode.

The parent has created the study; each worker loads it by name, samples with its own
seed (``seed + index``: identical seeds would sample identical points) and runs its share
of the missing trials, so the study ends with exactly the requested count. The parent
shows progress by reading the storage, and re-raises a worker's error.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from typing import TYPE_CHECKING, Any

from searches._progress import bar as progress_bar

if TYPE_CHECKING:
    from searches._study import SearchConfig
    from searches.storage import StorageSpec

__all__ = ["run_workers", "shares"]

_POLL_S = 0.2


def shares(total: int, workers: int) -> list[int]:
    """``total`` trials split as evenly as possible.

    Example:
        >>> shares(10, 3)
        [4, 3, 3]
    """
    base, extra = divmod(total, workers)
    return [base + (1 if i < extra else 0) for i in range(workers)]


def run_workers(
    config: SearchConfig,
    spec: StorageSpec,
    study_name: str,
    remaining: int,
    workers: int,
    *,
    progress: bool,
    study: Any,
) -> None:
    """Run ``remaining`` trials over ``workers`` spawned processes; wait for all."""
    from searches._study import finished_states

    parts = [n for n in shares(remaining, workers) if n]
    start = len(study.get_trials(deepcopy=False, states=finished_states()))
    bar = progress_bar(remaining, unit="trial", desc="trials", enabled=progress)
    # spawn, not fork: the parent may hold database connections and threads.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(len(parts), mp_context=context) as pool:
        futures = [
            pool.submit(work, config, spec, study_name, n, index) for index, n in enumerate(parts)
        ]
        pending = set(futures)
        while pending:
            _, pending = concurrent.futures.wait(pending, timeout=_POLL_S)
            if bar is not None:
                done = len(study.get_trials(deepcopy=False, states=finished_states())) - start
                bar.update(min(done, remaining) - bar.n)
        if bar is not None:
            bar.close()
        for future in futures:
            future.result()  # a worker's ExplorerError surfaces here, one line in the CLI


def work(
    config: SearchConfig, spec: StorageSpec, study_name: str, n_trials: int, index: int
) -> int:
    """One worker: load the study, run ``n_trials`` trials with its own seed."""
    import optuna

    from searches._study import silenced
    from searches.storage import opened

    seed = None if config.seed is None else config.seed + index
    with silenced(), opened(spec) as storage:
        study = optuna.load_study(
            study_name=study_name, storage=storage, sampler=config.sampler(seed)
        )
        study.optimize(config.objective(config.plan()), n_trials=n_trials)
    return n_trials
