"""A recurrent family with a block of its own is one family module, one block module and
one registry line: IndRNN (a recurrent weight per cell, not a matrix) works everywhere a
built-in family does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import explorer
from tests.cli_helpers import run as run_cli
from tests.families.indrnn import INDRNN


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(explorer.FAMILIES, "indrnn", INDRNN)  # the one registry line


def _by_hand(m: int, n: int, layers: int, output: int, biases: int) -> int:
    """n(m + 1) for the first layer, n(n + 1) above it, ``biases`` vectors of n per layer,
    then the output layer's weights and biases."""
    weights = n * (m + 1) + (layers - 1) * n * (n + 1)
    return weights + layers * biases * n + (n * output + output if output else 0)


@pytest.mark.parametrize(
    ("convention", "biases", "output_bias"),
    [
        pytest.param("weights", 0, False, id="weights"),
        pytest.param("keras", 1, True, id="keras"),
        pytest.param("pytorch", 2, True, id="pytorch"),
    ],
)
def test_count_under_each_convention(convention: str, biases: int, output_bias: bool) -> None:
    c = explorer.count("indrnn", convention=convention, input=39, cells=64, layers=3, output=10)
    expected = _by_hand(39, 64, 3, 10, biases) - (0 if output_bias else 10)
    assert c.total == expected
    assert c.breakdown["weight_hh_l1"] == 64  # a vector, not 64 x 64
    assert c.weights + c.biases == c.total


def test_formula_and_flops() -> None:
    f = explorer.formula("indrnn", convention="weights")
    assert str(f.formula) == "n_c**2*(L - 1) + n_c*n_i + n_c*(L - 1) + n_c"
    c = explorer.count("indrnn", input=39, cells=64, layers=2, seq=10, batch=2)
    # the input products only: 2 x B x T x (64 x 39 + 64 x 64); the recurrence is elementwise
    assert c.flops == 2 * 2 * 10 * (64 * 39 + 64 * 64)


def test_solve_search_and_sweep(capsys: pytest.CaptureFixture[str]) -> None:
    s = explorer.solve("indrnn", budget="1M", convention="weights", input=39, layers=2)
    assert explorer.count("indrnn", convention="weights", **s.sizes).total == s.total
    assert s.below is not None
    assert s.above is not None
    assert s.below.total <= 1_000_000 <= s.above.total
    status, out, err = run_cli(capsys, ["solve", "--budget", "1M", "--arch", "indrnn", "--json"])
    assert status == 0, err
    assert json.loads(out)["family"] == "indrnn"
    status, out, err = run_cli(
        capsys, ["sweep", "--budget", "1M", "--arch", "indrnn", "--layers", "1,2", "--json"]
    )
    assert status == 0, err
    rows = json.loads(out)["rows"]
    assert [r["sizes"]["layers"] for r in rows] == [1, 2]
    for row in rows:
        assert explorer.count("indrnn", **row["sizes"]).total == row["total"]
    from searches import make_space, search

    result = search(
        make_space(families=("indrnn", "gru"), layers=(1, 2)),
        budget="1M",
        objectives="depth",
        trials=6,
        seed=0,
    )
    assert result.on_budget_fraction == 1.0


def test_spec_explain_and_memory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "indrnn.toml"
    spec.write_text(
        'convention = "weights"\n[symbols]\nd = "width"\n'
        '[[parts]]\nfamily = "indrnn"\ninput = 39\ncells = "d"\nlayers = 3\n',
        encoding="utf-8",
    )
    status, out, err = run_cli(capsys, ["count", "--spec", str(spec), "--set", "d=64", "--json"])
    assert status == 0, err
    assert json.loads(out)["total"] == _by_hand(39, 64, 3, 0, 0)
    status, out, err = run_cli(
        capsys, ["explain", "indrnn", "--input", "39", "--cells", "64", "--convention", "weights"]
    )
    assert status == 0, err
    assert "each of the 64 cells has one recurrent weight, on its own previous output" in out
    status, out, err = run_cli(
        capsys,
        ["count", "indrnn", "--input", "39", "--cells", "64", "--memory", "--dtype", "bf16",
         "--json"],
    )  # fmt: skip
    assert status == 0, err
    assert json.loads(out)["memory"]["total"] == 2 * (64 * 40 + 2 * 64)  # bf16: 2 bytes each


def test_no_torch_code_for_it(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(
        capsys, ["count", "indrnn", "--input", "39", "--cells", "64", "--emit", "torch"]
    )
    assert status == 2
    assert "torch.nn has no indrnn layer" in err
