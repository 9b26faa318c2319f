"""The inverse solver: from a parameter budget to exact integer sizes."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from explorer._api import count as count_design
from explorer._api import formula as symbolic_design
from explorer.algebra import Count
from explorer.algebra._names import DESIGN_ORDER as _ORDER
from explorer.conventions import CONVENTIONS, FLAGS, Convention, resolve_convention
from explorer.errors import BudgetError, ConflictError, InvalidSizeError, UnknownNameError
from explorer.families import get_family
from explorer.solver._budget import parse_budget
from explorer.solver._integer import CEILING, closed_form_guess, largest_within
from explorer.solver._solution import Neighbour, Solution

if TYPE_CHECKING:
    from explorer.expressions import Expression

__all__ = ["DEFAULTS", "MODES", "SOLVABLE", "Mode", "solve", "solve_all"]

Mode = Literal["nearest", "under", "over"]
MODES: tuple[str, ...] = get_args(Mode)

#: Sizes the solver can solve for.
SOLVABLE: tuple[str, ...] = ("cells", "proj", "nonrec_proj", "layers", "input", "output", "vocab")
#: Sizes that appear only when given (an optional part); the others are always there.
_OPTIONAL_PARTS = ("output", "proj", "nonrec_proj", "vocab")

#: What ``solve --budget 6.5e6 --layers 3`` assumes, each stated in the answer: the forum
#: question this project started from (39 acoustic features in, 34 classes out).
DEFAULTS: dict[str, Any] = {"convention": "pytorch", "input": 39, "output": 34, "layers": 1}


RANKING = "closest to the budget first (|relative error|), then fewer parameters"


def solve(
    family: str | Sequence[str],
    *,
    budget: object,
    convention: str | None = None,
    free: str | None = None,
    mode: Mode = "nearest",
    multiple_of: int = 1,
    minimum: int | None = None,
    maximum: int | None = None,
    ties: Mapping[str, str] | None = None,
    **fixed: Any,
) -> Solution:
    """The integer design closest to ``budget`` (or under / over it), provably best.

    One size is free: ``free=...``, or the one left out (``cells``; ``proj`` for an
    lstmp whose cells are given). Sizes given as a ``range`` or a ``set`` (and a list of
    families) are enumerated: each choice is solved exactly, and the best is returned
    with every design in ``alternatives``, best first.

    Args:
        budget: parameters, as a number or text (``6.5e6``, ``6.5M``, ``350k``, ``1.3B``).
        mode: ``nearest`` (default), ``under`` (largest not over), ``over`` (smallest not
            under the budget).
        multiple_of: the free size must be a multiple of this (hardware-friendly sizes).
        minimum, maximum: bounds of the free size.
        ties: sizes that follow the free one, e.g. ``{"proj": "cells/4"}`` (rounded down).
        **fixed: the other sizes and convention overrides, as for :func:`explorer.count`.

    Example:
        >>> s = solve("lstmp", budget="6.5M", convention="sak2014", input=39, output=34,
        ...           cells=1024, layers=3)
        >>> s.free, s.sizes["proj"], s.total
        ('proj', 268, 6490008)
    """
    solutions = solve_all(
        family,
        budget=budget,
        convention=convention,
        free=free,
        mode=mode,
        multiple_of=multiple_of,
        minimum=minimum,
        maximum=maximum,
        ties=ties,
        **fixed,
    )
    best = solutions[0]
    if len(solutions) == 1:
        return best
    return _replace(best, alternatives=tuple(solutions), rule=RANKING)


def solve_all(
    family: str | Sequence[str],
    *,
    budget: object,
    convention: str | None = None,
    free: str | None = None,
    mode: Mode = "nearest",
    multiple_of: int = 1,
    minimum: int | None = None,
    maximum: int | None = None,
    ties: Mapping[str, str] | None = None,
    **fixed: Any,
) -> list[Solution]:
    """Every enumerated choice solved exactly, best first (see :func:`solve`)."""
    target = parse_budget(budget)
    if mode not in MODES:
        raise UnknownNameError.for_name("mode", mode, MODES)
    step = _positive("multiple_of", multiple_of)
    low = None if minimum is None else _positive("minimum", minimum)
    high = None if maximum is None else _positive("maximum", maximum)
    if low is not None and high is not None and low > high:
        raise BudgetError(f"minimum {low} is above maximum {high}: no size is allowed")
    families = [family] if isinstance(family, str) else list(family)
    if not families:
        raise InvalidSizeError("give at least one family")
    choices = {
        k: _choices(k, v) for k, v in fixed.items() if isinstance(v, range | set | frozenset)
    }
    solutions: list[Solution] = []
    failures: list[Exception] = []
    for name in families:
        for picked in itertools.product(*choices.values()):
            design = {**fixed, **dict(zip(choices, picked))}
            try:
                request = _Request(target, convention, free, mode, step, low, high, ties or {})
                solutions.append(_solve_one(name, request, design))
            except (BudgetError, ConflictError, InvalidSizeError) as error:
                if len(families) == 1 and not choices:
                    raise
                failures.append(error)
    if not solutions:
        raise failures[0]
    solutions.sort(key=lambda s: (abs(s.total - s.budget), s.total))
    return solutions


@dataclass(frozen=True, slots=True)
class _Request:
    """What is asked of every enumerated design, validated once."""

    budget: int
    convention: str | None
    free: str | None
    mode: str
    step: int
    low: int | None
    high: int | None
    ties: Mapping[str, str]


def _solve_one(family_name: str, request: _Request, given: dict[str, Any]) -> Solution:
    budget, convention, mode, step = (
        request.budget,
        request.convention,
        request.mode,
        request.step,
    )
    ties = request.ties
    overrides = {k: given[k] for k in FLAGS if k in given}
    sizes = {k: v for k, v in given.items() if k not in FLAGS}
    rules = resolve_convention(convention or DEFAULTS["convention"], **overrides)
    free = _free_size(family_name, request.free, sizes, ties)
    assumptions = _defaults(sizes, free, convention, ties)
    tied = {k: _tie(k, text, free, sizes) for k, text in ties.items()}

    # The design with the free size (and tied sizes) left as symbols: one compiled count.
    symbolic = dict(sizes)
    for name in (free, *tied):
        if name in _OPTIONAL_PARTS:
            symbolic[name] = True
    template = _template(family_name, rules, symbolic)
    slot_of = {s.keyword: i for i, s in enumerate(template.compiled.slots) if s.layer is None}
    unexpected = set(template.free) - {
        template.compiled.slots[slot_of[k]].symbol for k in (free, *tied) if k in slot_of
    }
    if free not in slot_of or unexpected:
        raise ConflictError(f"cannot solve for {free} in this design; give it per layer or fix it")

    values = [v if v is not None else 0 for v in template.values]
    total_of = template.compiled.function("total")
    free_index = slot_of[free]
    tie_slots = [(slot_of[k], e) for k, e in tied.items()]

    def known(x: int) -> dict[str, Any]:
        return {**{k: v for k, v in sizes.items() if isinstance(v, int)}, free: x}

    def count_at(x: int) -> int:
        values[free_index] = x
        for index, expression in tie_slots:
            values[index] = int(expression.evaluate(known(x)) // 1)
        return total_of(*values)  # type: ignore[no-any-return]

    lo, hi = _domain(
        family_name,
        rules.proj_below_cells,
        free,
        sizes,
        bounds=(request.low, request.high),
        tied=tied,
        known=known,
    )
    guess, method = _guess(
        template, free_index, values, budget, count_at=count_at, tie_slots=tie_slots, lo=lo, hi=hi
    )
    chosen, under, above, evaluations = pick_integer(
        count_at,
        budget,
        free=free,
        lo=lo,
        hi=hi,
        step=step,
        mode=mode,
        guess=guess,
        smallest=lambda total: (
            f"{_describe(family_name, sizes, free)}: {total:,} parameters "
            f"under the {rules.name} convention"
        ),
    )

    design = {**sizes, free: chosen.value}
    for name, expression in tied.items():
        design[name] = int(expression.evaluate(known(chosen.value)) // 1)
    # Count the answer through the front door: it validates the design as a whole.
    preset = rules.name if rules.name in CONVENTIONS else rules
    check = count_design(family_name, convention=preset, **design)
    if check.total != chosen.total:  # pragma: no cover - a solver bug, never user input
        raise AssertionError(f"solver total {chosen.total} != count {check.total}")
    return Solution(
        family=family_name,
        convention=convention or DEFAULTS["convention"],
        overrides=overrides,
        free=free,
        sizes={k: design[k] for k in _ORDER if k in design},
        total=chosen.total,
        budget=budget,
        relative_error=(chosen.total - budget) / budget,
        mode=mode,
        below=under,
        above=above,
        method=method,
        evaluations=evaluations,
        assumptions=tuple(assumptions),
    )


_TEMPLATES: dict[tuple[Any, ...], Count] = {}


def _template(family: str, rules: Convention, sizes: Mapping[str, Any]) -> Count:
    """The design's count with its free size a symbol; the same design asked again (the
    usual case: many budgets, or a search) reuses it instead of parsing it again."""
    key = (
        family,
        rules,
        tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in sizes.items())),
    )
    template = _TEMPLATES.get(key)
    if template is None:
        if len(_TEMPLATES) > 4096:
            _TEMPLATES.clear()
        template = symbolic_design(family, convention=rules, **sizes)
        _TEMPLATES[key] = template
    return template


def _free_size(
    family: str, free: str | None, sizes: Mapping[str, Any], ties: Mapping[str, str]
) -> str:
    if free is not None:
        if free not in SOLVABLE:
            raise UnknownNameError.for_name("free size", free, SOLVABLE)
        if free in sizes:
            raise ConflictError(f"{free} is both given ({sizes[free]}) and free; drop one")
        return free
    if "cells" not in sizes and "cells" not in ties:
        return "cells"
    if getattr(get_family(family), "requires_projection", False) and "proj" not in sizes:
        return "proj"
    raise ConflictError(
        "nothing to solve for: every size is given; leave one out or name it with "
        f"free=... (one of {', '.join(SOLVABLE)})"
    )


def _defaults(
    sizes: dict[str, Any], free: str, convention: str | None, ties: Mapping[str, str]
) -> list[str]:
    notes = []
    if convention is None:
        notes.append(f"convention {DEFAULTS['convention']} (default; change with --convention)")
    for key, option in (("input", "--input"), ("layers", "--layers"), ("output", "--output")):
        if key in sizes or key == free or key in ties:
            continue
        if key == "output" and "vocab" in sizes:
            continue
        sizes[key] = DEFAULTS[key]
        extra = ", 0 for none" if key == "output" else ""
        notes.append(f"{key} {DEFAULTS[key]} (default; change with {option}{extra})")
    return notes


def _tie(target: str, text: str, free: str, sizes: Mapping[str, Any]) -> Expression:
    from explorer.expressions import parse_expression

    if target not in SOLVABLE:
        raise UnknownNameError.for_name("tied size", target, SOLVABLE)
    if target == free or target in sizes:
        raise ConflictError(f"{target} is tied to a formula and also given or free; drop one")
    expression = parse_expression(text, SOLVABLE)
    missing = [n for n in expression.names if n != free and not isinstance(sizes.get(n), int)]
    if missing:
        raise ConflictError(
            f"tie {target}={text} uses {', '.join(missing)}, which is neither the free size "
            "nor a single given number"
        )
    return expression


def _domain(
    family: str,
    proj_below_cells: bool,
    free: str,
    sizes: Mapping[str, Any],
    *,
    bounds: tuple[int | None, int | None],
    tied: Mapping[str, Expression],
    known: Callable[[int], dict[str, Any]],
) -> tuple[int, int | None]:
    lo, hi = bounds[0] or 1, bounds[1]
    if proj_below_cells and free == "cells" and "proj" in sizes:
        lo = max(lo, max(_as_list(sizes["proj"])) + 1)
    if proj_below_cells and free == "proj" and "cells" in sizes:
        top = min(_as_list(sizes["cells"])) - 1
        hi = top if hi is None else min(hi, top)
    if tied:  # the smallest free size for which every tied size is at least 1
        first, _ = largest_within(
            lambda x: 0 if all(e.evaluate(known(x)) < 1 for e in tied.values()) else 1,
            0,
            lo=lo,
            hi=hi,
            guess=lo,
        )
        if first is not None and first >= (hi or CEILING):
            names = ", ".join(f"{k}={e.text}" for k, e in tied.items())
            raise BudgetError(f"the tie {names} stays below 1 for every allowed {free}")
        lo = lo if first is None else first + 1
    if hi is not None and hi < lo:
        raise BudgetError(
            f"no {free} is allowed: it must lie between {lo} and {hi} for this {family} design"
        )
    return lo, hi


def _guess(
    template: Count,
    free_index: int,
    values: list[int],
    budget: int,
    *,
    count_at: Callable[[int], int],
    tie_slots: list[Any],
    lo: int,
    hi: int | None,
) -> tuple[int, str]:
    if not tie_slots:
        coefficients = _univariate(template, free_index, values)
        if not any(coefficients[1:]):
            name = template.compiled.slots[free_index].keyword
            raise ConflictError(
                f"{name} does not change the count of this design: nothing to solve"
            )
        guess, method = closed_form_guess(coefficients, budget)
        if guess is not None:
            return guess, method
    return _bracket(count_at, budget, lo, hi), "scipy brentq bracketing on the monotone count"


def _univariate(template: Count, free_index: int, values: Sequence[int]) -> list[int]:
    """Exact integer coefficients of the count as a polynomial in the free size alone."""
    coefficients: dict[int, int] = {}
    for coefficient, exponents in template.compiled.total.monomials:
        term = coefficient
        for index, exponent in enumerate(exponents):
            if exponent and index != free_index:
                term *= values[index] ** exponent
        degree = exponents[free_index]
        coefficients[degree] = coefficients.get(degree, 0) + term
    return [coefficients.get(d, 0) for d in range(max(coefficients) + 1)]


def _bracket(count_at: Callable[[int], int], budget: int, lo: int, hi: int | None) -> int:
    from scipy.optimize import brentq

    top = lo
    while count_at(top) < budget and (hi is None or top < hi):
        top = top * 2 if hi is None else min(hi, top * 2)
    if count_at(lo) >= budget or top == lo:
        return lo
    if count_at(top) < budget:  # capped by the maximum: the largest allowed size
        return top
    root = brentq(lambda x: float(count_at(int(x))) - budget, lo, top, xtol=0.5)
    return int(root)


def _describe(family: str, sizes: Mapping[str, Any], free: str) -> str:
    layers = sizes.get("layers")
    head = (
        f"{layers}-layer {family.upper()}"
        if isinstance(layers, int) and free != "layers"
        else family.upper()
    )
    parts = [
        f"{k.replace('_', ' ')} {v}"
        for k, v in sizes.items()
        if k not in ("layers", free) and v not in (None, False, True)
    ]
    if not parts:
        return head
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{head} with {listed}"


def _choices(key: str, value: Iterable[Any]) -> list[Any]:
    picked = sorted(value)
    if not picked:
        raise InvalidSizeError(f"{key} has no choices to enumerate")
    return picked


def _positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidSizeError(f"{name} must be a positive integer, got {value!r}")
    return value


def _as_list(value: Any) -> list[int]:
    return list(value) if isinstance(value, list) else [value]


def _replace(solution: Solution, **changes: Any) -> Solution:
    import dataclasses

    return dataclasses.replace(solution, **changes)


def pick_integer(
    count_at: Callable[[int], int],
    budget: int,
    *,
    free: str,
    lo: int,
    hi: int | None,
    step: int,
    mode: str,
    guess: int,
    smallest: Callable[[int], str],
) -> tuple[Neighbour, Neighbour, Neighbour | None, int]:
    """The allowed integer (a multiple of ``step`` in ``[lo, hi]``) that the mode asks for,
    on a non-decreasing exact count: (chosen, below, above, evaluations).

    Raises:
        BudgetError: no multiple in range; the budget is below the smallest design; or
            mode ``over`` and no allowed size reaches the budget.
    """
    lo_k, hi_k = -(-lo // step), None if hi is None else hi // step
    if hi_k is not None and hi_k < lo_k:
        raise BudgetError(
            f"no multiple of {step} lies between {lo} and {hi}: "
            f"the constraints exclude every {free}"
        )
    best, evaluations = largest_within(  # a count that never exceeds the budget stops at CEILING
        lambda k: count_at(k * step), budget, lo=lo_k, hi=hi_k, guess=max(lo_k, guess // step)
    )
    if best is None:
        raise BudgetError(
            f"budget {budget:,} is below the smallest {smallest(count_at(lo_k * step))}"
        )
    under = Neighbour(best * step, count_at(best * step))
    above = None
    if under.total != budget and (hi_k is None or best + 1 <= hi_k):
        above = Neighbour((best + 1) * step, count_at((best + 1) * step))
        evaluations += 1
    if (
        under.total == budget
        or mode == "under"
        or (mode == "nearest" and (above is None or budget - under.total <= above.total - budget))
    ):
        return under, under, above, evaluations
    if above is None:
        raise BudgetError(
            f"no allowed {free} reaches the budget {budget:,}: the largest, {under.value}, "
            f"gives {under.total:,}; raise the maximum or use mode 'nearest'"
        )
    return above, under, above, evaluations
