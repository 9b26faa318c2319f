"""The front door's lanes: a request counted from a remembered structure must be the
request parsed afresh, whatever its keywords' order, values or depth."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import explorer
from explorer import _api
from explorer.errors import ExplorerError
from explorer.families import FAMILIES, Lane
from explorer.sizes import MAX_SIZE

RECURRENT = ("rnn", "lstm", "gru", "lstmp")
PRESETS = (None, "pytorch", "weights", "keras", "sak2014", "graves2013")
OPTIONAL = ("layers", "output", "proj", "nonrec_proj", "vocab")
# Mostly sizes a lane takes, some it must turn away (zero, a bool, a float, too big).
SIZE = st.one_of(
    st.integers(min_value=1, max_value=4096),
    st.sampled_from([1, 2, MAX_SIZE, MAX_SIZE + 1, 0, -3, True, 2.0]),
)


def _outcome(family: str, convention: str | None, sizes: dict[str, Any]) -> tuple[Any, ...]:
    """A request's answer through the front door: its total, values and structure, or
    its error's type and message."""
    try:
        counted = explorer.count(family, convention=convention, **sizes)
    except ExplorerError as error:
        return type(error), str(error)
    return counted.total, counted.values, counted.structure, counted.convention.name


def _parsed(family: str, convention: str | None, sizes: dict[str, Any]) -> tuple[Any, ...]:
    """The same request parsed afresh, nothing remembered."""
    try:
        counted = _api._count(family, convention, dict(sizes), symbolic=False)
    except ExplorerError as error:
        return type(error), str(error)
    return counted.total, counted.values, counted.structure, counted.convention.name


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str | None, dict[str, Any]]:
    """A recurrent request: input and cells, some optional sizes, in any order."""
    family = draw(st.sampled_from(RECURRENT))
    convention = draw(st.sampled_from(PRESETS))
    keys = ["input", "cells", *draw(st.lists(st.sampled_from(OPTIONAL), unique=True))]
    keys = draw(st.permutations(keys))
    sizes = {key: draw(SIZE) for key in keys}
    if "layers" in sizes and type(sizes["layers"]) is int and sizes["layers"] > 6:
        sizes["layers"] = draw(st.integers(min_value=1, max_value=6))  # structures stay small
    return family, convention, sizes


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests(), st.integers(min_value=1, max_value=4096))
def test_a_lane_counts_what_a_parse_counts(
    request: tuple[str, str | None, dict[str, Any]], other_cells: int
) -> None:
    family, convention, sizes = request
    outcome = _outcome(family, convention, sizes)
    assert outcome == _parsed(family, convention, sizes)
    lane = _api._LANES_BY_KEYS.get((family, convention, tuple(sizes)))
    plain = all(type(v) is int and 0 < v <= MAX_SIZE for v in sizes.values())
    if lane is not None and plain and type(outcome[0]) is int:
        # the lane took it: its slots are where the parse puts the values
        assert isinstance(lane[4][sizes.get("layers", 1)], dict)
    # a second design of the lane at the same depth is served from what the first left
    again = {**sizes, "cells": other_cells}
    assert _outcome(family, convention, again) == _parsed(family, convention, again)


def test_the_common_request_takes_its_lane() -> None:
    """Counted twice at one depth, the second count is made from the lane's fields."""
    _api.forget_remembered()
    first = explorer.count("lstm", convention="pytorch", input=39, cells=64, layers=3, output=34)
    lane = _api._LANES[("lstm", "pytorch", 4)]
    assert lane is not False
    assert set(lane[4]) == {3}  # the depth seen
    second = explorer.count("lstm", convention="pytorch", input=40, cells=65, layers=3, output=9)
    assert second.structure is first.structure
    sizes = {"input": 40, "cells": 65, "layers": 3, "output": 9}
    assert second.total == _parsed("lstm", "pytorch", sizes)[0]


def test_keywords_as_many_but_other_ones_find_their_own_lane() -> None:
    _api.forget_remembered()
    for sizes in (
        {"input": 39, "cells": 64, "proj": 16},
        {"input": 39, "cells": 64, "layers": 2},  # as many keywords, no projection
        {"input": 39, "cells": 64, "proj": 16},
        {"input": 39, "proj": 16, "cells": 65},  # the same keywords in another order
    ):
        assert _outcome("lstmp", None, sizes) == _parsed("lstmp", None, sizes)


def test_a_projection_not_below_its_cells_is_explained() -> None:
    explorer.count("lstmp", convention="pytorch", input=39, cells=64, proj=16)
    with pytest.raises(ExplorerError, match="proj"):
        explorer.count("lstmp", convention="pytorch", input=39, cells=64, proj=64)


def test_compute_keywords_are_not_sizes() -> None:
    plain = explorer.count("lstm", input=39, cells=64, layers=2)
    timed = explorer.count("lstm", input=39, cells=64, layers=2, seq=10)
    assert timed.total == plain.total
    assert timed.flops == 1182720
    assert plain.extents == ()


def test_a_family_registered_again_is_not_served_from_memory() -> None:
    """The lanes remember families by name: registering one under that name forgets."""
    original = FAMILIES["gru"]
    explorer.count("gru", input=39, cells=64, layers=2)
    explorer.count("gru", input=39, cells=65, layers=2)
    try:
        FAMILIES["gru"] = FAMILIES["rnn"]
        assert explorer.count("gru", input=39, cells=64, layers=2).total == (
            explorer.count("rnn", input=39, cells=64, layers=2).total
        )
    finally:
        FAMILIES["gru"] = original
    assert explorer.count("gru", input=39, cells=64, layers=2).family is original


def test_the_signature_is_the_contracts() -> None:
    """``count(family, *, convention=..., **sizes)``: each keyword parameter more would
    cost every call a scan of the keywords."""
    parameters = inspect.signature(explorer.count).parameters
    assert list(parameters) == ["family", "convention", "sizes"]


def test_a_lane_declares_where_values_go() -> None:
    lane = FAMILIES["lstmp"].lane(
        ("layers", "proj", "cells", "input"), explorer.CONVENTIONS["pytorch"]
    )
    assert lane == Lane(slots=(3, 2, 1), depth=0, below=((1, 2),))
    pytorch = explorer.CONVENTIONS["pytorch"]
    assert FAMILIES["lstm"].lane(("input", "cells", "bidirectional"), pytorch) is None
    assert FAMILIES["lstm"].lane(("input", "hidden_size"), pytorch) is None  # an alias
    llama = FAMILIES["llama"]
    assert llama.lane(("d_model", "layers"), explorer.CONVENTIONS[llama.default_convention]) is None
