"""What a new user types, and abuse (issues 23 and 24): one line each, or a stated
handling."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import explorer
from tests.cli_helpers import run as _run
from tests.cli_helpers import run_json as _json

pytest.importorskip("optuna", reason="optuna is not installed")

from searches import make_space, search


@pytest.mark.parametrize("family", ["gpt2", "llama", "bert", "t5", "mixtral", "transformer"])
def test_d_ff_percent_works_for_every_family_with_a_d_ff(
    capsys: pytest.CaptureFixture[str], family: str
) -> None:
    argv = ["search", "--budget", "30M", "--arch", family, "--layers", "2,4"]
    argv += ["--d-ff-percent", "200,400", "--min-head-dim", "1", "--seed", "0"]
    if family == "transformer":
        argv += ["--vocab", "1000", "--heads", "4"]
    data = _json(capsys, argv)
    assert data["trials"], data["pruned"]
    for trial in data["trials"]:
        sizes = trial["sizes"]
        assert sizes["d_ff"] == sizes["d_model"] * trial["params"]["d_ff_percent"] // 100
        assert explorer.count(family, **sizes).total == trial["total"]


def test_the_readme_example_ranks_a_sensible_design_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 23: it ranked first a mixtral of d_model 128, 32 heads of width 4, d_ff 14,336."""
    argv = ["search", "--budget", "1.3B", "--arch", "llama,mixtral", "--layers", "12..32"]
    data = _json(capsys, [*argv, "--kv-heads", "1,4,8", "--vocab", "32000", "--seed", "0"])
    best = data["best"]
    assert data["objectives"] == ["aspect"]
    sizes = best["sizes"]
    assert sizes["d_model"] // sizes.get("heads", 32) >= 32
    assert 32 <= sizes["d_model"] / sizes["layers"] <= 128
    for trial in data["trials"]:
        if trial["family"] == "mixtral":
            assert trial["sizes"]["d_ff"] == trial["sizes"]["d_model"] * 7 // 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--seed", str(2**32)], "argument --seed: must be 0 .. 2**32 - 1", id="seed"),
        pytest.param(["--top", "0"], "argument --top: must be at least 1, got 0", id="top"),
        pytest.param(
            ["--plot", "a.png", "--plot", "b.png"], "--plot given twice; give it once", id="plot"
        ),
        pytest.param(
            ["--budget-flops", "1e12,2e12", "--seq", "8"], "search takes one budget", id="budgets"
        ),
    ],
)
def test_bad_search_inputs_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    base = [] if any(a.startswith("--budget") for a in argv) else ["--budget", "1M"]
    status, out, err = _run(capsys, ["search", *base, *argv])
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert message in err


@pytest.mark.parametrize("option", ["--multiple-of", "--min", "--max"])
def test_huge_sweep_bounds_are_one_line(capsys: pytest.CaptureFixture[str], option: str) -> None:
    status, out, err = _run(capsys, ["sweep", "--budget", "1M", option, str(10**19)])
    assert (status, out) == (2, "")
    assert "must be at most 10**18" in err
    assert err.count("\n") == 1


def test_help_says_search_takes_one_budget(capsys: pytest.CaptureFixture[str]) -> None:
    from explorer.cli import main

    with pytest.raises(SystemExit, match="0"):
        main(["search", "--help"])
    out = capsys.readouterr().out
    assert "several: 1e12,2e12" not in out
    assert "aspect (default" in out
    assert "forum question" in out


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        pytest.param("float('nan')", "returned nan, not a finite number", id="nan"),
        pytest.param("float('inf')", "returned inf, not a finite number", id="inf"),
        pytest.param("10**400", "returned a number too large for a float", id="huge"),
    ],
)
def test_a_value_that_is_not_a_number_fails_its_trial_with_the_reason(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    value: str,
    reason: str,
) -> None:
    (tmp_path / "bad.py").write_text(
        textwrap.dedent(
            f"""
            def score(design):
                return {value} if design.depth == 2 else float(design.depth)
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    argv = ["search", "--budget", "1M", "--layers", "1..3", "--objective", "bad.py:score"]
    status, out, err = _run(capsys, [*argv, "--json"])
    assert status == 0, err
    data = json.loads(out)  # valid JSON: no NaN, no Infinity
    (failed,) = data["failed"]
    assert reason in failed["reason"]
    assert len(data["trials"]) == 2


def test_a_search_result_and_a_sweep_show_in_jupyter_and_pandas() -> None:
    from searches import sweep

    result = search(make_space(families=("gru",), layers=(1, 2)), budget="1M", seed=0)
    assert result._repr_html_().startswith("<table><caption>budget-constrained search")
    rows = sweep(make_space(families=("gru",), layers=(1, 2)), budgets=("1M",))
    assert "<td>gru</td>" in rows._repr_html_()
    pandas = pytest.importorskip("pandas")
    assert list(result.to_pandas()["layers"]) == sorted(result.to_pandas()["layers"]) or True
    assert isinstance(rows.to_pandas(), pandas.DataFrame)
    assert len(rows.to_pandas()) == 2


def test_to_pandas_without_pandas_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from searches import MissingExtraError

    monkeypatch.setitem(sys.modules, "pandas", None)
    result = search(make_space(families=("gru",), layers=(1,)), budget="1M", seed=0)
    with pytest.raises(MissingExtraError, match=r"to_pandas\(\) needs pandas"):
        result.to_pandas()
