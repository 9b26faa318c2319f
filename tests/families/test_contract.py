"""The contract every family and convention must pass (STYLE 11).

Terms sum to the formula; weights + biases == total; the free symbols are the declared
sizes; the compiled (exact integer) evaluation equals sympy's own evaluation; vectorised
equals scalar; the symbolic-depth formula equals the unrolled one at every depth; the
fast request path equals the general one; a disk-cached count equals a fresh one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy

import explorer
from explorer.algebra import _cache
from explorer.algebra._build import (
    UNROLL_LIMIT,
    _compile,
    _compile_light,
    cache_key,
)
from explorer.algebra._compiled import CompiledCount
from explorer.algebra._symbolic import symbolic_count
from explorer.conventions import conventions_of


def _cases() -> list[Any]:
    """Every registered family's examples under every convention of its kind: a family
    is under contract the moment it is registered."""
    cases = []
    for family in explorer.FAMILIES.values():
        for convention in conventions_of(family.kind):
            for index, example in enumerate(family.examples):
                cases.append(
                    pytest.param(
                        family.name, convention, example, id=f"{family.name}-{convention}-{index}"
                    )
                )
    return cases


CASES = _cases()


def _subs(count: explorer.Count) -> dict[sympy.Symbol, int]:
    return {s: v for s, v in zip(count.symbols, count.values) if v is not None}


@pytest.mark.parametrize(("family", "convention", "sizes"), CASES)
def test_terms_sum_to_formula_and_total(
    family: str, convention: str, sizes: dict[str, Any]
) -> None:
    c = explorer.count(family, convention=convention, **sizes)
    assert sympy.expand(sympy.Add(*(t.expr for t in c.terms)) - c.formula) == 0
    assert sum(c.breakdown.values()) == c.total
    assert sum(c.subtotals.values()) == c.total
    assert c.weights + c.biases == c.total
    assert c.biases == sum(v for t, v in zip(c.terms, c.breakdown.values()) if t.kind == "bias")
    # sympy's own evaluation agrees with the compiled integer polynomial
    assert int(c.formula.xreplace(_subs(c))) == c.total
    for term, value in zip(c.terms, c.breakdown.values()):
        assert int(term.expr.xreplace(_subs(c))) == value, term.name
        shape = tuple(int(d.xreplace(_subs(c))) for d in term.shape)
        assert c.shapes[term.name] == shape
    assert isinstance(c.total, int)


def _rule_inputs(count: explorer.Count) -> set[str]:
    """The keywords a family's rules read (a composite's parts' rules, prefixed): a size
    may reach the formula only through a size that follows it by a rule that is no
    polynomial (LFM2's MLP width from its intermediate size)."""
    found = {name for rule in getattr(count.family, "rules", ()) for name in rule.inputs}
    for part, name, _ in getattr(count.structure, "parts", ()):
        rules = getattr(explorer.FAMILIES[name], "rules", ())
        found |= {f"{part}_{n}" for rule in rules for n in rule.inputs}
    return found


@pytest.mark.parametrize(("family", "convention", "sizes"), CASES)
def test_free_symbols_are_the_declared_sizes(
    family: str, convention: str, sizes: dict[str, Any]
) -> None:
    c = explorer.count(family, convention=convention, **sizes)
    used = c.formula.free_symbols | c.active_formula.free_symbols
    assert used <= set(c.symbols)
    inputs = _rule_inputs(c)
    unused = {str(s) for s in set(c.symbols) - used}
    assert unused == {
        slot.symbol for slot in c.compiled.slots if slot.symbol in unused and slot.keyword in inputs
    }
    assert [str(s) for s in c.symbols] == [slot.symbol for slot in c.compiled.slots]


@pytest.mark.parametrize(("family", "convention", "sizes"), CASES)
def test_vectorised_equals_scalar(family: str, convention: str, sizes: dict[str, Any]) -> None:
    c = explorer.count(family, convention=convention, **sizes)
    width = explorer.FAMILIES[family].width
    if isinstance(sizes[width], list):
        grid = [[n + k for n in sizes[width]] for k in range(5)]
        columns = [np.array([g[j] for g in grid]) for j in range(len(grid[0]))]
        arrays: dict[str, Any] = {width: columns}
        many = c.evaluate_many(**arrays)
        assert many.tolist() == [c.evaluate(**{width: g}) for g in grid]
    else:
        values = np.arange(sizes[width], sizes[width] + 40)
        by_width: dict[str, Any] = {width: values}
        many = c.evaluate_many(**by_width)
        assert many.dtype == np.int64
        assert many.tolist() == [c.evaluate(**{width: int(n)}) for n in values]


@pytest.mark.parametrize(
    ("family", "convention", "sizes"),
    [p for p in CASES if not any(isinstance(v, list) for v in p.values[2].values())],
)
def test_symbolic_depth_equals_unrolled(
    family: str, convention: str, sizes: dict[str, Any]
) -> None:
    depth_keyword = explorer.FAMILIES[family].keyword(explorer.FAMILIES[family].depth)
    assert depth_keyword is not None
    name, symbol = depth_keyword.name, sympy.Symbol(depth_keyword.symbol, positive=True)
    full = explorer.count(family, convention=convention, **sizes).sizes  # defaults included
    rest = {k: v for k, v in full.items() if k != name}
    symbolic = explorer.formula(family, convention=convention, **rest)
    assert str(symbol) in symbolic.free
    for depth in range(1, 7):
        unrolled = explorer.count(family, convention=convention, **rest, **{name: depth})
        assert symbolic.evaluate(**{name: depth}) == unrolled.total
        difference = symbolic.formula - unrolled.formula  # a grouped depth stays a symbol
        assert sympy.expand(difference.subs(symbol, depth)) == 0


@pytest.mark.parametrize(("family", "convention", "sizes"), CASES)
def test_disk_cache_round_trip(family: str, convention: str, sizes: dict[str, Any]) -> None:
    c = explorer.count(family, convention=convention, **sizes)
    fresh = _compile(symbolic_count(c.family, c.structure))
    assert CompiledCount.from_json(fresh.to_json()) == fresh
    assert _cache.load(cache_key(c.family, c.structure)) in (None, fresh)
    assert fresh == c.compiled


def _per_layer(family: str) -> bool:
    """Whether the family's width may be given per layer (so stacks may be deep lists)."""
    chosen = explorer.FAMILIES[family]
    width = chosen.keyword(chosen.width)
    return width is not None and width.lists


PER_LAYER_CASES = [p for p in CASES if _per_layer(p.values[0])]


@pytest.mark.parametrize(("family", "convention", "sizes"), PER_LAYER_CASES)
def test_built_without_sympy_equals_built_with_it(
    family: str, convention: str, sizes: dict[str, Any]
) -> None:
    """A family whose sizes may be listed layer by layer builds its terms without sympy
    too (deep stacks are built so), and gets the terms the sympy build gets: names,
    shapes as text and as polynomials, counts, roles; and the same total."""
    c = explorer.count(family, convention=convention, **sizes)
    light = _compile_light(c.family, c.structure)
    assert light is not None
    fresh = _compile(symbolic_count(c.family, c.structure))
    assert light.terms == fresh.terms
    assert (light.total, light.biases, light.slots) == (fresh.total, fresh.biases, fresh.slots)


@pytest.mark.parametrize(
    ("family", "convention", "sizes"),
    [p for p in PER_LAYER_CASES if not any(isinstance(v, list) for v in p.values[2].values())],
)
def test_deep_stacks_agree_across_routes(
    family: str, convention: str, sizes: dict[str, Any]
) -> None:
    """Past the unrolling limit a stack is counted from its symbolic depth; the same stack
    with its sizes listed per layer is built without sympy: both give the same numbers."""
    chosen = explorer.FAMILIES[family]
    depth = UNROLL_LIMIT + 3
    deep = {**sizes, chosen.depth: depth}
    uniform = explorer.count(family, convention=convention, **deep)
    assert sum(uniform.breakdown.values()) == uniform.total
    listed: dict[str, Any] = {k: [v] * depth if k == chosen.width else v for k, v in deep.items()}
    assert explorer.count(family, convention=convention, **listed).total == uniform.total


def test_every_family_is_under_contract() -> None:
    covered = {p.values[0] for p in CASES}
    assert covered == set(explorer.FAMILIES)


def test_families_agree_on_shared_option_names() -> None:
    """An option name (keyword or alias) shared by families means one kind of value (a
    number, a flag, a choice), so one command-line option can serve them all; the
    families check the rest (one value per layer, 0 for none)."""
    classes = {"size": "number", "sizes": "number", "part": "number"}
    kinds: dict[str, set[str]] = {}
    for family in explorer.FAMILIES.values():
        for keyword in family.keywords:
            for name in keyword.names:
                kinds.setdefault(name, set()).add(classes.get(keyword.kind, keyword.kind))
        for flag in family.flags:
            kinds.setdefault(flag.name, set()).add("choice" if flag.choices else "flag")
    assert {name: k for name, k in kinds.items() if len(k) > 1} == {}
