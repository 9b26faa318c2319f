"""Counts of any depth: per-layer sizes by the thousand, and depths no list could hold.

Every total here is checked against a sum written in the test, layer by layer, from the
conventions' published per-layer counts (DESIGN.md), never against explorer's formulas.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer.algebra._build import MAX_UNROLLED, UNROLL_LIMIT
from explorer.cli import main
from explorer.errors import InvalidSizeError

# (family, convention) -> the count of one layer with input width m and n cells
LAYER: dict[tuple[str, str], Callable[[int, int], int]] = {
    ("lstm", "pytorch"): lambda m, n: 4 * n * (m + n) + 8 * n,
    ("lstm", "weights"): lambda m, n: 4 * n * (m + n),
    ("gru", "keras"): lambda m, n: 3 * n * (m + n) + 6 * n,
    ("rnn", "weights"): lambda m, n: n * (m + n),
}
# ... and of the output layer of o units fed by w
OUTPUT: dict[str, Callable[[int, int], int]] = {
    "pytorch": lambda w, o: w * o + o,
    "weights": lambda w, o: w * o,
    "keras": lambda w, o: w * o + o,
}


def stacked(family: str, convention: str, n_i: int, cells: list[int], n_o: int) -> int:
    """A stack's count, summed here layer by layer."""
    layer = LAYER[(family, convention)]
    total, width = 0, n_i
    for n in cells:
        total += layer(width, n)
        width = n
    return total + OUTPUT[convention](width, n_o)


@pytest.mark.parametrize(
    ("family", "convention"),
    [pytest.param(*key, id="-".join(key)) for key in LAYER],
)
def test_ten_thousand_per_layer_sizes_count_exactly(family: str, convention: str) -> None:
    rng = random.Random(f"{family}-{convention}")
    cells = [rng.randint(1, 4096) for _ in range(10_000)]
    c = explorer.count(family, convention=convention, input=39, cells=cells, output=34)
    assert c.total == stacked(family, convention, 39, cells, 34)
    assert sum(c.breakdown.values()) == c.total
    assert c.sizes["cells"] == cells


def test_per_layer_terms_are_listed_layer_by_layer() -> None:
    cells = [7 + k % 5 for k in range(2 * UNROLL_LIMIT)]
    c = explorer.count("lstm", convention="pytorch", input=3, cells=cells)
    last = len(cells) - 1
    assert c.breakdown[f"weight_hh_l{last}"] == 4 * cells[last] * cells[last]
    assert c.subtotals[f"layer {last}"] == LAYER[("lstm", "pytorch")](cells[last - 1], cells[last])
    assert c.compiled.formula_text.startswith("4*n_c0**2 + 4*n_c0*n_c1")


@pytest.mark.parametrize(
    ("layers", "grouped"),
    [
        pytest.param(UNROLL_LIMIT, False, id="at-the-limit-unrolled"),
        pytest.param(UNROLL_LIMIT + 1, True, id="past-the-limit-grouped"),
        pytest.param(10**12, True, id="a-trillion"),
        pytest.param(10**18, True, id="the-largest-size"),
    ],
)
def test_uniform_depth_from_the_closed_form(layers: int, grouped: bool) -> None:
    c = explorer.count("lstm", convention="pytorch", input=39, cells=1024, layers=layers, output=34)
    layer = LAYER[("lstm", "pytorch")]
    expected = layer(39, 1024) + (layers - 1) * layer(1024, 1024) + 1024 * 34 + 34
    assert c.total == expected
    assert c.sizes == {"input": 39, "cells": 1024, "layers": layers, "output": 34}
    assert sum(c.breakdown.values()) == c.total
    assert ("weight_ih_l[1:L]" in c.breakdown) is grouped
    assert (f"weight_ih_l{UNROLL_LIMIT - 1}" in c.breakdown) is not grouped


def test_uniform_depth_equals_the_same_sizes_given_per_layer() -> None:
    """The symbolic-depth route and the route built without sympy agree."""
    depth = UNROLL_LIMIT + 8
    for convention in ("graves2013", "pytorch", "keras"):
        uniform = explorer.count("lstm", convention=convention, input=5, cells=9, layers=depth)
        listed = explorer.count("lstm", convention=convention, input=5, cells=[9] * depth)
        assert uniform.total == listed.total
        assert uniform.biases == listed.biases


def test_a_deep_count_evaluates_at_other_depths() -> None:
    c = explorer.count("rnn", convention="weights", input=3, cells=2, layers=10**6)
    assert (
        c.evaluate(layers=2)
        == explorer.count("rnn", convention="weights", input=3, cells=2, layers=2).total
    )


def test_too_many_layers_listed_one_by_one_are_refused() -> None:
    with pytest.raises(InvalidSizeError, match="too large to build term by term"):
        explorer.count("rnn", convention="weights", input=3, cells=[2] * (MAX_UNROLLED + 1))


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["count", "lstm", "--input", "39", "--cells", "1024"], id="count"),
        pytest.param(["explain", "lstm", "--input", "39", "--cells", "1024"], id="explain"),
        pytest.param(["formula", "lstm", "--input", "39"], id="formula"),
        pytest.param(["solve", "--arch", "lstm", "--input", "39", "--budget", "1e25"], id="solve"),
    ],
)
def test_cli_answers_huge_depths_at_once(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--layers", str(10**18)]) == 0
    assert "1000000000000000000" in capsys.readouterr().out
    assert main([*argv, "--layers", str(2**64)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ")
    assert error.count("\n") == 1
    assert "at most 10**18" in error


def test_spec_with_a_trillion_layers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "deep.toml"
    spec.write_text(
        'name = "deep"\nconvention = "pytorch"\n[symbols]\nd = "width"\n'
        '[[parts]]\nfamily = "lstm"\ninput = 39\ncells = "d"\nlayers = 1000000000000\n'
        "output = 34\n",
        encoding="utf-8",
    )
    assert main(["count", "--spec", str(spec), "--set", "d=1024", "--json"]) == 0
    layer = LAYER[("lstm", "pytorch")]
    expected = layer(39, 1024) + (10**12 - 1) * layer(1024, 1024) + 1024 * 34 + 34
    assert json.loads(capsys.readouterr().out)["total"] == expected


@pytest.mark.parametrize(
    ("family", "sizes"),
    [
        ("lstm", {"input": 39, "cells": [64, 48, 32], "output": 5, "proj": [20, 16, 12]}),
        ("gru", {"input": 8, "cells": 16, "layers": 3, "bidirectional": True}),
        ("llama", {"d_model": 256, "layers": 3, "heads": 8, "kv_heads": 2, "vocab": 1000}),
        ("t5", {"d_model": 64, "layers": 2, "heads": 4, "d_ff": 128, "vocab": 100}),
    ],
)
def test_a_bound_formula_in_json_gives_each_term_as_the_formula_does(
    family: str, sizes: dict[str, Any]
) -> None:
    """A count with every size given is printed from its compiled terms, without
    building its sympy form: the same numbers as the sympy form with the sizes put in."""
    from explorer.render import formula_json

    count = explorer.count(family, **sizes)
    data = formula_json(count)
    mapping = dict(zip(count.symbols, count.values))
    assert data["formula"] == str(count.formula.xreplace(mapping)) == str(count.total)
    assert [t["count"] for t in data["terms"]] == [
        str(t.expr.xreplace(mapping)) for t in count.terms
    ]
    assert [(t["name"], t["kind"], t["group"]) for t in data["terms"]] == [
        (t.name, t.kind, t.group) for t in count.terms
    ]


def test_a_formula_with_ten_thousand_sizes_per_layer_prints_promptly() -> None:
    """Its legend and its number come from the compiled form (no quadratic legend, no
    sympy form of 40,000 terms): this once took minutes."""
    from explorer.render import formula_json, formula_text

    cells = [i % 500 + 1 for i in range(10_000)]
    count = explorer.count("lstm", convention="pytorch", input=39, cells=cells)
    text = formula_text(count)
    assert text.splitlines()[1].strip() == str(count.total)
    assert text.count("(layer ") == 10_000
    assert len(formula_json(count)["terms"]) == 40_000
