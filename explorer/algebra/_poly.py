"""Integer polynomials as plain, sparse data.

A count is an integer polynomial in the sizes. Holding it as data lets a compiled count be
stored on disk and evaluated without importing sympy. A monomial names only the slots it
uses (``((slot, power), ...)``), so a count over thousands of per-layer sizes stays as
small as its terms: size and work grow with the number of monomials, never with the
number of slots times the number of monomials.

Example:
    >>> p = Polynomial.of({((0, 1), (1, 1)): 4, ((1, 2),): 4})  # 4*a0*a1 + 4*a1**2
    >>> p.source(("m", "n"))
    '4*m*n + 4*n*n'
    >>> p.text(("m", "n"))
    '4*m*n + 4*n**2'
    >>> p.collect(1, (39, None))
    [0, 156, 4]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

__all__ = ["Exponents", "Monomial", "Polynomial"]

#: The slots a monomial uses and their powers, slots increasing, powers >= 1.
Exponents = tuple[tuple[int, int], ...]
#: A variable of a monomial: a slot index here, a name in a sympy-free named polynomial.
Variable = TypeVar("Variable", int, str)


def monomial_times(
    left: tuple[tuple[Variable, int], ...], right: tuple[tuple[Variable, int], ...]
) -> tuple[tuple[Variable, int], ...]:
    """The product of two monomials, each its (variable, power) pairs in order.

    Example:
        >>> monomial_times(((0, 1), (2, 1)), ((2, 1),))
        ((0, 1), (2, 2))
    """
    if not left:
        return right
    if not right:
        return left
    powers = dict(left)
    for variable, power in right:
        powers[variable] = powers.get(variable, 0) + power
    return tuple(sorted(powers.items()))


Monomial = tuple[int, Exponents]

#: The largest power a stored polynomial may hold (counts are of low degree).
MAX_POWER = 64


class Polynomial(NamedTuple):
    """Sum of ``coefficient * prod(x_slot ** power)`` over the monomials, integer data only.

    Build one with :meth:`of` or :meth:`sum`: they keep the monomials in one canonical
    order (highest degree first), so equal polynomials compare equal.
    """

    #: ``(coefficient, exponents)`` pairs; the exponents as ``((slot, power), ...)`` (typed
    #: loosely: :func:`explorer.algebra._codegen.compile_functions` also takes exponent vectors)
    monomials: tuple[tuple[int, tuple[Any, ...]], ...]

    # -- building ------------------------------------------------------------------------
    @classmethod
    def of(cls, coefficients: Mapping[Exponents, int]) -> Polynomial:
        """The polynomial with these coefficients (zeros dropped), in canonical order."""
        if len(coefficients) == 1:  # one monomial: nothing to order
            ((exponents, c),) = coefficients.items()
            return cls(((c, exponents),) if c else ())
        kept = [(e, c) for e, c in coefficients.items() if c]
        kept.sort(key=_order)
        return cls(tuple((c, e) for e, c in kept))

    @classmethod
    def constant(cls, value: int) -> Polynomial:
        """A polynomial without sizes."""
        return cls(((value, ()),) if value else ())

    @classmethod
    def sum(cls, polynomials: Iterable[Polynomial]) -> Polynomial:
        """The sum of many polynomials, in time linear in their monomials."""
        total: dict[Exponents, int] = {}
        get = total.get
        for polynomial in polynomials:
            for coefficient, exponents in polynomial.monomials:
                total[exponents] = get(exponents, 0) + coefficient
        return cls.of(total)

    def coefficients(self) -> dict[Exponents, int]:
        """Exponents -> coefficient (what :meth:`of` takes)."""
        return {e: c for c, e in self.monomials}

    # -- reading -------------------------------------------------------------------------
    @property
    def degree(self) -> int:
        """The total degree (0 for constants and for zero)."""
        return max((sum(p for _, p in e) for _, e in self.monomials), default=0)

    def uses(self) -> set[int]:
        """The slots that appear."""
        return {slot for _, e in self.monomials for slot, _ in e}

    def absolute(self) -> Polynomial:
        """Every coefficient made non-negative: an upper bound of |p| and of every partial
        sum and product met while evaluating p, in any grouping of its monomials, for sizes
        >= 1 (used to guard int64)."""
        return Polynomial(tuple((abs(c), e) for c, e in self.monomials))

    def evaluate(self, values: Sequence[int]) -> int:
        """The exact value (Python ints): no code is generated, for one-off evaluations."""
        total = 0
        for coefficient, exponents in self.monomials:
            term = coefficient
            for slot, power in exponents:
                term *= values[slot] if power == 1 else values[slot] ** power
            total += term
        return total

    def collect(self, slot: int, values: Sequence[int | None]) -> list[int]:
        """The coefficients of the polynomial in one slot, the others bound to ``values``:
        ``[c0, c1, ...]`` with ``p = sum(c_d * x**d)``."""
        by_power: dict[int, int] = {}
        for coefficient, exponents in self.monomials:
            term, power = coefficient, 0
            for other, exponent in exponents:
                if other == slot:
                    power = exponent
                else:
                    term *= values[other] ** exponent
            by_power[power] = by_power.get(power, 0) + term
        return [by_power.get(d, 0) for d in range(max(by_power, default=0) + 1)]

    # -- text ----------------------------------------------------------------------------
    def source(self, names: Sequence[str]) -> str:
        """The polynomial as one Python expression over ``names`` (one per slot); for code
        generation of small polynomials (large ones are generated as statements)."""
        parts = [_monomial_source(c, e, names) for c, e in self.monomials]
        return " + ".join(parts).replace("+ -", "- ") if parts else "0"

    def text(self, names: Sequence[str]) -> str:
        """The polynomial for reading, as sympy prints an expanded one: monomials in
        lexicographic order of the names, powers as ``**``."""
        rank = {slot: r for r, slot in enumerate(sorted(range(len(names)), key=names.__getitem__))}

        def key(monomial: Monomial) -> tuple[tuple[float, int], ...]:
            ordered = sorted((rank[slot], -power) for slot, power in monomial[1])
            return (*ordered, (float("inf"), 0))

        parts: list[str] = []
        for coefficient, exponents in sorted(self.monomials, key=key):
            factors = [
                names[slot] if power == 1 else f"{names[slot]}**{power}"
                for slot, power in sorted(exponents, key=lambda sp: rank[sp[0]])
            ]
            body = "*".join(factors)
            magnitude = abs(coefficient)
            if not body:
                text = str(magnitude)
            elif magnitude == 1:
                text = body
            else:
                text = f"{magnitude}*{body}"
            if not parts:
                parts.append(text if coefficient > 0 else f"-{text}")
            else:
                parts.append(f"{'+' if coefficient > 0 else '-'} {text}")
        return " ".join(parts) if parts else "0"

    # -- storage -------------------------------------------------------------------------
    def to_json(self) -> list[list[int]]:
        """Plain lists for the on-disk cache: ``[coefficient, slot, power, slot, power ...]``."""
        return [[c, *(x for pair in e for x in pair)] for c, e in self.monomials]

    @classmethod
    def from_json(cls, data: object, slots: int) -> Polynomial:
        """Rebuild from :meth:`to_json`, checking that it is integer data of the right arity."""
        if not isinstance(data, list):
            raise ValueError("polynomial must be a list")
        monomials: list[Monomial] = []
        for item in data:
            if not isinstance(item, list) or not item or len(item) % 2 != 1:
                raise ValueError("bad monomial")
            if not all(type(x) is int for x in item):
                raise ValueError("bad monomial")
            pairs = tuple((item[k], item[k + 1]) for k in range(1, len(item), 2))
            last = -1
            for slot, power in pairs:
                if not (last < slot < slots and 1 <= power <= MAX_POWER):
                    raise ValueError("bad exponent")
                last = slot
            monomials.append((item[0], pairs))
        return cls(tuple(monomials))


def _order(item: tuple[Exponents, int]) -> tuple[int, Exponents]:
    exponents = item[0]
    degree = 0
    for _, power in exponents:
        degree -= power
    return degree, exponents


def _monomial_source(coefficient: int, exponents: Exponents, names: Sequence[str]) -> str:
    # Small powers as products: faster than ** on ints and numpy arrays alike.
    factors = [
        "*".join([names[slot]] * power) if power <= 4 else f"{names[slot]}**{power}"
        for slot, power in exponents
    ]
    if not factors:
        return str(coefficient)
    if coefficient == 1:
        return "*".join(factors)
    if coefficient == -1:
        return "-" + "*".join(factors)
    return f"{coefficient}*" + "*".join(factors)
