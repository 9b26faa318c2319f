"""Solving a spec file's free symbol for a budget (several parts, one shared size)."""

from __future__ import annotations

from typing import Any

from explorer.errors import ConflictError, UnknownNameError, typed
from explorer.sizes import MAX_SIZE, MAX_SIZE_TEXT
from explorer.solver._budget import parse_budget
from explorer.solver._integer import closed_form_guess
from explorer.solver._solution import Solution
from explorer.solver._solver import MODES, pick_integer
from explorer.spec import Spec

__all__ = ["solve_spec"]


def solve_spec(
    spec: Spec,
    *,
    budget: object,
    free: str | None = None,
    mode: str = "nearest",
    multiple_of: int = 1,
    minimum: int | None = None,
    maximum: int | None = None,
    **values: int,
) -> Solution:
    """The value of the spec's free symbol that meets ``budget`` (other symbols bound).

    Example:
        >>> from explorer.spec import parse_spec
        >>> spec = parse_spec({"symbols": {"d": "width"}, "convention": "keras", "parts": [
        ...     {"name": "lm", "family": "lstm", "vocab": 10000, "input": "d", "cells": "d",
        ...      "layers": 2, "output": 10000}]}, "inline")
        >>> solve_spec(spec, budget="66M").sizes
        {'d': 1500}
    """
    import sympy

    target = parse_budget(budget)
    if mode not in MODES:
        raise UnknownNameError.for_name("mode", mode, MODES)
    template = spec.count(**values)
    unbound = list(template.free)
    if free is None:
        if len(unbound) != 1:
            listed = ", ".join(unbound) or "none"
            raise ConflictError(
                f"{spec.source}: solve needs exactly one free symbol, found {listed}; "
                f"bind the others ({typed('NAME', cli='--set NAME=N')}) or choose one with "
                f"{typed('free', placeholder='...')}"
            )
        free = unbound[0]
    elif free not in unbound:
        raise UnknownNameError.for_name("free symbol", free, unbound)
    others = {k: v for k, v in template.bound.items() if v is not None}
    if set(unbound) - {free}:
        rest = sorted(set(unbound) - {free})
        listed = ", ".join(typed(name, cli=f"--set {name}=N") for name in rest)
        raise ConflictError(f"{spec.source}: bind {', '.join(rest)}: {listed}")
    symbol = sympy.Symbol(free, positive=True)
    poly = sympy.Poly(sympy.expand(template.bound_formula()), symbol)
    coefficients = [int(c) for c in reversed(poly.all_coeffs())]
    if not any(coefficients[1:]):
        raise ConflictError(f"{free} does not change the count of this spec: nothing to solve")
    guess, method = closed_form_guess(coefficients, target)
    if guess is None:
        guess, method = 1, "exact exponential search on the monotone count"

    def count_at(x: int) -> int:
        return spec.count(**others, **{free: x}).total

    chosen, under, above, evaluations = pick_integer(
        count_at,
        target,
        free=free,
        lo=minimum or 1,
        hi=MAX_SIZE if maximum is None or maximum > MAX_SIZE else maximum,
        step=multiple_of,
        mode=mode,
        guess=guess,
        smallest=lambda total: f"design of {spec.name}: {total:,} parameters",
        cap=f"sizes stop at {MAX_SIZE_TEXT}" if maximum is None or maximum > MAX_SIZE else None,
    )
    sizes: dict[str, Any] = {**others, free: chosen.value}
    return Solution(
        family=f"spec {spec.name}",
        convention=_conventions(spec),
        overrides={},
        free=free,
        sizes=sizes,
        total=chosen.total,
        budget=target,
        relative_error=(chosen.total - target) / target,
        mode=mode,
        below=under,
        above=above,
        method=method,
        evaluations=evaluations,
    )


def _conventions(spec: Spec) -> str:
    """The spec's convention, or each part's when they differ."""
    names = {part.convention for part in spec.parts}
    if len(names) == 1:
        return names.pop()
    return "per part: " + ", ".join(f"{p.name} {p.convention}" for p in spec.parts)
