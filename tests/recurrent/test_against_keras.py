"""The ``keras`` convention against real Keras 3 models.

Recorded cases (``fixtures/keras_counts.json``, written by ``fixtures/make_keras_counts.py``)
are checked always; a seeded sample of fresh models is checked where Keras is installed.
For every design: the total (``count_params()``), the split into weights and biases (a Keras
weight whose path ends in ``bias`` is a bias), and the subtotal of every group
(``embedding``, ``layer k`` with both directions of a ``Bidirectional``, ``output``).
"""

from __future__ import annotations

import functools
import json
import math
import os
import random
from pathlib import Path
from typing import Any

import pytest

import explorer
from tests.fixtures import make_keras_counts

# Before Keras is imported anywhere: its default backend (TensorFlow) is not installed here.
os.environ.setdefault("KERAS_BACKEND", "torch")

FIXTURE = Path(__file__).parents[1] / "fixtures" / "keras_counts.json"
RECORDED: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = {case["name"]: case for case in RECORDED["cases"]}
RECORDED_CASES = [pytest.param(name, id=name) for name in CASES]


def _count(kwargs: dict[str, Any]) -> explorer.Count:
    sizes = dict(kwargs)
    if sizes.get("bias") == "single":  # Keras's use_bias=True: the keras preset's own bias
        del sizes["bias"]
    return explorer.count(sizes.pop("family"), **sizes)


def _biases(layers: list[dict[str, Any]]) -> int:
    return sum(
        math.prod(shape)
        for layer in layers
        for path, shape in layer["weights"]
        if path.endswith("bias")
    )


@functools.cache
def _recorded(name: str) -> explorer.Count:
    return _count(CASES[name]["kwargs"])


def test_fixture_is_broad() -> None:
    kinds = {(c["kwargs"]["family"], c["kwargs"].get("reset_after")) for c in CASES.values()}
    assert len(CASES) >= 90
    assert kinds == {("rnn", None), ("lstm", None), ("gru", True), ("gru", False)}
    assert {c["kwargs"].get("merge") for c in CASES.values()} >= {"concat", "sum", "mul", "ave"}
    assert {c["kwargs"]["convention"] for c in CASES.values()} == {"keras"}


@pytest.mark.parametrize("name", RECORDED_CASES)
def test_total(name: str) -> None:
    assert _recorded(name).total == CASES[name]["total"]


@pytest.mark.parametrize("name", RECORDED_CASES)
def test_weights_and_biases(name: str) -> None:
    got, case = _recorded(name), CASES[name]
    biases = _biases(case["layers"])
    assert (got.weights, got.biases) == (case["total"] - biases, biases)


@pytest.mark.parametrize("name", RECORDED_CASES)
def test_subtotals(name: str) -> None:
    assert _recorded(name).subtotals == CASES[name]["subtotals"]


def test_recorded_layers_add_up() -> None:
    """The fixture is self-consistent: layer counts are their weights' sizes, and sum up."""
    for case in CASES.values():
        for layer in case["layers"]:
            assert layer["count"] == sum(math.prod(shape) for _, shape in layer["weights"])
        assert sum(case["subtotals"].values()) == case["total"]


def test_every_case_records_one_keras_version() -> None:
    assert {case["keras_version"] for case in CASES.values()} == {RECORDED["keras_version"]}


def test_fixture_cases_are_the_scripts_cases() -> None:
    scripted = {make_keras_counts.case_name(kw): kw for kw in make_keras_counts.cases()}
    assert scripted == {name: case["kwargs"] for name, case in CASES.items()}


# Live cross-check: small models, since building a Keras model costs ~0.1 s.


def _random_design(rng: random.Random) -> dict[str, Any]:
    family = rng.choice(["rnn", "lstm", "gru"])
    layers = rng.randint(1, 3)
    cells: int | list[int] = (
        [rng.randint(1, 64) for _ in range(layers)] if rng.random() < 0.3 else rng.randint(1, 64)
    )
    kwargs: dict[str, Any] = {
        "family": family,
        "convention": "keras",
        "bias": rng.choice(["single", "none"]),
        "input": rng.choice([rng.randint(1, 64), 256]),
        "cells": cells,
        "layers": layers,
        "bidirectional": rng.random() < 0.5,
    }
    if family == "gru":
        kwargs["reset_after"] = rng.random() < 0.5
    if kwargs["bidirectional"]:
        kwargs["merge"] = rng.choice(["concat", "sum", "mul", "ave"])
    if rng.random() < 0.4:
        kwargs["vocab"] = rng.randint(1, 2000)
    if rng.random() < 0.4:
        kwargs["output"] = rng.randint(1, 2000)
    return kwargs


LIVE_DESIGNS = [_random_design(random.Random(seed)) for seed in range(40)]


@pytest.mark.keras
@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param(kw, id=f"{seed}-{make_keras_counts.case_name(kw)}")
        for seed, kw in enumerate(LIVE_DESIGNS)
    ],
)
def test_live_against_keras(kwargs: dict[str, Any]) -> None:
    pytest.importorskip("keras")
    layers, subtotals, total = make_keras_counts.measure(kwargs)
    got = _count(kwargs)
    biases = _biases(layers)
    assert got.total == total
    assert (got.weights, got.biases) == (total - biases, biases)
    assert got.subtotals == subtotals


@pytest.mark.keras
def test_recorded_keras_version_is_installed_keras() -> None:
    """Informational: the fixture was written by the Keras that is installed."""
    keras = pytest.importorskip("keras")
    if keras.__version__ != RECORDED["keras_version"]:
        pytest.skip(
            f"fixture recorded with Keras {RECORDED['keras_version']}, installed "
            f"{keras.__version__}; re-run tests/fixtures/make_keras_counts.py"
        )
    # Same Keras: re-measuring a sample of cases gives the file back (the rest as the script).
    for case in list(CASES.values())[::12]:
        layers, subtotals, total = make_keras_counts.measure(case["kwargs"])
        assert (layers, subtotals, total) == (case["layers"], case["subtotals"], case["total"])


@pytest.mark.keras
def test_gru_default_is_keras_default() -> None:
    """Without ``reset_after``, the ``keras`` convention counts Keras's default GRU."""
    keras = pytest.importorskip("keras")
    default = keras.layers.GRU(4).cell.reset_after
    base = {"family": "gru", "convention": "keras", "input": 10, "cells": 20, "layers": 2}
    assert _count(base).total == _count({**base, "reset_after": default}).total
