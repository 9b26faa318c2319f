"""``derive``: exact closed forms fitted from meta-device builds, checked against fresh
builds and against the project's own formulas; its refusals; the saved format; the cache.

Tests that build need torch (and transformers for Hugging Face models): they are marked
and skip cleanly without them. The saved-format and ``Derived`` tests need neither.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import math
import random
import subprocess
import sys
import warnings
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import explorer
from explorer.derivation import Derived, NoPolynomialError, derive, load_derived
from explorer.derivation._errors import MissingLibraryError, TargetError
from explorer.errors import (
    BudgetError,
    ConflictError,
    CountOverflowError,
    ExplorerError,
    FormulaError,
    InvalidSizeError,
    SpecError,
    UnknownNameError,
    UsageError,
)
from explorer.solver import solve_formula
from tests.cli_helpers import run, run_json

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed")


def _needs_transformers() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")


# -- building the truth ----------------------------------------------------------------------
def fresh_count(target: str, model: str | None = None, /, **arguments: Any) -> int:
    """Build ``target`` on the meta device here, independently of ``derive``, and sum the
    unique parameters."""
    import torch

    module_name, _, name = target.rpartition(".")
    cls = getattr(importlib.import_module(module_name), name)
    with torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # advice about fast paths, not about shapes
        if model is None:
            built = cls(**arguments)
        else:
            import transformers

            built = getattr(transformers, model)(cls(**arguments))
    return sum(p.numel() for p in built.parameters())


def random_points(derived: Derived, n: int, seed: int) -> list[dict[str, int]]:
    """Points of the domain, log-uniform along each variable (big builds stay few)."""
    rng = random.Random(seed)
    points = []
    for _ in range(n):
        point = {}
        for v, r in derived.domain.items():
            k = min(r.size - 1, int(math.exp(rng.random() * math.log(r.size))) - 1)
            point[v] = r.value(max(0, k))
        points.append(point)
    return points


def assert_matches_fresh_builds(
    derived: Derived, build: Callable[[dict[str, int]], int], n: int = 6, seed: int = 7
) -> None:
    for point in random_points(derived, n, seed):
        assert derived.count(**point) == build(point), point


# -- recurrent modules against the project's own closed forms -------------------------------
RECURRENT = [
    pytest.param("torch.nn.LSTM", {}, "lstm", {}, id="lstm"),
    pytest.param("torch.nn.GRU", {}, "gru", {}, id="gru"),
    pytest.param("torch.nn.RNN", {}, "rnn", {}, id="rnn"),
    pytest.param(
        "torch.nn.LSTM", {"bidirectional": True}, "lstm", {"bidirectional": True}, id="lstm-bi"
    ),
    pytest.param(
        "torch.nn.GRU", {"bidirectional": True}, "gru", {"bidirectional": True}, id="gru-bi"
    ),
]


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize(("target", "fixed", "family", "flags"), RECURRENT)
def test_recurrent_formula_is_the_projects_own(
    target: str, fixed: dict[str, Any], family: str, flags: dict[str, Any]
) -> None:
    import sympy

    derived = derive(
        target,
        "input_size=1:512,hidden_size=1:512,num_layers=1:8",
        fixed,
        cache=False,
    )
    ours = explorer.formula(family, convention="pytorch", **flags).formula
    names = {"n_i": "input_size", "n_c": "hidden_size", "L": "num_layers"}
    symbols = dict(zip(derived.variables, derived.symbols))
    mapped = ours.xreplace({s: symbols[names[s.name]] for s in ours.free_symbols})
    assert sympy.expand(derived.formula - mapped) == 0
    assert_matches_fresh_builds(derived, lambda p: fresh_count(target, **fixed, **p), n=4)


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("bidirectional", [False, True], ids=["one-way", "bidirectional"])
def test_lstm_projection_is_the_projects_own(bidirectional: bool) -> None:
    import sympy

    derived = derive(
        "torch.nn.LSTM",
        "input_size=1:256,hidden_size=16:256,proj_size=1:15,num_layers=1:6",
        {"bidirectional": bidirectional},
        cache=False,
    )
    ours = explorer.formula(
        "lstm", convention="pytorch", proj=True, bidirectional=bidirectional
    ).formula
    names = {"n_i": "input_size", "n_c": "hidden_size", "n_r": "proj_size", "L": "num_layers"}
    symbols = dict(zip(derived.variables, derived.symbols))
    mapped = ours.xreplace({s: symbols[names[s.name]] for s in ours.free_symbols})
    assert sympy.expand(derived.formula - mapped) == 0


# -- other torch modules against fresh builds ------------------------------------------------
TORCH_CASES = [
    pytest.param(
        "torch.nn.Conv2d",
        "in_channels=4:256:4,out_channels=4:256:4,kernel_size=1:7",
        {"groups": 4},
        id="conv2d-groups",
    ),
    pytest.param(
        "torch.nn.TransformerEncoderLayer",
        "d_model=8:512:8,dim_feedforward=1:2048",
        {"nhead": 8},
        id="transformer-encoder-layer",
    ),
    pytest.param(
        "torch.nn.Transformer",
        "d_model=8:256:8,num_encoder_layers=1:4,num_decoder_layers=1:4",
        {"nhead": 4, "dim_feedforward": 64},
        id="transformer",
    ),
    pytest.param(
        "torch.nn.Embedding", "num_embeddings=1:4096,embedding_dim=1:512", {}, id="embedding"
    ),
    pytest.param(
        "tests.derive.derive_modules.TiedEmbedding", "vocab=1:1000,dim=1:256", {}, id="tied-once"
    ),
]


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize(("target", "vary", "fixed"), TORCH_CASES)
def test_torch_modules_match_fresh_builds(target: str, vary: str, fixed: dict[str, Any]) -> None:
    derived = derive(target, vary, fixed, cache=False)
    assert derived.verified_points >= 2 * len(derived.variables) + 2
    assert_matches_fresh_builds(derived, lambda p: fresh_count(target, **fixed, **p))


@pytest.mark.torch
@needs_torch
def test_shared_tensor_counted_once() -> None:
    derived = derive(
        "tests.derive.derive_modules.TiedEmbedding", "vocab=1:1000,dim=1:256", cache=False
    )
    assert derived.formula_text == "vocab*(dim + 1)"


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize(
    ("what", "formula"),
    [
        pytest.param("parameters", "n", id="parameters"),
        pytest.param("buffers", "n**2 + 3", id="buffers"),
    ],
)
def test_buffers_are_counted_apart(what: str, formula: str) -> None:
    derived = derive("tests.derive.derive_modules.WithBuffers", "n=1:512", what=what, cache=False)  # type: ignore[arg-type]
    assert (derived.formula_text, derived.counted) == (formula, what)


# -- property: random polynomial modules -----------------------------------------------------
_FACTOR = st.sampled_from(["a", "b", "c", "2", "3"])
_DIMENSION = st.lists(_FACTOR, min_size=1, max_size=2).map("*".join)  # degree <= 6: the cap
_SHAPE = st.lists(_DIMENSION, min_size=1, max_size=3).map(",".join)
_SHAPES = st.lists(_SHAPE, min_size=1, max_size=4).map(";".join)


@pytest.mark.torch
@needs_torch
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes=_SHAPES, seed=st.integers(0, 2**32))
def test_random_polynomial_modules_are_recovered(shapes: str, seed: int) -> None:
    from tests.derive.derive_modules import shape_count

    derived = derive(
        "tests.derive.derive_modules.ShapedParameters",
        "a=1:40,b=1:40,c=1:40",
        {"shapes": shapes},
        seed=seed,
        cache=False,
    )
    for a, b, c in ((1, 1, 1), (7, 3, 40), (40, 40, 40), (2, 39, 5)):
        assert derived.count(a=a, b=b, c=c) == shape_count(shapes, a=a, b=b, c=c)
    assert derived.expanded == _expected_text(shapes)


def _expected_text(shapes: str) -> str:
    """The shapes' count multiplied out, through the same polynomial type (independent
    of the fit: built from the text alone)."""
    from explorer.derivation._poly import RationalPolynomial, multiply, plus

    unit = {"a": (1, 0, 0), "b": (0, 1, 0), "c": (0, 0, 1)}
    total: dict[tuple[int, ...], Fraction] = {}
    for shape in shapes.split(";"):
        term: dict[tuple[int, ...], Fraction] = {(0, 0, 0): Fraction(1)}
        for dimension in shape.split(","):
            for factor in dimension.split("*"):
                if factor.isdigit():
                    term = {e: c * int(factor) for e, c in term.items()}
                else:
                    term = multiply(term, {unit[factor]: Fraction(1)})
        total = plus(total, term)
    return RationalPolynomial.from_terms(("a", "b", "c"), total).text()


# -- refusals --------------------------------------------------------------------------------
@pytest.mark.torch
@needs_torch
def test_rounding_rule_is_refused_with_its_period() -> None:
    with pytest.raises(
        NoPolynomialError, match=r"repeats every 96: try --vary dim=96:1920:96"
    ) as info:
        derive("tests.derive.derive_modules.RoundedFeedForward", "dim=1:2000", cache=False, seed=3)
    assert info.value.variable == "dim"
    assert "first breakpoint" in str(info.value)
    # The suggested lattice works, and is exact against fresh builds.
    derived = derive(
        "tests.derive.derive_modules.RoundedFeedForward", "dim=96:1920:96", cache=False
    )
    assert derived.formula_text == "8*dim**2"
    assert_matches_fresh_builds(
        derived, lambda p: fresh_count("tests.derive.derive_modules.RoundedFeedForward", **p)
    )


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_special_value_at_the_start_is_refused(seed: int) -> None:
    with pytest.raises(
        NoPolynomialError, match=r"proj_size=0 is a special value.*start the range at 1"
    ) as info:
        derive(
            "torch.nn.LSTM",
            "input_size=1:256,hidden_size=16:256,proj_size=0:15",
            seed=seed,
            cache=False,
        )
    assert info.value.suggestion == "--vary proj_size=1:15"


@pytest.mark.torch
@needs_torch
def test_lazy_module_is_refused() -> None:
    with pytest.raises(TargetError, match=r"lazy parameters.*derive torch.nn.Linear instead"):
        derive("torch.nn.LazyLinear", "out_features=1:64", cache=False)


@pytest.mark.torch
@needs_torch
def test_constraint_between_arguments_is_refused_with_a_lattice() -> None:
    with pytest.raises(
        NoPolynomialError,
        match=r"multiples of 4 \(= groups: a constraint between arguments\): "
        r"try --vary in_channels=4:64:4",
    ):
        derive(
            "torch.nn.Conv2d",
            "in_channels=1:64",
            {"out_channels": 8, "kernel_size": 3, "groups": 4},
            cache=False,
        )


@pytest.mark.torch
@needs_torch
def test_threshold_between_varied_arguments_is_refused() -> None:
    with pytest.raises(
        NoPolynomialError,
        match=r"proj_size has to be smaller than hidden_size.*keep the ranges apart",
    ):
        derive("torch.nn.LSTM", "input_size=1:64,hidden_size=1:64,proj_size=1:15", cache=False)


BAD_TARGETS = [
    pytest.param(
        "torch.nn.LSTN",
        "input_size",
        TargetError,
        r"torch.nn has no 'LSTN'; did you mean 'LSTM'",
        id="no-such-class",
    ),
    pytest.param(
        "no_such_package.Model",
        "x",
        TargetError,
        r"no module 'no_such_package'",
        id="no-such-module",
    ),
    pytest.param(
        "tests.derive.derive_modules.NotAModule",
        "x",
        TargetError,
        r"is not a module",
        id="not-a-module",
    ),
    pytest.param("torch.nn.functional.relu", "x", TargetError, r"is not a class", id="not-a-class"),
    pytest.param(
        "tests.derive.derive_modules.NeedsArguments",
        "width=1:8",
        TargetError,
        r"needs arguments not given: depth",
        id="needs-arguments",
    ),
    pytest.param(
        "torch.nn.Linear",
        "in_features",
        TargetError,
        r"needs arguments not given: out_features",
        id="needs-arguments-signature",
    ),
    pytest.param(
        "missing/file.py:Model", "x", TargetError, r"no file 'missing/file.py'", id="no-file"
    ),
    pytest.param(
        "torch.nn.LSTM",
        "hiden_size",
        UnknownNameError,
        r"did you mean 'hidden_size'",
        id="unknown-vary-name",
    ),
    pytest.param(
        "torch.nn.Linear",
        "in_features=1:64,outfeatures=2:9",
        UnknownNameError,
        r"'outfeatures'; did you mean 'out_features'",
        id="unknown-vary-name-signature",
    ),
    pytest.param(
        "torch.nn.Linear",
        "in_features=1:x",
        UsageError,
        r"bad range '1:x' for in_features",
        id="bad-range-text",
    ),
    pytest.param(
        "torch.nn.Linear", "in_features=9:3", UsageError, r"HI must be above LO", id="empty-range"
    ),
    pytest.param(
        "torch.nn.Linear", "in_features=3:4:5", UsageError, r"holds one value", id="one-value"
    ),
    pytest.param(
        "torch.nn.Linear", "", UsageError, r"give at least one variable", id="no-variable"
    ),
    pytest.param("torch.nn.Linear", "_x=1:4", UsageError, r"bad --vary name '_x'", id="bad-name"),
    pytest.param("torch", "x", TargetError, r"bad target 'torch'", id="not-dotted"),
    pytest.param(
        "file.txt:Model", "x", TargetError, r"write path/to/file.py:ClassName", id="not-py"
    ),
]


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize(("target", "vary", "error", "message"), BAD_TARGETS)
def test_bad_targets_are_one_line_errors(
    target: str, vary: str, error: type[Exception], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(error, match=message):
        derive(target, vary, cache=False)
    status, out, err = run(capsys, ["derive", target, "--vary", vary, "--no-cache"])
    assert (status, out) == (2, "")
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert issubclass(error, ExplorerError)


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "import nowhere_to_be_found\n",
            r"does not import: .*nowhere_to_be_found",
            id="import-error",
        ),
        pytest.param(
            "raise RuntimeError('boom')\n", r"does not import: RuntimeError: boom", id="raises"
        ),
        pytest.param(
            "def (:\n",
            r"does not import: .*SyntaxError|does not import: invalid syntax",
            id="syntax",
        ),
        pytest.param("X = 1\n", r"has no 'Model'", id="no-class"),
    ],
)
def test_files_that_do_not_import_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "broken.py"
    path.write_text(text)
    with pytest.raises(TargetError, match=message):
        derive(f"{path}:Model", "x=1:4", cache=False)


@pytest.mark.torch
@needs_torch
def test_file_target_is_derived(tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text(
        "import torch\n"
        "class Block(torch.nn.Module):\n"
        "    def __init__(self, width, depth=2):\n"
        "        super().__init__()\n"
        "        self.layers = torch.nn.ModuleList(\n"
        "            torch.nn.Linear(width, width) for _ in range(depth))\n"
    )
    derived = derive(f"{path}:Block", "width=1:256,depth=1:12", cache=False)
    assert derived.formula_text == "width*depth*(width + 1)"


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        pytest.param(
            {"fixed": {"input_size": 3}}, ConflictError, "both varied and set", id="vary-and-set"
        ),
        pytest.param(
            {"ties": {"input_size": "hidden_size"}},
            ConflictError,
            "both varied and tied",
            id="vary-and-tie",
        ),
        pytest.param(
            {"ties": {"proj_size": "hidden_size/"}},
            FormulaError,
            "not valid arithmetic",
            id="bad-tie",
        ),
        pytest.param(
            {"ties": {"proj_size": "nope"}},
            FormulaError,
            "unknown name 'nope'",
            id="tie-unknown-name",
        ),
        pytest.param({"fixed": {"bias": {1, 2}}}, UsageError, "a value must be", id="bad-value"),
        pytest.param(
            {"model": "LlamaForCausalLM"},
            ConflictError,
            "--model applies to transformers",
            id="model-for-torch",
        ),
        pytest.param({"max_degree": 0}, UsageError, "max_degree must be", id="max-degree"),
    ],
)
def test_bad_requests(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        derive("torch.nn.LSTM", "input_size=1:64,hidden_size=1:64", cache=False, **kwargs)


def test_missing_torch_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "torch" else real(name, *a),
    )
    with pytest.raises(
        MissingLibraryError, match=r"not installed: pip install 'explorer\[truth\]'"
    ):
        derive("torch.nn.LSTM", "input_size", cache=False)


def test_import_explorer_imports_neither_derive_nor_torch() -> None:
    code = (
        "import sys, explorer; explorer.count('lstm', input=3, cells=4);"
        "print('explorer.derivation' in sys.modules, 'torch' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


# -- the Derived object (no torch needed) ---------------------------------------------------
def _lstm_like(**extra: Any) -> Derived:
    data = {
        "format": 1,
        "target": "demo.Layer",
        "formula": "4*n*(m + n + 2)",
        "variables": ["m", "n"],
        "domain": {"m": {"lo": 1, "hi": 512, "step": 1}, "n": {"lo": 8, "hi": 4096, "step": 8}},
        "builds": 30,
        "verified": {"points": 20, "exact": True},
        **extra,
    }
    return Derived.from_data(data, "inline")


def test_count_is_exact_and_refuses_sizes_off_the_domain() -> None:
    d = _lstm_like()
    assert d.count(m=39, n=1024) == 4 * 1024 * (39 + 1024 + 2)
    for sizes, message in (
        ({"m": 39, "n": 1020}, r"n=1020 lies outside the domain .*8..4096 step 8"),
        ({"m": 0, "n": 8}, r"m=0 lies outside"),
        ({"m": 513, "n": 8}, r"m=513 lies outside"),
        ({"m": 3}, r"give n=\.\.\."),
        ({"m": 3, "n": 8, "k": 1}, r"unknown variable of this formula 'k'"),
        ({"m": 3.0, "n": 8}, r"m must be an integer"),
    ):
        with pytest.raises(UsageError, match=message):
            d.count(**sizes)
    assert d.contains(m=3, n=16)
    assert not d.contains(m=3, n=17)


def test_evaluate_many_is_exact_and_falls_back_to_python_ints() -> None:
    d = _lstm_like()
    m, n = np.arange(1, 513), np.arange(8, 4097, 8)
    grid = d.evaluate_many(m=m[:, None], n=n[None, :])
    assert grid.dtype == np.int64
    assert grid.shape == (512, 512)
    assert grid[38, 127] == d.count(m=39, n=1024)
    big = Derived.from_data(
        {
            **_lstm_like().to_json(),
            "formula": "n**5",
            "domain": {
                "m": {"lo": 1, "hi": 512, "step": 1},
                "n": {"lo": 8, "hi": 10**6, "step": 8},
            },
        },
        "inline",
    )
    values = big.evaluate_many(m=np.array([1]), n=np.array([10**6]))
    assert values.dtype == object
    assert values[0] == 10**30
    with pytest.raises(CountOverflowError, match="exceed int64"):
        big.evaluate_many(m=np.array([1]), n=np.array([10**6]), overflow="raise")
    with pytest.raises(InvalidSizeError, match="outside the domain"):
        d.evaluate_many(m=np.array([1]), n=np.array([12]))


def test_rational_coefficients_stay_exact() -> None:
    d = Derived.from_data({**_lstm_like().to_json(), "formula": "n*(n + 8)/16 + m/2"}, "inline")
    assert d.polynomial.denominator == 16
    assert d.count(m=2, n=8) == 9
    assert d.evaluate_many(m=np.array([2, 4]), n=np.array([8, 16])).tolist() == [9, 26]


@pytest.mark.parametrize("mode", ["nearest", "under", "over"])
@pytest.mark.parametrize("budget", [10_000, 123_457, 5_000_000, 66_000_000])
def test_solve_is_provably_best_on_the_lattice(mode: str, budget: int) -> None:
    d = _lstm_like()
    solution = solve_formula(d, budget, m=39, mode=mode)
    counts = {n: d.count(m=39, n=n) for n in range(8, 4097, 8)}
    under = [n for n, c in counts.items() if c <= budget]
    over = [n for n, c in counts.items() if c >= budget]
    if mode == "under":
        best = max(under)
    elif mode == "over":
        best = min(over)
    else:
        best = min(counts, key=lambda n: (abs(counts[n] - budget), counts[n]))
    assert solution.sizes == {"m": 39, "n": best}
    assert solution.total == counts[best]
    assert solution.free == "n"


def test_solve_refusals() -> None:
    d = _lstm_like()
    with pytest.raises(ConflictError, match="exactly one free variable"):
        solve_formula(d, "1M")
    with pytest.raises(BudgetError, match="below the smallest count"):
        solve_formula(d, 10, m=1)
    with pytest.raises(BudgetError, match="reaches the budget"):
        solve_formula(d, "10B", m=1, mode="over")
    with pytest.raises(InvalidSizeError, match="outside the domain"):
        solve_formula(d, "1M", m=600)
    with pytest.raises(ConflictError, match="does not change the count"):
        solve_formula(Derived.from_data({**d.to_json(), "formula": "4*n"}, "inline"), "1M", n=8)
    with pytest.raises(ConflictError, match="not monotone"):
        solve_formula(
            Derived.from_data({**d.to_json(), "formula": "(n - 64)**2 + m"}, "inline"), "1M", m=3
        )


def test_solve_on_a_non_monotone_looking_but_monotone_count() -> None:
    # 8*L*n**2 - 4*n**2 has a negative coefficient, yet grows along the lattice.
    d = Derived.from_data({**_lstm_like().to_json(), "formula": "8*m*n**2 - 4*n**2 + n"}, "inline")
    solution = solve_formula(d, "50M", m=3)
    lattice = {n: d.count(m=3, n=n) for n in range(8, 4097, 8)}
    best = min(lattice, key=lambda n: (abs(lattice[n] - 50_000_000), lattice[n]))
    assert solution.sizes["n"] == best


def test_save_and_load_round_trip_without_torch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = _lstm_like(
        fixed={"bias": True, "act": "gelu", "eps": 1e-5, "head": None},
        ties={"k": "2*n"},
        versions={"torch": "2.13.0"},
    )
    path = tmp_path / "derived.toml"
    d.save(path)
    monkeypatch.setitem(sys.modules, "torch", None)  # any import of torch would now fail
    again = load_derived(path)
    assert again == d
    assert again.fixed == {"bias": True, "act": "gelu", "eps": 1e-5, "head": None}
    assert again.count(m=39, n=1024) == d.count(m=39, n=1024)
    assert solve_formula(again, "20M", m=39).sizes["n"] == solve_formula(d, "20M", m=39).sizes["n"]
    text = path.read_text()
    assert 'formula = "4*n*(m + n + 2)"' in text
    assert "[versions]" in text


SAVED_BAD = [
    pytest.param("format = 2\n", r"format must be 1", id="format"),
    pytest.param("not toml = = \n", r"not valid TOML", id="not-toml"),
    pytest.param(
        'format = 1\ntarget = "t"\nformula = "__import__(\'os\')"\nvariables = ["n"]\nbuilds = 1\n'
        "[domain]\nn = {lo = 1, hi = 9, step = 1}\n[verified]\npoints = 3\nexact = true\n",
        r"formula is refused: .*function call",
        id="code-in-formula",
    ),
    pytest.param(
        'format = 1\ntarget = "t"\nformula = "n/m"\nvariables = ["n", "m"]\nbuilds = 1\n'
        "[domain]\nn = {lo = 1, hi = 9, step = 1}\nm = {lo = 1, hi = 9, step = 1}\n"
        "[verified]\npoints = 3\nexact = true\n",
        r"divides by something other than a number",
        id="not-a-polynomial",
    ),
    pytest.param(
        'format = 1\ntarget = "t"\nformula = "(((n+1)**8)**8)**8"\nvariables = ["n"]\nbuilds = 1\n'
        "[domain]\nn = {lo = 1, hi = 9, step = 1}\n[verified]\npoints = 3\nexact = true\n",
        r"formula is refused",
        id="huge",
    ),
    pytest.param(
        'format = 1\ntarget = "t"\nformula = "n"\nvariables = ["n"]\nbuilds = 1\n'
        "[domain]\nn = {lo = 1, hi = 10, step = 2}\n[verified]\npoints = 3\nexact = true\n",
        r"domain.n hi=10 is not on the lattice",
        id="off-lattice",
    ),
    pytest.param(
        'format = 1\ntarget = "t"\nformula = "n"\nvariables = ["n"]\nbuilds = 1\n'
        "[domain]\nn = {lo = 1, hi = 10, step = 1}\n[verified]\npoints = 3\nexact = false\n",
        r"verified must record",
        id="not-verified",
    ),
    pytest.param(
        'format = 1\ntarget = "t"\nformula = "n"\nvariables = ["n"]\nbuilds = 1\n[domain]\n',
        r"domain must give lo, hi and step",
        id="no-domain",
    ),
]


@pytest.mark.parametrize(("text", "message"), SAVED_BAD)
def test_malformed_saved_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SpecError, match=message):
        load_derived(path)


def test_missing_saved_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read"):
        load_derived(tmp_path / "absent.toml")


# -- the cache -------------------------------------------------------------------------------
@pytest.mark.torch
@needs_torch
def test_cache_serves_a_repeat_and_rebuilds_a_corrupt_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("EXPLORER_CACHE", raising=False)
    first = derive("torch.nn.GRU", "input_size=1:64,hidden_size=1:64")
    again = derive("torch.nn.GRU", "input_size=1:64,hidden_size=1:64")
    assert (first.cached, again.cached) == (False, True)
    assert again == first
    entries = list((tmp_path / "derive").glob("*.json"))
    assert len(entries) == 1
    entries[0].write_text('{"key": "garbage"')
    rebuilt = derive("torch.nn.GRU", "input_size=1:64,hidden_size=1:64")
    assert rebuilt == first
    assert not rebuilt.cached
    data = json.loads(entries[0].read_text())
    data["derived"]["formula"] = "__import__('os')"
    entries[0].write_text(json.dumps(data))
    assert not derive("torch.nn.GRU", "input_size=1:64,hidden_size=1:64").cached
    monkeypatch.setenv("EXPLORER_CACHE", "off")
    assert not derive("torch.nn.GRU", "input_size=1:64,hidden_size=1:64").cached


@pytest.mark.torch
@needs_torch
def test_cache_key_follows_the_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("EXPLORER_CACHE", raising=False)
    derive("torch.nn.GRU", "input_size=1:64,hidden_size=1:64")
    other = derive("torch.nn.GRU", "input_size=1:64,hidden_size=1:64", {"bias": False})
    assert not other.cached
    assert other.formula_text == "3*hidden_size*(input_size + hidden_size)"


# -- the command line ------------------------------------------------------------------------
@pytest.mark.torch
@needs_torch
def test_cli_json_is_one_object_with_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "gru.toml"
    data = run_json(
        capsys,
        [
            "derive",
            "torch.nn.GRU",
            "--vary",
            "input_size=1:256,hidden_size=8:256:8",
            "--vary",
            "num_layers=1:4",
            "--set",
            "bias=false",
            "--save",
            str(saved),
            "--no-cache",
        ],
    )
    for key in ("formula", "variables", "fixed", "domain", "builds", "verified"):
        assert key in data
    assert data["variables"] == ["input_size", "hidden_size", "num_layers"]
    assert data["fixed"] == {"bias": False}
    assert data["domain"]["hidden_size"] == {"lo": 8, "hi": 256, "step": 8}
    assert data["verified"]["exact"] is True
    assert data["verified"]["points"] >= 8
    assert load_derived(saved).formula_text == data["formula"]
    derived = load_derived(saved)
    assert derived.count(input_size=3, hidden_size=16, num_layers=2) == fresh_count(
        "torch.nn.GRU", input_size=3, hidden_size=16, num_layers=2, bias=False
    )


@pytest.mark.torch
@needs_torch
def test_cli_text_says_what_was_counted(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys, ["derive", "torch.nn.Linear", "--vary", "in_features=1:64,out_features=1:64"]
    )
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "torch.nn.Linear: out_features*(in_features + 1)"
    assert any("unique parameters" in line for line in lines)
    assert any("in_features 1..64, out_features 1..64" in line for line in lines)
    assert any(line.strip().startswith("verified: exact at") for line in lines)


@pytest.mark.torch
@needs_torch
def test_cli_refusal_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys,
        [
            "derive",
            "torch.nn.LSTM",
            "--vary",
            "input_size=1:64,hidden_size=16:64,proj_size=0:15",
            "--no-cache",
        ],
    )
    assert (status, out) == (2, "")
    assert err.startswith("error: cannot derive torch.nn.LSTM: proj_size=0 is a special value")
    assert err.count("\n") == 1


def test_cli_save_to_a_missing_folder_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    status, _, err = run(
        capsys,
        [
            "derive",
            "torch.nn.Linear",
            "--vary",
            "in_features=1:8",
            "--set",
            "out_features=2",
            "--save",
            "/nonexistent-folder/x.toml",
        ],
    )
    assert status == 2
    assert err.startswith("error: cannot write /nonexistent-folder/x.toml")


# -- Hugging Face ----------------------------------------------------------------------------
HF_CASES = [
    pytest.param("transformers.GPT2Config", None, "n_embd=12:1536:12,n_layer=1:48", {}, id="gpt2"),
    pytest.param(
        "transformers.BertConfig",
        "BertModel",
        "hidden_size=12:1536:12,num_hidden_layers=1:24",
        {},
        id="bert",
    ),
    pytest.param(
        "transformers.LlamaConfig",
        None,
        "hidden_size=64:8192:64,num_hidden_layers=1:48,intermediate_size=1:16384",
        {},
        id="llama",
    ),
    pytest.param(
        "transformers.LlamaConfig",
        None,
        "hidden_size=32:8192:32,num_hidden_layers=1:48,intermediate_size=1:16384",
        {"head_dim": 128},
        id="llama-head-dim-fixed",
    ),
    pytest.param(
        "transformers.MistralConfig",
        None,
        "hidden_size=64:8192:64,num_hidden_layers=1:48,intermediate_size=1:16384",
        {},
        id="mistral",
    ),
    pytest.param(
        "transformers.Qwen2Config",
        None,
        "hidden_size=64:8192:64,num_hidden_layers=1:48,intermediate_size=1:16384",
        {},
        id="qwen2",
    ),
    pytest.param(
        "transformers.T5Config", None, "d_model=8:2048:8,num_layers=1:24,d_ff=1:8192", {}, id="t5"
    ),
    pytest.param(
        "transformers.MixtralConfig",
        None,
        "hidden_size=64:4096:64,num_hidden_layers=1:16,num_local_experts=2:16,intermediate_size=1:8192",
        {},
        id="mixtral-experts",
    ),
]


@pytest.mark.torch
@pytest.mark.parametrize(("target", "model", "vary", "fixed"), HF_CASES)
def test_hugging_face_models_match_fresh_builds(
    target: str, model: str | None, vary: str, fixed: dict[str, Any]
) -> None:
    _needs_transformers()
    derived = derive(target, vary, fixed, model, cache=False)
    model_name = derived.model
    assert model_name is not None
    assert derived.versions["transformers"].startswith("5.")
    assert_matches_fresh_builds(
        derived, lambda p: fresh_count(target, model_name, **fixed, **p), n=4
    )


@pytest.mark.torch
def test_llama_7b_hidden_size_from_a_saved_formula(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_transformers()
    derived = derive(
        "transformers.LlamaConfig",
        "hidden_size=64:8192:64,num_hidden_layers=1:48,intermediate_size=1:16384",
        cache=False,
    )
    path = tmp_path / "llama.toml"
    derived.save(path)
    monkeypatch.setitem(sys.modules, "torch", None)
    loaded = load_derived(path)
    assert loaded.count(hidden_size=4096, num_hidden_layers=32, intermediate_size=11008) == (
        6_738_415_616  # LLaMA-7B
    )
    solution = solve_formula(loaded, "6738415616", num_hidden_layers=32, intermediate_size=11008)
    assert solution.sizes["hidden_size"] == 4096
    assert solution.total == 6_738_415_616
    assert (
        solve_formula(loaded, "7B", num_hidden_layers=32, intermediate_size=11008).sizes[
            "hidden_size"
        ]
        % 64
        == 0
    )


@pytest.mark.torch
def test_llama_heads_constraint_is_refused_then_changed_variable() -> None:
    _needs_transformers()
    with pytest.raises(
        NoPolynomialError,
        match=r"multiples of 32 \(= num_attention_heads: a constraint between arguments\)",
    ):
        derive("transformers.LlamaConfig", "hidden_size=64:4096,num_hidden_layers=1:8", cache=False)
    with pytest.raises(
        NoPolynomialError, match=r"every multiple of 64 builds: try --vary hidden_size=64:4096:64"
    ):  # RoPE wants an even head size: 32 heads x an odd head size fails
        derive(
            "transformers.LlamaConfig", "hidden_size=32:4096:32,num_hidden_layers=1:8", cache=False
        )
    with pytest.raises(NoPolynomialError, match=r"--tie hidden_size=num_attention_heads\*") as info:
        derive(
            "transformers.LlamaConfig",
            "hidden_size=64:4096,num_attention_heads=1:32",
            {"num_hidden_layers": 2},
            cache=False,
        )
    assert info.value.variable == "hidden_size"
    # The change of variables: hidden_size = heads x head_dim (RoPE wants head_dim even).
    derived = derive(
        "transformers.LlamaConfig",
        "num_attention_heads=1:32,head_dim=2:256:2",
        {"num_hidden_layers": 2, "intermediate_size": 1024},
        ties={"hidden_size": "num_attention_heads*head_dim"},
        cache=False,
    )
    assert derived.ties == {"hidden_size": "num_attention_heads*head_dim"}
    assert_matches_fresh_builds(
        derived,
        lambda p: fresh_count(
            "transformers.LlamaConfig",
            "LlamaForCausalLM",
            num_hidden_layers=2,
            intermediate_size=1024,
            hidden_size=p["num_attention_heads"] * p["head_dim"],
            **p,
        ),
        n=4,
    )


@pytest.mark.torch
def test_hugging_face_bad_model_class() -> None:
    _needs_transformers()
    with pytest.raises(
        ConflictError, match="BertModel is built from a BertConfig, not from a LlamaConfig"
    ):
        derive("transformers.LlamaConfig", "hidden_size=64:128:64", model="BertModel", cache=False)
    with pytest.raises(TargetError, match="no model class 'LlamaForCausalLN'; did you mean"):
        derive(
            "transformers.LlamaConfig",
            "hidden_size=64:128:64",
            model="LlamaForCausalLN",
            cache=False,
        )
    with pytest.raises(
        UnknownNameError, match=r"hiden_size is ignored by LlamaForCausalLM.*'hidden_size'\?"
    ):
        derive("transformers.LlamaConfig", "hiden_size=64:128:64", cache=False)


@pytest.mark.torch
@needs_torch
def test_cli_progress_goes_to_a_terminal_and_json_stays_one_object(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    status, out, err = run(
        capsys,
        [
            "derive",
            "torch.nn.GRU",
            "--vary",
            "input_size=1:32,hidden_size=1:32",
            "--json",
            "--no-cache",
        ],
    )
    assert status == 0
    assert json.loads(out)["formula"] == "3*hidden_size*(input_size + hidden_size + 2)"
    stages = [line.split()[1] for line in err.splitlines()]
    assert stages == ["loading", "building", "fitted", "verifying", "factoring"]


def test_explorer_derive_is_the_function_whichever_is_imported_first() -> None:
    code = (
        "import explorer.derivation, explorer, sys;"
        "print(callable(explorer.derive), explorer.load_derived.__name__,"
        " 'torch' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "load_derived", "False"]


def test_formula_symbols_are_named_as_the_variables() -> None:
    d = _lstm_like()
    assert {s.name for s in d.formula.free_symbols} == {"m", "n"}
    assert d.formula.subs(dict.fromkeys(d.symbols, 2)) == 4 * 2 * 6
    assert d.degrees == {"m": 1, "n": 2}
    assert d.expanded == "4*m*n + 4*n**2 + 8*n"
