"""explorer sweep and searches.design_sweep: every row exact, both engines agree, files whole."""

from __future__ import annotations

import contextlib
import csv
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import explorer
from searches import make_space, sweep
from tests.cli_helpers import run as _run
from tests.cli_helpers import run_json as _json

SWEEP = ["sweep", "--budget", "1M,6.5M", "--arch", "lstm,lstmp,gru,rnn", "--layers", "1..4"]


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param([], id="pytorch"),
        pytest.param(["--convention", "keras", "--bidirectional", "both"], id="keras-bidir"),
        pytest.param(["--convention", "sak2014", "--proj-ratio", "2,4,8"], id="sak2014-ratios"),
        pytest.param(["--convention", "graves2013", "--output", "0"], id="graves-no-output"),
        pytest.param(["--convention", "weights", "--multiple-of", "16"], id="weights-multiple"),
        pytest.param(["--mode", "under", "--input", "123"], id="under"),
        pytest.param(["--mode", "over", "--max-cells", "600"], id="over-max"),
        pytest.param(["--min-cells", "400"], id="min-cells"),
    ],
)
def test_rows_match_count_and_solve(capsys: pytest.CaptureFixture[str], extra: list[str]) -> None:
    data = _json(capsys, [*SWEEP, *extra])
    assert data["solved"] == len(data["rows"])
    assert data["solved"] + data["skipped"] == data["grid_points"]
    for row in data["rows"]:
        assert explorer.count(row["family"], **row["sizes"]).total == row["total"]
        gap = abs(row["total"] - row["budget"])
        assert gap == 0 or gap <= row["step"]
    by_engine = _json(capsys, [*SWEEP, *extra, "--engine", "solve"])
    assert by_engine["rows"] == data["rows"]
    assert by_engine["skipped"] == data["skipped"]


@pytest.mark.parametrize("ratio", [3, 5])
def test_vectorised_points_equal_explorer_solve(ratio: int) -> None:
    space = make_space(
        families=("lstm", "lstmp", "gru"),
        layers=(1, 3, 7),
        bidirectional=(False, True),
        proj_ratio=(ratio,),
        multiple_of=4,
    )
    budgets = (5_000, 123_457, 9_999_999)
    rows = list(sweep(space, budgets=budgets))
    assert len(rows) == 3 * 3 * 2 * 3
    for row in rows:
        sizes = row.sizes
        extra: dict[str, Any] = {"bidirectional": True} if sizes.get("bidirectional") else {}
        solution = explorer.solve(
            row.family,
            budget=row.budget,
            multiple_of=4,
            input=39,
            output=34,
            layers=sizes["layers"],
            ties={"proj": f"cells/{ratio}"} if "proj" in sizes else None,
            **extra,
        )
        assert solution.count_kwargs() == sizes, row
        assert solution.total == row.total
        assert solution.above is not None
        assert solution.below is not None
        assert row.step == solution.above.total - solution.below.total


def test_points_without_a_design_are_skipped_and_explained(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _run(capsys, ["sweep", "--budget", "300", "--layers", "1..12"])
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(
        "sweep: 12 grid points, 5 solved, 7 without a design at their budget"
    )
    assert any(
        line.startswith("no design: lstm layers=6 at 300: the budget is below") for line in lines
    )


def test_files_are_streamed_whole(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    paths = [tmp_path / "rows.csv", tmp_path / "rows.json", tmp_path / "rows.jsonl"]
    picture = tmp_path / "sweep.png"
    argv = [*SWEEP, "--plot", str(picture)]
    for path in paths:
        argv += ["--save", str(path)]
    data = _json(capsys, argv)
    rows = data["rows"]
    with paths[0].open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [int(r["total"]) for r in table] == [r["total"] for r in rows]
    assert [int(r["cells"]) for r in table] == [r["sizes"]["cells"] for r in rows]
    assert json.loads(paths[1].read_text())["rows"] == rows
    assert [json.loads(line) for line in paths[2].read_text().splitlines()] == rows
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["rows.csv", "rows.json", "rows.jsonl", "sweep.png"]
    ), "no temporary file left"


def test_table_shows_the_first_rows(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, [*SWEEP, "--top", "3"])
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("sweep: 32 grid points, 32 solved, 0 without a design")
    assert lines[2].split() == ["budget", "family", "cells", "layers", "total", "error"]
    assert lines[3].split()[:4] == ["1,000,000", "lstm", "476", "1"]
    assert lines[6] == "... 29 more rows (--top N shows more; --save FILE.csv writes all)"


def test_a_failure_half_way_leaves_no_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import searches

    def broken(*args: Any, **kwargs: Any) -> None:
        raise explorer.ExplorerError("drawing failed")

    monkeypatch.setattr(searches, "draw_sweep", broken)
    argv = [*SWEEP, "--save", str(tmp_path / "rows.csv"), "--plot", str(tmp_path / "p.png")]
    status, _, err = _run(capsys, argv)
    assert status == 2
    assert err == "error: drawing failed\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["--budget", "1M..2M"], "a budget range needs a step: 1M..2M/STEP", id="range"
        ),
        pytest.param(["--budget", "lots"], "budget 'lots' is not a number", id="budget"),
        pytest.param(
            ["--budget", "1M", "--save", "rows.txt"], "use a file ending in .csv", id="save"
        ),
        pytest.param(
            ["--budget", "1M", "--plot", "p.svg"], "give a file ending in .png", id="plot"
        ),
        pytest.param(
            ["--budget", "1M", "--save", "no/such/rows.csv"],
            "folder no/such does not exist",
            id="folder",
        ),
        pytest.param(["--budget", "1M", "--arch", "gur"], "did you mean 'gru'?", id="family"),
        pytest.param(["--budget", "1M", "--bidirectional", "maybe"], "no, yes, both", id="toggle"),
        pytest.param(
            ["--budget", "1M", "--layers", "0..3"], "choices must be positive", id="layers"
        ),
        pytest.param([], "sweep needs budgets", id="no-budget"),
    ],
)
def test_bad_sweeps_give_one_line_errors(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = _run(capsys, ["sweep", *argv])
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
    assert list(tmp_path.iterdir()) == [], "nothing written"


def test_large_grids_stream_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    module = sys.modules["searches.design_sweep"]  # the package's name `sweep` is the function
    monkeypatch.setattr(module, "CHUNK", 7)  # many chunks: same rows, bounded memory
    space = make_space(families=("gru",), layers=(1, 2, 3))
    budgets = tuple(range(100_000, 160_000, 5_000))
    small = [r.to_json() for r in sweep(space, budgets=budgets)]
    monkeypatch.setattr(module, "CHUNK", 65_536)
    assert small == [r.to_json() for r in sweep(space, budgets=budgets)]
    assert len(small) == 3 * len(budgets)


# -- the sweep as an Optuna grid study: resumable, shareable ---------------------------------
def test_grid_study_rows_equal_the_streamed_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = [*SWEEP, "--bidirectional", "both", "--budget", "300,1M,6.5M", "--layers", "1,3,9"]
    streamed = _json(capsys, argv)
    shared = _json(capsys, [*argv, "--storage", str(tmp_path / "grid.log"), "--workers", "2"])
    assert shared["engine"] == "optuna grid study"
    assert shared["rows"] == streamed["rows"]
    assert shared["skipped"] == streamed["skipped"] > 0
    assert shared["solved"] + shared["skipped"] == shared["grid_points"]


def _complete_in_sqlite(path: Path) -> list[tuple[int, str]]:
    if not path.exists():
        return []
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        try:
            rows = db.execute(
                "SELECT t.number, a.value_json FROM trials t JOIN trial_user_attributes a "
                "ON a.trial_id = t.trial_id WHERE t.state = 'COMPLETE' AND a.key = 'design'"
            ).fetchall()
        except sqlite3.OperationalError:  # no tables yet
            return []
    return [(int(n), str(v)) for n, v in rows]


def test_a_killed_grid_study_resumes_without_repeating_points(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "sweep.db"
    argv = [
        "sweep",
        "--budget",
        "1M..1.6M/10k",
        "--layers",
        "1,2",
        "--storage",
        f"sqlite:///{path}",
        "--grace-period",
        "2",
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer", *argv, "--no-progress"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
            if len(_complete_in_sqlite(path)) >= 10:
                break
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
    finally:
        process.kill()  # SIGKILL: a RUNNING trial is left behind, as when a machine dies
        process.wait()
        if process.stderr:
            process.stderr.close()
    before = _complete_in_sqlite(path)
    time.sleep(7)  # past the grace period (three, for a trial killed before its first heartbeat)
    resumed = _json(capsys, argv)
    after = _complete_in_sqlite(path)
    assert set(before) <= set(after), "finished points are kept"
    assert len(after) == resumed["grid_points"] == 61 * 2, "each point once"
    streamed = _json(capsys, argv[:5])
    assert resumed["rows"] == streamed["rows"]


# -- a derived family in a sweep -----------------------------------------------------------
#: An encoder as ``explorer derive`` saves it: d_model solved, num_layers its depth.
ENCODER = {
    "format": 1,
    "target": "demo.Encoder",
    "formula": "num_layers*(12*d_model**2 + 13*d_model)",
    "variables": ["d_model", "num_layers"],
    "domain": {
        "d_model": {"lo": 8, "hi": 4096, "step": 8},
        "num_layers": {"lo": 1, "hi": 24, "step": 1},
    },
    "builds": 20,
    "verified": {"points": 12, "exact": True},
}


@pytest.fixture
def encoder_file(tmp_path: Path) -> Any:
    from explorer.derivation import Derived

    path = tmp_path / "enc.toml"
    Derived.from_data(ENCODER, "test").save(path)
    yield path
    explorer.FAMILIES.pop("derived:enc", None)


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["sweep", "--layers", "5,9"], id="sweep-beside-lstm"),
        pytest.param(["sweep", "--engine", "solve", "--layers", "5,9"], id="sweep-solve"),
        pytest.param(["sweep", "--storage", "grid.log"], id="grid-study"),
        pytest.param(["search", "--trials", "3"], id="search"),
    ],
)
def test_a_derived_familys_fixed_variable_is_required(
    capsys: pytest.CaptureFixture[str],
    encoder_file: Path,
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It took 1 silently in a sweep (shown as '-'), lstm got a layers=1 row nobody asked
    for, and '3 grid points, 6 solved'; a search pruned every trial."""
    monkeypatch.chdir(tmp_path)
    arch = f"{encoder_file},lstm"
    status, out, err = _run(capsys, [*argv, "--budget", "1M", "--arch", arch])
    assert (status, out) == (2, "")
    assert err == (
        "error: derived:enc has no default for num_layers (the solver sets d_model): give "
        "--num-layers N (one value, or a list or range to sweep, e.g. --num-layers 2,4,8)\n"
    )
    assert not (tmp_path / "grid.log").exists()


@pytest.mark.parametrize("engine", ["vectorised", "solve"])
def test_each_family_keeps_its_own_depths(
    capsys: pytest.CaptureFixture[str], encoder_file: Path, engine: str
) -> None:
    argv = ["sweep", "--budget", "1M,2M", "--arch", f"{encoder_file},lstm", "--layers", "5,9"]
    data = _json(capsys, [*argv, "--num-layers", "2,3", "--engine", engine])
    assert data["grid_points"] == data["solved"] == len(data["rows"]) == 8
    got = {
        (r["family"], r["budget"], r["sizes"].get("num_layers"), r["sizes"].get("layers"))
        for r in data["rows"]
    }
    assert got == {
        *(("derived:enc", b, n, None) for b in (1_000_000, 2_000_000) for n in (2, 3)),
        *(("lstm", b, None, n) for b in (1_000_000, 2_000_000) for n in (5, 9)),
    }
    for row in data["rows"]:
        assert explorer.count(row["family"], **row["sizes"]).total == row["total"]
    status, out, err = _run(capsys, [*argv, "--num-layers", "2,3", "--engine", engine])
    assert status == 0, err
    table = [line.split() for line in out.splitlines() if line.startswith("1,000,000  derived")]
    assert [line[3] for line in table] == ["2", "3"], "num_layers is shown"


def test_a_grid_study_takes_one_list_of_depths(
    capsys: pytest.CaptureFixture[str], encoder_file: Path, tmp_path: Path
) -> None:
    argv = ["sweep", "--budget", "1M", "--arch", f"{encoder_file},lstm", "--num-layers", "2,3"]
    store = str(tmp_path / "grid.log")
    status, out, err = _run(capsys, [*argv, "--layers", "5,9", "--storage", store])
    assert (status, out) == (2, "")
    assert err.startswith(
        "error: a grid study takes one list of depths for every family, and these differ "
        "(derived:enc: num_layers 2,3; lstm: layers 5,9)"
    )
    streamed = _json(capsys, [*argv, "--layers", "2,3"])
    shared = _json(capsys, [*argv, "--layers", "2,3", "--storage", store])
    assert shared["rows"] == streamed["rows"]
    assert shared["grid_points"] == streamed["grid_points"] == 4


# -- what a sweep assumed --------------------------------------------------------------------
def test_a_sweep_says_which_defaults_it_took_and_where_they_come_from(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["sweep", "--budget", "1M", "--arch", "lstm", "--layers", "1,2"]
    forum = "the forum question this project started from: 39 inputs, 34 outputs"
    status, out, err = _run(capsys, argv)
    assert status == 0, err
    assumed = [line for line in out.splitlines() if line.startswith("assumed: ")]
    assert assumed[1].startswith(f"assumed: input 39 (default from {forum}")
    assert assumed[2] == (
        "assumed: output 34 (default from the same forum question; change with --output, "
        "0 for none)"
    )
    data = _json(capsys, argv)
    assert data["assumptions"] == [line.removeprefix("assumed: ") for line in assumed]
    given = _json(capsys, [*argv, "--input", "39", "--output", "34", "--convention", "pytorch"])
    assert given["assumptions"] == []
    from explorer.cli import main

    with pytest.raises(SystemExit, match="0"):
        main(["sweep", "--help"])
    out = capsys.readouterr().out
    assert "--output 34 come from the forum question this project started" in " ".join(out.split())
