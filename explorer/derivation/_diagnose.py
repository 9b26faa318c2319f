"""Why no polynomial fits, and what to try: the refusals of ``derive``.

Each diagnosis builds a little more along the variable at fault and names what it finds:
a build that fails only off a lattice (``hidden_size`` must be a multiple of the number of
heads: a constraint between arguments, with a change of variables to offer), a threshold
(``proj_size`` must stay below ``hidden_size``), a special value at a range's end
(``proj_size=0`` switches the projection off), breakpoints and the period they repeat with
(a size rounded up to a multiple of 256 repeats every 96 in ``dim``).

Example:
    >>> multiple_of([2, 4, 6, 8], [1, 2, 3, 4, 5, 6, 7, 8])
    2
    >>> multiple_of([1, 2, 3], [1, 2, 3, 4]) is None
    True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from explorer.derivation._build import BuildFailure, where
from explorer.derivation._domain import Range
from explorer.derivation._errors import NoPolynomialError
from explorer.derivation._newton import DegreeCapError, fit_polynomial
from explorer.derivation._poly import RationalPolynomial
from explorer.derivation._verify import Mismatch

__all__ = ["Context", "build_failure", "degree_cap", "interaction", "mismatch", "multiple_of"]

Point = tuple[int, ...]

#: How many values from the start of a range a failing build is scanned along.
SCAN = 48


@dataclass
class Context:
    """What a diagnosis may use: the domain, a way to count, the fit's anchor, and the
    values of the other arguments (given, or the signature's defaults)."""

    title: str
    variables: tuple[str, ...]
    ranges: tuple[Range, ...]
    count: Callable[[Point], int]
    anchor: Point
    known: Mapping[str, Any]
    max_degree: int
    _tried: dict[Point, int | None] = field(default_factory=dict)

    def attempt(self, point: Point) -> int | None:
        """The count at ``point``, or ``None`` when the build fails."""
        if point not in self._tried:
            try:
                self._tried[point] = self.count(point)
            except BuildFailure:
                self._tried[point] = None
        return self._tried[point]

    def at(self, base: Point, index: int, value: int) -> Point:
        """``base`` with one variable replaced."""
        return tuple(value if k == index else x for k, x in enumerate(base))

    def head(self) -> str:
        """How every refusal starts."""
        return f"cannot derive {self.title}"

    def others(self, index: int, point: Point) -> dict[str, int]:
        """Integer values of every other argument at ``point``: varied ones first."""
        values = {v: x for k, (v, x) in enumerate(zip(self.variables, point)) if k != index}
        for name, value in self.known.items():
            if isinstance(value, int) and not isinstance(value, bool) and name not in values:
                values[name] = value
        values.pop(self.variables[index], None)
        return values


# -- a build that fails ----------------------------------------------------------------------
def build_failure(ctx: Context, failure: BuildFailure) -> NoPolynomialError:
    """Refusal for a build that fails inside the domain."""
    point = tuple(failure.point[v] for v in ctx.variables)
    at = where(failure.point)
    head = f"{ctx.head()}: a build fails inside the domain at {at} ({failure.reason})"
    for i, name in enumerate(ctx.variables):
        r = ctx.ranges[i]
        indices = sorted(set(range(min(r.size, SCAN))) | {r.index(point[i])})
        values = [r.value(k) for k in indices]
        ok = [x for x in values if ctx.attempt(ctx.at(point, i, x)) is not None]
        if not ok or len(ok) == len(values):
            continue
        others = ctx.others(i, point)
        # Of several arguments with the same value, the one the error names is meant.
        others = dict(sorted(others.items(), key=lambda item: item[0] not in failure.reason))
        message = _pattern(_Scan(ctx, i, point, values, ok, others))
        if message:
            return NoPolynomialError(f"{head}; {message[0]}", variable=name, suggestion=message[1])
    return NoPolynomialError(
        f"{head}; change the ranges or the --set values so that every point of the domain builds"
    )


def multiple_of(ok: Sequence[int], values: Sequence[int]) -> int | None:
    """The ``m > 1`` such that exactly the multiples of ``m`` among ``values`` are in ``ok``."""
    m = math.gcd(*ok)
    if m <= 1 or any((x % m == 0) != (x in ok) for x in values):
        return None
    return m


@dataclass
class _Scan:
    """Builds along one variable through a failing point: which values build."""

    ctx: Context
    index: int
    point: Point
    values: list[int]
    ok: list[int]
    others: dict[str, int]

    @property
    def name(self) -> str:
        return self.ctx.variables[self.index]

    @property
    def range(self) -> Range:
        return self.ctx.ranges[self.index]

    def varied(self, other: str | None) -> Range | None:
        """The range of ``other`` if it is a variable too."""
        if other is None or other not in self.ctx.variables:
            return None
        return self.ctx.ranges[self.ctx.variables.index(other)]


Message = tuple[str, str]  # the refusal's reason and the command-line change to try


def _pattern(scan: _Scan) -> Message:
    """What the values that build along one variable say."""
    values, ok = scan.values, scan.ok
    m = multiple_of(ok, values)
    if m is not None:
        return _multiple(scan, m)
    if ok == values[: len(ok)]:
        return _up_to(scan, _last_building(scan, ok[-1], values[len(ok)]))
    if ok == values[len(values) - len(ok) :]:
        return _from(scan, ok[0])
    return _irregular(scan)


def _multiple(scan: _Scan, m: int) -> Message:
    """Builds succeed only at multiples of ``m``: a lattice, or a change of variables
    when ``m`` is (a multiple of) another variable's value."""
    name, r = scan.name, scan.range
    other = _named(scan.others, (m,))
    factor = 1
    if scan.varied(other) is None:  # a varied argument may divide it: m = factor x value
        divisors = [
            (v, x) for v, x in scan.others.items() if scan.varied(v) and x > 1 and m % x == 0
        ]
        if divisors:
            other, value = max(divisors, key=lambda item: item[1])
            factor = m // value
    said = f"along {name}, builds succeed only at multiples of {m}"
    varied = scan.varied(other)
    if varied is not None:
        new = f"{name}_per_{other}"
        top = max(factor, r.hi // max(1, varied.lo) // factor * factor)
        low = max(factor, -(-r.lo // max(1, varied.hi)) // factor * factor)
        per = Range(low, max(top, low + factor), factor).option()
        tie = f"--vary {other}={varied.option()},{new}={per} --tie {name}={other}*{new}"
        times = f"{factor} x {other}" if factor > 1 else f"the value of {other}"
        return (
            f"{said}, {times}: a constraint between arguments; change variables so that "
            f"{name} = {other} x {new}: {tie}",
            tie,
        )
    because = f" (= {other}: a constraint between arguments)" if other else ""
    lattice = _building_lattice(scan, m)
    if lattice is None:
        return f"{said}{because}, and no multiple of {m} lies in {r.text()}", ""
    option = f"--vary {name}={lattice.option()}"
    if lattice.step != m * r.step // math.gcd(r.step, m):
        because += f", and further along only every multiple of {lattice.step} builds"
    return f"{said}{because}: try {option}", option


def _building_lattice(scan: _Scan, m: int) -> Range | None:
    """The lattice of multiples of ``m``, or of the smallest multiple of ``m`` whose
    multiples all build further along (RoPE wants an even head size, too)."""
    lattice = _lattice(scan.range, m)
    if lattice is None:
        return None
    values = [lattice.value(k) for k in range(min(lattice.size, SCAN))]
    ok = [x for x in values if scan.ctx.attempt(scan.ctx.at(scan.point, scan.index, x))]
    if len(ok) == len(values):
        return lattice
    for k in range(2, len(values) // 2 + 1):
        multiples = [x for x in values if x % (lattice.step * k) == 0]
        if len(multiples) >= 2 and all(x in ok for x in multiples):
            return _lattice(scan.range, lattice.step * k) or lattice
    return lattice
    for k in range(2, len(values) // 2 + 1):
        step = lattice.step * k
        multiples = [x for x in values if (x - values[0]) % step == 0 or x % step == 0]
        if all(x in ok for x in multiples if x % step == 0):
            return _lattice(scan.range, step)
    return lattice


def _last_building(scan: _Scan, good: int, bad: int) -> int:
    """The largest value that builds between ``good`` (builds) and ``bad`` (fails), by
    bisection on the lattice: the scan looks at the first values only, and the failing
    point may lie far beyond them (builds up to 100 fail at 101, not at 49)."""
    r = scan.range
    low, high = r.index(good), r.index(bad)
    while high - low > 1:
        middle = (low + high) // 2
        if scan.ctx.attempt(scan.ctx.at(scan.point, scan.index, r.value(middle))) is None:
            high = middle
        else:
            low = middle
    return r.value(low)


def _up_to(scan: _Scan, top: int) -> Message:
    """Builds succeed up to ``top``: the range must end there, or stay below another."""
    name, r = scan.name, scan.range
    other = _named(scan.others, (top + 1, top))
    said = f"along {name}, builds succeed only up to {name}={top}"
    varied = scan.varied(other)
    if varied is not None and other is not None:
        fitted = _lattice_below(r, varied.lo - (scan.others[other] == top + 1))
        if fitted is not None:
            option = f"--vary {name}={fitted.option()}"
            return (
                f"{said}, below {other}: a constraint between arguments; keep the ranges "
                f"apart, with {name} below the smallest {other} ({varied.lo}): {option}",
                option,
            )
        new = f"{other}_minus_{name}"
        tie = f"--vary {new}=1:{varied.hi} --tie {other}={name}+{new}"
        return (
            f"{said}, below {other}: a constraint between arguments; change variables "
            f"so that {other} = {name} + {new}: {tie}",
            tie,
        )
    fitted = _lattice_below(r, top)
    option = f"--vary {name}={fitted.option()}" if fitted else ""
    because = f" (below {other}={scan.others[other]}: a constraint)" if other else ""
    return f"{said}{because}: end the range there{_colon(option)}", option


def _from(scan: _Scan, start: int) -> Message:
    """Builds succeed from ``start`` on: a special value, or a constraint with another."""
    name, r = scan.name, scan.range
    other = _named(scan.others, (start - 1, start))
    varied = scan.varied(other)
    if varied is not None and other is not None:
        above = varied.hi + (scan.others[other] == start - 1)
        first = next((r.value(k) for k in range(r.size) if r.value(k) >= above), None)
        if first is not None and first < r.hi:
            option = f"--vary {name}={Range(first, r.hi, r.step).option()}"
            return (
                f"along {name}, builds succeed only from {name}={start} on, above {other}: "
                f"a constraint between arguments; keep the ranges apart, with {name} above "
                f"the largest {other} ({varied.hi}): {option}",
                option,
            )
    fitted = Range.checked(name, start, r.hi, r.step) if start < r.hi else None
    option = f"--vary {name}={fitted.option()}" if fitted else ""
    if other is not None:
        return (
            f"along {name}, builds succeed only from {name}={start} on (above "
            f"{other}={scan.others[other]}: a constraint between arguments): start the range "
            f"there{_colon(option)}",
            option,
        )
    if start == r.lo + r.step:
        return (
            f"{name}={r.lo} is a special value that does not build: start the range at "
            f"{start}{_colon(option)}",
            option,
        )
    return (
        f"along {name}, builds succeed only from {name}={start} on: start the range there"
        f"{_colon(option)}",
        option,
    )


def _irregular(scan: _Scan) -> Message:
    """No simple rule; some multiples may still always build (an even head size)."""
    name, values, ok = scan.name, scan.values, scan.ok
    failing = [x for x in values if x not in ok][:6]
    said = (
        f"along {name}, builds fail at {', '.join(map(str, failing))} but not at "
        f"{', '.join(map(str, ok[:6]))}"
    )
    for m in range(2, min(max(values) // 2, 4096) + 1):  # bounded: values may be huge
        multiples = [x for x in values if x % m == 0]
        if len(multiples) >= 2 and all(x in ok for x in multiples):
            lattice = _lattice(scan.range, m)
            if lattice is not None:
                option = f"--vary {name}={lattice.option()}"
                return f"{said}; every multiple of {m} builds: try {option}", option
            break
    return said, ""


def _colon(option: str) -> str:
    return f": {option}" if option else ""


def _named(values: Mapping[str, int], wanted: Sequence[int]) -> str | None:
    for target in wanted:
        for name, value in values.items():
            if value == target:
                return name
    return None


def _lattice(r: Range, m: int) -> Range | None:
    """The values of ``r`` that are multiples of ``m``, as a range (None if fewer than 2)."""
    step = r.step * m // math.gcd(r.step, m)
    first = next((r.value(k) for k in range(m) if r.value(k) % m == 0), None)
    if first is None or first + step > r.hi:
        return None
    return Range(first, first + (r.hi - first) // step * step, step)


def _lattice_below(r: Range, top: int) -> Range | None:
    if top < r.lo + r.step:
        return None
    return Range(r.lo, r.lo + (top - r.lo) // r.step * r.step, r.step)


# -- no polynomial along one variable --------------------------------------------------------
def degree_cap(ctx: Context, index: int) -> NoPolynomialError:
    """Refusal when the degree in one variable exceeds the cap."""
    found = _breakpoints(ctx, index, ctx.anchor)
    if found is not None:
        return found
    name = ctx.variables[index]
    for period in range(2, 9):  # a pattern over the layers: one polynomial per residue
        lattice = _periodic_lattice(ctx, index, ctx.anchor, period * ctx.ranges[index].step)
        if lattice is not None:
            option = f"--vary {name}={lattice.option()}"
            return NoPolynomialError(
                f"{ctx.head()}: the count is not one polynomial in {name}: it follows one on "
                f"the multiples of {period} and changes in between (an irregular pattern, such "
                f"as a layer kind that repeats every {period} layers): try {option}",
                variable=name,
                suggestion=option,
            )
    return NoPolynomialError(
        f"{ctx.head()}: the count is not a polynomial of degree <= {ctx.max_degree} in {name} "
        f"(near {where(dict(zip(ctx.variables, ctx.anchor)))}); it may grow faster than any "
        f"polynomial: narrow the range of {name}, or fix it with --set",
        variable=name,
    )


def _breakpoints(ctx: Context, index: int, base: Point) -> NoPolynomialError | None:
    """Pieces along one variable from its range's start: the first breakpoint, and the
    period the breakpoints repeat with (checked by builds on the suggested lattice)."""
    name, r = ctx.variables[index], ctx.ranges[index]
    breaks: list[int] = []
    start = 0
    while len(breaks) < 3 and start < r.size - 1:
        piece = _piece(ctx, index, base, start)
        if piece is None:
            break
        polynomial, last = piece
        end = _first_mismatch(ctx, index, base, polynomial, last)
        if end is None:
            break
        breaks.append(end)
        start = end
    if not breaks:
        return None
    first = r.value(breaks[0])
    said = (
        f"{ctx.head()}: the count is not one polynomial in {name}: it follows one from "
        f"{name}={r.lo} up to {r.value(breaks[0] - 1)} and changes at {name}={first} "
        "(first breakpoint"
    )
    gaps = [b - a for a, b in itertools.pairwise(breaks)]
    if gaps and len(set(gaps)) == 1:
        period = gaps[0] * r.step
        lattice = _periodic_lattice(ctx, index, base, period)
        if lattice is not None:
            option = f"--vary {name}={lattice.option()}"
            return NoPolynomialError(
                f"{said}; a rounding rule): it repeats every {period}: try {option}",
                variable=name,
                suggestion=option,
            )
        return NoPolynomialError(
            f"{said}; breakpoints every {period}, a rounding rule): vary {name} on a lattice "
            f"of step {period}, or keep its range below {first}",
            variable=name,
        )
    option = f"--vary {name}={r.lo}:{r.value(breaks[0] - 1)}" if breaks[0] > 1 else ""
    return NoPolynomialError(
        f"{said}): keep the range below it" + (f": {option}" if option else ""),
        variable=name,
        suggestion=option,
    )


def _piece(
    ctx: Context, index: int, base: Point, start: int
) -> tuple[RationalPolynomial, int] | None:
    """The polynomial along one variable from lattice index ``start`` up, and the last
    index it used; None if no polynomial of degree <= the cap fits there."""
    r = ctx.ranges[index]
    sub = Range(r.value(start), r.hi, r.step)
    try:
        fit = fit_polynomial(_along(ctx, index, base), (sub,), (0,), max_degree=ctx.max_degree)
    except (DegreeCapError, _Stop):
        return None
    last = max(r.index(p[0]) for p in fit.points)
    return fit.polynomial((ctx.variables[index],)), last


class _Stop(Exception):  # noqa: N818 - internal control flow
    """A build failed while fitting one piece."""


def _along(ctx: Context, index: int, base: Point) -> Callable[[tuple[int, ...]], int]:
    """The count along one variable through ``base`` (one-value points)."""

    def count(point: tuple[int, ...]) -> int:
        value = ctx.attempt(ctx.at(base, index, point[0]))
        if value is None:
            raise _Stop
        return value

    return count


def _first_mismatch(
    ctx: Context, index: int, base: Point, polynomial: RationalPolynomial, last: int
) -> int | None:
    """The first lattice index after ``last`` where the count leaves ``polynomial``
    (galloping, then bisection: a rounding rule never comes back to the old piece)."""
    r = ctx.ranges[index]

    def agrees(k: int) -> bool:
        value = ctx.attempt(ctx.at(base, index, r.value(k)))
        return value is not None and value == polynomial.evaluate((r.value(k),))

    good, step, top = last, 1, r.size - 1
    while True:
        probe = min(good + step, top)
        if probe <= good:
            return None
        if agrees(probe):
            good, step = probe, step * 2
            continue
        bad = probe
        break
    while bad - good > 1:
        middle = (good + bad) // 2
        if agrees(middle):
            good = middle
        else:
            bad = middle
    return bad


def _periodic_lattice(ctx: Context, index: int, base: Point, period: int) -> Range | None:
    """The multiples of ``period`` in the range (or the first piece's lattice), if builds
    along it fit one polynomial, checked at its far end and middle too."""
    r = ctx.ranges[index]
    step = r.step * period // math.gcd(r.step, period)
    first = next((r.value(k) for k in range(period) if r.value(k) % period == 0), r.lo)
    if r.hi - first < 2 * step:
        return None
    lattice = Range(first, first + (r.hi - first) // step * step, step)
    count = _along(ctx, index, base)
    try:
        fit = fit_polynomial(count, (lattice,), (0,), max_degree=ctx.max_degree)
        polynomial = fit.polynomial((ctx.variables[index],))
        for x in (lattice.hi, lattice.value(lattice.size // 2)):
            if count((x,)) != polynomial.evaluate((x,)):
                return None
    except (DegreeCapError, _Stop):
        return None
    return lattice


# -- a held-out point that disagrees --------------------------------------------------------
def mismatch(
    ctx: Context, polynomial: RationalPolynomial, mismatches: Sequence[Mismatch]
) -> NoPolynomialError | None:
    """Refusal for held-out points that disagree, when one variable explains them: a
    special value at a range's end, or breakpoints along it. None when none does."""

    def agrees(point: Point) -> bool:
        value = ctx.attempt(point)
        return value is not None and value == polynomial.evaluate(point)

    for i, r in enumerate(ctx.ranges):
        for end, inward in ((r.lo, r.step), (r.hi, -r.step)):
            if not any(q[i] == end for q, _, _ in mismatches):
                continue
            if agrees(ctx.at(ctx.anchor, i, end)):
                continue
            inner = [end + inward * k for k in (1, 2) if r.contains(end + inward * k)]
            if inner and all(agrees(ctx.at(ctx.anchor, i, x)) for x in inner):
                return _special(ctx, i, end, inward)
    for q, _, _ in mismatches:
        for i in range(len(ctx.variables)):
            if q[i] != ctx.anchor[i] and not agrees(ctx.at(ctx.anchor, i, q[i])):
                found = _breakpoints(ctx, i, ctx.anchor)
                if found is not None:
                    return found
    return None


def _special(ctx: Context, i: int, end: int, inward: int) -> NoPolynomialError:
    name, r = ctx.variables[i], ctx.ranges[i]
    if inward > 0:
        fitted = Range(r.lo + r.step, r.hi, r.step)
        fix = f"start the range at {fitted.lo}"
    else:
        fitted = Range(r.lo, r.hi - r.step, r.step)
        fix = f"end the range at {fitted.hi}"
    option = f"--vary {name}={fitted.option()}" if fitted.size >= 2 else ""
    side = "from" if inward > 0 else "up to"
    return NoPolynomialError(
        f"{ctx.head()}: {name}={end} is a special value: the count there breaks the polynomial "
        f"that holds for {name} {side} {end + inward} (as when a size of 0 switches a part off): "
        f"{fix}" + (f": {option}" if option else ""),
        variable=name,
        suggestion=option,
    )


def interaction(ctx: Context, mismatches: Sequence[Mismatch]) -> NoPolynomialError:
    """Refusal when the held-out points disagree and no single variable explains it."""
    q, built, predicted = mismatches[0]
    return NoPolynomialError(
        f"{ctx.head()}: no polynomial fits: at {where(dict(zip(ctx.variables, q)))} a fresh "
        f"build counts {built:,} where the fitted polynomial gives {predicted} "
        f"({len(mismatches)} held-out points disagree); the count depends on several of the "
        "variables together in a way no polynomial follows (a rounded product?): vary fewer "
        "arguments at a time, or narrow the ranges"
    )
