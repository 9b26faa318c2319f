"""explorer search and the searches package: on budget, resumable, shared, user objectives."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

import explorer
from tests.cli_helpers import run as _run
from tests.cli_helpers import run_json as _json

optuna = pytest.importorskip("optuna", reason="the search extra is not installed")

from searches import Design, baseline, make_space, search  # noqa: E402
from searches.objectives import resolve_objectives  # noqa: E402

BUDGET = 6_500_000
SEARCH = [
    "search",
    "--budget",
    "6.5e6",
    "--arch",
    "lstm,lstmp,gru",
    "--layers",
    "1..24",
    "--sampler",
    "tpe",
]
TINY = [
    "search",
    "--budget",
    "15000",
    "--arch",
    "lstm",
    "--layers",
    "1..8",
    "--sampler",
    "tpe",
]
POSTGRES_URL = os.environ.get("EXPLORER_TEST_POSTGRES_URL")


def _assert_on_budget(trial: dict[str, Any]) -> None:
    """Within the integer step, and the recorded sizes give the total back."""
    assert explorer.count(trial["family"], **trial["sizes"]).total == trial["total"]
    gap = abs(trial["total"] - trial["budget"])
    assert gap == 0 or (trial["step"] is not None and gap <= trial["step"]), trial
    assert trial["on_budget"] is True


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param([], id="macs"),
        pytest.param(["--bidirectional", "both", "--proj-ratio", "2..6"], id="bidir-ratios"),
        pytest.param(["--multiple-of", "8", "--mode", "under"], id="multiple-of-under"),
        pytest.param(["--mode", "over", "--convention", "sak2014"], id="over-sak2014"),
        pytest.param(["--objective", "aspect", "--target-ratio", "100"], id="aspect"),
    ],
)
def test_every_trial_lies_within_the_integer_step(
    capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    data = _json(capsys, [*SEARCH, "--trials", "25", "--seed", "3", *extra])
    assert data["finished_trials"] == 25
    assert data["on_budget_fraction"] == 1.0
    for trial in data["trials"]:
        _assert_on_budget(trial)
        extra_sizes: dict[str, Any] = (
            {"bidirectional": True} if trial["sizes"].get("bidirectional") else {}
        )
        solved = explorer.solve(
            trial["family"],
            budget=BUDGET,
            mode=_mode(extra),
            multiple_of=8 if "8" in extra else 1,
            convention=trial["sizes"]["convention"],
            input=39,
            output=34,
            layers=trial["sizes"]["layers"],
            ties={"proj": f"cells/{trial['params']['proj_ratio']}"}
            if trial["family"] == "lstmp"
            else None,
            **extra_sizes,
        )
        assert solved.count_kwargs() == trial["sizes"]
        if extra and extra[1] == "under":
            assert trial["total"] <= BUDGET
        if extra and extra[1] == "over":
            assert trial["total"] >= BUDGET
    assert data["best"]["total"] in {t["total"] for t in data["trials"]}


def _mode(extra: list[str]) -> Any:
    return extra[extra.index("--mode") + 1] if "--mode" in extra else "nearest"


def test_the_natural_command_works(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, [*SEARCH, "--trials", "30", "--seed", "0"])
    assert status == 0, err
    first = out.splitlines()[0]
    assert first.startswith("budget-constrained search: 30 trials at a budget of 6,500,000")
    assert "30 on budget (100%)" in first
    assert out.splitlines()[2] == "space: 72 designs; sampler TPE"
    assert out.splitlines()[3].startswith("on budget: within one step of the solved width")
    assert any(line.startswith("best: trial ") for line in out.splitlines()[4:7])
    assert "assumed: input 39 (default from the forum question" in out


def test_choices_that_cannot_meet_the_budget_are_pruned_not_fatal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _json(
        capsys,
        [*TINY, "--trials", "20", "--seed", "1", "--objective", "depth", "--min-cells", "16"],
    )
    assert data["pruned"], "8 LSTM layers of 16 cells do not fit in 15,000 parameters"
    assert all("below the smallest" in p["reason"] for p in data["pruned"])
    assert len(data["pruned"]) + len(data["trials"]) == 8, "the space's 8 designs, once each"
    assert data["exhaustive"] is True
    for trial in data["trials"]:
        _assert_on_budget(trial)
    argv = [*TINY, "--trials", "20", "--seed", "1", "--objective", "depth", "--min-cells", "16"]
    status, out, _ = _run(capsys, argv)  # the table says why, reason by reason
    assert status == 0
    said = [line for line in out.splitlines() if line.startswith("pruned: ")]
    assert said
    assert all(" x budget 15,000 is below the smallest " in line for line in said)
    assert sum(int(line.split()[1]) for line in said) == len(data["pruned"])
    assert data["best"]["sizes"]["layers"] == max(t["sizes"]["layers"] for t in data["trials"])


def test_multi_objective_reports_the_pareto_front(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, [*SEARCH, "--trials", "30", "--seed", "2", "--objective", "macs,depth"])
    assert data["directions"] == ["minimize", "maximize"]
    front = data["best"]
    assert isinstance(front, list)
    assert front

    def dominates(a: list[float], b: list[float]) -> bool:
        better = (a[0] <= b[0], a[1] >= b[1])
        return all(better) and (a[0] < b[0] or a[1] > b[1])

    for best in front:
        assert not any(dominates(t["values"], best["values"]) for t in data["trials"])
    for trial in data["trials"]:
        if not any(dominates(b["values"], trial["values"]) for b in front):
            assert trial["values"] in [b["values"] for b in front]


def test_same_seed_same_trials(capsys: pytest.CaptureFixture[str]) -> None:
    runs = [_json(capsys, [*SEARCH, "--trials", "15", "--seed", "7"]) for _ in range(2)]
    assert [t["sizes"] for t in runs[0]["trials"]] == [t["sizes"] for t in runs[1]["trials"]]


# -- user objectives ------------------------------------------------------------------------
USER_MODULE = textwrap.dedent(
    """
    CONSTANT = 3

    def width_per_layer(design):
        return design.width / design.depth

    def two(design):
        return design.depth, design.count.biases

    def words(design):
        return "wide"

    def boom(design):
        return 1 / 0
    """
)


@pytest.fixture
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    name = f"objectives_{uuid.uuid4().hex[:8]}"
    path = tmp_path / f"{name}.py"
    path.write_text(USER_MODULE)
    monkeypatch.chdir(tmp_path)
    return path


def test_user_objective_receives_the_solved_design(
    capsys: pytest.CaptureFixture[str], user_module: Path
) -> None:
    spec = f"{user_module.stem}:width_per_layer"
    data = _json(capsys, [*SEARCH, "--trials", "12", "--seed", "0", "--objective", spec])
    assert data["objectives"] == [spec]
    for trial in data["trials"]:
        _assert_on_budget(trial)
        assert trial["values"] == [trial["sizes"]["cells"] / trial["sizes"]["layers"]]
    assert data["best"]["values"][0] == min(t["values"][0] for t in data["trials"])


def test_user_objective_from_a_file_with_several_values(
    capsys: pytest.CaptureFixture[str], user_module: Path
) -> None:
    spec = f"{user_module}:two"
    argv = [*SEARCH, "--trials", "10", "--seed", "0", "--objective", spec]
    data = _json(capsys, [*argv, "--direction", "max,min"])
    assert data["directions"] == ["maximize", "minimize"]
    for trial in data["trials"]:
        biases = explorer.count(trial["family"], **trial["sizes"]).biases
        assert trial["values"] == [trial["sizes"]["layers"], biases]


def test_user_objective_as_a_python_callable() -> None:
    space = make_space(families=("gru",), layers=(1, 2, 3))
    seen: list[Design] = []

    def objective(design: Design) -> float:
        seen.append(design)
        return float(design.macs)

    result = search(space, budget="1M", objectives=(objective,), trials=6, seed=0)
    assert len(seen) == 3, "the space's 3 designs, each evaluated once"
    assert all(d.on_budget and d.budget == 1_000_000 for d in seen)
    assert result.best[0].values == (min(d.macs for d in seen),)


@pytest.mark.parametrize(
    ("objective", "message"),
    [
        pytest.param("nosuchmodule_xyz:f", "no module named 'nosuchmodule_xyz'", id="module"),
        pytest.param("{m}:width_per_lyer", "has no 'width_per_lyer'; did you mean", id="name"),
        pytest.param("{m}:CONSTANT", "is a int, not a function", id="not-callable"),
        pytest.param("{m}:words", "must return a number or a list of numbers, got str", id="type"),
        pytest.param("{m}:two", "returned 2 values, expected 1; for several values", id="count"),
        pytest.param("{m}:boom", "raised ZeroDivisionError: division by zero", id="raises"),
        pytest.param("{m}:", "is not module:function", id="format"),
        pytest.param("no-such-file.py:f", "no file no-such-file.py", id="file"),
        pytest.param("mac", "unknown objective 'mac'; did you mean 'macs'?", id="builtin"),
    ],
)
def test_bad_objectives_give_one_line_errors(
    capsys: pytest.CaptureFixture[str], user_module: Path, objective: str, message: str
) -> None:
    spec = objective.format(m=user_module.stem)
    status, out, err = _run(capsys, [*SEARCH, "--trials", "3", "--objective", spec])
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert message in err


@pytest.mark.parametrize("workers", [pytest.param("1", id="one"), pytest.param("2", id="workers")])
def test_a_failing_objective_is_one_line_on_the_real_stderr(
    user_module: Path, workers: str
) -> None:
    argv = [
        *SEARCH,
        "--trials",
        "4",
        "--workers",
        workers,
        "--objective",
        f"{user_module.stem}:words",
        "--storage",
        str(user_module.parent / f"w{workers}.log"),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "explorer", *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=user_module.parent,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"error: objective {user_module.stem}:words must return a number or a list of "
        "numbers, got str\n"
    )


def test_wrong_number_of_directions_is_refused() -> None:
    with pytest.raises(ValueError, match="3 directions given for 2 objectives"):
        resolve_objectives("macs,depth", directions=("min", "max", "min"))


# -- storage: persist, resume, share --------------------------------------------------------
@pytest.mark.parametrize(
    "kind", [pytest.param("sqlite", id="sqlite"), pytest.param("journal", id="journal")]
)
def test_a_resumed_study_keeps_its_finished_trials(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    storage = f"sqlite:///{tmp_path / 'study.db'}" if kind == "sqlite" else str(tmp_path / "s.log")
    argv = [*SEARCH, "--storage", storage, "--study-name", "resume", "--seed", "4"]
    first = _json(capsys, [*argv, "--trials", "6"])
    again = _json(capsys, [*argv, "--trials", "10"])
    assert first["finished_trials"] == 6
    assert again["finished_trials"] == 10
    assert again["trials"][:6] == first["trials"]
    numbers = [t["number"] for t in again["trials"]]
    assert numbers == sorted(numbers)
    assert len({json.dumps(t["sizes"], sort_keys=True) for t in again["trials"]}) == 10
    same = _json(capsys, [*argv, "--trials", "10"])
    assert same["trials"] == again["trials"], "nothing left to run: nothing runs"


def test_a_study_of_another_search_is_not_mixed_in(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    storage = str(tmp_path / "s.log")
    _json(capsys, [*SEARCH, "--storage", storage, "--study-name", "x", "--trials", "2"])
    status, _, err = _run(
        capsys,
        [
            *SEARCH[:2],
            "5M",
            *SEARCH[3:],
            "--storage",
            storage,
            "--study-name",
            "x",
            "--trials",
            "2",
        ],
    )
    assert status == 2
    assert "study 'x' in" in err
    assert "holds a different search (budget differs)" in err


def _finished(storage: str, name: str) -> list[Any]:
    study = optuna.load_study(study_name=name, storage=storage)
    states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    trials = study.get_trials(deepcopy=False, states=states)
    return [t for t in trials if "repeat_of" not in t.user_attrs and "surplus" not in t.user_attrs]


def _finished_in_sqlite(path: Path) -> int:
    """Finished trials, read with the standard library (a second SQLAlchemy engine would
    race the running search's schema creation: shared/TECH_NOTES.md)."""
    if not path.exists():
        return 0
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        try:
            row = db.execute(
                "SELECT COUNT(*) FROM trials WHERE state IN ('COMPLETE', 'PRUNED')"
            ).fetchone()
        except sqlite3.OperationalError:  # no tables yet
            return 0
    return int(row[0])


def test_a_killed_search_resumes_where_it_stopped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "killed.db"
    storage = f"sqlite:///{path}"
    argv = [*SEARCH, "--storage", storage, "--study-name", "k", "--seed", "5"]
    argv += ["--grace-period", "2"]
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer", *argv, "--trials", "100000", "--no-progress"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
            if _finished_in_sqlite(path) >= 15:
                break
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
    finally:
        process.kill()  # SIGKILL: no clean-up runs, as when a machine dies
        process.wait()
        if process.stderr:
            process.stderr.close()
    before = {t.number: t.user_attrs["design"] for t in _finished(storage, "k") if t.values}
    assert len(before) >= 10
    settled = len({json.dumps(t.params, sort_keys=True) for t in _finished(storage, "k")})
    time.sleep(3)  # past the grace period: the killed trial is failed, not in flight
    resumed = _json(capsys, [*argv, "--trials", str(settled + 5)])
    assert resumed["finished_trials"] == settled + 5
    after = {t["number"]: t for t in resumed["trials"]}
    for number, design in before.items():
        assert after[number]["sizes"] == design["sizes"]
        assert after[number]["total"] == design["total"]


def _check_shared_study(data: dict[str, Any], trials: int) -> None:
    numbers = [t["number"] for t in data["trials"]] + [p["number"] for p in data["pruned"]]
    assert len(set(numbers)) == len(numbers) == trials, "no trial lost, none duplicated"
    designs = {json.dumps(t["sizes"], sort_keys=True) for t in data["trials"]}
    assert len(designs) == len(data["trials"]), "no design evaluated twice"
    assert data["finished_trials"] == trials
    for trial in data["trials"]:
        _assert_on_budget(trial)


def test_two_processes_on_one_journal_finish_n_trials(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    storage = str(tmp_path / "shared.log")
    argv = [*SEARCH, "--storage", storage, "--workers", "2", "--seed", "0", "--trials", "16"]
    data = _json(capsys, argv)
    _check_shared_study(data, 16)
    assert (
        len(
            _finished(
                optuna.storages.JournalStorage(  # another reader sees the same
                    optuna.storages.journal.JournalFileBackend(storage)
                ),
                data["study_name"],
            )
        )
        == 16
    )


def test_workers_without_storage_are_refused_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 22: they ran on a temporary fsync'd journal, 4-6x slower than one worker."""
    status, out, err = _run(capsys, [*SEARCH, "--workers", "2", "--trials", "8", "--seed", "1"])
    assert (status, out) == (2, "")
    assert err == (
        "error: 2 workers need a study they share: give --storage search.log (a journal file) "
        "or postgresql://...; an in-memory study lives in one process\n"
    )


@pytest.mark.skipif(
    POSTGRES_URL is None,
    reason="EXPLORER_TEST_POSTGRES_URL is not set: no PostgreSQL server was started "
    "(.ci/run installs and starts one where apt-get can): the distributed test is SKIPPED",
)
def test_two_processes_on_postgresql_finish_n_trials(capsys: pytest.CaptureFixture[str]) -> None:
    assert POSTGRES_URL is not None
    name = f"explorer-test-{uuid.uuid4().hex[:10]}"
    argv = [*SEARCH, "--storage", POSTGRES_URL, "--study-name", name, "--workers", "2"]
    try:
        data = _json(capsys, [*argv, "--seed", "0", "--trials", "12"])
        _check_shared_study(data, 12)
        assert "***" in data["storage"] or "@" not in data["storage"]
        again = _json(capsys, [*argv, "--seed", "1", "--trials", "14"])
        _check_shared_study(again, 14)
        assert again["trials"][:5] == data["trials"][:5]
    finally:
        storage = optuna.storages.RDBStorage(POSTGRES_URL)
        optuna.delete_study(study_name=name, storage=storage)
        storage.remove_session()
        storage.engine.dispose()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(["--storage", "postgres://u@h/db"], "did you mean 'postgresql'?", id="scheme"),
        pytest.param(
            ["--storage", "mongodb://h/db"], "unknown storage scheme 'mongodb'", id="unknown"
        ),
        pytest.param(["--storage", "search.db"], "did you mean sqlite:///search.db?", id="bare-db"),
        pytest.param(["--storage", "sqlite://x.db"], "three slashes", id="sqlite-slashes"),
        pytest.param(
            ["--storage", "sqlite:///no/such/folder/x.db"],
            "folder no/such/folder does not",
            id="folder",
        ),
        pytest.param(
            ["--storage", "postgresql://u:hunter2@127.0.0.1:1/db"],
            # with the driver: the server is unreachable; without it: the driver is missing
            "storage postgresql://u:***@127.0.0.1:1/db",
            id="unreachable",
        ),
        pytest.param(
            ["--storage", "sqlite:///s.db", "--workers", "2"],
            "cannot share SQLite",
            id="sqlite-workers",
        ),
        pytest.param(["--workers", "0"], "workers must be a positive integer", id="workers"),
        pytest.param(["--plot", "x.jpg"], "give a file ending in .png", id="plot"),
        pytest.param(["--arch", "lstpm"], "did you mean 'lstmp'?", id="family"),
        pytest.param(["--layers", "3..1"], "range '3..1' is empty", id="range"),
        pytest.param(["--proj-ratio", "1"], "proj_ratio must be at least 2", id="ratio"),
    ],
)
def test_bad_search_requests_give_one_line_errors(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = _run(capsys, [*SEARCH, "--trials", "2", *extra])
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
    if "127.0.0.1:1/" in message:
        driver = importlib.util.find_spec("psycopg") is not None
        assert ("cannot open storage" if driver else "needs a postgresql driver") in err
    assert "hunter2" not in err
    assert list(tmp_path.iterdir()) == [], "nothing written"


def test_without_optuna_search_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "optuna", None)  # import optuna raises ImportError
    status, _, err = _run(capsys, [*SEARCH, "--trials", "2"])
    assert status == 2
    assert err == (
        "error: explorer search needs optuna, which is not installed: "
        "pip install 'explorer[search]'\n"
    )


def test_count_imports_neither_optuna_nor_matplotlib() -> None:
    code = (
        "import sys; from explorer.cli import main; "
        "main(['count', 'lstm', '--input', '3', '--cells', '4']); "
        "print([m for m in ('optuna', 'matplotlib', 'tqdm', 'numpy', 'sqlalchemy') "
        "if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


# -- the baseline and the plot --------------------------------------------------------------
def test_baseline_marks_off_budget_trials_infeasible() -> None:
    space = make_space(families=("lstm", "gru"), layers=(1, 2, 3))
    result = baseline(space, budget="1M", objectives="macs", trials=30, seed=0)
    assert result.kind == "baseline"
    assert len(result.trials) + len(result.pruned) == 30
    assert result.on_budget < 30
    for trial in result.trials:
        design = trial.design
        assert design is not None
        assert explorer.count(design.family, **design.sizes).total == design.total
        on_budget = design.on_budget
        solved = explorer.solve(
            design.family, budget=1_000_000, layers=design.depth, input=39, output=34
        )
        assert on_budget == (
            design.width
            in {solved.below and solved.below.value, solved.above and solved.above.value}
        ) or (on_budget and design.total == solved.total)
    for best in result.best:
        assert best.design is not None
        assert best.design.on_budget


def test_search_plot_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    picture = tmp_path / "search.png"
    status, out, err = _run(
        capsys, [*SEARCH, "--trials", "8", "--objective", "macs,depth", "--plot", str(picture)]
    )
    assert status == 0, err
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert out.splitlines()[-1] == f"wrote: {picture}"
    assert [p.name for p in tmp_path.iterdir()] == ["search.png"]


@pytest.mark.parametrize(
    "module",
    [
        "searches",
        "searches.outputs",
        "searches._grid",
        "searches.options",
        "searches._optional",
        "searches.progress",
        "searches.workers",
        "searches._optimize",
        "searches._engine",
        "searches.plots",
        "searches.dashboard_server",
        "searches.baseline_search",
        "searches.budget_search",
        "searches.design",
        "searches.grid_study",
        "searches.objectives",
        "searches.render",
        "searches.space",
        "searches.storage",
        "searches.design_sweep",
    ],
)
def test_searches_docstring_examples_run(module: str) -> None:
    """pytest's doctest collection covers tests/ and explorer/; searches/ is run here."""
    import doctest
    import importlib

    imported = importlib.import_module(module)
    result = doctest.testmod(imported, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {module}"
