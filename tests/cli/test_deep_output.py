"""A deep per-layer count on the command line: every term's value from one flat pass
(linear in the depth), the formula whole into a file or a pipe and cut on a terminal unless
``--full-formula`` is given. Speed itself is measured in ``benchmarks/bench_cli_output.py``."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

import explorer
from explorer.algebra._codegen import LOOP_LIMIT, tuple_function
from explorer.algebra._poly import Polynomial
from explorer.render import abbreviated, count_table
from tests.cli_helpers import run

DEEP = [64 + k % 50 for k in range(2000)]


def _polynomials(seed: int, count: int) -> list[Polynomial]:
    """Many small polynomials of degree 0 to 3 in four slots (some empty)."""
    rng = random.Random(seed)
    polys = []
    for _ in range(count):
        terms: dict[tuple[tuple[int, int], ...], int] = {}
        for _ in range(rng.randint(0, 3)):
            slots = sorted(rng.sample(range(4), rng.randint(0, 2)))
            exponents = tuple((slot, rng.randint(1, 2)) for slot in slots)
            terms[exponents] = rng.randint(-9, 9) or 1
        polys.append(Polynomial.of(terms))
    return polys


@pytest.mark.parametrize("seed", range(3))
def test_many_terms_are_evaluated_exactly_in_one_pass(seed: int) -> None:
    polys = _polynomials(seed, LOOP_LIMIT)  # past the limit: the flat pass
    assert sum(len(p.monomials) for p in polys) > LOOP_LIMIT
    function = tuple_function(polys, 4)
    values = (3, 10**12, 7, 1)  # exact past int64 too
    assert function(*values) == tuple(p.evaluate(values) for p in polys)
    arrays = tuple(np.array([v, v + 1], dtype=object) for v in values)
    got = function(*arrays)
    for poly, value in zip(polys, got):
        expected = [poly.evaluate(tuple(a[k] for a in arrays)) for k in range(2)]
        assert list(np.broadcast_to(value, (2,))) == expected


def test_a_deep_count_prints_every_term_and_the_whole_formula_into_a_pipe(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["count", "lstm", "--input", "39", "--cells", ",".join(map(str, DEEP)), "--output", "34"]
    status, out, _ = run(capsys, argv)
    assert status == 0
    counted = explorer.count("lstm", input=39, cells=DEEP, output=34)
    assert f"formula: {counted.compiled.formula_text}\n" in out
    data = json.loads(run(capsys, [*argv, "--json"])[1])
    assert sum(t["count"] for t in data["terms"]) == data["total"] == counted.total
    assert data["formula"] == counted.compiled.formula_text


def test_on_a_terminal_the_formula_is_cut_unless_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    argv = ["count", "lstm", "--input", "39", "--cells", ",".join(map(str, DEEP)), "--output", "34"]
    formula = explorer.count("lstm", input=39, cells=DEEP, output=34).compiled.formula_text
    cut = run(capsys, argv)[1]
    assert "more terms" in cut
    assert f"{len(formula):,} characters in all; --full-formula shows it" in cut
    assert len(cut.splitlines()[-1]) < 600
    whole = run(capsys, [*argv, "--full-formula"])[1]
    assert f"formula: {formula}\n" in whole


def test_abbreviation_keeps_whole_terms() -> None:
    counted = explorer.count("lstm", input=39, cells=DEEP, output=34)
    text = abbreviated(counted.compiled.formula_text, 100)
    kept = text.split(" + ...", 1)[0]
    assert counted.compiled.formula_text.startswith(kept + " + ")
    assert "formula: " + counted.compiled.formula_text in count_table(counted)
