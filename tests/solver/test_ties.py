"""Ties on exact integers, the solver's guesses, and the evaluations it reports."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from typing import Any

import pytest

import explorer
from explorer.errors import FormulaError
from explorer.expressions import parse_expression
from explorer.solver import _solver
from explorer.solver._integer import largest_within, polynomial_guess
from explorer.solver._solver import Mode, pick_integer
from explorer.solver._ties import compile_tie

FORUM: dict[str, Any] = {"input": 39, "output": 34}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("n/4", id="quarter"),
        pytest.param("2*n/3 + 16", id="affine"),
        pytest.param("n*n/1000 - m", id="quadratic"),
        pytest.param("-(n/3) + 2*m", id="negative"),
        pytest.param("(n + m)**2/7", id="power"),
        pytest.param("1000/n + n/2.5", id="divided-by-the-size"),
        pytest.param("m/(n - 3)", id="denominator-changes-sign"),
    ],
)
def test_a_tie_floors_exactly_as_fractions_do(text: str) -> None:
    expression = parse_expression(text, {"n", "m"})
    tie = compile_tie(expression, "n", {"m": 34})
    for n in [*range(4, 60), 1023, 10**9 + 7, 2**63 + 11]:
        assert tie.floor(n) == expression.evaluate({"n": n, "m": 34}) // 1


def test_a_polynomial_tie_gives_its_coefficients() -> None:
    tie = compile_tie(parse_expression("2*n/3 + m", {"n", "m"}), "n", {"m": 4})
    assert tie.polynomial == (Fraction(4), Fraction(2, 3))
    assert compile_tie(parse_expression("1/n", {"n"}), "n", {}).polynomial is None


def test_a_tie_that_divides_by_zero_says_so() -> None:
    tie = compile_tie(parse_expression("1/(n - 5)", {"n"}), "n", {})
    with pytest.raises(FormulaError, match="divides by zero"):
        tie.floor(5)


@pytest.mark.parametrize("budget", [10**4, 10**6, 6_500_000, 10**9, 10**12, 10**15])
def test_a_tied_solve_is_the_nearest_design(budget: int) -> None:
    s = explorer.solve("lstm", **FORUM, budget=budget, layers=3, ties={"proj": "cells/4"})
    assert s.sizes["proj"] == s.value // 4

    def total(n: int) -> int:
        return explorer.count("lstm", **FORUM, layers=3, cells=n, proj=n // 4).total

    assert s.total == total(s.value)
    assert total(s.value + 1) > budget or s.value + 1 > 2**64
    neighbours = [n for n in (s.value - 1, s.value + 1) if n >= 4]
    assert all(abs(total(n) - budget) >= abs(s.total - budget) for n in neighbours)
    assert s.method.endswith("the ties unrounded; then an exact search")


def test_evaluations_are_the_sizes_counted() -> None:
    counted: list[int] = []

    def count(k: int) -> int:
        counted.append(k)
        return 3 * k * k + 5

    chosen, _, _, evaluations = pick_integer(
        count,
        10**9,
        free="x",
        lo=1,
        hi=None,
        step=1,
        mode="nearest",
        guess=10,
        smallest=str,
    )
    assert evaluations == len(set(counted))
    assert chosen.value == 18257
    assert largest_within(count, 10**9, lo=1, hi=None, guess=18257)[1] == 2


def test_a_solve_reports_the_counts_it_took(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[int] = []
    original = _solver.pick_integer

    def spy(count_at, budget, **options):  # type: ignore[no-untyped-def]
        def counting(x: int) -> int:
            taken.append(x)
            return count_at(x)  # type: ignore[no-any-return]

        return original(counting, budget, **options)

    monkeypatch.setattr(_solver, "pick_integer", spy)
    monkeypatch.setattr(_solver, "_PREPARED", {})
    s = explorer.solve("lstm", **FORUM, budget=10**8, layers=3, ties={"proj": "1 + cells/3"})
    assert taken
    assert s.evaluations == len(set(taken))


@pytest.mark.parametrize(
    ("coefficients", "budget"),
    [
        pytest.param([0, 0, 0, 1], 10**18, id="cube"),
        pytest.param([5, 3, 0, 2, 7], 10**20, id="quartic"),
        pytest.param([-7, 4, 1], 10**12, id="quadratic"),
        pytest.param([1, 1, 1, 1, 1, 1], 10**30, id="quintic"),
    ],
)
def test_a_first_guess_lands_near_the_root(coefficients: list[int], budget: int) -> None:
    def value(x: int) -> int:
        return sum(c * x**d for d, c in enumerate(coefficients))

    root, _ = largest_within(value, budget, lo=1, hi=None, guess=1)
    assert root is not None
    guess, _ = polynomial_guess(coefficients, budget)
    assert guess is not None
    assert abs(guess - root) <= max(2, root // 1000)


def test_answers_do_not_depend_on_what_was_asked_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    budgets = [10**5, 6_500_000, 10**11]
    design: dict[str, Any] = {**FORUM, "layers": 2, "ties": {"proj": "cells/2"}}
    warm = [explorer.solve("lstm", budget=b, **design) for b in budgets]
    modes: tuple[Mode, ...] = ("under", "over")
    for mode in modes:
        warm += [explorer.solve("lstm", budget=b, mode=mode, **design) for b in budgets]
    monkeypatch.setattr(_solver, "_PREPARED", {})
    cold = []
    for mode in ("nearest", *modes):
        for b in budgets:
            monkeypatch.setattr(_solver, "_PREPARED", {})
            cold.append(explorer.solve("lstm", budget=b, mode=mode, **design))
    assert warm == cold


def test_a_solve_needs_neither_scipy_nor_sympy_once_cached() -> None:
    code = (
        "import sys, explorer\n"
        "explorer.solve('lstm', budget='6.5M', input=39, output=34, layers=3,"
        " ties={'proj': 'cells/4'})\n"
        "print(sorted(m for m in ('scipy', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
