"""The command line, in-process (main([...])), plus a few smoke tests of the scripts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import run as _run

COUNT = ["count", "lstm", "--input", "39", "--cells", "1024", "--layers", "3", "--output", "34"]


@pytest.mark.parametrize(
    ("argv", "total"),
    [
        pytest.param([*COUNT, "--convention", "weights"], 21_166_080, id="weights"),
        pytest.param(
            [
                "count",
                "lstm",
                "--input",
                "205",
                "--cells",
                "700",
                "--layers",
                "5",
                "--output",
                "205",
                "--convention",
                "graves2013",
            ],
            21_252_205,
            id="graves",
        ),
        pytest.param(
            [
                *COUNT,
                "--convention",
                "graves2013",
                "--no-skip",
                "--no-peepholes",
                "--bias",
                "none",
                "--no-output-bias",
            ],
            21_166_080,
            id="overrides-undo-graves",
        ),
        pytest.param(
            [
                "count",
                "lstm",
                "--input",
                "10",
                "--cells",
                "20",
                "--layers",
                "2",
                "--proj",
                "5",
                "--bidirectional",
            ],
            5840,
            id="pytorch-proj-bidirectional",
        ),
        pytest.param(
            ["count", "gru", "--input", "10", "--cells", "20,30"], 1920 + 4680, id="per-layer-list"
        ),
        pytest.param(
            [
                "count",
                "lstm",
                "--input",
                "1500",
                "--cells",
                "1500",
                "--layers",
                "2",
                "--vocab",
                "10000",
                "--tied",
                "--convention",
                "keras",
            ],
            51_022_000,
            id="tied",
        ),
    ],
)
def test_count_json(capsys: pytest.CaptureFixture[str], argv: list[str], total: int) -> None:
    status, out, err = _run(capsys, [*argv, "--json"])
    assert status == 0, err
    data = json.loads(out)
    assert data["total"] == total
    assert data["weights"] + data["biases"] == total
    assert sum(t["count"] for t in data["terms"]) == total
    assert {"name", "shape", "count"} <= set(data["terms"][0])
    assert isinstance(data["formula"], str)


def test_count_table_has_terms_subtotals_and_total(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, [*COUNT, "--convention", "weights"])
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "lstm (convention weights): 21,166,080 parameters (21.2M)"
    assert any(
        "weight_hh_l2" in line and "4,194,304" in line and "4096 x 1024" in line for line in lines
    )
    assert any("8,388,608" in line and "subtotal layer 1" in line for line in lines)
    assert "total 21,166,080 = weights 21,166,080 + biases 0" in lines


def test_formula_keeps_unspecified_sizes_and_depth_symbolic(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run(
        capsys, ["formula", "lstm", "--convention", "weights", "--output", "--json"]
    )
    assert status == 0
    data = json.loads(out)
    assert data["free"] == ["n_i", "n_c", "n_o", "L"]
    assert data["expanded"] == "8*L*n_c**2 - 4*n_c**2 + 4*n_c*n_i + n_c*n_o"
    assert data["value"] is None


def test_formula_substitutes_given_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys,
        [
            "formula",
            "lstm",
            "--convention",
            "weights",
            "--input",
            "39",
            "--output",
            "34",
            "--expand",
        ],
    )
    assert status == 0
    assert "8*L*n_c**2 + 190*n_c - 4*n_c**2" in out or "190*n_c" in out
    assert "n_i" in out
    assert "= 39" in out


def test_formula_latex(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys, ["formula", "rnn", "--convention", "weights", "--layers", "1", "--latex"]
    )
    assert status == 0
    assert out.strip() == "n_{c}^{2} + n_{c} n_{i}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["count", "lstpm", "--input", "3", "--cells", "4"], "did you mean 'lstmp'", id="family"
        ),
        pytest.param(
            ["count", "lstm", "--input", "-3", "--cells", "4"],
            "input must be a positive integer, got -3",
            id="negative",
        ),
        pytest.param(
            ["count", "lstm", "--input", "abc", "--cells", "4"],
            "argument --input: must be an integer, got 'abc'",
            id="non-numeric",
        ),
        pytest.param(
            ["count", "lstm", "--input", "3", "--cells", "4,x"],
            "comma-separated list of integers",
            id="bad-list",
        ),
        pytest.param(
            ["count", "lstm", "--input", "3", "--cells", "4", "--proj", "4"],
            "must be smaller than cells",
            id="proj",
        ),
        pytest.param(["count", "lstm", "--inptu", "3"], "did you mean --input", id="option"),
        pytest.param(
            ["count", "lstm", "--input", "3", "--cells", "4", "--convention", "kears"],
            "did you mean 'keras'",
            id="convention",
        ),
        pytest.param(
            ["count", "gru", "--input", "3", "--cells", "4", "--peepholes"],
            "peepholes apply to LSTM",
            id="contradictory",
        ),
        pytest.param(["count", "lstm", "--cells", "4"], "input is required", id="missing"),
        pytest.param(["frobnicate"], "invalid choice", id="command"),
        pytest.param([], "required", id="nothing"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = _run(capsys, argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert message in err
    assert "Traceback" not in err


def _script(name: str) -> list[str]:
    found = Path(sys.executable).parent / name
    if found.exists():
        return [str(found)]
    which = shutil.which(name)
    if which is None:
        pytest.skip(f"the {name} script is not installed")
    return [which]


def test_installed_explorer_script() -> None:
    result = subprocess.run(
        [*_script("explorer"), *COUNT, "--json"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] == 21_155_840 + 34 * 1024 + 34


def test_installed_script_bad_input_exit_2() -> None:
    result = subprocess.run(
        [*_script("explorer"), "count", "lstm", "--input", "x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(
            ["solve", "--budget", "6.5e6", "--layers", "3"],
            {"cells": 565, "total": 6_505_444},
            id="as-typed",
        ),
        pytest.param(
            [
                "solve",
                "--budget",
                "21M",
                "--layers",
                "3",
                "--input",
                "39",
                "--output",
                "34",
                "--convention",
                "weights",
            ],
            {"cells": 1020, "total": 21_001_800},
            id="forum-21M",
        ),
        pytest.param(
            [
                "solve",
                "--budget",
                "6.5M",
                "--arch",
                "lstmp",
                "--cells",
                "1024",
                "--layers",
                "3",
                "--convention",
                "sak2014",
            ],
            {"proj": 268, "total": 6_490_008},
            id="lstmp-projection",
        ),
        pytest.param(
            ["solve", "--budget", "6.5M", "--layers", "3", "--multiple-of", "8", "--mode", "under"],
            {"cells": 560},
            id="multiple-under",
        ),
        pytest.param(
            ["solve", "--budget", "6.5M", "--layers", "3", "--tie", "proj=cells/4"],
            {"cells": 1048, "proj": 262},
            id="tie",
        ),
        pytest.param(
            ["solve", "--budget", "6.5M", "--free", "layers", "--cells", "512"],
            {"layers": 4},
            id="free-layers",
        ),
    ],
)
def test_solve_json(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: dict[str, int]
) -> None:
    status, out, err = _run(capsys, [*argv, "--json"])
    assert status == 0, err
    data = json.loads(out)
    assert {"sizes", "total", "budget", "relative_error"} <= set(data)
    for key, value in expected.items():
        assert (data["total"] if key == "total" else data["sizes"][key]) == value
    assert data["relative_error"] == (data["total"] - data["budget"]) / data["budget"]


def test_solve_prints_the_answer_first_and_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, ["solve", "--budget", "6.5e6", "--layers", "3"])
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("cells = 565 -> 6,505,444 parameters for a budget of 6,500,000")
    for default in ("family lstm", "convention pytorch", "input 39", "output 34"):
        assert any(line.startswith("assumed: " + default) for line in lines), default


def test_solve_enumerates_ranges_and_families(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys, ["solve", "--budget", "6.5M", "--arch", "lstm,gru", "--layers", "1..4", "--json"]
    )
    assert status == 0
    data = json.loads(out)
    assert len(data["designs"]) == 8
    assert {d["family"] for d in data["designs"]} == {"lstm", "gru"}
    assert sorted(d["sizes"]["layers"] for d in data["designs"]) == [1, 1, 2, 2, 3, 3, 4, 4]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["solve", "--budget", "100", "--layers", "3"],
            "budget 100 is below the smallest 3-layer LSTM with input 39 and output 34: "
            "268 parameters under the pytorch convention",
            id="below",
        ),
        pytest.param(["solve", "--budget", "lots"], "is not a number", id="budget-text"),
        pytest.param(["solve", "--layers", "3"], "solve needs a budget", id="no-budget"),
        pytest.param(["solve", "--budget", "6.5M", "--layers", "5..2"], "is empty", id="range"),
        pytest.param(
            ["solve", "--budget", "6.5M", "--tie", "proj"], "--tie must look like", id="tie-syntax"
        ),
        pytest.param(
            ["solve", "--budget", "6.5M", "--tie", "proj=lambda: 1"],
            "found a lambda",
            id="tie-lambda",
        ),
        pytest.param(
            ["solve", "--budget", "6.5M", "--cells", "3", "--free", "cells"],
            "both given",
            id="free-given",
        ),
        pytest.param(["solve", "--budget", "6.5M", "--mode", "best"], "invalid choice", id="mode"),
    ],
)
def test_solve_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    status, out, err = _run(capsys, argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_installed_solve_script_is_explorer_solve() -> None:
    argv = ["--budget", "6.5e6", "--layers", "3", "--json"]
    direct = subprocess.run([*_script("solve"), *argv], capture_output=True, text=True, check=False)
    routed = subprocess.run(
        [*_script("explorer"), "solve", *argv], capture_output=True, text=True, check=False
    )
    assert direct.returncode == routed.returncode == 0, direct.stderr + routed.stderr
    assert json.loads(direct.stdout) == json.loads(routed.stdout)
    assert json.loads(direct.stdout)["sizes"]["cells"] == 565
