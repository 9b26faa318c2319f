"""A saved derived formula is a family: count, formula and solve take it as a spec file,
search and sweep as an architecture, without torch (the file is written from data here;
``explorer derive`` writes the same format)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import explorer
from explorer.derivation import Derived
from tests.cli_helpers import run

#: An LSTM as ``explorer derive torch.nn.LSTM`` saves it (PyTorch's two bias vectors).
LSTM = {
    "format": 1,
    "target": "torch.nn.LSTM",
    "formula": "4*hidden_size*(2*hidden_size*num_layers - hidden_size + 2*num_layers + input_size)",
    "variables": ["input_size", "hidden_size", "num_layers"],
    "domain": {
        "input_size": {"lo": 1, "hi": 256, "step": 1},
        "hidden_size": {"lo": 1, "hi": 4096, "step": 1},
        "num_layers": {"lo": 1, "hi": 8, "step": 1},
    },
    "builds": 55,
    "verified": {"points": 39, "exact": True},
}


@pytest.fixture
def lstm_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "lstm.toml"
    Derived.from_data(LSTM, "test").save(path)
    yield path
    explorer.FAMILIES.pop("derived:lstm", None)


def _pytorch(input_size: int, hidden_size: int, num_layers: int) -> int:
    """The hand-written family's count of the same LSTM, independent of the file."""
    return explorer.count(
        "lstm", convention="pytorch", input=input_size, cells=hidden_size, layers=num_layers
    ).total


def test_count_and_formula_take_the_file_as_a_spec(
    lstm_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "count",
        "--spec",
        str(lstm_file),
        "--set",
        "input_size=39",
        "--set",
        "hidden_size=1024",
    ]
    status, out, err = run(capsys, [*argv, "--set", "num_layers=3", "--json"])
    assert status == 0, err
    assert json.loads(out)["total"] == _pytorch(39, 1024, 3)
    status, out, err = run(capsys, ["formula", "--spec", str(lstm_file), "--set", "input_size=39"])
    assert status == 0, err
    assert "hidden_size" in out
    assert "num_layers" in out


def test_solve_takes_the_file_and_keeps_to_the_domain(
    lstm_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["solve", "--spec", str(lstm_file), "--budget", "6.5M", "--set", "input_size=39"]
    status, out, err = run(capsys, [*argv, "--set", "num_layers=3", "--json"])
    assert status == 0, err
    answer = json.loads(out)
    assert answer["free"] == "hidden_size"
    hidden = answer["sizes"]["hidden_size"]
    assert answer["total"] == _pytorch(39, hidden, 3)
    assert _pytorch(39, hidden - 1, 3) < 6_500_000 < _pytorch(39, hidden + 1, 3)
    status, _, err = run(capsys, [*argv, "--set", "num_layers=30"])
    assert status == 2
    assert "outside the domain" in err


def test_sweep_and_search_take_the_file_as_an_architecture(
    lstm_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["sweep", "--budget", "1M,6.5M", "--arch", str(lstm_file), "--num-layers", "1..3"]
    status, out, err = run(capsys, [*argv, "--input-size", "39", "--json"])
    assert status == 0, err
    rows = json.loads(out)["rows"]
    assert len(rows) == 6
    for row in rows:
        sizes = row["sizes"]
        assert row["total"] == _pytorch(39, sizes["hidden_size"], sizes["num_layers"])
    argv = ["search", "--budget", "6.5M", "--arch", str(lstm_file), "--num-layers", "1..3"]
    status, out, err = run(
        capsys, [*argv, "--input-size", "39", "--trials", "6", "--objective", "depth", "--json"]
    )
    assert status == 0, err
    assert json.loads(out)["on_budget_fraction"] == 1.0


def test_workers_load_the_file_themselves(lstm_file: Path, tmp_path: Path) -> None:
    journal = tmp_path / "study.log"
    argv = [
        *("search", "--budget", "6.5M", "--arch", str(lstm_file), "--num-layers", "1..3"),
        *("--input-size", "39", "--trials", "6", "--workers", "2", "--storage", str(journal)),
        *("--objective", "depth", "--json"),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "explorer", *argv],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["finished_trials"] == 3, "the space's 3 designs, once each"


def test_a_spec_file_is_still_a_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "model.toml"
    spec.write_text(
        '[symbols]\nd = "width"\n[[parts]]\nfamily = "lstm"\ninput = 39\ncells = "d"\n',
        encoding="utf-8",
    )
    status, out, err = run(capsys, ["count", "--spec", str(spec), "--set", "d=64", "--json"])
    assert status == 0, err
    assert json.loads(out)["total"] == _pytorch(39, 64, 1)


def test_the_file_names_a_family_wherever_a_family_is_named(
    lstm_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sizes = ["--input-size", "39", "--hidden-size", "100", "--num-layers", "2"]
    status, out, err = run(capsys, ["count", str(lstm_file), *sizes, "--json"])
    assert status == 0, err
    assert json.loads(out)["total"] == _pytorch(39, 100, 2)
    argv = ["solve", "--budget", "6.5M", "--arch", str(lstm_file), "--input-size", "39"]
    status, out, err = run(capsys, [*argv, "--num-layers", "3", "--json"])
    assert status == 0, err
    assert json.loads(out)["total"] == _pytorch(39, json.loads(out)["sizes"]["hidden_size"], 3)


@pytest.mark.parametrize("engine", ["vectorised", "solve"])
def test_a_sweep_keeps_to_the_verified_domain(
    lstm_file: Path, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    """hidden_size stops at 4096 and num_layers at 8: a budget beyond the largest design
    has no row (as solve refuses it), a depth outside the domain none either."""
    argv = ["sweep", "--budget", "1M,2B", "--arch", str(lstm_file), "--num-layers", "7..9"]
    status, out, err = run(capsys, [*argv, "--input-size", "39", "--engine", engine, "--json"])
    assert status == 0, err
    rows = json.loads(out)["rows"]
    assert {(r["budget"], r["sizes"]["num_layers"]) for r in rows} == {
        (1_000_000, 7),
        (1_000_000, 8),
    }
    for row in rows:
        assert row["sizes"]["hidden_size"] <= 4096
        assert row["total"] == _pytorch(39, row["sizes"]["hidden_size"], row["sizes"]["num_layers"])
