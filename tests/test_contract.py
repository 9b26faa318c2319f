"""The contract every family and convention must pass (STYLE 11).

Terms sum to the formula; weights + biases == total; the free symbols are the declared
sizes; the compiled (exact integer) evaluation equals sympy's own evaluation; vectorised
equals scalar; the symbolic-depth formula equals the unrolled one at every depth; the
fast request path equals the general one; a disk-cached count equals a fresh one.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
import sympy

import explorer
from explorer.algebra import _cache
from explorer.algebra._build import _compile, cache_key, symbolic_count
from explorer.algebra._compiled import CompiledCount

FAMILIES = ("rnn", "lstm", "lstmp", "gru")
CONVENTIONS = tuple(explorer.CONVENTIONS)

VARIANTS: dict[str, dict[str, Any]] = {
    "plain": {},
    "output": {"output": 34},
    "deep-output": {"layers": 4, "output": 34},
    "bidirectional": {"layers": 3, "bidirectional": True, "output": 10},
    "bidirectional-sum": {"layers": 2, "bidirectional": True, "merge": "sum"},
    "skip": {"layers": 3, "skip": True, "output": 7},
    "skip-bidirectional": {"layers": 3, "skip": True, "bidirectional": True, "output": 7},
    "embedding": {"layers": 2, "vocab": 1000, "output": 1000},
    "per-layer": {"layers": 3, "cells": [64, 48, 32], "output": 5},
    "no-bias": {"layers": 2, "bias": "none"},
    "single-bias": {"layers": 2, "bias": "single"},
}

PROJECTED: dict[str, dict[str, Any]] = {
    "proj": {"layers": 2, "proj": 16},
    "proj-nonrec": {"layers": 3, "proj": 16, "nonrec_proj": 8, "output": 9},
    "proj-per-layer": {"layers": 3, "cells": [64, 48, 32], "proj": [20, 16, 12]},
    "proj-bidirectional-skip": {"layers": 2, "proj": 16, "bidirectional": True, "skip": True},
}


def _cases() -> list[Any]:
    cases = []
    for family, convention in itertools.product(FAMILIES, CONVENTIONS):
        variants = dict(PROJECTED) if family == "lstmp" else {**VARIANTS}
        if family == "lstm":
            variants.update(PROJECTED)
        for name, variant in variants.items():
            sizes = {"input": 39, "cells": 64, **variant}
            cases.append(
                pytest.param(family, convention, sizes, id=f"{family}-{convention}-{name}")
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


@pytest.mark.parametrize(("family", "convention", "sizes"), CASES)
def test_free_symbols_are_the_declared_sizes(
    family: str, convention: str, sizes: dict[str, Any]
) -> None:
    c = explorer.count(family, convention=convention, **sizes)
    assert c.formula.free_symbols == set(c.symbols)
    assert [str(s) for s in c.symbols] == [slot.symbol for slot in c.compiled.slots]


@pytest.mark.parametrize(("family", "convention", "sizes"), CASES)
def test_vectorised_equals_scalar(family: str, convention: str, sizes: dict[str, Any]) -> None:
    c = explorer.count(family, convention=convention, **sizes)
    if isinstance(sizes["cells"], list):
        grid = [[n + k for n in sizes["cells"]] for k in range(5)]
        many = c.evaluate_many(cells=[np.array([g[j] for g in grid]) for j in range(len(grid[0]))])
        assert many.tolist() == [c.evaluate(cells=g) for g in grid]
    else:
        cells = np.arange(sizes["cells"], sizes["cells"] + 40)
        many = c.evaluate_many(cells=cells)
        assert many.dtype == np.int64
        assert many.tolist() == [c.evaluate(cells=int(n)) for n in cells]


@pytest.mark.parametrize(
    ("family", "convention", "sizes"),
    [p for p in CASES if not isinstance(p.values[2]["cells"], list)],
)
def test_symbolic_depth_equals_unrolled(
    family: str, convention: str, sizes: dict[str, Any]
) -> None:
    rest = {k: v for k, v in sizes.items() if k != "layers"}
    symbolic = explorer.formula(family, convention=convention, **rest)
    assert "L" in symbolic.free
    for depth in range(1, 7):
        unrolled = explorer.count(family, convention=convention, **rest, layers=depth)
        assert symbolic.evaluate(layers=depth) == unrolled.total
        assert (
            sympy.expand(
                symbolic.formula.subs(sympy.Symbol("L", positive=True), depth) - unrolled.formula
            )
            == 0
        )


@pytest.mark.parametrize(("family", "convention", "sizes"), CASES)
def test_disk_cache_round_trip(family: str, convention: str, sizes: dict[str, Any]) -> None:
    c = explorer.count(family, convention=convention, **sizes)
    fresh = _compile(symbolic_count(c.family, c.structure))
    assert CompiledCount.from_json(fresh.to_json()) == fresh
    assert _cache.load(cache_key(c.family, c.structure)) in (None, fresh)
    assert fresh == c.compiled


def test_fast_path_declines_what_it_cannot_check() -> None:
    family = explorer.FAMILIES["lstm"]
    rules = explorer.CONVENTIONS["pytorch"]
    assert family.parse_fast({"input": 3, "cells": 4, "proj": 4}, rules) is None
    assert family.parse_fast({"input": 3, "cells": [4, 5]}, rules) is None
    assert family.parse_fast({"input": 3, "cells": 4, "bidirectional": True}, rules) is None
    assert family.parse_fast({"input": 3, "cells": 4.0}, rules) is None
    assert family.parse_fast({"input": 3, "cells": 4, "layers": 2}, rules) is not None
