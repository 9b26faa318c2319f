"""Why a formula differs from the count: every way it may have counted each true term
(left out, twice, with another size, for other layers), the fewest that add up to the
difference (:mod:`explorer.explain._search`), grouped and told in words.

Example:
    >>> import explorer
    >>> from explorer._api import formula
    >>> from explorer.explain._frame import Frame
    >>> true = formula("rnn", convention="keras", layers=1)
    >>> frame = Frame.of(true, {"h": "cells", "x": "input"}, {"h": 2, "x": 3},
    ...                  {"cells": "n_c", "input": "n_i"}, depth="L")
    >>> bound = explorer.count("rnn", convention="keras", input=3, cells=2)
    >>> causes, note = find_causes(frame, true, bound, frame.symbol_of["h"])
    >>> [(c.kind, c.terms, c.expression, c.value) for c in causes]
    [('missing', ('bias_l0',), 'h', Fraction(2, 1))]
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from explorer.explain._difference import Cause
from explorer.explain._explanation import explain
from explorer.explain._frame import Frame
from explorer.explain._roles import where
from explorer.explain._search import Candidate, Change, search
from explorer.explain._sentences import alike, sentence

if TYPE_CHECKING:
    from sympy.polys.rings import PolyElement

    from explorer.algebra import Count

__all__ = ["find_causes"]


def find_causes(
    frame: Frame, true: Count, bound: Count, difference: Any
) -> tuple[list[Cause], str]:
    """The causes of ``difference`` (``true - formula``, expanded sympy) and a note: why
    there are none (the formula agrees, or it is not a polynomial in the sizes), or many
    terms left out summed up by kind."""
    import sympy

    if difference == 0:
        return [], "the formula agrees with the count for every size"
    numerator, denominator = sympy.fraction(sympy.together(difference))
    polynomial = not frame.gens or numerator.is_polynomial(*frame.gens)
    if denominator.free_symbols or not polynomial:
        return [], "the formula is not a polynomial in the sizes: no term-by-term causes"
    finder = _Finder(frame, true.terms)
    candidates = finder.candidates()
    chosen, rest = search(frame.poly(difference), candidates, finder.group_key)
    causes = finder.group(chosen, candidates, bound) + finder.unexplained(rest)
    return causes, finder.summary(chosen)


_SUMMARY_FROM = 3
"""Terms left out from which the comparison also says, by kind, what the formula leaves out."""


def _plural(kind: str) -> str:
    """``biases``, ``norms``, ``embeddings``: a term kind as a plural."""
    return f"{kind}es" if kind.endswith("s") else f"{kind}s"


def _product(copies: PolyElement, dims: Sequence[PolyElement]) -> PolyElement:
    return functools.reduce(operator.mul, dims, copies)


class _Finder:
    """The candidates for the true terms of one count, and the causes they make."""

    def __init__(self, frame: Frame, terms: Sequence[Any]) -> None:
        self.frame, self.terms = frame, terms
        self.ordinary = [k for k, g in enumerate(frame.gens) if g != frame.depth]

    def candidates(self) -> list[Candidate]:
        """Every term left out, counted twice, with another size, for other layers."""
        frame, gens = self.frame, self.frame.ring.gens
        found: list[Candidate] = []
        for j, term in enumerate(self.terms):
            copies = frame.poly(term.multiplicity)
            dims = [frame.poly(d) for d in term.shape]
            whole = _product(copies, dims)
            found.append(Candidate(j, Change("missing"), whole))
            for k in self.ordinary:
                for new in self.ordinary:
                    if new != k and whole.degree(k) > 0:
                        share = whole - whole.compose(gens[k], gens[new])
                        change = Change("substituted", None, frame.gens[k], frame.gens[new])
                        found.append(Candidate(j, change, share))
            for index in range(len(dims)):
                found += self._dimension_changes(j, copies=copies, dims=dims, index=index)
            found += self._copies(j, copies, dims)
            found.append(Candidate(j, Change("extra"), -whole))
        unique: dict[tuple[Any, int], Candidate] = {}
        for c in sorted(found, key=lambda c: c.rank):  # stable: the likeliest reading first
            unique.setdefault((c.poly, c.term), c)
        return list(unique.values())

    def _dimension_changes(
        self, j: int, *, copies: PolyElement, dims: list[PolyElement], index: int
    ) -> list[Candidate]:
        """One size replaced in one dimension; a compound dimension replaced whole."""
        frame, ring = self.frame, self.frame.ring
        found = []
        whole, dim = _product(copies, dims), dims[index]
        feeds = index == len(dims) - 1 and self.terms[j].role.feeds
        for k in self.ordinary:
            for new in self.ordinary:
                if new != k and dim.degree(k) > 0:
                    shifted = dim.compose(ring.gens[k], ring.gens[new])
                    other = [*dims[:index], shifted, *dims[index + 1 :]]
                    change = Change("substituted", index, frame.gens[k], frame.gens[new])
                    share = whole - _product(copies, other)
                    found.append(Candidate(j, change, share, feeds))
        if dim not in (ring.zero, ring.one, *ring.gens):  # compound: 4*n_c, n_p + n_r ...
            for new in self.ordinary:
                other = [*dims[:index], ring.gens[new], *dims[index + 1 :]]
                change = Change("substituted", index, None, frame.gens[new], whole=True)
                share = whole - _product(copies, other)
                found.append(Candidate(j, change, share, feeds))
        return found

    def _copies(self, j: int, copies: PolyElement, dims: list[PolyElement]) -> list[Candidate]:
        """The term counted for every layer, once, or ``L - 1`` times, where it is not."""
        depth = self.frame.depth
        if depth is None:
            return []
        whole = _product(copies, dims)
        found = []
        for other in (depth, 1, depth - 1):
            counted = self.frame.poly(other)
            if counted != copies:
                change = Change("copies", None, self.terms[j].multiplicity, other)
                found.append(Candidate(j, change, whole - _product(counted, dims)))
        return found

    def group_key(self, c: Candidate) -> tuple[Any, ...]:
        """Candidates told as one cause: the same change to terms of the same role."""
        change = c.change
        return (
            change.kind,
            self.terms[c.term].role.part or self.terms[c.term].name,
            change.index,
            str(change.old),
            str(change.new),
            change.whole,
        )

    def group(
        self, chosen: list[Candidate], candidates: list[Candidate], bound: Count
    ) -> list[Cause]:
        """The chosen candidates as causes, one per group, with their words."""
        frame = self.frame
        groups: dict[tuple[Any, ...], list[Candidate]] = {}
        for c in sorted(chosen, key=lambda c: c.term):
            groups.setdefault(self.group_key(c), []).append(c)
        explained = {t.name: t.why for t in explain(bound).terms}
        every = {t.role.layer for t in self.terms if t.role.layer}
        causes = []
        for members in groups.values():
            poly = sum((m.poly for m in members), frame.ring.zero)
            names = tuple(self.terms[m.term].name for m in members)
            first = members[0]
            roles = [self.terms[m.term].role for m in members]
            text = sentence(frame, self.terms[first.term], first.change, names, where(roles, every))
            causes.append(
                Cause(
                    kind=first.change.kind,
                    terms=names,
                    text=text + alike(members, chosen, candidates, self.terms),
                    why=explained.get(names[0], ""),
                    expression=frame.text(frame.expr(poly)),
                    value=frame.value(poly),
                )
            )
        return causes

    def summary(self, chosen: list[Candidate]) -> str:
        """Many terms left out, in one line by kind: ``in short, the formula leaves out
        the embeddings (51281*d), the biases (d*(11*L + 1)) and the norms (d*(2*L + 1))``."""
        missing = [c for c in chosen if c.change.kind == "missing"]
        if len(missing) < _SUMMARY_FROM:
            return ""
        by_kind: dict[str, PolyElement] = {}
        for c in sorted(missing, key=lambda c: c.term):
            kind = self.terms[c.term].kind
            by_kind[kind] = by_kind.get(kind, self.frame.ring.zero) + c.poly
        parts = [
            f"the {_plural(kind)} ({self.frame.text(self.frame.expr(poly))})"
            for kind, poly in by_kind.items()
        ]
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"in short, the formula leaves out {listed}"

    def unexplained(self, rest: PolyElement) -> list[Cause]:
        """What no term accounts for: the part in the count, the part in the formula."""
        causes = []
        for positive, text in (
            (True, "in the count but not in the formula, no term accounts for it"),
            (False, "in the formula but not in the count, no term accounts for it"),
        ):
            part = self.frame.ring.from_dict(
                {e: c for e, c in rest.iterterms() if (c > 0) == positive}
            )
            if part:
                causes.append(
                    Cause(
                        kind="unexplained",
                        terms=(),
                        text=text,
                        why="",
                        expression=self.frame.text(self.frame.expr(part)),
                        value=self.frame.value(part),
                    )
                )
        return causes
