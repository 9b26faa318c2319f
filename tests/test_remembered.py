"""A count remembered by ``explorer.count``: a design counted again, or again but for a
plain size (:attr:`Family.plain_sizes`), is not parsed again, and gives exactly what a
fresh parse gives; anything a fresh parse refuses is still refused."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import explorer
from explorer import _api
from explorer.errors import ExplorerError

_WITH_PLAIN = sorted(name for name, f in explorer.FAMILIES.items() if f.plain_sizes)


def _fresh(family: str, sizes: dict[str, Any]) -> explorer.Count | type[Exception]:
    """The count parsed afresh (nothing remembered), or the error it raises."""
    try:
        return _api._count(family, None, sizes, symbolic=False)
    except ExplorerError as error:
        return type(error)


def _remembered(family: str, sizes: dict[str, Any]) -> explorer.Count | type[Exception]:
    try:
        return explorer.count(family, **sizes)
    except ExplorerError as error:
        return type(error)


def _same(a: explorer.Count | type[Exception], b: explorer.Count | type[Exception]) -> None:
    if isinstance(a, type) or isinstance(b, type):
        assert a == b
        return
    assert a.structure == b.structure
    assert a.values == b.values
    assert a.total == b.total
    assert a.breakdown == b.breakdown


def test_every_transformer_family_declares_plain_sizes() -> None:
    transformers = {n for n, f in explorer.FAMILIES.items() if f.kind == "transformer"}
    assert transformers
    assert transformers <= set(_WITH_PLAIN)
    for name in _WITH_PLAIN:  # a size the family does not have is refused when given
        assert {"layers", "vocab"} <= explorer.FAMILIES[name].plain_sizes, name


@settings(max_examples=300, deadline=None)
@given(
    family=st.sampled_from(_WITH_PLAIN),
    data=st.data(),
    value=st.one_of(
        st.integers(min_value=1, max_value=10**6),
        st.sampled_from([0, -1, 2**80, True, 2.0, "3"]),  # refused, or a part switched off
    ),
)
def test_a_new_plain_size_counts_as_a_fresh_parse(
    family: str, data: st.DataObject, value: Any
) -> None:
    chosen = explorer.FAMILIES[family]
    example = dict(data.draw(st.sampled_from(chosen.examples), label="example"))
    keyword = data.draw(st.sampled_from(sorted(chosen.plain_sizes)), label="plain size")
    example.setdefault(keyword, 7)
    _same(_remembered(family, example), _fresh(family, example))  # remembered now
    changed = {**example, keyword: value}
    _same(_remembered(family, changed), _fresh(family, changed))


def test_a_design_counted_again_is_the_same_count() -> None:
    sizes: dict[str, Any] = {"d_model": 512, "heads": 8}  # no plain size given: the very same Count
    first = explorer.count("t5", **sizes)
    assert explorer.count("t5", **sizes) is first
    plain: dict[str, Any] = {**sizes, "layers": 4, "vocab": 1000}
    four = explorer.count("llama", **plain)
    nine = explorer.count("llama", **{**plain, "layers": 9})
    assert nine.structure is four.structure
    assert nine.total == explorer.formula("llama", **plain).evaluate(layers=9)


def test_values_equal_across_types_are_not_one_key() -> None:
    sizes: dict[str, Any] = {"d_model": 512, "heads": 8, "vocab": 1000}
    explorer.count("gpt2", layers=4, **sizes)
    with pytest.raises(explorer.errors.InvalidSizeError, match=r"got 4\.0"):
        explorer.count("gpt2", layers=4.0, **sizes)
    explorer.count("gpt2", layers=4, tied=True, **sizes)
    with pytest.raises(explorer.errors.InvalidSizeError, match="tied must be true or false"):
        explorer.count("gpt2", layers=4, tied=1, **sizes)


def test_a_family_registered_again_is_counted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: dict[str, Any] = {"d_model": 512, "layers": 4, "heads": 8, "vocab": 1000}
    before = explorer.count("gpt2", **sizes)
    family: Any = explorer.FAMILIES["gpt2"]
    again = dataclasses.replace(family)  # equal, not the same object
    monkeypatch.setitem(explorer.FAMILIES, "gpt2", again)
    after = explorer.count("gpt2", **sizes)
    assert after.family is again
    assert after is not before
    assert after.total == before.total


def test_the_memory_is_bounded() -> None:
    for k in range(1, 3 * _api.REMEMBERED_DESIGNS):  # d_model is not plain: a design each
        explorer.count("llama", d_model=8 * k, layers=2, heads=4, vocab=100)
    assert len(_api._REMEMBERED) <= _api.REMEMBERED_DESIGNS
