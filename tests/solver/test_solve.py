"""The inverse solver: exact against brute force, the seed cases, modes, constraints, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import explorer
from explorer.conventions import conventions_of
from explorer.errors import (
    BudgetError,
    ConflictError,
    FormulaError,
    InvalidSizeError,
    UnknownNameError,
)
from explorer.solver import Mode, parse_budget

#: The forum question's sizes (39 features in, 34 classes out).
FORUM: dict[str, Any] = {"input": 39, "output": 34}

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONVENTIONS = tuple(conventions_of("recurrent"))


def brute_force_nearest(
    count: explorer.Count,
    free: str,
    budget: int,
    *,
    lo: int = 1,
    hi: int | None = None,
    step: int = 1,
) -> tuple[int, int]:
    """Scan every allowed integer (vectorised, exact int64) and keep the nearest, ties to
    the smaller design: independent of the solver's closed forms and search."""
    top = lo
    while count.evaluate(**{free: top}) <= budget and (hi is None or top < hi):
        top = top * 2 if hi is None else min(hi, top * 2)
    values = np.arange(lo, top + 1)
    values = values[values % step == 0]
    totals = count.evaluate_many(**{free: values})
    assert totals.dtype == np.int64
    distance = np.abs(totals - budget)
    best = int(np.argmin(distance))  # first minimum: the smaller design on ties
    return int(values[best]), int(totals[best])


@SETTINGS
@given(
    family=st.sampled_from(("rnn", "lstm", "gru")),
    convention=st.sampled_from(CONVENTIONS),
    layers=st.integers(1, 6),
    inputs=st.integers(1, 2000),
    output=st.integers(0, 2000),
    exponent=st.integers(3, 12),
    mantissa=st.floats(1.0, 9.99),
)
def test_nearest_equals_brute_force(
    family: str,
    convention: str,
    layers: int,
    inputs: int,
    output: int,
    exponent: int,
    mantissa: float,
) -> None:
    budget = int(mantissa * 10**exponent)
    fixed: dict[str, Any] = {"input": inputs, "layers": layers, "output": output}
    smallest = explorer.count(family, convention=convention, cells=1, **fixed).total
    if budget < smallest:
        with pytest.raises(BudgetError, match="is below the smallest"):
            explorer.solve(family, budget=budget, convention=convention, **fixed)
        return
    solution = explorer.solve(family, budget=budget, convention=convention, **fixed)
    template = explorer.count(family, convention=convention, cells=1, **fixed)
    value, total = brute_force_nearest(template, "cells", budget)
    assert solution.total == total
    assert solution.sizes["cells"] == value
    assert solution.relative_error == (total - budget) / budget
    assert explorer.count(family, **solution.count_kwargs()).total == solution.total


@SETTINGS
@given(
    family=st.sampled_from(("rnn", "lstm", "gru", "lstmp")),
    convention=st.sampled_from(CONVENTIONS),
    free=st.sampled_from(("cells", "layers", "input", "output", "proj", "vocab")),
    cells=st.integers(2, 3000),
    layers=st.integers(1, 8),
    inputs=st.integers(1, 3000),
    output=st.integers(1, 3000),
    bidirectional=st.booleans(),
)
def test_solving_a_count_gives_the_design_back(
    family: str,
    convention: str,
    free: str,
    cells: int,
    layers: int,
    inputs: int,
    output: int,
    bidirectional: bool,
) -> None:
    design: dict[str, Any] = {
        "input": inputs,
        "cells": cells,
        "layers": layers,
        "output": output,
        "bidirectional": bidirectional,
    }
    if family in ("lstm", "lstmp") and (family == "lstmp" or free == "proj"):
        design["proj"] = max(1, cells // 3)
    elif free == "proj":
        free = "cells"
    if free == "vocab":
        design["vocab"] = 5000
    total = explorer.count(family, convention=convention, **design).total
    fixed = {k: v for k, v in design.items() if k != free}
    solution = explorer.solve(family, budget=total, convention=convention, free=free, **fixed)
    assert solution.total == total
    assert solution.relative_error == 0
    # the design back, or a tie with the same total (never a different count)
    again = explorer.count(family, **solution.count_kwargs())
    assert again.total == total


@pytest.mark.parametrize("mode", ["under", "over", "nearest"])
@pytest.mark.parametrize("budget", [10**3, 10**6, 6_500_000, 10**9, 10**12])
def test_modes_bracket_the_budget(mode: Mode, budget: int) -> None:
    s = explorer.solve(
        "lstm", budget=budget, mode=mode, input=39, output=34, layers=1, convention="weights"
    )
    assert s.below is not None
    assert s.below.total <= budget
    if s.above is not None:
        assert s.above.total > budget
        assert s.above.value == s.below.value + 1
    expected = (
        {"under": s.below, "over": s.above or s.below}[mode]
        if mode != "nearest"
        else (
            s.below
            if s.above is None or budget - s.below.total <= s.above.total - budget
            else s.above
        )
    )
    assert (s.value, s.total) == (expected.value, expected.total)


def test_exactness_at_a_trillion() -> None:
    s = explorer.solve("lstm", budget="1T", convention="weights", input=39, output=34, layers=3)
    c = explorer.count("lstm", convention="weights", input=39, output=34, layers=3, cells=1)
    value, total = brute_force_nearest(c, "cells", 10**12, lo=s.value - 50)
    assert (s.value, s.total) == (value, total)


def test_seed_21m_three_layers() -> None:
    s = explorer.solve("lstm", budget="21M", layers=3, input=39, output=34, convention="weights")
    reference = explorer.count(
        "lstm", convention="weights", input=39, output=34, layers=3, cells=1024
    ).total
    assert abs(s.total - 21_000_000) <= abs(reference - 21_000_000)
    assert s.sizes["cells"] in (1020, 1024)


def test_seed_lstmp_projection_for_6_5m() -> None:
    s = explorer.solve(
        "lstmp", budget="6.5M", cells=1024, layers=3, input=39, output=34, convention="sak2014"
    )
    assert s.free == "proj"
    c = explorer.count(
        "lstmp", convention="sak2014", cells=1024, layers=3, input=39, output=34, proj=1
    )
    assert (s.value, s.total) == brute_force_nearest(c, "proj", 6_500_000, hi=1023)


def test_pytorch_projection_stays_below_cells() -> None:
    design: dict[str, Any] = {"cells": 256, "layers": 2, "input": 39, "output": 34}
    largest = explorer.count("lstmp", proj=255, **design).total
    s = explorer.solve("lstmp", budget=largest + 1, **design)  # within a step of the end
    assert s.sizes["proj"] == 255
    assert s.relative_error < 0
    with pytest.raises(BudgetError, match="no allowed proj reaches the budget"):
        explorer.solve("lstmp", budget=largest + 1, mode="over", **design)


@pytest.mark.parametrize(
    ("family", "request_", "match"),
    [
        pytest.param(
            "lstm",
            {"budget": "6.5M", "cells": 4, "free": "proj", "layers": 2, "input": 39, "output": 34},
            "no allowed proj reaches the budget 6,500,000: the largest, 3, gives 992 parameters; "
            "proj can go no higher in this lstm design under the pytorch convention",
            id="projection-below-four-cells",
        ),
        pytest.param(
            "lstmp",
            {"budget": "1B", "cells": 256, "layers": 2, "input": 39, "output": 34},
            "the largest, 255, gives",
            id="lstmp-projection",
        ),
        pytest.param(
            "lstm",
            {"budget": "1e30", "free": "input", "cells": 3},
            r"the largest, 1,000,000,000,000,000,000, gives .* sizes stop at 10\*\*18",
            id="sizes-stop",
        ),
    ],
)
def test_unreachable_budget_is_refused_not_answered_far_off(
    family: str, request_: dict[str, Any], match: str
) -> None:
    with pytest.raises(BudgetError, match=match):
        explorer.solve(family, **request_)


def test_unreachable_budget_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    from explorer.cli import main

    argv = ["solve", "--budget", "6.5M", "--cells", "4", "--free", "proj", "--layers", "2"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: no allowed proj reaches the budget 6,500,000")


def test_multiple_of_and_bounds() -> None:
    s = explorer.solve("lstm", **FORUM, budget="6.5M", layers=3, multiple_of=8)
    assert s.value % 8 == 0
    c = explorer.count("lstm", input=39, output=34, layers=3, cells=8)
    assert (s.value, s.total) == brute_force_nearest(c, "cells", 6_500_000, step=8)
    bounded = explorer.solve("lstm", **FORUM, budget="6.5M", layers=3, maximum=300)
    assert bounded.value == 300
    assert bounded.above is None
    with pytest.raises(BudgetError, match="no multiple of 1000 lies between 1 and 500"):
        explorer.solve("lstm", **FORUM, budget="6.5M", layers=3, multiple_of=1000, maximum=500)
    with pytest.raises(BudgetError, match="minimum 9 is above maximum 3"):
        explorer.solve("lstm", **FORUM, budget="6.5M", layers=3, minimum=9, maximum=3)


def test_tie_follows_the_free_size() -> None:
    s = explorer.solve("lstm", **FORUM, budget="6.5M", layers=3, ties={"proj": "cells/4"})
    assert s.sizes["proj"] == s.sizes["cells"] // 4
    totals = {
        n: explorer.count("lstm", input=39, output=34, layers=3, cells=n, proj=n // 4).total
        for n in range(max(4, s.value - 30), s.value + 30)
    }
    best = min(totals, key=lambda n: (abs(totals[n] - 6_500_000), n))
    assert (s.value, s.total) == (best, totals[best])


def test_free_layers_is_linear() -> None:
    s = explorer.solve("lstm", **FORUM, budget="6.5M", free="layers", cells=512)
    assert s.method.startswith("closed form (linear")
    assert s.sizes["layers"] == 4


def test_enumerated_choices_are_ranked() -> None:
    s = explorer.solve(["lstm", "gru"], **FORUM, budget="6.5M", layers=range(1, 5))
    assert len(s.alternatives) == 8
    errors = [abs(a.total - a.budget) for a in s.alternatives]
    assert errors == sorted(errors)
    assert s.alternatives[0] == s.__class__(
        **{
            **{
                f: getattr(s, f)
                for f in (
                    "family",
                    "convention",
                    "overrides",
                    "free",
                    "sizes",
                    "total",
                    "budget",
                    "relative_error",
                    "mode",
                    "below",
                    "above",
                    "method",
                    "evaluations",
                    "assumptions",
                )
            }
        }
    )


def test_the_library_assumes_no_forum_sizes() -> None:
    with pytest.raises(InvalidSizeError, match="to solve for cells, give input: input=N"):
        explorer.solve("lstm", budget=6.5e6, layers=3)
    s = explorer.solve("lstm", budget=6.5e6, layers=3, input=39)
    c = explorer.count("lstm", input=39, layers=3, cells=1)
    assert s.sizes == {"input": 39, "cells": s.value, "layers": 3}
    assert (s.value, s.total) == brute_force_nearest(c, "cells", 6_500_000)
    assert s.assumptions == ()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        pytest.param(
            {"budget": 100, "layers": 3, "output": 34},
            BudgetError,
            "budget 100 is below the smallest 3-layer LSTM with input 39 and output 34: "
            "268 parameters under the pytorch convention",
            id="below-smallest",
        ),
        pytest.param(
            {"budget": "6.5M", "cells": 10, "layers": 2},
            ConflictError,
            "nothing to solve for",
            id="no-free-size",
        ),
        pytest.param(
            {"budget": "6.5M", "free": "cels"},
            UnknownNameError,
            "did you mean 'cells'",
            id="unknown-free",
        ),
        pytest.param(
            {"budget": "6.5M", "free": "cells", "cells": 3},
            ConflictError,
            "both given",
            id="free-and-given",
        ),
        pytest.param({"budget": "6.5M", "mode": "closest"}, UnknownNameError, "mode", id="mode"),
        pytest.param(
            {"budget": "6.5M", "multiple_of": 0},
            Exception,
            "multiple_of must be a positive integer",
            id="multiple-of",
        ),
        pytest.param(
            {"budget": "6.5M", "ties": {"proj": "cells.__class__"}},
            FormulaError,
            "attribute access",
            id="hostile-tie",
        ),
        pytest.param(
            {"budget": "6.5M", "ties": {"proj": "output/2"}, "output": 0},
            BudgetError,
            "stays below 1 for every allowed cells",
            id="tie-never-positive",
        ),
        pytest.param(
            {"budget": "6.5M", "vocab": 100, "tied": True, "free": "output"},
            ConflictError,
            "cannot solve for output",
            id="free-size-absent",
        ),
        pytest.param({"budget": "-3"}, BudgetError, "budget must be positive", id="negative"),
    ],
)
def test_impossible_requests(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        explorer.solve("lstm", input=39, **kwargs)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("6500000", 6_500_000),
        ("6.5e6", 6_500_000),
        ("6.5M", 6_500_000),
        ("21M", 21_000_000),
        ("1.3B", 1_300_000_000),
        ("350k", 350_000),
        ("1_000", 1000),
        (6.5e6, 6_500_000),
        ("2T", 2 * 10**12),
        ("1.000000001B", 1_000_000_001),
    ],
)
def test_budget_syntax(text: object, value: int) -> None:
    assert parse_budget(text) == value


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("abc", "is not a number"),
        ("1.5", "whole number"),
        ("0", "positive"),
        ("nan", "finite"),
        (True, "number of parameters"),
        ("6.5X", "is not a number"),
    ],
)
def test_bad_budgets(text: object, match: str) -> None:
    with pytest.raises(BudgetError, match=match):
        parse_budget(text)


def test_tie_capped_by_a_maximum_below_the_budget() -> None:
    s = explorer.solve(
        "lstmp", **FORUM, budget=6.5e6, ties={"proj": "cells/4"}, maximum=600, layers=1
    )
    assert s.sizes["cells"] == 600
    assert s.sizes["proj"] == 150
    assert s.above is None
    with pytest.raises(BudgetError, match="no allowed cells reaches the budget"):
        explorer.solve(
            "lstmp",
            **FORUM,
            budget=6.5e6,
            ties={"proj": "cells/4"},
            maximum=600,
            layers=1,
            mode="over",
        )


def test_a_size_of_one_is_not_a_symbolic_part_to_the_template_cache() -> None:
    """True (present, its size a symbol) equals 1 and hashes alike: a template with the
    projection free must not answer a design whose projection is 1, nor the reverse."""
    design: dict[str, Any] = {"input": 1, "cells": 2, "layers": 1, "convention": "weights"}
    free_proj = explorer.solve("lstmp", budget=40, free="proj", output=1, **design)
    total = explorer.count("lstmp", output=1, proj=1, **design).total
    solved = explorer.solve("lstmp", budget=total, free="output", proj=1, **design)
    assert solved.sizes["output"] == 1
    assert free_proj.free == "proj"
