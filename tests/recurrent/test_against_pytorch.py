"""The ``pytorch`` convention, term by term, against real ``torch.nn`` modules.

Two sources of truth:
- recorded: ``fixtures/torch_counts.json`` (written by ``fixtures/make_torch_counts.py``),
  checked always, torch or not;
- live: freshly built meta-device modules for seeded random designs, where torch is installed.

For every design: the total, the term names in ``named_parameters()`` order, each term's
count and shape, and ``weights + biases == total`` with the biases being exactly the
parameters torch names ``bias*``.
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import explorer
from tests.fixtures import make_torch_counts

FIXTURE = Path(__file__).parents[1] / "fixtures" / "torch_counts.json"
RECORDED: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = {case["name"]: case for case in RECORDED["cases"]}
RECORDED_CASES = [pytest.param(name, id=name) for name in CASES]


@dataclass(frozen=True)
class Truth:
    """What torch holds for one design: names in order, counts, shapes, totals."""

    names: list[str]
    counts: dict[str, int]
    shapes: dict[str, tuple[int, ...]]
    total: int
    biases: int

    @classmethod
    def of(cls, parameters: list[list[Any]], total: int) -> Truth:
        """From ``[name, shape, numel]`` rows and the total of unique parameters."""
        return cls(
            names=[name for name, _, _ in parameters],
            counts={name: numel for name, _, numel in parameters},
            shapes={name: tuple(shape) for name, shape, _ in parameters},
            total=total,
            biases=sum(n for name, _, n in parameters if _is_bias(name)),
        )


def _is_bias(name: str) -> bool:
    """``bias_ih_l0``, ``output.bias``: torch names every bias vector ``bias*``."""
    return name.rsplit(".", 1)[-1].startswith("bias")


def _count(kwargs: dict[str, Any]) -> explorer.Count:
    sizes = dict(kwargs)
    return explorer.count(sizes.pop("family"), **sizes)


@functools.cache
def _recorded(name: str) -> tuple[explorer.Count, Truth]:
    case = CASES[name]
    return _count(case["kwargs"]), Truth.of(case["parameters"], case["total"])


def _assert_matches(got: explorer.Count, truth: Truth) -> None:
    assert list(got.breakdown) == truth.names
    assert got.breakdown == truth.counts
    assert got.shapes == truth.shapes
    assert got.total == truth.total
    assert (got.weights, got.biases) == (truth.total - truth.biases, truth.biases)


# Recorded cases -------------------------------------------------------------------------


def test_fixture_is_broad() -> None:
    families = {case["kwargs"]["family"] for case in CASES.values()}
    assert len(CASES) >= 300
    assert families >= {"rnn", "lstm", "lstmp", "gru"}
    assert any(case["kwargs"].get("tied") for case in CASES.values())
    assert any(isinstance(case["kwargs"]["cells"], list) for case in CASES.values())
    assert {case["kwargs"]["layers"] for case in CASES.values()} >= {1, 2, 3, 4, 5}


@pytest.mark.parametrize("name", RECORDED_CASES)
def test_total(name: str) -> None:
    got, truth = _recorded(name)
    assert got.total == truth.total


@pytest.mark.parametrize("name", RECORDED_CASES)
def test_names_in_torch_order(name: str) -> None:
    got, truth = _recorded(name)
    assert list(got.breakdown) == truth.names


@pytest.mark.parametrize("name", RECORDED_CASES)
def test_each_term_count(name: str) -> None:
    got, truth = _recorded(name)
    assert got.breakdown == truth.counts


@pytest.mark.parametrize("name", RECORDED_CASES)
def test_each_term_shape(name: str) -> None:
    got, truth = _recorded(name)
    assert got.shapes == truth.shapes


@pytest.mark.parametrize("name", RECORDED_CASES)
def test_weights_and_biases(name: str) -> None:
    got, truth = _recorded(name)
    assert got.weights + got.biases == truth.total
    assert got.biases == truth.biases


def test_every_case_records_one_torch_version() -> None:
    assert {case["torch_version"] for case in CASES.values()} == {RECORDED["torch_version"]}


def test_fixture_cases_are_the_scripts_cases() -> None:
    """The file is what the script would write now (short of re-measuring)."""
    scripted = {make_torch_counts.case_name(kw): kw for kw in make_torch_counts.cases()}
    assert scripted == {name: case["kwargs"] for name, case in CASES.items()}


# Live cross-check -----------------------------------------------------------------------


def _size(rng: random.Random) -> int:
    band = rng.random()
    if band < 0.45:
        return rng.randint(1, 16)
    if band < 0.9:
        return rng.randint(17, 300)
    return rng.choice([512, 1000, 1024, 2048, 4096])


def _random_design(rng: random.Random) -> dict[str, Any]:
    family = rng.choice(["rnn", "lstm", "lstmp", "gru"])
    layers = rng.randint(1, 5)
    per_layer = rng.random() < 0.25
    cells: int | list[int] = [_size(rng) for _ in range(layers)] if per_layer else _size(rng)
    smallest = min(cells) if isinstance(cells, list) else cells
    proj = 0
    if family == "lstmp" or (family == "lstm" and rng.random() < 0.4):
        if smallest < 2:  # torch needs 0 < proj_size < hidden_size
            cells = [max(2, c) for c in cells] if isinstance(cells, list) else 2
            smallest = 2
        proj = rng.randint(1, smallest - 1)
    bidirectional = rng.random() < 0.5
    width = (proj or (cells[-1] if isinstance(cells, list) else cells)) * (1 + bidirectional)
    kwargs: dict[str, Any] = {
        "family": family,
        "convention": "pytorch",
        "bias": rng.choice(["double", "none"]),
        "input": _size(rng),
        "cells": cells,
        "layers": layers,
        "bidirectional": bidirectional,
    }
    if proj:
        kwargs["proj"] = proj
    if rng.random() < 0.3:
        kwargs["vocab"] = rng.randint(1, 5000)
    if rng.random() < 0.3:
        kwargs["output"] = rng.randint(1, 5000)
    if "vocab" in kwargs and rng.random() < 0.5:  # tied: same matrix, so same shape
        kwargs.update(input=width, output=kwargs["vocab"], tied=True)
    return kwargs


LIVE_DESIGNS = [_random_design(random.Random(seed)) for seed in range(200)]


@pytest.mark.torch
@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param(kw, id=f"{seed}-{make_torch_counts.case_name(kw)}")
        for seed, kw in enumerate(LIVE_DESIGNS)
    ],
)
def test_live_against_torch(kwargs: dict[str, Any]) -> None:
    pytest.importorskip("torch")
    parameters, total = make_torch_counts.measure(kwargs)
    _assert_matches(_count(kwargs), Truth.of(parameters, total))


@pytest.mark.torch
def test_recorded_torch_version_is_installed_torch() -> None:
    """Informational: the fixture was written by the torch that is installed."""
    torch = pytest.importorskip("torch")
    if str(torch.__version__) != RECORDED["torch_version"]:
        pytest.skip(
            f"fixture recorded with torch {RECORDED['torch_version']}, installed "
            f"{torch.__version__}; re-run tests/fixtures/make_torch_counts.py"
        )
    # Same torch: re-measuring every case must give the file back, byte for byte in value.
    assert make_torch_counts.record() == RECORDED
