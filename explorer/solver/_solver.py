"""The inverse solver: from a parameter budget to exact integer sizes."""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, get_args

from explorer._api import count as count_design
from explorer._api import formula as symbolic_design
from explorer.algebra import Count, complete
from explorer.conventions import CONVENTIONS, Convention, resolve_convention
from explorer.errors import (
    BudgetError,
    ConflictError,
    ExplorerError,
    InvalidSizeError,
    UnknownNameError,
    named,
    shown,
    typed,
)
from explorer.families import Family, domain_of, get_family, multiple_of
from explorer.sizes import MAX_SIZE, MAX_SIZE_TEXT
from explorer.solver._budget import parse_budget
from explorer.solver._integer import (
    largest_within,
    polynomial_guess,
    quadratic_floor_root,
)
from explorer.solver._solution import Neighbour, Solution
from explorer.solver._ties import Tie, compile_tie, polynomial_times

if TYPE_CHECKING:
    from explorer.algebra import Polynomial
    from explorer.expressions import Expression
    from explorer.solver._measure import Measure

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
    # The same request asked again with another budget (the usual case: many budgets, or a
    # search) is answered from what was prepared the first time: only the budget is new.
    try:  # the key hashed once; per-layer sizes (lists) are not hashable: prepared anew
        prepared = _PREPARED.get(
            _key_of(family, fixed, (convention, free, multiple_of, minimum, maximum, ties, measure))
        )
    except TypeError:
        prepared = None
    if prepared is not None:
        if mode not in MODES:
            raise UnknownNameError.for_name("mode", mode, MODES)
        if measure is not None:
            target = measure.parse_budget(budget)
        else:
            target = budget if type(budget) is int and budget > 0 else parse_budget(budget)
        return prepared.answer(target, mode)
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
    request = _Request(convention, free, step, low, high, ties or {}, measure)
    options = (convention, free, multiple_of, minimum, maximum, ties, measure)
    for name in families:
        for picked in itertools.product(*choices.values()):
            design = {**fixed, **dict(zip(choices, picked))}
            try:
                key = _key(name, design, options)
                prepared = _PREPARED.get(key) if key is not None else None
                if prepared is None:
                    prepared = _prepare(name, request, design)
                    if key is not None:
                        if len(_PREPARED) > 4096:
                            _PREPARED.clear()
                        _PREPARED[key] = prepared
                solutions.append(prepared.answer(target, mode))
            except (BudgetError, ConflictError, InvalidSizeError) as error:
                if len(families) == 1 and not choices:
                    raise
                failures.append(error)
    if not solutions:
        raise failures[0]
    solutions.sort(key=_closeness)
    return solutions


def _key_of(family: object, fixed: Mapping[str, Any], options: tuple[Any, ...]) -> tuple[Any, ...]:
    """What identifies a request but its budget and mode (:data:`_PREPARED`'s key): one
    flat tuple. ``options`` are :func:`solve`'s, in its order, as they came: a tuple
    built in place and unpacked here costs less than keywords to match (a warm solve
    takes a few microseconds)."""
    convention, free, multiple_of, minimum, maximum, ties, measure = options
    return (
        family,
        convention,
        free,
        multiple_of,
        minimum,
        maximum,
        ties and tuple(ties.items()),
        measure,
        *fixed.items(),
    )


def _key(
    family: object, fixed: Mapping[str, Any], options: tuple[Any, ...]
) -> tuple[Any, ...] | None:
    """:func:`_key_of`, or ``None`` when unhashable (a list of per-layer sizes, say: such
    requests are prepared each time)."""
    key = _key_of(family, fixed, options)
    try:
        hash(key)
    except TypeError:
        return None
    return key


@dataclass(frozen=True, slots=True)
class _Request:
    """What is asked of every enumerated design but the budget, validated once."""

    convention: str | None
    free: str | None
    step: int
    low: int | None
    high: int | None
    ties: Mapping[str, str]
    measure: Measure | None = None  # None: parameters (no measure module imported)


SEARCH = "exact exponential search and bisection on the monotone count"
QUADRATIC = "closed form (quadratic, exact isqrt)"
LINEAR = "closed form (linear, exact integer division)"
TIED = ", the ties unrounded; then an exact search"


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Everything a solve needs but the budget: the free size's exact count, its allowed
    range and step, the first guess's polynomial, and what the answer is made of."""

    family: Family
    rules: Convention
    convention: str
    overrides: dict[str, Any]
    free: str
    sizes: dict[str, Any]
    ties: dict[str, Tie]
    count_at: Callable[[int], int]
    lo: int
    hi: int
    #: why ``hi`` ends the range when the design ends it (see :func:`pick_integer`)
    cap: str | None
    step: int
    #: ``Q`` with ``Q(x) / scale`` the count at ``x`` (ties unrounded), or ``None``.
    guide: tuple[int, ...] | None
    scale: int
    degree: int
    plain: bool
    #: the sizes an answer shows, in the family's keyword order (free and tied sizes as 0):
    #: those given, and what the count adds; ``None`` when they change with the free size
    #: (then each answer's count through explorer.count says)
    layout: dict[str, Any] | None
    #: the sizes the request gave (the free and tied ones included)
    given: frozenset[str]
    described: str
    #: what the count measures (``None``: parameters) and its unit
    measure: Measure | None = None
    unit: str = "parameters"

    def answer(self, budget: int, mode: str) -> Solution:
        """The solution for one budget: when the guide's closed-form root is exact, two
        counts prove it (the root within the budget, the next size over); else an exact
        search from the guess. Warm, this is a few microseconds: it is written for it."""
        guess, method = self._guess(budget)
        picked = None
        if guess is not None and self.step == 1 and self.lo <= guess < self.hi:
            picked = _bracketed(self.count_at, guess, budget, mode)
        if picked is None:
            picked = pick_integer(
                self.count_at,
                budget,
                free=self.free,
                lo=self.lo,
                hi=self.hi,
                step=self.step,
                mode=mode,
                guess=self.lo if guess is None else guess,
                smallest=self._smallest,
                cap=self.cap,
            )
        chosen, under, above, evaluations = picked
        value = chosen.value
        measured: dict[str, Any] = {}
        if self.layout is not None:
            sizes = self.layout.copy()  # every keyword in the family's order
            sizes[self.free] = value
            for name, tie in self.ties.items():
                sizes[name] = tie.floor(value)
            self._count_design(sizes, chosen.total)
        else:
            design = {**self.sizes, self.free: value}
            for name, tie in self.ties.items():
                design[name] = tie.floor(value)
            counted = self._count_design(design, chosen.total)
            sizes = self.shown(counted.sizes, design)
            if self.measure is not None:
                measured = {
                    "unit": self.unit,
                    "measure": self.measure.describe(),
                    "parameters": counted.total,
                }
        fields = {  # Solution.of's fields as one literal: no keyword arguments to match
            "family": self.family.name,
            "convention": self.convention,
            "overrides": self.overrides,
            "free": self.free,
            "sizes": sizes,
            "total": chosen.total,
            "budget": budget,
            "relative_error": (chosen.total - budget) / budget,
            "mode": mode,
            "below": under,
            "above": above,
            "method": method,
            "evaluations": evaluations,
        }
        if measured:
            fields.update(measured)
        return Solution.of_fields(fields)

    def _guess(self, budget: int) -> tuple[int | None, str]:
        """The closed-form root of the guide polynomial (exact for a plain count)."""
        guide = self.guide
        if guide is None:
            return None, SEARCH
        target = budget * self.scale
        degree = self.degree
        if degree == 2:
            guess = quadratic_floor_root(guide[2], guide[1], guide[0] - target)
            method = QUADRATIC
        elif degree == 1:
            guess, method = (target - guide[0]) // guide[1], LINEAR
        else:
            guess, method = polynomial_guess(guide, target)
        if guess is None:
            return None, SEARCH
        return guess, method if self.plain else method + TIED

    def _smallest(self, total: int) -> str:
        return f"{self.described}: {total:,} {self.unit} under the {self.rules.name} convention"

    def _count_design(self, design: dict[str, Any], total: int) -> Count:
        """The design counted through explorer.count, which validates it as a whole (and
        must give the same total)."""
        preset = self.rules.name if self.rules.name in CONVENTIONS else self.rules
        check = count_design(self.family.name, convention=preset, **design)
        found = check.total if self.measure is None else self.measure.of(check)
        if found != total:  # pragma: no cover - a solver bug, never user input
            raise AssertionError(f"solver total {total} != count {found}")
        return check

    def shown(self, counted: Mapping[str, Any], design: Mapping[str, Any]) -> dict[str, Any]:
        """The design as given (the free and tied sizes solved), with what the count adds
        (the family's defaults it used); not the defaults that change nothing here."""
        both = {**counted, **{k: v for k, v in design.items() if k in self.given}}
        return {k.name: both[k.name] for k in self.family.keywords if k.name in both}


def _bracketed(
    count_at: Callable[[int], int], guess: int, budget: int, mode: str
) -> tuple[Neighbour, Neighbour, Neighbour | None, int] | None:
    """The answer when the guess is right (its count within the budget, the next size's
    over): two exact counts prove it. ``None`` otherwise (then the caller searches)."""
    total = count_at(guess)
    if total > budget:
        return None
    following = count_at(guess + 1)
    if following <= budget:
        return None
    under = Neighbour(guess, total)
    if total == budget:
        return under, under, None, 2
    above = Neighbour(guess + 1, following)
    if mode == "under" or (mode == "nearest" and budget - total <= following - budget):
        return under, under, above, 2
    return above, under, above, 2


def _prepare(family_name: str, request: _Request, given: dict[str, Any]) -> _Prepared:
    family = get_family(family_name)
    given = family.canonical(given)
    overrides = {f.name: given.pop(f.name) for f in family.flags if f.name in given}
    sizes = given
    given_names = set(given)
    convention = request.convention or family.default_convention
    rules = resolve_convention(convention, kind=family.kind, **overrides)
    ties: dict[str, str] = {}
    for spelled, text in request.ties.items():
        tied_name = _keyword(family, spelled)
        if tied_name in ties:  # two spellings of one size (proj and proj_size)
            raise ConflictError(
                f"{tied_name} is tied twice ({ties[tied_name]!r}, then {text!r}); tie it once"
            )
        ties[tied_name] = text
    free = _free_size(family, request.free, sizes, ties)
    expressions = {k: _tie(family, k, text, free, sizes) for k, text in ties.items()}
    for keyword in family.keywords:  # the family's own defaults (one layer), as count has
        name = keyword.name
        if keyword.default is not None and keyword.is_size and name not in (*sizes, free, *ties):
            sizes[name] = keyword.default
    known = {k: v for k, v in sizes.items() if type(v) is int}
    tied = {k: compile_tie(e, free, known) for k, e in expressions.items()}

    template = _symbolic_template(family, rules, sizes, free, tied)
    slots = template.compiled.slots
    slot_of = {s.keyword: i for i, s in enumerate(slots) if s.layer is None and not s.derived}
    base: list[Any] = [v if v is not None else 0 for v in template.values]
    measure = request.measure
    total_of, polynomial, own = _evaluator(measure, template)
    free_index = slot_of[free]
    tie_slots = [(slot_of[k], tie) for k, tie in tied.items()]
    derived = [i for i, s in enumerate(slots) if s.derived]
    plain = not (tie_slots or derived)
    guide: tuple[int, ...] | None = None
    scale = 1
    if plain and polynomial is not None:
        coefficients = polynomial.collect(free_index, [*base, *own])
        if not any(coefficients[1:]):
            raise ConflictError(
                f"{free} does not change the count of this design: nothing to solve"
            )
        guide = tuple(coefficients)
        count_at = _polynomial_count(guide)
    else:
        count_at = _tied_count(
            family,
            template,
            total_of=total_of,
            base=base,
            free_index=free_index,
            tie_slots=tie_slots,
            derived=derived,
        )
        if (
            polynomial is not None
            and not derived
            and all(t.polynomial is not None for _, t in tie_slots)
        ):
            guide, scale = _tied_guide(polynomial, [*base, *own], free_index, tie_slots)

    lo, hi, cap = _domain(family, rules=rules, free=free, sizes=sizes, request=request, tied=tied)
    prepared = _Prepared(
        family=family,
        rules=rules,
        convention=convention,
        overrides=overrides,
        free=free,
        sizes=dict(sizes),
        ties=tied,
        count_at=count_at,
        lo=lo,
        hi=hi,
        cap=cap,
        step=math.lcm(request.step, multiple_of(family, free, sizes)),
        guide=guide,
        scale=scale,
        degree=max((d for d, c in enumerate(guide or ()) if c), default=0),
        plain=plain,
        layout=None,
        given=frozenset({*given_names, free, *tied}),
        described=_describe(family, sizes, free),
        measure=measure,
        unit="parameters" if measure is None else measure.unit,
    )
    if derived or measure is not None:
        # the shown sizes follow the free one, or the parameters go beside the measure:
        # each answer's count says
        return prepared
    # Sizes derived from none: what an answer shows is what the design at the lowest
    # allowed size shows, the free and tied sizes replaced.
    probe = {**sizes, free: lo, **{k: t.floor(lo) for k, t in tied.items()}}
    try:
        counted = prepared._count_design(probe, count_at(lo))
    except ExplorerError:
        return prepared  # not a valid design at the lowest size: each answer is checked
    layout = prepared.shown(counted.sizes, probe)
    return dataclasses.replace(prepared, layout=layout)


def _evaluator(
    measure: Measure | None, template: Count
) -> tuple[Callable[..., int], Polynomial | None, tuple[int, ...]]:
    """The measured value as a function of the template's slot values, its polynomial
    over the slots and the measure's own sizes (``seq``, ``batch``: their values, third)
    for the closed-form guess; parameters by default."""
    if measure is None:
        return template.compiled.function("total"), template.compiled.total, ()
    measured, polynomial, own = measure.evaluator(template)

    def total_of(*values: Any) -> int:
        return measured(values)

    return total_of, polynomial, own


def _polynomial_count(coefficients: tuple[int, ...]) -> Callable[[int], int]:
    """The exact count along the free size: its integer polynomial, by Horner's rule."""
    highest_first = tuple(reversed(coefficients))
    if len(highest_first) == 3:
        a, b, c = highest_first
        return lambda x: (a * x + b) * x + c
    if len(highest_first) == 2:
        a, b = highest_first
        return lambda x: a * x + b

    def count(x: int) -> int:
        value = 0
        for coefficient in highest_first:
            value = value * x + coefficient
        return value

    return count


def _tied_count(
    family: Family,
    template: Count,
    *,
    total_of: Callable[..., int],
    base: list[Any],
    free_index: int,
    tie_slots: list[tuple[int, Tie]],
    derived: list[int],
) -> Callable[[int], int]:
    """The exact count at a free size, its ties rounded down and derived sizes filled."""

    def count(x: int) -> int:
        values = base.copy()
        values[free_index] = x
        for index, tie in tie_slots:
            values[index] = tie.floor(x)
        if derived:
            for index in derived:
                values[index] = None
            complete(family, template.structure, values)
        return total_of(*values)

    return count


def _tied_guide(
    polynomial: Polynomial, base: list[Any], free_index: int, tie_slots: list[tuple[int, Tie]]
) -> tuple[tuple[int, ...], int]:
    """The count's polynomial in the free size with each tie unrounded (rational), as
    integer coefficients and their common denominator: the first guess's equation."""
    ties = {index: tie.polynomial for index, tie in tie_slots}
    total: dict[int, Fraction] = {}
    for coefficient, exponents in polynomial.monomials:
        term: list[Fraction] = [Fraction(coefficient)]
        for slot, power in exponents:
            factor = (
                [Fraction(0), Fraction(1)]
                if slot == free_index
                else list(ties[slot] or ())
                if slot in ties
                else [Fraction(base[slot])]
            )
            for _ in range(power):
                term = polynomial_times(term, factor)
        for degree, c in enumerate(term):
            total[degree] = total.get(degree, Fraction(0)) + c
    scale = math.lcm(*(c.denominator for c in total.values()))
    return tuple(int(total.get(d, 0) * scale) for d in range(max(total) + 1)), scale


_PREPARED: dict[tuple[Any, ...], _Prepared] = {}


def _symbolic_template(
    family: Family,
    rules: Convention,
    sizes: Mapping[str, Any],
    free: str,
    tied: Mapping[str, object],
) -> Count:
    """The design's count with the free size (and the tied sizes) left symbols; refused
    when the free size is not one size of it, or another size is missing."""
    symbolic = dict(sizes)
    for name in (free, *tied):
        keyword = family.keyword(name)
        # a part, or a size that otherwise follows a rule (d_ff = 4 d_model): present, its
        # size a symbol of its own, so that solving or tying it replaces the rule
        if keyword is not None and (keyword.kind == "part" or keyword.rule):
            symbolic[name] = True
        elif name in tied and name not in symbolic:
            # A tied size the family would otherwise derive by its own rule (d_ff from
            # d_model: gpt2's 4 x, llama's 8/3): a placeholder makes it a plain slot of
            # its own, which the tie sets at every evaluation (issue 22).
            symbolic[name] = 1
    template = _template(family, rules, symbolic)
    slots = template.compiled.slots
    slot_of = {s.keyword: i for i, s in enumerate(slots) if s.layer is None and not s.derived}
    wanted = {slots[slot_of[k]].symbol for k in (free, *tied) if k in slot_of}
    if free not in slot_of:
        raise ConflictError(
            f"cannot solve for {named(free)} in this design: it is not one size of it (it is "
            "given per layer, or follows another size); give it and free another size"
        )
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
                f"{named(keyword.name)} is both given ({shown(sizes[keyword.name])}) and free "
                f"({typed('free', keyword.name)}); drop one"
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
    tied: Mapping[str, Tie],
) -> tuple[int, int, str | None]:
    """The allowed range of the free size, and why it ends where it does when that is
    the design's doing (``None`` when the user's maximum ends it)."""
    cap: str | None
    lo, own_hi = domain_of(family, free, sizes, rules)
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
            lambda x: 0 if all(t.floor(x) < 1 for t in tied.values()) else 1,
            0,
            lo=lo,
            hi=hi,
            guess=lo,
        )
        if first is not None and first >= hi:
            names = ", ".join(f"{k}={t.text}" for k, t in tied.items())
            raise BudgetError(f"the tie {names} stays below 1 for every allowed {free}")
        lo = lo if first is None else first + 1
    if hi < lo:
        raise BudgetError(
            f"no {free} is allowed: it must lie between {lo} and {hi} for this {family.name} design"
        )
    return lo, hi, cap


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
    on a non-decreasing exact count: (chosen, below, above, evaluations), where
    ``evaluations`` is the number of distinct sizes whose exact count was taken.

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
    counted: dict[int, int] = {}

    def count(k: int) -> int:
        total = counted.get(k)
        if total is None:
            total = counted[k] = count_at(k * step)
        return total

    # a count that never exceeds the budget stops at CEILING
    best, _ = largest_within(count, budget, lo=lo_k, hi=hi_k, guess=max(lo_k, guess // step))
    if best is None:
        raise BudgetError(f"budget {budget:,} is below the smallest {smallest(count(lo_k))}")
    under = Neighbour(best * step, count(best))
    if cap is not None and hi_k is not None and best == hi_k and under.total < budget:
        previous = count(best - 1) if best - 1 >= lo_k else 0
        if budget - under.total > under.total - previous:
            raise BudgetError(
                f"no allowed {free} reaches the budget {budget:,}: the largest, "
                f"{under.value:,}, gives {under.total:,} parameters; {cap}"
            )
    above = None
    if under.total != budget and (hi_k is None or best + 1 <= hi_k):
        above = Neighbour((best + 1) * step, count(best + 1))
    if (
        under.total == budget
        or mode == "under"
        or (mode == "nearest" and (above is None or budget - under.total <= above.total - budget))
    ):
        return under, under, above, len(counted)
    if above is None:
        raise BudgetError(
            f"no allowed {free} reaches the budget {budget:,}: the largest, {under.value}, "
            f"gives {under.total:,}; raise {typed('maximum', option='--max')} or use "
            f"{typed('mode', 'nearest')}"
        )
    return above, under, above, len(counted)
