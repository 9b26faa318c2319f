"""The cause search: the fewest candidate changes whose shares add up to the difference.

Shares are polynomials of one ring (:class:`sympy.polys.rings.PolyElement`, a dict of
exponents -> rational coefficients), so the search adds, subtracts and looks up monomials
without building sympy expressions.

Example:
    >>> from sympy import symbols
    >>> from sympy.polys.domains import QQ
    >>> from sympy.polys.rings import ring
    >>> _, n, m = ring(symbols("n m"), QQ)
    >>> left_out, twice = Candidate(0, Change("missing"), n), Candidate(1, Change("extra"), -n * m)
    >>> chosen, rest = search(n - n * m + 3, [left_out, twice], lambda c: c.term)
    >>> [c.change.kind for c in chosen], rest
    (['missing', 'extra'], 3)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sympy.polys.rings import PolyElement

    from explorer.explain._difference import CauseKind

__all__ = ["MAX_CAUSES", "Candidate", "Change", "fits", "search"]

MAX_CAUSES = 6
"""The most changes an exact explanation may combine; beyond, a greedy choice."""
_SEARCH_BUDGET = 20_000
_RANKS = {"missing": 0, "substituted": 2, "copies": 3, "extra": 4, "unexplained": 5}


@dataclass(frozen=True, slots=True)
class Change:
    """How a formula may count a true term: left out (``missing``), twice (``extra``),
    with another size (``substituted``: ``old`` -> ``new`` in dimension ``index``, or in
    every dimension when ``index`` is None; ``whole``: the whole dimension replaced), or
    for another number of layers (``copies``: multiplicity ``old`` -> ``new``)."""

    kind: CauseKind
    index: int | None = None
    old: Any = None
    new: Any = None
    whole: bool = False


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible cause: a true term (its index), a change, its share of ``true - formula``."""

    term: int
    change: Change
    poly: PolyElement
    feeds: bool = False  # the change is in what feeds the matrix: the likeliest slip

    @property
    def rank(self) -> int:
        """Preference among equally short explanations: lower first."""
        return _RANKS[self.change.kind] - self.feeds


def fits(part: PolyElement, whole: PolyElement) -> bool:
    """Every monomial of ``part`` is in ``whole`` with the same sign and no larger."""
    for monomial, c in part.iterterms():
        w = whole.get(monomial)
        if w is None or (w > 0) != (c > 0) or abs(c) > abs(w):
            return False
    return True


def search(
    target: PolyElement,
    candidates: list[Candidate],
    group_key: Callable[[Candidate], Hashable],
) -> tuple[list[Candidate], PolyElement]:
    """The fewest candidates whose shares add up to ``target`` exactly (among those, the
    fewest distinct causes, then the plainest kinds, then later terms: ``bias_hh`` is the
    bias a one-bias formula leaves out); else a greedy choice. Returns the candidates and
    what they leave of ``target``."""
    ring = target.ring
    usable = [c for c in candidates if fits(c.poly, target)]
    touched = {e for c in usable for e in c.poly.itermonoms()}
    # no term explains the untouched monomials
    untouched = ring.from_dict({e: c for e, c in target.iterterms() if e not in touched})
    target = ring.from_dict({e: c for e, c in target.iterterms() if e in touched})
    budget = [_SEARCH_BUDGET]
    for size in range(1, MAX_CAUSES + 1):
        solutions: dict[frozenset[int], list[Candidate]] = {}
        _cover(target, usable, size=size, budget=budget, taken=[], solutions=solutions)
        if solutions:
            best = min(
                solutions.values(),
                key=lambda s: (
                    len({group_key(c) for c in s}),
                    sum(c.rank for c in s),
                    -sum(c.term for c in s),
                ),
            )
            return best, untouched
        if budget[0] <= 0:
            break
    chosen, rest = [], target
    for c in sorted(usable, key=lambda c: c.rank):
        if fits(c.poly, rest):
            chosen.append(c)
            rest -= c.poly
    return chosen, rest + untouched


def _cover(
    rest: PolyElement,
    usable: list[Candidate],
    *,
    size: int,
    budget: list[int],
    taken: list[Candidate],
    solutions: dict[frozenset[int], list[Candidate]],
) -> None:
    """Depth first: take the monomial with the fewest candidates, try each that fits."""
    if not rest:
        solutions.setdefault(frozenset(id(c) for c in taken), list(taken))
        return
    budget[0] -= 1
    if size == 0 or budget[0] <= 0 or len(solutions) >= 64:
        return
    fitting = [c for c in usable if fits(c.poly, rest)]
    options = {e: [c for c in fitting if e in c.poly] for e in rest.itermonoms()}
    monomial = min(options, key=lambda e: (len(options[e]), e))
    for candidate in options[monomial]:
        remaining = [c for c in fitting if c is not candidate]
        taken.append(candidate)
        _cover(
            rest - candidate.poly,
            remaining,
            size=size - 1,
            budget=budget,
            taken=taken,
            solutions=solutions,
        )
        taken.pop()
