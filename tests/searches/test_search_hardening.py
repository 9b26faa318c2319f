"""Searches and sweeps under abuse: huge worker counts, Ctrl-C and kill, dying parents,
objectives that exit, foreign or corrupt journals, stale locks, passwords in URLs, many
processes on one study, and PostgreSQL started by several workers at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import run as _run
from tests.cli_helpers import run_json as _json
from tests.process_helpers import alive, children, default_sigint, holds_open, reaped

optuna = pytest.importorskip("optuna", reason="optuna is not installed")

from searches.storage import StorageSpec, opened, parse_storage  # noqa: E402

SEARCH = ["search", "--budget", "1M", "--arch", "lstm,gru", "--layers", "1..24", "--sampler", "tpe"]
SWEEP = ["sweep", "--budget", "1M,2M", "--arch", "lstm", "--layers", "1..3"]
POSTGRES_URL = os.environ.get("EXPLORER_TEST_POSTGRES_URL")
#: How long a stopped process may take to end: far above what it needs, so a hang fails.
SETTLE_S = 30

OBJECTIVES = textwrap.dedent(
    """
    import os
    import sys
    import time
    from pathlib import Path

    def _call():
        with open("calls.txt", "a") as handle:
            handle.write(f"{os.getpid()}\\n")
        return len(Path("calls.txt").read_text().splitlines())

    def slow(design):
        _call()
        time.sleep(0.05)
        return float(design.depth)

    def hang_third(design):
        if _call() == 3:
            time.sleep(120)
        return float(design.depth)

    def leave(design):
        sys.exit(3)

    def interrupt_in_text(design):
        # Ctrl-C in code run from a string (as dataclasses make their methods)
        exec("import os, signal\\nos.kill(os.getpid(), signal.SIGINT)\\nfor _ in range(9**7): pass")
        return float(design.depth)
    """
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding the objectives module ``objs.py``."""
    (tmp_path / "objs.py").write_text(OBJECTIVES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _start(argv: list[str], cwd: Path) -> subprocess.Popen[str]:
    with default_sigint():
        return subprocess.Popen(
            [sys.executable, "-m", "explorer", *argv],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def _calls(folder: Path) -> int:
    path = folder / "calls.txt"
    return len(path.read_text().splitlines()) if path.exists() else 0


def _wait_for(condition: Any, what: str, process: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"ended before {what}: {process.communicate()[1]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _journal_trials(path: Path) -> list[Any]:
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(path)))
    (summary,) = optuna.get_all_study_summaries(storage)
    study = optuna.load_study(study_name=summary.study_name, storage=storage)
    return list(study.get_trials(deepcopy=False))


def _one_line(stderr: str, starts: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith(starts), stderr


# -- worker counts ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([*SEARCH, "--trials", "2"], id="search"),
        pytest.param([*SWEEP, "--save", "rows.csv"], id="sweep"),
        pytest.param([*SWEEP, "--storage", "s.log"], id="sweep-study"),
    ],
)
def test_worker_counts_are_bounded(
    capsys: pytest.CaptureFixture[str], folder: Path, argv: list[str]
) -> None:
    status, out, err = _run(capsys, [*argv, "--workers", "100000000000"])
    assert status == 2
    assert out == ""
    _one_line(err, "error: workers must be at most ")
    assert "got 100,000,000,000" in err
    assert sorted(p.name for p in folder.iterdir()) == ["objs.py"], "nothing written"


# -- Ctrl-C and SIGTERM ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "stored", "sig", "message"),
    [
        pytest.param(
            [*SEARCH, "--objective", "objs.py:slow", "--storage", "s.log"],
            True,
            signal.SIGINT,
            "error: interrupted: study '",
            id="search-journal",
        ),
        pytest.param(
            [*SEARCH, "--objective", "objs.py:slow"],
            False,
            signal.SIGINT,
            "error: interrupted after ",
            id="search-in-memory",
        ),
        pytest.param(
            [*SEARCH, "--objective", "objs.py:slow", "--storage", "s.log", "--workers", "2"],
            True,
            signal.SIGINT,
            "error: interrupted: study '",
            id="search-workers",
        ),
        pytest.param(
            [*SEARCH, "--objective", "objs.py:slow", "--storage", "s.log", "--workers", "2"],
            True,
            signal.SIGTERM,
            "error: interrupted: study '",
            id="search-workers-sigterm",
        ),
    ],
)
def test_an_interrupted_search_is_one_line_and_leaves_no_running_trial(
    folder: Path, argv: list[str], stored: bool, sig: int, message: str
) -> None:
    process = _start([*argv, "--trials", "100000", "--no-progress"], folder)
    with reaped([process.pid]):
        _wait_for(lambda: _calls(folder) >= 4, "four trials", process)
        workers = children(process.pid)
        with reaped(workers):
            process.send_signal(sig)  # to the main process only, as `kill -INT PID` does
            out, err = process.communicate(timeout=SETTLE_S)
            assert process.returncode == 2
            assert out == ""
            _one_line(err, message)
            assert "run the same command again to resume" in err or not stored
            _wait_for(lambda: not any(alive(pid) for pid in workers), "the workers to end")
    if stored:
        trials = _journal_trials(folder / "s.log")
        states = [t.state.name for t in trials]
        running = [(t.number, t.user_attrs) for t in trials if t.state.name == "RUNNING"]
        assert not running, (states, running, err)
        in_flight = int(argv[argv.index("--workers") + 1]) if "--workers" in argv else 1
        # four calls started, at most one per worker still running when the signal came
        assert states.count("COMPLETE") >= 4 - in_flight, states


def test_an_interrupted_grid_sweep_on_a_journal_is_one_line(folder: Path) -> None:
    argv = ["sweep", "--budget", "1M..20M/10k", "--layers", "1..4", "--storage", "g.log"]
    process = _start([*argv, "--save", "rows.csv", "--no-progress"], folder)
    with reaped([process.pid]):
        _wait_for(
            lambda: (folder / "g.log").exists() and (folder / "g.log").stat().st_size > 50_000,
            "some points",
            process,
        )
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=SETTLE_S)
    assert process.returncode == 2
    _one_line(err, "error: interrupted: study 'grid-")
    assert sorted(p.name for p in folder.iterdir()) == ["g.log", "objs.py"], "no rows file"
    assert "RUNNING" not in [t.state.name for t in _journal_trials(folder / "g.log")]


def test_an_interrupt_raised_in_code_run_from_text_still_exits_2(folder: Path) -> None:
    """Python would end such a process by SIGINT at exit (status -2), though the
    interrupt was handled; the command exits with the status it says."""
    argv = [*SEARCH, "--objective", "objs.py:interrupt_in_text", "--trials", "3"]
    process = _start(argv, folder)
    with reaped([process.pid]):
        _, err = process.communicate(timeout=SETTLE_S * 2)
    assert process.returncode == 2, err
    _one_line(err, "error: interrupted")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to watch the file")
def test_an_interrupted_plain_sweep_writes_nothing(folder: Path) -> None:
    argv = ["sweep", "--budget", "1M..900M/1k", "--layers", "1..8", "--save", "rows.csv"]
    process = _start(argv, folder)
    with reaped([process.pid]):
        _wait_for(lambda: holds_open(process.pid, folder), "the output to be open", process)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=SETTLE_S)
    assert process.returncode == 2
    _one_line(err, "error: interrupted; no file was written")
    assert sorted(p.name for p in folder.iterdir()) == ["objs.py"]


def test_workers_end_when_their_parent_is_killed(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    argv = [*SEARCH, "--objective", "objs.py:slow", "--storage", "s.log", "--workers", "2"]
    process = _start([*argv, "--trials", "100000", "--no-progress"], folder)
    with reaped([process.pid]):
        _wait_for(lambda: _calls(folder) >= 4, "four trials", process)
        workers = children(process.pid)
        assert len(workers) >= 2
        with reaped(workers):
            process.kill()  # SIGKILL: the parent runs no clean-up at all
            process.communicate(timeout=SETTLE_S)
            _wait_for(lambda: not any(alive(pid) for pid in workers), "the workers to end")
    done = len([t for t in _journal_trials(folder / "s.log") if t.state.name == "COMPLETE"])
    resumed = _json(capsys, [*argv, "--trials", str(done + 2)])
    assert resumed["finished_trials"] == done + 2
    assert "RUNNING" not in [t.state.name for t in _journal_trials(folder / "s.log")]


def test_a_trial_left_running_by_a_killed_process_is_failed_on_resume(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    argv = [*SEARCH, "--objective", "objs.py:hang_third", "--storage", "s.log", "--seed", "1"]
    argv += ["--sampler", "tpe", "--grace-period", "2"]
    process = _start([*argv, "--trials", "10", "--no-progress"], folder)
    with reaped([process.pid]):
        _wait_for(lambda: _calls(folder) >= 3, "the third trial", process)
        process.kill()  # while the third trial hangs: it stays RUNNING in the journal
        process.communicate(timeout=SETTLE_S)
    before = [t.state.name for t in _journal_trials(folder / "s.log")]
    assert before == ["COMPLETE", "COMPLETE", "RUNNING"]
    time.sleep(3)  # past the grace period: its heartbeat is stale
    data = _json(capsys, [*argv, "--trials", "10"])
    assert data["finished_trials"] == 10, "the failed trial does not count"
    (failed,) = data["failed"]
    assert failed["number"] == 2
    trials = _journal_trials(folder / "s.log")
    states = [t.state.name for t in trials]
    assert states.count("FAIL") == 1
    assert "RUNNING" not in states
    retried = [t for t in trials if t.system_attrs.get("failed_trial") == trials[2]._trial_id]
    assert [t.params for t in retried] == [trials[2].params], "its point is tried again"


@pytest.mark.parametrize("store", ["s.log", "sqlite:///s.db"])
def test_a_trial_that_dies_in_flight_during_a_resumed_run_is_not_counted(
    capsys: pytest.CaptureFixture[str], folder: Path, store: str
) -> None:
    """A resumed run started right after a kill -9 (the dead trial's heartbeat still
    fresh) counted that trial as in flight, stopped, and ended one design short. It now
    waits until the trial goes stale, fails it, and runs the missing design."""
    argv = [*SEARCH, "--storage", store, "--study-name", "k", "--seed", "3"]
    argv += ["--grace-period", "2"]
    _json(capsys, [*argv, "--trials", "3"])
    spec = parse_storage(store).with_grace(2)
    with opened(spec) as storage:  # a process that began its 4th trial, then died
        study = optuna.load_study(study_name="k", storage=storage)
        with pytest.warns(UserWarning, match="Heartbeat of storage is supposed to be used"):
            dead = study.ask()
    data = _json(capsys, [*argv, "--trials", "5"])
    assert data["finished_trials"] == 5
    assert [t["number"] for t in data["failed"]] == [dead.number]
    with opened(spec) as storage:
        states = [t.state.name for t in optuna.load_study(study_name="k", storage=storage).trials]
    assert "RUNNING" not in states
    assert states.count("COMPLETE") == 5


def test_a_grace_period_beyond_a_week_is_one_line(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    """Accepted, it overflowed Optuna's timedelta (a traceback) once a stored trial was
    running."""
    argv = [*SEARCH, "--storage", "sqlite:///s.db", "--study-name", "g", "--trials", "2"]
    _json(capsys, argv)
    with opened(parse_storage("sqlite:///s.db")) as storage:  # a trial left running
        study = optuna.load_study(study_name="g", storage=storage)
        with pytest.warns(UserWarning, match="Heartbeat of storage is supposed to be used"):
            study.ask()
    huge = "9" * 20
    status, out, err = _run(capsys, [*argv, "--trials", "3", "--grace-period", huge])
    assert (status, out) == (2, "")
    assert err == (
        f"error: grace period must be at most 604,800 seconds (7 days), got {int(huge):,}\n"
    )
    resumed = _json(capsys, [*argv, "--trials", "3", "--grace-period", "2"])
    assert resumed["finished_trials"] == 3, "the running trial failed once stale"


# -- user objectives that end the process -----------------------------------------------------
def test_an_objective_calling_sys_exit_is_one_line(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    status, out, err = _run(capsys, [*SEARCH, "--trials", "3", "--objective", "objs.py:leave"])
    assert status == 2
    assert out == ""
    _one_line(err, "error: objective objs.py:leave called sys.exit(3); an objective returns")


def test_an_objective_module_calling_sys_exit_on_import_is_one_line(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    (folder / "quits.py").write_text("import sys\nsys.exit('no')\n")
    status, _, err = _run(capsys, [*SEARCH, "--trials", "3", "--objective", "quits.py:f"])
    assert status == 2
    _one_line(err, "error: objective module 'quits.py' called sys.exit('no') on import")


def test_an_objective_calling_sys_exit_in_a_worker_is_one_line(folder: Path) -> None:
    argv = [
        *SEARCH,
        "--trials",
        "4",
        "--workers",
        "2",
        "--objective",
        "objs.py:leave",
        "--storage",
        "w.log",
    ]
    process = _start(argv, folder)
    with reaped([process.pid]):
        _, err = process.communicate(timeout=SETTLE_S * 2)
    assert process.returncode == 2
    _one_line(err, "error: objective objs.py:leave called sys.exit(3)")


@pytest.mark.parametrize(
    ("url", "secrets"),
    [
        pytest.param("postgresql://rt:Sec/ret99@127.0.0.1:1/db", ["Sec", "ret99"], id="slash"),
        pytest.param("postgresql://rt:Sec@ret99@127.0.0.1:1/db", ["Sec", "ret99"], id="at"),
        pytest.param("postgresql://rt:p@ss:w/rd@127.0.0.1:1/db", ["p@ss", "w/rd"], id="at-colon"),
        pytest.param("postgresql://rt:Sec?ret99@127.0.0.1:1/db", ["Sec", "ret99"], id="question"),
        pytest.param("postgresql://rt:Sec#ret99@127.0.0.1:1/db", ["Sec", "ret99"], id="hash"),
        pytest.param(
            "postgresql://rt:Sec%2Fret%4099@127.0.0.1:1/db",
            ["Sec", "ret", "%2F", "%40"],
            id="percent-encoded",
        ),
        pytest.param(
            "postgresql+psycopg://rt:Sec99@127.0.0.1:1/db?sslmode=disable",
            ["Sec99"],
            id="driver-and-query",
        ),
        pytest.param(
            "postgresql://rt@127.0.0.1:1/db?password=Sec99ret", ["Sec99ret"], id="in-query"
        ),
        pytest.param("postgresql://rt@127.0.0.1:1/db", [], id="user-only"),
        pytest.param("postgresql://127.0.0.1:1/db", [], id="no-user"),
    ],
)
def test_no_password_shape_leaks_into_errors(
    capsys: pytest.CaptureFixture[str], folder: Path, url: str, secrets: list[str]
) -> None:
    spec = StorageSpec("rdb", url)
    status, out, err = _run(capsys, [*SEARCH, "--trials", "2", "--storage", url])
    assert status == 2
    assert out == ""
    _one_line(err, "error: ")
    for text in (err, spec.display, repr(spec)):
        for secret in secrets:
            assert secret not in text, text
    if secrets:
        assert "***" in spec.display
    else:
        assert spec.display == url
        assert url in err


# -- many processes on one study -------------------------------------------------------------
def test_trials_is_the_study_target_shared_by_processes(folder: Path) -> None:
    argv = [*SEARCH, "--objective", "objs.py:slow", "--storage", "s.log", "--study-name", "one"]
    processes = [_start([*argv, "--trials", "12", "--seed", str(i)], folder) for i in range(3)]
    with reaped([p.pid for p in processes]):
        outcomes = [p.communicate(timeout=SETTLE_S * 2) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outcomes
    finished = [t for t in _journal_trials(folder / "s.log") if t.state.name == "COMPLETE"]
    assert 12 <= len(finished) <= 12 + 2, "at most one trial in flight per other process"


@pytest.mark.skipif(
    POSTGRES_URL is None,
    reason="EXPLORER_TEST_POSTGRES_URL is not set: no PostgreSQL server was started "
    "(.ci/run installs and starts one where apt-get can): the concurrent-start test is SKIPPED",
)
def test_searches_started_together_on_a_fresh_postgresql_database(folder: Path) -> None:
    """Each start creates Optuna's tables if they are missing; three at once on an empty
    schema raced to a duplicate key in pg_type before the creation was serialised."""
    psycopg = pytest.importorskip("psycopg")
    sqlalchemy = pytest.importorskip("sqlalchemy")
    assert POSTGRES_URL is not None
    url = sqlalchemy.engine.make_url(POSTGRES_URL)
    schema = f"explorer_race_{uuid.uuid4().hex[:10]}"
    connect = {
        "host": url.host,
        "port": url.port or 5432,
        "user": url.username,
        "password": url.password,
        "dbname": url.database,
        "autocommit": True,
    }
    with psycopg.connect(**connect) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    fresh = url.update_query_dict({"options": f"-csearch_path={schema}"})
    storage = fresh.render_as_string(hide_password=False)
    try:
        argv = [*SEARCH, "--storage", storage, "--study-name", "race", "--trials", "6"]
        for _ in range(2):  # a fresh schema, then one that exists
            processes = [_start([*argv, "--seed", str(i)], folder) for i in range(3)]
            with reaped([p.pid for p in processes]):
                outcomes = [p.communicate(timeout=SETTLE_S * 2) for p in processes]
            assert [p.returncode for p in processes] == [0, 0, 0], outcomes
            assert all(json.dumps(o).count("Traceback") == 0 for o in outcomes)
        rdb = optuna.storages.RDBStorage(storage)
        try:
            study = optuna.load_study(study_name="race", storage=rdb)
            states = (optuna.trial.TrialState.COMPLETE,)
            assert 6 <= len(study.get_trials(deepcopy=False, states=states)) <= 6 + 2
        finally:
            rdb.remove_session()
            rdb.engine.dispose()
    finally:
        with psycopg.connect(**connect) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


# -- wording and help ------------------------------------------------------------------------
def test_a_pareto_front_of_one_trial_is_singular(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    argv = ["search", "--budget", "1M", "--layers", "3", "--objective", "macs,depth"]
    status, out, _ = _run(capsys, [*argv, "--trials", "2"])
    assert status == 0
    assert "Pareto front (1 trial):" in out.splitlines()
    assert out.splitlines()[0].startswith("budget-constrained search: 1 trial at"), "one design"


def test_help_documents_the_user_objective_and_the_shared_target() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "explorer", "search", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=SETTLE_S,
    )
    text = " ".join(done.stdout.split())
    for phrase in (
        "def score(design): # a searches.design.Design",
        "examples/objective.py",
        "every process sharing one --storage and --study-name stops once the study holds",
        "at most 4 per CPU",
    ):
        assert phrase in text


def test_the_example_objective_runs_in_a_search(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    example = Path(__file__).parents[2] / "examples" / "objective.py"
    argv = [*SEARCH, "--trials", "6", "--seed", "0"]
    data = _json(
        capsys, [*argv, "--objective", f"{example}:latency_and_width", "--direction", "min,max"]
    )
    assert data["directions"] == ["minimize", "maximize"]
    assert all(t["values"][1] == t["sizes"]["cells"] for t in data["trials"])
    done = subprocess.run(
        [sys.executable, str(example)], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[0].startswith("lstm x1: cells 1250, total 6,497,534")


# -- packaging -------------------------------------------------------------------------------
def test_searches_need_no_extra_and_plots_have_theirs() -> None:
    from explorer._toml import loads

    project = loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]
    core = [r.split(">")[0].split("=")[0].split(";")[0].strip() for r in project["dependencies"]]
    assert {"optuna", "tqdm"} <= set(core)
    extras = project["optional-dependencies"]
    assert any(r.startswith("matplotlib") for r in extras["plot"])
    assert extras["search"] == extras["plot"], "the old extra's name still installs"


def test_a_missing_matplotlib_is_one_line_before_any_trial(
    capsys: pytest.CaptureFixture[str], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises
    argv = [*SEARCH, "--trials", "2", "--storage", "s.log", "--plot", "p.png"]
    status, _, err = _run(capsys, argv)
    assert status == 2
    assert err == (
        "error: --plot needs matplotlib, which is not installed: pip install 'explorer[plot]'\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["objs.py"], "no study was started"


def test_every_line_of_the_sweep_plot_has_its_own_style(
    capsys: pytest.CaptureFixture[str], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Colours tell the families apart, styles the budgets: at most MAX_STYLES budgets are
    drawn (evenly chosen, the figure says so), each line distinct."""
    pytest.importorskip("matplotlib")
    from matplotlib.axes import Axes

    styles: list[tuple[Any, ...]] = []
    real = Axes.plot

    def plot(self: Axes, *args: Any, **kwargs: Any) -> Any:
        styles.append(
            (id(self), kwargs.get("color"), kwargs.get("linestyle"), kwargs.get("marker"))
        )
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Axes, "plot", plot)
    argv = ["sweep", "--budget", "1M..8M/1M", "--arch", "lstm,gru", "--layers", "1..3"]
    status, _, err = _run(capsys, [*argv, "--plot", "sweep.png"])
    assert status == 0, err
    left = [style for style in styles if style[0] == styles[0][0]]
    assert len(left) == 12, "6 of the 8 budgets, for each family"
    assert len(set(left)) == 12, "two lines look the same"
    assert len({style[1] for style in left}) == 2, "one colour per family"
    assert (folder / "sweep.png").read_bytes().startswith(b"\x89PNG")
