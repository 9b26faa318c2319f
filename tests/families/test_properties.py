"""Property tests (hypothesis): integrality, monotonicity, consistency of every path."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import explorer
from explorer.algebra import INT64_MAX
from explorer.errors import UsageError
from tests.strategies import designs, split

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _count(design: dict[str, Any]) -> explorer.Count | None:
    family, convention, sizes = split(design)
    try:
        return explorer.count(family, convention=convention, **sizes)
    except UsageError:
        return None  # a combination the family refuses (tied widths that differ ...)


@SETTINGS
@given(designs())
def test_counts_are_exact_integers_and_add_up(design: dict[str, Any]) -> None:
    c = _count(design)
    if c is None:
        return
    assert type(c.total) is int
    assert c.total > 0
    assert c.weights + c.biases == c.total
    assert sum(c.breakdown.values()) == c.total
    # a term of some of the layers only (a hybrid's attention layers) is zero where none has it
    some = {t.name for t in c.compiled.terms if t.role.extra("layers")}
    assert all(type(v) is int and (v > 0 or k in some) for k, v in c.breakdown.items())


@SETTINGS
@given(designs(per_layer=False), st.data())
def test_monotone_in_every_size(design: dict[str, Any], data: st.DataObject) -> None:
    c = _count(design)
    family, convention, sizes = split(design)
    chosen = explorer.FAMILIES[family]
    slots = {s.keyword for s in c.compiled.slots} if c is not None else set()
    sized = [  # the sizes a solver may solve for: those the count grows with
        k for k, v in sizes.items() if type(v) is int and k in slots and k in chosen.solvable
    ]
    if c is None or not sized or design.get("tied") or 0 in c.breakdown.values():
        return  # (a sublayer in none of the layers: its sizes change nothing)
    size = data.draw(st.sampled_from(sized))
    bigger = dict(sizes, **{size: sizes[size] + 1})
    try:
        grown = explorer.count(family, convention=convention, **bigger).total
    except UsageError:
        return  # e.g. a projection grown to its cells' size
    assert grown > c.total


@SETTINGS
@given(designs(per_layer=False))
def test_a_design_counted_again_is_the_same_count(design: dict[str, Any]) -> None:
    """explorer.count remembers recent requests: the second count of a design is the
    first one, and both equal the formula at the design's sizes (defaults included)."""
    c = _count(design)
    if c is None:
        return
    family, convention, sizes = split(design)
    assert explorer.count(family, convention=convention, **sizes) is c
    slow = explorer.formula(family, convention=c.convention, **c.sizes)  # type: ignore[arg-type]
    assert slow.total == c.total


@SETTINGS
@given(designs(), st.integers(min_value=1, max_value=3))
def test_vectorised_equals_scalar(design: dict[str, Any], scale: int) -> None:
    c = _count(design)
    family, convention, sizes = split(design)
    width = explorer.FAMILIES[family].width
    if c is None or isinstance(design[width], list) or design.get("tied"):
        return
    values = np.array([design[width], design[width] * scale + 1, 10**6], dtype=np.int64)
    expected = []
    for n in values.tolist():
        changed = dict(sizes, **{width: n})
        try:
            expected.append(explorer.count(family, convention=convention, **changed).total)
        except UsageError:
            return  # a width the family refuses (heads must divide d_model)
    arrays: dict[str, Any] = {width: values}
    assert c.evaluate_many(**arrays).tolist() == expected


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=10**6, max_value=10**12))
def test_overflow_is_never_silent(cells: int) -> None:
    c = explorer.formula("lstm", convention="pytorch", output=True)
    result = c.evaluate_many(input=39, cells=np.array([cells]), output=34, layers=3)
    exact = c.evaluate(input=39, cells=cells, output=34, layers=3)
    assert int(result[0]) == exact
    if exact > INT64_MAX:
        assert result.dtype == object
