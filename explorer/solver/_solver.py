"""The inverse solver: from a parameter budget to exact integer sizes."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from explorer._api import count as count_design
from explorer._api import formula as symbolic_design
from explorer.algebra import Count
from explorer.conventions import CONVENTIONS, Convention, resolve_convention
from explorer.errors import (
    BudgetError,
    ConflictError,
    InvalidSizeError,
    UnknownNameError,
    shown,
    typed,
)
from explorer.families import Family, get_family
from explorer.sizes import MAX_SIZE, MAX_SIZE_TEXT
from explorer.solver._budget import parse_budget
from explorer.solver._integer import closed_form_guess, largest_within
from explorer.solver._solution import Neighbour, Solution

if TYPE_CHECKING:
    from explorer.algebra import Polynomial
    from explorer.expressions import Expression
    from explorer.measures import Measure

__all__ = ["MODES", "RANKING", "Mode", "rank", "solve", "solve_all"]

Mode = Literal["nearest", "under", "over"]
MODES: tuple[str, ...] = get_args(Mode)


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
    measure: Measure | None = None,
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
        measure: what the budget counts: parameters (default), or
            ``explorer.measures.Flops(seq=...)`` (FLOPs), ``explorer.measures.Bytes(...)``
            (bytes, ``80GB``/``80GiB``); the answer is provably best in that measure.
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
        measure=measure,
        **fixed,
    )
    return rank(solutions)


def rank(solutions: Sequence[Solution]) -> Solution:
    """The best of several solved designs, by :data:`RANKING`, with every design in its
    ``alternatives`` (best first) when there are several."""
    ordered = sorted(solutions, key=_closeness)
    best = ordered[0]
    if len(ordered) == 1:
        return best
    return _replace(best, alternatives=tuple(ordered), rule=RANKING)


def _closeness(solution: Solution) -> tuple[int, int]:
    return abs(solution.total - solution.budget), solution.total


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
    measure: Measure | None = None,
    **fixed: Any,
) -> list[Solution]:
    """Every enumerated choice solved exactly, best first (see :func:`solve`)."""
    target = parse_budget(budget) if measure is None else measure.parse_budget(budget)
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
                request = _Request(
                    target, convention, free, mode, step, low, high, ties or {}, measure
                )
                solutions.append(_solve_one(name, request, design))
            except (BudgetError, ConflictError, InvalidSizeError) as error:
                if len(families) == 1 and not choices:
                    raise
                failures.append(error)
    if not solutions:
        raise failures[0]
    solutions.sort(key=_closeness)
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
    measure: Measure | None  # None: parameters (no measure module imported)


def _solve_one(family_name: str, request: _Request, given: dict[str, Any]) -> Solution:
    budget, mode = request.budget, request.mode
    family = get_family(family_name)
    given = family.canonical(given)
    overrides = {f.name: given.pop(f.name) for f in family.flags if f.name in given}
    sizes = given
    given_names = {*given, *request.ties}
    convention = request.convention or family.default_convention
    rules = resolve_convention(convention, kind=family.kind, **overrides)
    ties = {_keyword(family, k): v for k, v in request.ties.items()}
    free = _free_size(family, request.free, sizes, ties)
    tied = {k: _tie(family, k, text, free, sizes) for k, text in ties.items()}
    for keyword in family.keywords:  # the family's own defaults (one layer), as count has
        name = keyword.name
        if keyword.default is not None and keyword.is_size and name not in (*sizes, free, *tied):
            sizes[name] = keyword.default

    template = _symbolic_template(family, rules, sizes, free, tied)
    slots = template.compiled.slots
    slot_of = {s.keyword: i for i, s in enumerate(slots) if s.layer is None and not s.derived}
    values: list[Any] = [v if v is not None else 0 for v in template.values]
    measured, polynomial, own = _evaluator(request.measure, template)
    unit = "parameters" if request.measure is None else request.measure.unit
    free_index = slot_of[free]
    tie_slots = [(slot_of[k], e) for k, e in tied.items()]
    derived = [i for i, s in enumerate(slots) if s.derived]
    known_sizes = {k: v for k, v in sizes.items() if type(v) is int}

    def tied_value(expression: Expression, x: int) -> int:
        return int(expression.evaluate({**known_sizes, free: x}) // 1)

    def count_at(x: int) -> int:
        values[free_index] = x
        for index, expression in tie_slots:
            values[index] = tied_value(expression, x)
        if derived:
            for index in derived:
                values[index] = None
            family.complete(template.structure, values)
        return measured(values)

    lo, hi, cap = _domain(
        family,
        rules=rules,
        free=free,
        sizes=sizes,
        request=request,
        tied=tied,
        tied_value=tied_value,
    )
    step = math.lcm(request.step, family.multiple(free, sizes))
    guess, method = _guess(
        template, polynomial, free_index, [*values, *own], budget, plain=not (tie_slots or derived)
    )
    chosen, under, above, evaluations = pick_integer(
        count_at,
        budget,
        free=free,
        lo=lo,
        hi=hi,
        step=step,
        mode=mode,
        guess=guess if guess is not None else lo,
        smallest=lambda total: (
            f"{_describe(family, sizes, free)}: {total:,} {unit} under the {rules.name} convention"
        ),
        cap=cap,
    )

    given_names.add(free)
    design = {**sizes, free: chosen.value}
    for name, expression in tied.items():
        design[name] = tied_value(expression, chosen.value)
    # Count the answer through the front door: it validates the design as a whole.
    preset = rules.name if rules.name in CONVENTIONS else rules
    check = count_design(family.name, convention=preset, **design)
    found = check.total if request.measure is None else request.measure.of(check)
    if found != chosen.total:  # pragma: no cover - a solver bug, never user input
        raise AssertionError(f"solver total {chosen.total} != count {found}")
    # The design as given (the free and tied sizes solved), with what the count adds
    # (the family's defaults it used); not the defaults that change nothing here.
    shown = {**check.sizes, **{k: v for k, v in design.items() if k in given_names}}
    order = [k.name for k in family.keywords]
    return Solution(
        family=family.name,
        convention=convention,
        overrides=overrides,
        free=free,
        sizes={k: shown[k] for k in order if k in shown},
        total=chosen.total,
        budget=budget,
        relative_error=(chosen.total - budget) / budget,
        mode=mode,
        below=under,
        above=above,
        method=method,
        evaluations=evaluations,
        unit=unit,
        measure=unit if request.measure is None else request.measure.describe(),
        parameters=None if request.measure is None else check.total,
    )


def _evaluator(
    measure: Measure | None, template: Count
) -> tuple[Callable[[Sequence[Any]], int], Polynomial | None, tuple[int, ...]]:
    """The measured value as a function of the template's slot values, its polynomial
    (for the closed-form guess) and the measure's own sizes; parameters by default."""
    if measure is not None:
        return measure.evaluator(template)
    total_of = template.compiled.function("total")

    def measured(values: Sequence[Any]) -> int:
        return total_of(*values)  # type: ignore[no-any-return]

    return measured, template.compiled.total, ()


def _symbolic_template(
    family: Family,
    rules: Convention,
    sizes: Mapping[str, Any],
    free: str,
    tied: Mapping[str, Expression],
) -> Count:
    """The design's count with the free size (and the tied sizes) left symbols; refused
    when the free size is not one size of it, or another size is missing."""
    symbolic = dict(sizes)
    for name in (free, *tied):
        if _kind(family, name) == "part":
            symbolic[name] = True
    template = _template(family, rules, symbolic)
    slots = template.compiled.slots
    slot_of = {s.keyword: i for i, s in enumerate(slots) if s.layer is None and not s.derived}
    wanted = {slots[slot_of[k]].symbol for k in (free, *tied) if k in slot_of}
    if free not in slot_of:
        raise ConflictError(f"cannot solve for {free} in this design; give it per layer or fix it")
    unexpected = [s for s, v in zip(slots, template.values) if v is None and s.symbol not in wanted]
    if unexpected and not any(s.derived for s in unexpected):
        missing = list(dict.fromkeys(s.keyword for s in unexpected))
        raise InvalidSizeError(
            f"to solve for {free}, give {' and '.join(missing)}: "
            + ", ".join(typed(k) for k in missing)
        )
    return template


_TEMPLATES: dict[tuple[Any, ...], Count] = {}


def _template(family: Family, rules: Convention, sizes: Mapping[str, Any]) -> Count:
    """The design's count with its free size a symbol; the same design asked again (the
    usual case: many budgets, or a search) reuses it instead of parsing it again."""
    key = (
        family.name,
        rules,
        # the type too: True (present, size a symbol) == 1 and hashes alike (issue 12)
        tuple(
            sorted(
                (k, type(v).__name__, tuple(v) if isinstance(v, list) else v)
                for k, v in sizes.items()
            )
        ),
    )
    template = _TEMPLATES.get(key)
    if template is None:
        if len(_TEMPLATES) > 4096:
            _TEMPLATES.clear()
        template = symbolic_design(family.name, convention=rules, **sizes)
        _TEMPLATES[key] = template
    return template


def _keyword(family: Family, name: str) -> str:
    keyword = family.keyword(name)
    if keyword is None or not keyword.solvable:
        raise UnknownNameError.for_name(f"{family.name} size to tie", name, family.solvable)
    return keyword.name


def _kind(family: Family, name: str) -> str:
    keyword = family.keyword(name)
    return "" if keyword is None else keyword.kind


def _free_size(
    family: Family, free: str | None, sizes: Mapping[str, Any], ties: Mapping[str, str]
) -> str:
    if free is not None:
        keyword = family.keyword(free)
        if keyword is None or not keyword.solvable:
            raise UnknownNameError.for_name(f"{family.name} free size", free, family.solvable)
        if keyword.name in sizes:
            raise ConflictError(
                f"{keyword.name} is both given ({shown(sizes[keyword.name])}) and free; drop one"
            )
        return keyword.name
    for name in family.free_order:
        if name not in sizes and name not in ties:
            return name
    raise ConflictError(
        "nothing to solve for: every size is given; leave one out or name it with "
        f"{typed('free', placeholder='...')} (one of {', '.join(family.solvable)})"
    )


def _tie(family: Family, target: str, text: str, free: str, sizes: Mapping[str, Any]) -> Expression:
    from explorer.expressions import parse_expression

    if target == free or target in sizes:
        raise ConflictError(f"{target} is tied to a formula and also given or free; drop one")
    expression = parse_expression(text, family.solvable)
    missing = [n for n in expression.names if n != free and type(sizes.get(n)) is not int]
    if missing:
        raise ConflictError(
            f"tie {target}={text} uses {', '.join(missing)}, which is neither the free size "
            "nor a single given number"
        )
    return expression


def _domain(
    family: Family,
    *,
    rules: Convention,
    free: str,
    sizes: Mapping[str, Any],
    request: _Request,
    tied: Mapping[str, Expression],
    tied_value: Callable[[Expression, int], int],
) -> tuple[int, int, str | None]:
    """The allowed range of the free size, and why it ends where it does when that is
    the design's doing (``None`` when the user's maximum ends it)."""
    cap: str | None
    lo, own_hi = family.domain(free, sizes, rules)
    if own_hi is None or own_hi > MAX_SIZE:
        own_hi, cap = MAX_SIZE, f"sizes stop at {MAX_SIZE_TEXT}"
    else:
        cap = (
            f"{free} can go no higher in this {family.name} design under the "
            f"{rules.name} convention"
        )
    hi = own_hi
    if request.low is not None:
        lo = max(lo, request.low)
    if request.high is not None and request.high <= hi:
        hi, cap = request.high, None
    if tied:  # the smallest free size for which every tied size is at least 1
        first, _ = largest_within(
            lambda x: 0 if all(tied_value(e, x) < 1 for e in tied.values()) else 1,
            0,
            lo=lo,
            hi=hi,
            guess=lo,
        )
        if first is not None and first >= hi:
            names = ", ".join(f"{k}={e.text}" for k, e in tied.items())
            raise BudgetError(f"the tie {names} stays below 1 for every allowed {free}")
        lo = lo if first is None else first + 1
    if hi < lo:
        raise BudgetError(
            f"no {free} is allowed: it must lie between {lo} and {hi} for this {family.name} design"
        )
    return lo, hi, cap


def _guess(
    template: Count,
    polynomial: Polynomial | None,
    free_index: int,
    values: list[int],
    budget: int,
    *,
    plain: bool,
) -> tuple[int | None, str]:
    """A closed-form floor root when the measure is a plain polynomial of degree 1 or 2 in
    the free size; else ``None``, and the exact integer search starts from the bottom."""
    search = "exact exponential search and bisection on the monotone count"
    if not plain or polynomial is None:
        return None, search
    coefficients = _univariate(polynomial, free_index, values)
    if not any(coefficients[1:]):
        name = template.compiled.slots[free_index].keyword
        raise ConflictError(f"{name} does not change the count of this design: nothing to solve")
    guess, method = closed_form_guess(coefficients, budget)
    return (guess, method) if guess is not None else (None, search)


def _univariate(polynomial: Polynomial, free_index: int, values: Sequence[int]) -> list[int]:
    """Exact integer coefficients of a polynomial in the free size alone (``values``: every
    other slot's value)."""
    coefficients: dict[int, int] = {}
    for coefficient, exponents in polynomial.monomials:
        term = coefficient
        for index, exponent in enumerate(exponents):
            if exponent and index != free_index:
                term *= values[index] ** exponent
        degree = exponents[free_index]
        coefficients[degree] = coefficients.get(degree, 0) + term
    return [coefficients.get(d, 0) for d in range(max(coefficients) + 1)]


def _describe(family: Family, sizes: Mapping[str, Any], free: str) -> str:
    depth = sizes.get(family.depth)
    head = (
        f"{depth}-{family.depth.rstrip('s')} {family.name.upper()}"
        if isinstance(depth, int) and free != family.depth
        else family.name.upper()
    )
    parts = [
        f"{k.replace('_', ' ')} {v}"
        for k, v in sizes.items()
        if k not in (family.depth, free) and v not in (None, False, True)
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
    cap: str | None = None,
) -> tuple[Neighbour, Neighbour, Neighbour | None, int]:
    """The allowed integer (a multiple of ``step`` in ``[lo, hi]``) that the mode asks for,
    on a non-decreasing exact count: (chosen, below, above, evaluations).

    ``cap`` says why ``hi`` is the end when the design, not the user, ends the range: a
    budget more than one step beyond the count at that end is then out of reach, and
    refused rather than answered with a size far from it.

    Raises:
        BudgetError: no multiple in range; the budget is below the smallest design; the
            budget lies beyond the design's reach (``cap``); or mode ``over`` and no
            allowed size reaches the budget.
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
    if cap is not None and hi_k is not None and best == hi_k and under.total < budget:
        previous = count_at((best - 1) * step) if best - 1 >= lo_k else 0
        if budget - under.total > under.total - previous:
            raise BudgetError(
                f"no allowed {free} reaches the budget {budget:,}: the largest, "
                f"{under.value:,}, gives {under.total:,} parameters; {cap}"
            )
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
            f"gives {under.total:,}; raise {typed('maximum', option='--max')} or use "
            f"{typed('mode', 'nearest')}"
        )
    return above, under, above, evaluations
