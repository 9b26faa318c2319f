"""Searches on Optuna's own engine (issue 22): no design evaluated twice, the exact
optimum of a small space, heartbeats on every stored study, storage faults in one line."""

from __future__ import annotations

import fcntl
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import run as _run
from tests.cli_helpers import run_json as _json

optuna = pytest.importorskip("optuna", reason="optuna is not installed")

from searches import make_space, search  # noqa: E402
from searches.storage import opened, parse_storage  # noqa: E402

POSTGRES_URL = os.environ.get("EXPLORER_TEST_POSTGRES_URL")

#: 144 designs: 24 depths x 3 head counts x 2 key/value head counts.
SPACE_144: dict[str, Any] = {"families": ("llama",), "layers": range(2, 49, 2)}
SPACE_144 |= {"heads": (8, 16, 32), "kv_heads": (4, 8), "vocab": 32000, "min_head_dim": 1}


def _designs(result: Any) -> list[str]:
    return [json.dumps(dict(t.design.sizes), sort_keys=True) for t in result.trials]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_auto_returns_the_exact_optimum_of_a_144_design_space(seed: int) -> None:
    space = make_space(**SPACE_144)
    assert space.size == 144
    result = search(space, budget="1.3B", trials=200, seed=seed)
    assert result.sampler == "grid"
    assert result.exhaustive
    assert result.space_size == 144
    best = min(t.values[0] for t in result.trials if t.values and t.design and t.design.on_budget)
    assert result.best[0].values == (best,)
    assert len(result.trials) + len(result.pruned) == 144


@pytest.mark.parametrize("sampler", ["tpe", "random"])
def test_no_design_is_evaluated_twice(sampler: str) -> None:
    space = make_space(families=("lstm", "gru"), layers=range(1, 25))
    result = search(space, budget="6.5M", trials=40, seed=0, sampler=sampler)
    designs = _designs(result)
    assert len(designs) == len(set(designs)) == 40


def test_an_exhausted_space_ends_the_search_with_a_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["search", "--budget", "1M", "--layers", "1..4", "--sampler", "tpe"]
    status, out, err = _run(capsys, [*argv, "--trials", "50", "--seed", "0"])
    assert status == 0, err
    assert "note: the space's 4 designs are all evaluated, so the search ended there" in out
    assert "space: 4 designs; sampler TPE" in out.splitlines()


def test_the_solved_sizes_and_totals_are_trial_attributes(tmp_path: Path) -> None:
    space = make_space(families=("llama",), layers=(2, 4), vocab=1000, min_head_dim=1)
    storage = str(tmp_path / "s.log")
    result = search(space, budget="20M", trials=2, seed=0, storage=storage)
    study = optuna.load_study(study_name=result.study_name, storage=parse_storage(storage).open())
    for trial in study.trials:  # what trials_dataframe() and optuna-dashboard show
        assert {"d_model", "parameters"} <= set(trial.user_attrs)
        assert trial.user_attrs["d_model"] == trial.user_attrs["design"]["sizes"]["d_model"]


def test_a_cut_journal_record_is_one_line_and_nothing_is_appended(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    journal = tmp_path / "s.log"
    argv = ["search", "--budget", "1M", "--layers", "1..3", "--storage", str(journal)]
    _json(capsys, [*argv, "--trials", "2"])
    whole = journal.read_bytes()
    journal.write_bytes(whole + b'{"op_code":5,"worker_id":"x","trial_id"')  # a crash mid-write
    status, out, err = _run(capsys, argv)
    lines = whole.count(b"\n")
    assert (status, out) == (2, "")
    assert err == (
        f"error: journal {journal} ends in a cut record (line {lines + 1}: a crash "
        "or a full disk mid-write); nothing was appended. Drop it, keeping every complete "
        f"record: truncate -s {len(whole)} {journal}\n"
    )
    assert journal.read_bytes().startswith(whole)
    os.truncate(journal, len(whole))  # the command it gives
    assert _json(capsys, argv)["finished_trials"] == 3


def test_a_second_process_on_one_sqlite_file_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "s.db"
    with path.open("a") as held:  # another writing process holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        status, out, err = _run(
            capsys, ["search", "--budget", "1M", "--storage", f"sqlite:///{path}"]
        )
    assert (status, out) == (2, "")
    assert err.startswith(f"error: storage sqlite:///{path} is in use by another process")
    assert err.count("\n") == 1


def test_a_lost_database_connection_is_one_line() -> None:
    from searches.storage import describe_failure

    class OperationalError(Exception):
        __module__ = "sqlalchemy.exc"

    class StorageInternalError(Exception):
        pass

    error = StorageInternalError("An exception is raised during the commit.")
    error.__cause__ = OperationalError("server closed the connection unexpectedly\nmore")
    spec = parse_storage("postgresql://me:secret@127.0.0.1/studies")
    assert describe_failure(error, spec) == (
        "storage postgresql://me:***@127.0.0.1/studies lost its connection (server closed the "
        "connection unexpectedly); every finished trial is kept: run the same command again "
        "to resume"
    )


def _storage_url(kind: str, folder: Path) -> str:
    if kind == "journal":
        return str(folder / "s.log")
    if kind == "sqlite":
        return f"sqlite:///{folder / 's.db'}"
    if not POSTGRES_URL:
        pytest.skip("set EXPLORER_TEST_POSTGRES_URL to a PostgreSQL database (.ci/run does)")
    return POSTGRES_URL


@pytest.mark.parametrize("kind", ["journal", "sqlite", "postgresql"])
def test_a_killed_trial_goes_stale_even_before_its_objective_ran(kind: str, tmp_path: Path) -> None:
    """Optuna records a first heartbeat only when the objective starts: a kill inside
    ``ask()`` left the trial running forever. Here it has one from its creation, through
    Optuna's cache of an RDB storage too (which bypassed the first fix: a resumed search
    then ended a trial short, 1 run in 4)."""
    spec = parse_storage(_storage_url(kind, tmp_path)).with_grace(2)
    with opened(spec) as storage:
        name = f"s-{uuid.uuid4().hex}"
        study = optuna.create_study(storage=storage, study_name=name)
        with pytest.warns(UserWarning, match="Heartbeat of storage is supposed to be used"):
            trial = study.ask()  # then the process dies: no objective, no heartbeat thread
        assert study._storage._get_stale_trial_ids(study._study_id) == []
        time.sleep(3.2)  # past the grace period (SQLite's clock has whole seconds)
        assert study._storage._get_stale_trial_ids(study._study_id) == [trial._trial_id]
        with pytest.warns(optuna.exceptions.ExperimentalWarning, match="fail_stale_trials"):
            optuna.storages.fail_stale_trials(study)  # and retried: a waiting copy
        states = [t.state for t in study.get_trials(deepcopy=False)]
        assert states == [optuna.trial.TrialState.FAIL, optuna.trial.TrialState.WAITING]


def test_a_journal_lock_dies_with_its_holder(tmp_path: Path) -> None:
    """A process killed while appending left Optuna's lock file, and every other process
    waited 30 s before forcing it; the flock is released by the kernel with the process."""
    import fcntl
    import subprocess
    import sys

    path = tmp_path / "s.log"
    hold = (
        "import sys, time\n"
        "from searches.storage import journal_lock\n"
        "journal_lock(sys.argv[1], 20).acquire()\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        descriptor = os.open(path, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError, match="temporarily unavailable"):
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            holder.kill()  # kill -9 while it holds the lock
            holder.wait()
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free at once
        finally:
            os.close(descriptor)
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert not (tmp_path / "s.log.lock").exists(), "no lock file left behind"
