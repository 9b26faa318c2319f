"""Budgets of every measure past any machine, numbers past Python's int-from-text limit,
bits for bytes, plan's ranking options, repeated and contradicting options, ties of a size
that otherwise follows a rule: one line each, saying what to give."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import explorer
from explorer.errors import BudgetError, ConflictError, InvalidSizeError
from explorer.measures import parse_bytes, parse_flops
from tests.cli_helpers import run, run_json

HUGE = "9" * 5000
LLAMA = {
    "model_type": "llama",
    "hidden_size": 256,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 688,
    "vocab_size": 1000,
}


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    status, out, err = run(capsys, argv)
    assert (status, out) == (2, ""), err
    assert err.startswith("error: ")
    assert err.count("\n") == 1, err
    return err


LSTM = ["--arch", "lstm", "--input", "3", "--layers", "1"]


@pytest.mark.parametrize("value", ["1e1000000", "1e400", "1e100000GB", "1e31", "9" * 200])
@pytest.mark.parametrize(
    ("command", "option", "unit"),
    [
        pytest.param(["solve", *LSTM], "--budget-bytes", "bytes", id="solve-bytes"),
        pytest.param(["solve", *LSTM, "--seq", "8"], "--budget-flops", "FLOPs", id="solve-flops"),
        pytest.param(
            ["search", *LSTM[:-1], "1..2", "--trials", "1"], "--budget-bytes", "bytes", id="search"
        ),
        pytest.param(
            ["sweep", *LSTM[:-1], "1..2", "--seq", "8"], "--budget-flops", "FLOPs", id="sweep"
        ),
        pytest.param(["plan"], "--compute", "FLOPs", id="plan"),
    ],
)
def test_huge_budgets_are_refused_at_the_cap(
    capsys: pytest.CaptureFixture[str], command: list[str], option: str, unit: str, value: str
) -> None:
    if unit == "FLOPs" and value.endswith("GB"):
        value = value.removesuffix("GB") + "T"
    err = _refused(capsys, [*command, option, value])
    assert f"must be at most 10**30 {unit}" in err
    assert len(err) < 300


@pytest.mark.parametrize("parse", [parse_bytes, parse_flops])
def test_numpy_numbers_and_huge_integers_as_budgets(parse: object) -> None:
    assert callable(parse)
    assert parse(np.float64(2e12)) == parse(np.int64(2 * 10**12)) == 2 * 10**12
    with pytest.raises(BudgetError, match="at most 10"):
        parse(10**5000)


def test_solve_takes_a_numpy_budget() -> None:
    exact = explorer.solve("lstm", budget=6_500_000, input=39)
    for budget in (np.float64(6.5e6), np.int64(6_500_000), np.float32(6.5e6)):
        assert explorer.solve("lstm", budget=budget, input=39).sizes == exact.sizes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("80Gb", "write 80GB for 80 GB of memory, or 10GB for the bytes", id="Gb"),
        pytest.param("1.5Mb", "or 0.1875MB for the bytes of 1.5 Mb", id="Mb"),
        pytest.param("4Gib", "write 4GiB", id="Gib"),
    ],
)
def test_bits_are_not_read_as_bytes(
    capsys: pytest.CaptureFixture[str], value: str, expected: str
) -> None:
    err = _refused(capsys, ["solve", *LSTM, "--budget-bytes", value])
    assert "is in bits" in err
    assert expected in err


def test_bytes_spelled_any_case_are_still_bytes() -> None:
    assert parse_bytes("80GB") == parse_bytes("80gb") == 80 * 10**9


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param(["--aspect", "nan"], "--aspect is the width / depth", id="aspect-nan"),
        pytest.param(["--aspect", "-1"], "give a positive number such as 128", id="aspect-neg"),
        pytest.param(["--seq", "0"], "--seq is the tokens of one training sequence", id="seq-0"),
    ],
)
def test_plan_ranking_options_are_checked(
    capsys: pytest.CaptureFixture[str], extra: list[str], expected: str
) -> None:
    err = _refused(capsys, ["plan", "--compute", "1e21", "--arch", "llama", *extra])
    assert expected in err


def test_plan_refuses_a_compute_that_trains_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(capsys, ["plan", "--compute", "1"])
    assert "train nothing" in err
    assert "give --compute C of at least" in err


def test_a_size_tied_twice_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["solve", "--budget", "1M", "--arch", "lstmp", "--input", "3"]
    err = _refused(capsys, [*argv, "--tie", "proj=cells/4", "--tie", "proj=cells/2"])
    assert "--tie proj is given twice" in err
    with pytest.raises(ConflictError, match="proj is tied twice"):
        explorer.solve(
            "lstmp", budget=10**6, input=3, ties={"proj": "cells/4", "proj_size": "cells/2"}
        )


@pytest.mark.parametrize("free", ["hidden_size", "d_model"])
def test_set_and_free_on_one_field_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, free: str
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps(LLAMA))
    argv = ["solve", "--budget", "10M", "--hf-config", str(config), "--free", free]
    err = _refused(capsys, [*argv, "--set", "hidden_size=512"])
    assert f"--set hidden_size=512 fixes what --free {free} solves for" in err


def test_set_and_free_on_one_spec_symbol_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(Path(__file__).parents[1] / "specs" / "seq2seq.toml")
    err = _refused(
        capsys, ["solve", "--budget", "10M", "--spec", spec, "--set", "d=5", "--free", "d"]
    )
    assert "--set d=5 fixes what --free d solves for" in err


def test_thousands_of_digits_in_a_config_or_spec(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps(LLAMA).replace("256", HUGE))
    assert "thousands of digits" in _refused(capsys, ["count", "--hf-config", str(config)])
    spec = tmp_path / "big.toml"
    spec.write_text(
        f"name = 'x'\n[[parts]]\nname = 'a'\nfamily = 'lstm'\ninput = {HUGE}\ncells = 4\n"
    )
    assert "thousands of digits" in _refused(capsys, ["count", "--spec", str(spec)])


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (HUGE, "--set value of 5,000 digits is too large to be a size"),
        ("1e999", "--set value '1e999' is not a finite number"),
        ("nan", "--set value 'nan' is not a finite number"),
    ],
)
def test_a_set_value_never_reads_as_infinity(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, value: str, said: str
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps(LLAMA))
    argv = ["count", "--hf-config", str(config), "--set", f"num_hidden_layers={value}"]
    assert said in _refused(capsys, argv)


def test_mismatched_arrays_are_the_packages_errors() -> None:
    count = explorer.count("lstm", input=3, cells=4)
    with pytest.raises(
        ConflictError, match=r"cannot be broadcast together \(input \(2,\), cells \(3,\)\)"
    ):
        count.evaluate_many(input=np.array([1, 2]), cells=np.array([2, 4, 5]))
    with pytest.raises(InvalidSizeError, match="ragged lists"):
        count.evaluate_many(cells=[[1, 2], [3]])


@pytest.mark.parametrize("family", ["llama", "gpt2", "bert"])
def test_d_ff_tied_to_d_model_is_solved_exactly(
    capsys: pytest.CaptureFixture[str], family: str
) -> None:
    data = run_json(
        capsys, ["solve", "--budget", "100M", "--arch", family, "--tie", "d_ff=8*d_model/3"]
    )
    sizes = data["sizes"]
    assert sizes["d_ff"] == 8 * sizes["d_model"] // 3
    again = explorer.count(family, **{k: v for k, v in sizes.items() if v is not None})
    assert again.total == data["total"]


def test_d_ff_can_be_the_free_size() -> None:
    solution = explorer.solve("llama", budget=10**8, free="d_ff", d_model=512)
    assert explorer.count("llama", d_model=512, d_ff=solution.sizes["d_ff"]).total == solution.total
    assert abs(solution.relative_error) < 0.001
