"""Bad input to the API: one clear error of the hierarchy, with the rule and the fix."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import explorer
from explorer.errors import (
    ConflictError,
    CountOverflowError,
    ExplorerError,
    InvalidSizeError,
    UnboundSizeError,
    UnknownNameError,
)

BASE = {"input": 39, "cells": 64}


@pytest.mark.parametrize(
    ("family", "convention", "sizes", "error", "match"),
    [
        pytest.param(
            "lstpm", "pytorch", BASE, UnknownNameError, "did you mean 'lstmp'", id="family"
        ),
        pytest.param(
            "lstm", "pytroch", BASE, UnknownNameError, "did you mean 'pytorch'", id="convention"
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "cels": 3},
            UnknownNameError,
            "did you mean 'cells'",
            id="size-keyword",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "bias": "duble"},
            UnknownNameError,
            "did you mean 'double'",
            id="bias",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "cells": -3},
            InvalidSizeError,
            "cells must be a positive integer, got -3",
            id="negative",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "cells": 0},
            InvalidSizeError,
            "positive integer, got 0",
            id="zero-cells",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "cells": 3.5},
            InvalidSizeError,
            "positive integer, got 3.5",
            id="float",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "cells": "64"},
            InvalidSizeError,
            "positive integer, got '64'",
            id="string",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "layers": True},
            InvalidSizeError,
            "layers must be a positive integer, got True",
            id="bool-layers",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "output": -1},
            InvalidSizeError,
            "non-negative integer",
            id="negative-output",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {"cells": 64},
            InvalidSizeError,
            "input is required",
            id="missing-input",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "cells": [64, 32], "layers": 3},
            InvalidSizeError,
            "cells lists 2 sizes but layers is 3",
            id="list-length",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "cells": []},
            InvalidSizeError,
            "empty list",
            id="empty-list",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "proj": 64},
            InvalidSizeError,
            r"proj \(64\) must be smaller than cells \(64\)",
            id="proj-not-smaller",
        ),
        pytest.param(
            "lstmp",
            "pytorch",
            BASE,
            ConflictError,
            "needs a recurrent projection",
            id="lstmp-without-proj",
        ),
        pytest.param(
            "gru",
            "pytorch",
            {**BASE, "proj": 8},
            ConflictError,
            "projections apply to lstm",
            id="gru-proj",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "nonrec_proj": 8},
            ConflictError,
            "nonrec_proj needs proj",
            id="nonrec-alone",
        ),
        pytest.param(
            "gru",
            "pytorch",
            {**BASE, "peepholes": True},
            ConflictError,
            "peepholes apply to LSTM",
            id="gru-peepholes",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "reset_after": True},
            ConflictError,
            "reset_after applies to gru",
            id="lstm-reset-after",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "merge": "sum"},
            ConflictError,
            "needs bidirectional",
            id="merge-without-bidirectional",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "bidirectional": True, "merge": "avg"},
            UnknownNameError,
            "did you mean 'ave'",
            id="merge-name",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "tied": True},
            ConflictError,
            "tied needs a vocabulary",
            id="tied-without-vocab",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "tied": True, "vocab": 100, "output": 50},
            ConflictError,
            "output == vocab",
            id="tied-output-differs",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "tied": True, "vocab": 100},
            ConflictError,
            r"width feeding the output layer \(64\) to equal the embedding size",
            id="tied-width",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "peepholes": "yes"},
            ExplorerError,
            "peepholes must be true or false",
            id="flag-type",
        ),
        pytest.param(
            "lstm",
            "pytorch",
            {**BASE, "output": True},
            InvalidSizeError,
            "output needs a number",
            id="symbolic-in-count",
        ),
    ],
)
def test_bad_requests_are_refused(
    family: str, convention: str, sizes: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        explorer.count(family, convention=convention, **sizes)


def test_errors_are_value_errors_of_one_hierarchy() -> None:
    with pytest.raises(ValueError, match="unknown family"):
        explorer.count("perceiver", input=3, cells=4)
    assert issubclass(UnknownNameError, ExplorerError)


def test_free_sizes_have_no_number() -> None:
    c = explorer.formula("lstm", convention="weights")
    with pytest.raises(UnboundSizeError, match="free sizes n_i, n_c, L"):
        _ = c.total
    with pytest.raises(UnboundSizeError, match="give layers"):
        c.evaluate(input=3, cells=4)


def test_evaluate_many_refuses_bad_arrays() -> None:
    c = explorer.count("lstm", input=3, cells=4)
    with pytest.raises(InvalidSizeError, match="integer array"):
        c.evaluate_many(cells=np.array([1.5]))
    with pytest.raises(InvalidSizeError, match="must be positive, got 0"):
        c.evaluate_many(cells=np.array([0, 1]))
    with pytest.raises(InvalidSizeError, match="not a size of this count"):
        c.evaluate_many(output=np.array([1]))
    with pytest.raises(CountOverflowError, match="exceed int64"):
        c.evaluate_many(cells=np.array([2**40]), overflow="raise")


@pytest.mark.parametrize(
    ("sizes", "biases"),
    [
        pytest.param({"convention": "keras"}, 2 * 3 * 64, id="keras-reset-after-two-vectors"),
        pytest.param(
            {"convention": "keras", "bias": "single", "reset_after": False},
            3 * 64,
            id="one-vector-original-form",
        ),
        pytest.param({"convention": "weights", "bias": "single"}, 3 * 64, id="weights-single"),
        pytest.param({"convention": "keras", "bias": "double"}, 2 * 3 * 64, id="double"),
    ],
)
def test_gru_bias_flags_are_honoured(sizes: dict[str, Any], biases: int) -> None:
    assert explorer.count("gru", input=39, cells=64, **sizes).biases == biases


@pytest.mark.parametrize(
    "sizes",
    [
        pytest.param({"convention": "keras", "bias": "single"}, id="keras"),
        pytest.param({"convention": "pytorch", "bias": "single"}, id="pytorch"),
        pytest.param({"convention": "weights", "bias": "single", "reset_after": True}, id="both"),
    ],
)
def test_gru_explicit_single_bias_with_reset_after_is_refused(sizes: dict[str, Any]) -> None:
    with pytest.raises(ConflictError, match=r"bias='single' asks for one bias vector.*reset_after"):
        explorer.count("gru", input=39, cells=64, **sizes)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        pytest.param(10**18 + 1, r"at most 10\*\*18", id="above"),
        pytest.param(10**5000, "got a number of 5,001 digits", id="unprintable"),
        pytest.param(-(10**5000), "got a number of 5,001 digits", id="negative-unprintable"),
        pytest.param("x" * 100_000, r"\(100,000 characters\)", id="long-text"),
        pytest.param(dict.fromkeys(range(10**5)), r"\.\.\. \([0-9,]+ characters\)", id="long-dict"),
    ],
)
def test_sizes_are_bounded_and_echoed_short(value: object, match: str) -> None:
    with pytest.raises(InvalidSizeError, match=match) as caught:
        explorer.count("lstm", input=39, cells=value, layers=1)
    assert len(str(caught.value)) < 200


def test_unknown_names_are_echoed_short() -> None:
    with pytest.raises(UnknownNameError, match=r"\(100,000 characters\); known:") as caught:
        explorer.count("x" * 100_000, input=3, cells=4)
    assert "x" * 61 not in str(caught.value)


@pytest.mark.parametrize(
    ("budget", "match"),
    [
        pytest.param("1e1000000", r"at most 10\*\*30", id="decimal-overflow"),
        pytest.param("1e31", r"at most 10\*\*30", id="above"),
        pytest.param(10**5000, "got a number of 5,001 digits", id="huge-int"),
        pytest.param("9" * 5000, "too long to be a budget", id="long-text"),
        pytest.param("1.0000000000000000000000000000000000001M", "whole number", id="precise"),
    ],
)
def test_budgets_are_bounded_at_the_door(budget: object, match: str) -> None:
    from explorer.errors import BudgetError
    from explorer.solver import parse_budget

    with pytest.raises(BudgetError, match=match):
        parse_budget(budget)
