"""Many designs at once: evaluate_many in blocks, in place, every block checked."""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import explorer
from explorer.algebra._codegen import _looping, array_function, scalar_functions
from explorer.algebra._poly import Polynomial
from explorer.algebra._vector import BLOCK
from explorer.errors import CountOverflowError, InvalidSizeError

LSTM = explorer.formula("lstm", convention="pytorch", output=True)


def _exact(c: explorer.Count, **sizes: Any) -> list[int]:
    """The totals one design at a time, exact Python ints."""
    shape = np.broadcast_shapes(*(np.shape(v) for v in sizes.values()))
    arrays = {k: np.broadcast_to(np.asarray(v), shape).reshape(-1) for k, v in sizes.items()}
    size = int(np.prod(shape))
    return [c.evaluate(**{k: int(a[i]) for k, a in arrays.items()}) for i in range(size)]


@pytest.mark.parametrize(
    ("family", "convention"),
    [
        pytest.param("lstm", "graves2013", id="lstm-graves2013"),
        pytest.param("lstm", "pytorch", id="lstm-pytorch"),
        pytest.param("gru", "keras", id="gru-keras"),
        pytest.param("rnn", "weights", id="rnn-weights"),
    ],
)
def test_blocks_agree_with_single_designs(family: str, convention: str) -> None:
    rng = np.random.default_rng(7)
    n = 2 * BLOCK + 123  # three blocks, the last one short
    sizes: dict[str, Any] = {
        "input": rng.integers(1, 500, n),
        "cells": rng.integers(1, 3000, n),
        "layers": rng.integers(1, 9, n),
        "output": rng.integers(1, 500, n),
    }
    c = explorer.formula(family, convention=convention, output=True)
    got = c.evaluate_many(**sizes)
    picks = [0, BLOCK - 1, BLOCK, 2 * BLOCK, n - 1, *rng.integers(0, n, 20).tolist()]
    for k in picks:
        assert int(got[k]) == c.evaluate(**{name: int(a[k]) for name, a in sizes.items()})


@pytest.mark.parametrize(
    "sizes",
    [
        pytest.param(
            {"input": 39, "cells": np.arange(1, 6).reshape(-1, 1), "layers": np.arange(1, 4)},
            id="broadcast",
        ),
        pytest.param(
            {
                "input": np.array([39, 40], dtype=np.int32),
                "cells": np.array([7, 9], dtype=np.uint16),
                "layers": np.array([2], dtype=np.uint8),
            },
            id="narrow-dtypes",
        ),
        pytest.param(
            {"input": 3, "cells": np.arange(1, 13).reshape(3, 4).T, "layers": 2},
            id="strided",
        ),
        pytest.param({"input": 3, "cells": np.array([[5]]), "layers": 2}, id="one-design"),
    ],
)
def test_shapes_strides_and_dtypes(sizes: dict[str, Any]) -> None:
    got = LSTM.evaluate_many(output=34, **sizes)
    assert got.dtype == np.int64
    assert got.reshape(-1).tolist() == _exact(LSTM, output=34, **sizes)


def test_a_bad_size_in_a_late_block_is_refused() -> None:
    cells = np.full(3 * BLOCK, 8)
    cells[2 * BLOCK + 3] = 0
    with pytest.raises(InvalidSizeError, match="cells must be positive, got 0"):
        LSTM.evaluate_many(input=3, cells=cells, layers=2, output=4)


def test_overflow_in_a_late_block_is_exact_or_refused() -> None:
    cells = np.full(2 * BLOCK + 5, 8)
    cells[-1] = 2**40
    exact = LSTM.evaluate_many(input=3, cells=cells, layers=2, output=4)
    assert exact.dtype == object
    assert exact[-1] == LSTM.evaluate(input=3, cells=2**40, layers=2, output=4)
    assert exact[0] == LSTM.evaluate(input=3, cells=8, layers=2, output=4)
    with pytest.raises(CountOverflowError, match="exceed int64"):
        LSTM.evaluate_many(input=3, cells=cells, layers=2, output=4, overflow="raise")


def test_extra_memory_is_the_result_and_a_few_blocks() -> None:
    n = 1_000_000
    rng = np.random.default_rng(3)
    sizes: dict[str, Any] = {
        k: rng.integers(1, 1000, n) for k in ("input", "cells", "layers", "output")
    }
    LSTM.evaluate_many(**sizes)  # code generated before measuring
    tracemalloc.start()
    try:
        result = LSTM.evaluate_many(**sizes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= result.nbytes + 16 * BLOCK * 8


_MONOMIALS = st.dictionaries(
    st.lists(st.integers(0, 3), min_size=3, max_size=3).map(
        lambda powers: tuple((slot, p) for slot, p in enumerate(powers) if p)
    ),
    st.integers(-50, 50),
    max_size=12,
)


@settings(max_examples=120, deadline=None)
@given(_MONOMIALS, st.integers(0, 2**32 - 1))
def test_generated_code_equals_the_polynomial(coefficients: dict[Any, int], seed: int) -> None:
    poly = Polynomial.of(coefficients)
    rng = np.random.default_rng(seed)
    first, third = rng.integers(1, 60, 17), rng.integers(1, 60, 17)
    values: list[Any] = [first, 7, third]
    plan = array_function(poly, 3)
    out = np.empty(17, dtype=np.int64)
    plan.function(out, [np.empty(17, dtype=np.int64) for _ in range(plan.temporaries)], *values)
    scalar = scalar_functions([poly], 3)[0]
    for k in range(17):
        point = [int(first[k]), 7, int(third[k])]
        assert int(out[k]) == poly.evaluate(point) == scalar(*point)


def test_large_polynomials_need_no_deep_code() -> None:
    """Thousands of monomials: flat statements or a loop, never a nested expression."""
    poly = Polynomial.of({((k, 1), (k + 1, 1)): k + 1 for k in range(5000)})
    values = list(range(1, 5002))
    for function in scalar_functions([poly], 5001):
        assert function(*values) == sum((k + 1) * (k + 1) * (k + 2) for k in range(5000))
    small = Polynomial(poly.monomials[:1500])
    assert scalar_functions([small], 5001)[0](*values) == small.evaluate(values)


@settings(max_examples=120, deadline=None)
@given(_MONOMIALS, st.integers(0, 2**32 - 1))
def test_looping_evaluation_equals_the_polynomial(coefficients: dict[Any, int], seed: int) -> None:
    """Past the code generator's limit, the flat evaluation: on ints and on object arrays."""
    poly = Polynomial.of(coefficients)
    rng = np.random.default_rng(seed)
    first = [int(v) for v in rng.integers(1, 2**40, 5)]
    looping = _looping(poly)
    for k in range(5):
        point = [first[k], 7, 3 + k]
        assert looping(*point) == poly.evaluate(point)
    column = np.array(first, dtype=object)
    at_once = np.broadcast_to(looping(column, 7, 3), (5,))  # a constant stays a number
    assert list(at_once) == [poly.evaluate([v, 7, 3]) for v in first]
