"""Searches and sweeps by compute: the objectives are the families' declared compute, and
FLOP and byte budgets are met by construction (each design checked against
``explorer.solve`` with the same measure, its FLOPs against ``explorer.count``, and its
integer neighbours counted independently)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer.derivation import Derived
from explorer.measures import Bytes, Flops, memory, memory_convention
from tests.cli_helpers import run as _run
from tests.cli_helpers import run_json as _json
from tests.derive.test_derived_family import LSTM as DERIVED_LSTM

optuna = pytest.importorskip("optuna", reason="the search extra is not installed")

from searches import Design, baseline, make_space, search, sweep  # noqa: E402
from searches.design_sweep import SweepRow  # noqa: E402
from searches.objectives import resolve_objectives  # noqa: E402

SEQ = 64
RECURRENT = ["--arch", "lstm,lstmp,gru", "--layers", "1..4", "--bidirectional", "both"]
FLOP_SEARCH = ["search", "--budget-flops", "4e10", "--seq", str(SEQ), *RECURRENT]
FLOP_SEARCH += ["--sampler", "tpe"]


def _recurrent_neighbours(trial: dict[str, Any], delta: int) -> dict[str, Any]:
    """The trial's sizes with ``delta`` more cells (a tied projection follows them)."""
    sizes = dict(trial["sizes"])
    sizes["cells"] += delta
    if trial["family"] == "lstmp":
        sizes["proj"] = sizes["cells"] // trial["params"]["proj_ratio"]
    return sizes


def _assert_nearest_in_flops(trial: dict[str, Any], budget: int) -> None:
    """No integer cell count next to the trial's is nearer the budget, in FLOPs: each
    neighbour counted through ``explorer.count``, not the solver."""
    gap = abs(trial["total"] - budget)
    for delta in (-1, 1):
        sizes = _recurrent_neighbours(trial, delta)
        other = explorer.count(trial["family"], seq=SEQ, **sizes).flops
        assert gap <= abs(other - budget), (trial, delta)


# -- the objectives are the declared compute ---------------------------------------------
DESIGNS = [
    pytest.param("lstm", "6.5M", {"layers": 3, "input": 39, "output": 34}, id="lstm"),
    pytest.param("gru", "1M", {"layers": 2, "input": 39, "bidirectional": True}, id="gru-bi"),
    pytest.param("rnn", "300k", {"layers": 4, "input": 13}, id="rnn"),
    pytest.param(
        "lstmp", "2M", {"layers": 2, "input": 39, "ties": {"proj": "cells/4"}}, id="lstmp"
    ),
    pytest.param("llama", "50M", {"layers": 6, "heads": 8, "vocab": 1000}, id="llama"),
    pytest.param("gpt2", "30M", {"layers": 4, "vocab": 500}, id="gpt2"),
    pytest.param("mixtral", "80M", {"layers": 2, "heads": 8, "vocab": 500}, id="mixtral"),
    pytest.param("t5", "40M", {"layers": 2, "vocab": 500}, id="t5"),
]


@pytest.mark.parametrize(("family", "budget", "sizes"), DESIGNS)
@pytest.mark.parametrize("seq", [1, 37])
def test_compute_objectives_equal_the_count(
    family: str, budget: str, sizes: dict[str, Any], seq: int
) -> None:
    design = Design.from_solution(explorer.solve(family, budget=budget, **sizes), seq=seq)
    counted = explorer.count(design.family, seq=seq, **design.sizes)
    plan = resolve_objectives("macs,flops,training_flops")
    assert plan.directions == ("minimize",) * 3
    assert plan.evaluate(design) == [counted.macs, counted.flops, counted.training_flops]
    assert (design.macs, design.flops) == (counted.macs, counted.flops)
    assert design.flops == 2 * design.macs
    assert design.training_flops == 3 * design.flops
    assert design.total == design.parameters == counted.total


def test_a_search_counts_its_objectives_at_its_sequence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["search", "--budget", "2M", *RECURRENT, "--seq", "25", "--trials", "10"]
    data = _json(capsys, [*argv, "--seed", "0", "--objective", "macs,flops,training_flops"])
    assert data["unit"] == "parameters"
    for trial in data["trials"]:
        counted = explorer.count(trial["family"], seq=25, **trial["sizes"])
        assert trial["values"] == [counted.macs, counted.flops, counted.training_flops]
        assert trial["seq"] == 25
        assert trial["total"] == trial["parameters"] == counted.total


def test_the_macs_objective_is_one_token() -> None:
    space = make_space(families=("gru",), layers=(1, 2, 3), input=39)
    result = search(space, budget="1M", objectives="macs", trials=6, seed=0)
    for trial in result.trials:
        assert trial.design is not None
        counted = explorer.count("gru", seq=1, **trial.design.sizes)
        assert trial.values == (counted.macs,)


# -- searches on FLOP and byte budgets --------------------------------------------------------
@pytest.mark.parametrize(
    ("extra", "mode"),
    [
        pytest.param([], "nearest", id="nearest"),
        pytest.param(["--mode", "under"], "under", id="under"),
        pytest.param(["--objective", "depth", "--mode", "over"], "over", id="over-depth"),
    ],
)
def test_every_trial_on_a_flop_budget_is_the_solvers_design(
    capsys: pytest.CaptureFixture[str], extra: list[str], mode: Any
) -> None:
    data = _json(capsys, [*FLOP_SEARCH, "--trials", "16", "--seed", "4", *extra])
    budget = 4 * 10**10
    assert (data["unit"], data["budget"]) == ("FLOPs", budget)
    assert data["measure"] == f"forward FLOPs of one {SEQ}-token sequence (torch)"
    assert data["on_budget_fraction"] == 1.0
    measure = Flops(seq=SEQ)
    for trial in data["trials"]:
        assert trial["budget"] == budget
        counted = explorer.count(trial["family"], seq=SEQ, **trial["sizes"])
        assert trial["total"] == counted.flops
        assert trial["parameters"] == counted.total
        assert trial["unit"] == "FLOPs"
        assert trial["on_budget"] is True
        sizes = trial["sizes"]
        bidirectional: dict[str, Any] = (
            {"bidirectional": True} if sizes.get("bidirectional") else {}
        )
        solved = explorer.solve(
            trial["family"],
            budget=budget,
            measure=measure,
            mode=mode,
            convention=sizes["convention"],
            input=39,
            output=34,
            layers=sizes["layers"],
            **bidirectional,
            ties={"proj": f"cells/{trial['params']['proj_ratio']}"}
            if trial["family"] == "lstmp"
            else None,
        )
        assert solved.count_kwargs() == sizes
        assert (solved.total, solved.parameters) == (trial["total"], trial["parameters"])
        assert trial["step"] == solved.above.total - solved.below.total  # type: ignore[union-attr]
        if mode == "nearest":
            _assert_nearest_in_flops(trial, budget)
        elif mode == "under":
            assert trial["total"] <= budget
        else:
            assert trial["total"] >= budget


@pytest.mark.parametrize(
    ("argv", "measure"),
    [
        pytest.param(
            ["--budget-flops", "3e6", "--per", "token", "--seq", "128"],
            Flops(seq=128, per="token"),
            id="per-token",
        ),
        pytest.param(
            ["--budget-flops", "1.2e12", "--pass", "training", "--seq", "128"],
            Flops(seq=128, training=True),
            id="training",
        ),
        pytest.param(
            ["--budget-flops", "4e11", "--seq", "128", "--attention", "causal"],
            Flops(seq=128, compute="causal"),
            id="causal",
        ),
        pytest.param(
            ["--budget-bytes", "1GB", "--training", "adam", "--dtype", "bf16"],
            Bytes(memory=memory_convention(dtype="bf16", training="adam")),
            id="bytes-adam",
        ),
        pytest.param(
            ["--budget-bytes", "256MiB", "--kv-cache", "--seq", "512", "--batch", "4"],
            Bytes(memory=memory_convention(kv_cache=True), seq=512, batch=4),
            id="bytes-kv-cache",
        ),
    ],
)
def test_transformer_searches_meet_flop_and_byte_budgets(
    capsys: pytest.CaptureFixture[str], argv: list[str], measure: Any
) -> None:
    space = ["--arch", "llama", "--layers", "2..8", "--heads", "4,8", "--vocab", "1000"]
    space += ["--min-head-dim", "1"]
    data = _json(capsys, ["search", *argv, *space, "--trials", "10", "--seed", "1"])
    budget = measure.parse_budget(argv[1])
    assert data["budget"] == budget
    assert data["unit"] == measure.unit
    assert data["measure"] == measure.describe()
    assert data["on_budget_fraction"] == 1.0
    for trial in data["trials"]:
        assert trial["budget"] == budget
        solved = explorer.solve(
            "llama",
            budget=argv[1],
            measure=measure,
            layers=trial["params"]["layers"],
            heads=trial["params"]["heads"],
            vocab=1000,
        )
        assert solved.sizes["d_model"] == trial["sizes"]["d_model"]
        assert (solved.total, solved.parameters) == (trial["total"], trial["parameters"])
        counted = explorer.count("llama", seq=measure.seq or 1, **trial["sizes"])
        assert counted.total == trial["parameters"]
        if measure.unit == "FLOPs":
            factor = 3 if measure.training else 1
            compute = explorer.count(
                "llama", seq=measure.seq, compute=measure.compute, **trial["sizes"]
            )
            assert trial["total"] == factor * compute.flops
        else:
            extents = {} if measure.seq is None else {"seq": measure.seq, "batch": measure.batch}
            counted = explorer.count("llama", **extents, **trial["sizes"])
            assert trial["total"] == memory(counted, measure.memory).total


def test_a_baseline_on_a_flop_budget_is_judged_in_flops() -> None:
    space = make_space(families=("lstm",), layers=(1, 2, 3), measure=Flops(seq=SEQ), input=39)
    result = baseline(space, budget="1e10", objectives="depth", trials=12, seed=0)
    assert result.unit == "FLOPs"
    assert result.trials
    for trial in result.trials:
        design = trial.design
        assert design is not None
        counted = explorer.count("lstm", seq=SEQ, **design.sizes)
        assert (design.total, design.parameters) == (counted.flops, counted.total)
        cells = design.sizes["cells"]
        other = cells - 1 if design.total >= design.budget else cells + 1
        beside = explorer.count("lstm", seq=SEQ, **{**design.sizes, "cells": other}).flops
        assert design.step == abs(beside - design.total)
        gap = abs(design.total - design.budget)
        assert design.on_budget == (gap == 0 or gap <= design.step)
    assert result.on_budget < len(result.trials), "the soft constraint misses some"


def test_a_search_on_a_flop_budget_draws_its_picture(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    picture = tmp_path / "search.png"
    status, out, err = _run(
        capsys, [*FLOP_SEARCH, "--trials", "6", "--seed", "0", "--plot", str(picture)]
    )
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(
        "budget-constrained search: 6 trials at a budget of 40,000,000,000 FLOPs; 6 on budget"
    )
    assert lines[1] == f"budget: forward FLOPs of one {SEQ}-token sequence (torch)"
    (best,) = [line for line in lines if line.startswith("best: trial ")]
    assert " FLOPs (" in best
    assert " parameters; aspect " in best
    header = next(line for line in lines if line.startswith("#  ")).split()
    assert header[header.index("FLOPs") :][:4] == ["FLOPs", "error", "parameters", "on"]
    assert picture.read_bytes().startswith(b"\x89PNG")


# -- sweeps on FLOP and byte budgets ------------------------------------------------------
def _assert_rows_are_the_solvers(rows: list[SweepRow], space: Any) -> None:
    """Every row is what ``explorer.solve`` makes of its point, with the same measure."""
    assert rows
    for row in rows:
        sizes = row.sizes
        family = explorer.FAMILIES[row.family]
        free = family.free_order[0]
        given = {k: v for k, v in sizes.items() if k not in (free, "convention", "proj")}
        ratio = next((v for k, v in dict(space.options).items() if k == "proj_ratio"), None)
        per_token = getattr(space.measure, "per", "") == "token"  # the budget as it was given
        solution = explorer.solve(
            row.family,
            budget=row.budget // space.seq if per_token else row.budget,
            measure=space.measure,
            multiple_of=space.multiple_of,
            mode=space.mode,
            convention=space.convention,
            ties={"proj": f"cells/{ratio[0]}"} if row.family == "lstmp" and ratio else None,
            **given,
        )
        assert solution.sizes[free] == sizes[free], row
        assert solution.total == row.total
        assert solution.unit == row.unit
        assert row.parameters == (solution.parameters or solution.total)
        step = None
        if solution.above is not None and solution.below is not None:
            step = solution.above.total - solution.below.total
        assert row.step == step
        if space.seq is not None:
            counted = explorer.count(row.family, seq=space.seq, compute=space.compute, **sizes)
            assert row.flops == counted.flops
            assert row.parameters == counted.total


@pytest.mark.parametrize(
    ("families", "given", "measure"),
    [
        pytest.param(
            ("lstm", "lstmp", "gru"),
            {"layers": (1, 3, 6), "bidirectional": (False, True), "proj_ratio": (3,)},
            Flops(seq=SEQ),
            id="recurrent",
        ),
        pytest.param(
            ("rnn", "gru"),
            {"layers": (1, 2, 5), "multiple_of": 8, "mode": "under"},
            Flops(seq=9, per="token"),
            id="per-token-under",
        ),
        pytest.param(
            ("llama", "gpt2"),
            {"layers": (2, 6, 12), "vocab": 1000},
            Flops(seq=256, training=True),
            id="transformers-training",
        ),
        pytest.param(
            ("llama",),
            {"layers": (2, 4), "heads": (4,), "vocab": 1000, "mode": "over"},
            Flops(seq=512, compute="causal"),
            id="causal-over",
        ),
    ],
)
def test_sweep_rows_on_flop_budgets_equal_explorer_solve(
    families: tuple[str, ...], given: dict[str, Any], measure: Flops
) -> None:
    space = make_space(families=families, measure=measure, **given)
    budgets: tuple[int, ...] = (3 * 10**9, 4 * 10**10, 123_456_789_012)
    if measure.per == "token":
        budgets = tuple(b // measure.seq for b in budgets)
    vectorised = list(sweep(space, budgets=budgets))
    pointwise = list(sweep(space, budgets=budgets, engine="solve"))
    assert [r.to_json() for r in vectorised] == [r.to_json() for r in pointwise]
    _assert_rows_are_the_solvers(vectorised, space)


def test_sweep_rows_on_byte_budgets_equal_explorer_solve() -> None:
    measure = Bytes(memory=memory_convention(dtype="bf16", training="adam"))
    space = make_space(families=("llama", "gpt2"), layers=(2, 8), vocab=1000, measure=measure)
    job = sweep(space, budgets=("1GB", "4GiB"))
    assert job.engine == "solve", "bytes are solved point by point"
    rows = list(job)
    assert len(rows) == 2 * 2 * 2
    _assert_rows_are_the_solvers(rows, space)
    for row in rows:
        # bf16 weights and grads, fp32 master, adam; and adam's step, 4 bytes a tensor
        assert 0 < row.total - 16 * row.parameters < 4 * 1000


def test_a_parameter_sweep_with_a_sequence_has_each_rows_flops() -> None:
    space = make_space(families=("lstm", "llama"), layers=(2, 4), seq=100, vocab=500)
    rows = list(sweep(space, budgets=("1M", "20M")))
    assert all(r.unit == "parameters" and r.parameters == r.total for r in rows)
    _assert_rows_are_the_solvers(rows, space)
    assert [r.to_json() for r in rows] == [
        r.to_json() for r in sweep(space, budgets=("1M", "20M"), engine="solve")
    ]


def test_the_cli_sweeps_flop_budgets_with_both_engines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["sweep", "--budget-flops", "1e10,4e10", "--seq", str(SEQ), *RECURRENT]
    data = _json(capsys, [*argv, "--save", str(tmp_path / "rows.csv")])
    assert data["solved"] == data["grid_points"] == 2 * 3 * 4 * 2
    assert data["unit"] == "FLOPs"
    assert data["budgets"] == [10**10, 4 * 10**10]
    by_solve = _json(capsys, [*argv, "--engine", "solve"])
    assert by_solve["rows"] == data["rows"]
    for row in data["rows"]:
        assert row["flops"] == row["total"]
        counted = explorer.count(row["family"], seq=SEQ, **row["sizes"])
        assert (row["total"], row["parameters"]) == (counted.flops, counted.total)
    with (tmp_path / "rows.csv").open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [int(r["total"]) for r in table] == [r["total"] for r in data["rows"]]
    assert [int(r["parameters"]) for r in table] == [r["parameters"] for r in data["rows"]]
    assert {r["unit"] for r in table} == {"FLOPs"}
    status, out, _ = _run(capsys, [*argv, "--top", "2"])
    assert status == 0
    lines = out.splitlines()
    assert lines[1] == f"budget: forward FLOPs of one {SEQ}-token sequence (torch)"
    assert lines[3].split()[-3:] == ["FLOPs", "error", "parameters"]


def test_a_grid_study_on_flop_budgets_gives_the_streamed_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["sweep", "--budget-flops", "1e10,4e10", "--seq", str(SEQ), "--layers", "1,3"]
    streamed = _json(capsys, argv)
    stored = _json(capsys, [*argv, "--storage", str(tmp_path / "grid.log")])
    assert stored["engine"] == "optuna grid study"
    assert stored["rows"] == streamed["rows"]


def test_the_csv_has_a_column_per_size_of_the_families(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "rows.csv"
    argv = ["sweep", "--budget", "20M", "--arch", "llama,lstm", "--layers", "2,4", "--seq", "8"]
    data = _json(capsys, [*argv, "--save", str(target)])
    with target.open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [r["d_model"] or r["cells"] for r in table] == [
        str(r["sizes"].get("d_model") or r["sizes"]["cells"]) for r in data["rows"]
    ]
    assert [int(r["flops"]) for r in table] == [r["flops"] for r in data["rows"]]
    assert {r["unit"] for r in table} == {"parameters"}


def test_the_parameters_against_flops_plot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.axes import Axes

    drawn: list[tuple[str, list[Any], list[Any]]] = []
    real = Axes.plot

    def plot(self: Axes, *args: Any, **kwargs: Any) -> Any:
        drawn.append((str(kwargs.get("label")), list(args[0]), list(args[1])))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Axes, "plot", plot)
    picture = tmp_path / "compute.png"
    argv = ["sweep", "--budget", "1M,5M,20M", "--arch", "lstm,gru", "--layers", "1,3"]
    data = _json(
        capsys, [*argv, "--seq", "50", "--plot", str(picture), "--plot-axes", "params,flops"]
    )
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert data["files"] == [str(picture)]
    curves = {label: (xs, ys) for label, xs, ys in drawn}
    assert sorted(curves) == sorted(
        ["lstm layers=1", "lstm layers=3", "gru layers=1", "gru layers=3", "2 x parameters x 50"]
    )
    for row in data["rows"]:  # each row a point of its structure's curve at its depth
        xs, ys = curves[f"{row['family']} layers={row['sizes']['layers']}"]
        assert (row["parameters"], row["flops"]) in set(zip(xs, ys))
        assert xs == sorted(xs)
    assert sum(len(xs) for xs, _ in curves.values()) == len(data["rows"]) + 2
    xs, ys = curves["2 x parameters x 50"]
    assert all(y == 2 * 50 * x for x, y in zip(xs, ys))


# -- what is refused ------------------------------------------------------------------------
@pytest.fixture
def derived(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "lstm.toml"
    Derived.from_data(DERIVED_LSTM, "test").save(path)
    yield path
    explorer.FAMILIES.pop("derived:lstm", None)


@pytest.mark.parametrize("objective", ["macs", "flops", "depth,training_flops"])
def test_a_derived_formula_has_no_compute_objective(
    capsys: pytest.CaptureFixture[str], derived: Path, objective: str
) -> None:
    argv = ["search", "--budget", "6.5M", "--arch", str(derived), "--num-layers", "1..3"]
    status, out, err = _run(capsys, [*argv, "--input-size", "39", "--objective", objective])
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    named = objective.rsplit(",", maxsplit=1)[-1]
    assert err.startswith(f"error: objective {named}: derived:lstm declares ")
    assert "choose an objective of its own, e.g. depth" in err


def test_a_derived_formula_has_no_design_on_a_flop_budget(
    capsys: pytest.CaptureFixture[str], derived: Path
) -> None:
    argv = ["sweep", "--budget-flops", "1e10", "--seq", "8", "--arch", f"{derived},lstm"]
    argv += ["--num-layers", "1,2", "--layers", "1,2", "--input-size", "39"]
    rows = []
    for engine in ("vectorised", "solve"):
        data = _json(capsys, [*argv, "--engine", engine])
        assert {r["family"] for r in data["rows"]} == {"lstm"}
        assert data["skipped"] == 2
        assert "derived:lstm declares no compute" in data["skipped_examples"][0]
        rows.append(data["rows"])
    assert rows[0] == rows[1]


SEARCH = ["search", "--arch", "llama", "--layers", "2..4", "--trials", "2"]
SWEEP = ["sweep", "--arch", "llama", "--layers", "2..4"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            [*SEARCH, "--budget", "1M", "--budget-flops", "2e12", "--seq", "8"],
            "give one budget, not --budget and --budget-flops",
            id="search-two-budgets",
        ),
        pytest.param(
            [*SWEEP, "--budget", "1M", "--budget-bytes", "80GB"],
            "give one budget, not --budget and --budget-bytes",
            id="sweep-two-budgets",
        ),
        pytest.param([*SEARCH, "--budget-flops", "2e12"], "give --seq T", id="no-seq"),
        pytest.param(
            [*SEARCH, "--budget-flops", "1e12,2e12", "--seq", "8"],
            "search takes one budget",
            id="several",
        ),
        pytest.param([*SEARCH, "--budget", "1M", "--batch", "4"], "--batch applies to", id="batch"),
        pytest.param(
            [*SEARCH, "--budget-flops", "2e12", "--seq", "8", "--batch", "4"],
            "drop --batch",
            id="flops-batch",
        ),
        pytest.param(
            [*SEARCH, "--budget", "1M", "--per", "token"], "apply to --budget-flops", id="per"
        ),
        pytest.param(
            [*SWEEP, "--budget-flops", "2e12", "--seq", "8", "--dtype", "bf16"],
            "say what --budget-bytes counts",
            id="dtype",
        ),
        pytest.param(
            [*SWEEP, "--budget-flops", "lots", "--seq", "8"],
            "FLOP budget 'lots' is not a number",
            id="not-flops",
        ),
        pytest.param([*SWEEP, "--budget-bytes", "80G"], "ambiguous", id="ambiguous-bytes"),
        pytest.param(
            [*SWEEP, "--budget-flops", "1e12..2e12", "--seq", "8"],
            "a budget range needs a step",
            id="range",
        ),
        pytest.param(
            [*SWEEP, "--budget-bytes", "1GB", "--kv-cache"], "give --seq T", id="kv-without-seq"
        ),
        pytest.param(
            [*SWEEP, "--budget", "1M", "--plot-axes", "params,flops"],
            "add --plot FILE.png",
            id="axes-without-plot",
        ),
        pytest.param(
            [*SWEEP, "--budget", "1M", "--plot", "p.png", "--plot-axes", "params,flops"],
            "--plot-axes params,flops draws the forward FLOPs of one sequence: give --seq T",
            id="axes-without-seq",
        ),
        pytest.param(
            [*SWEEP, "--budget", "1M", "--plot", "p.png", "--plot-axes", "flops"],
            "invalid choice: 'flops'",
            id="axes-unknown",
        ),
        pytest.param(
            [*SEARCH, "--budget", "1M", "--seq", "0"],
            "seq must be a positive integer",
            id="zero-seq",
        ),
    ],
)
def test_bad_combinations_are_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = _run(capsys, argv)
    assert status == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert message in err
    assert list(tmp_path.iterdir()) == [], "nothing written"


def test_a_space_refuses_a_sequence_its_budget_contradicts() -> None:
    with pytest.raises(explorer.errors.ConflictError, match="seq 16 differs from the budget's"):
        make_space(families=("lstm",), measure=Flops(seq=8), seq=16)
    space = make_space(families=("lstm",), measure=Flops(seq=8, compute="causal"))
    assert (space.seq, space.compute, space.unit) == (8, "causal", "FLOPs")
    assert json.dumps(space.to_json())  # the fingerprint stays JSON


# -- against the real thing -------------------------------------------------------------------
@pytest.mark.torch
def test_flop_budget_designs_are_what_torch_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """A few designs of a FLOP-budget search built on the meta device and run under
    FlopCounterMode: their FLOPs are the design's total."""
    pytest.importorskip("torch")
    from tests.fixtures import make_compute_counts

    argv = ["search", "--budget-flops", "5e8", "--seq", "12", "--arch", "lstm,gru,rnn"]
    data = _json(capsys, [*argv, "--layers", "1..3", "--bidirectional", "both", "--trials", "6"])
    for trial in data["trials"][:4]:
        kwargs = {"family": trial["family"], "bias": "double", **trial["sizes"]}
        case = {"kind": "rnn", "explorer": kwargs, "seq": 12, "batch": 1}
        assert make_compute_counts.flops_of(case)["flops"] == trial["total"]
