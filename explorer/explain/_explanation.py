"""A count told term by term: the value objects and :func:`explain`.

Example:
    >>> import explorer
    >>> c = explorer.count("rnn", convention="keras", input=3, cells=2)
    >>> for term in explain(c).terms:
    ...     print(f"{term.title}: {term.arithmetic} = {term.count}")
    layer 0 input-to-gates: 2 x 3 = 6
    layer 0 hidden-to-gates: 2 x 2 = 4
    layer 0 gate biases: 2 = 2
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from explorer.explain._arithmetic import copies_text, dimension
from explorer.explain._prose import Context, words
from explorer.explain._protocols import CountLike, TermInfoLike

__all__ = ["Explanation", "GroupExplanation", "TermExplanation", "explain", "title"]


@dataclass(frozen=True, slots=True)
class TermExplanation:
    """One term told in words.

    Attributes:
        title: what it is, ``layer 2 input-to-gates``.
        arithmetic: the product with the actual numbers, ``4 x 1024 x (256 + 256)``; a
            leading ``(3 - 1)`` is the number of copies when the depth is a symbol.
        why: which inputs feed it and why it has that shape.
    """

    name: str
    kind: str
    group: str
    title: str
    shape: tuple[str, ...]
    copies: str
    numbers: tuple[int, ...]
    arithmetic: str
    count: int
    why: str

    def to_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "name": self.name,
            "kind": self.kind,
            "group": self.group,
            "title": self.title,
            "shape": list(self.shape),
            "copies": self.copies,
            "numbers": list(self.numbers),
            "arithmetic": self.arithmetic,
            "count": self.count,
            "why": self.why,
        }


@dataclass(frozen=True, slots=True)
class GroupExplanation:
    """The terms of one group (``layer 0``, ``output`` ...) and their subtotal."""

    name: str
    terms: tuple[TermExplanation, ...]
    subtotal: int


@dataclass(frozen=True, slots=True)
class Explanation:
    """A count told term by term: groups with subtotals, then the total."""

    title: str
    sizes: tuple[tuple[str, Any], ...]
    groups: tuple[GroupExplanation, ...]
    total: int

    @property
    def terms(self) -> tuple[TermExplanation, ...]:
        """Every term, in order."""
        return tuple(t for g in self.groups for t in g.terms)

    def to_json(self) -> dict[str, Any]:
        """One JSON-ready object."""
        return {
            "title": self.title,
            "sizes": dict(self.sizes),
            "terms": [t.to_json() for t in self.terms],
            "subtotals": {g.name: g.subtotal for g in self.groups},
            "total": self.total,
        }


def explain(count: CountLike) -> Explanation:
    """Every term of a count with its arithmetic and its reason, subtotals and total.

    Args:
        count: an :class:`explorer.Count` with every size given, or any object with the
            attributes of :class:`CountLike` (a spec's count).

    Example:
        >>> import explorer
        >>> c = explorer.count("gru", convention="pytorch", input=10, cells=20)
        >>> [(t.name, t.count) for t in explain(c).terms][:3]
        [('weight_ih_l0', 600), ('weight_hh_l0', 1200), ('bias_ih_l0', 60)]
        >>> explain(c).terms[3].why  # doctest: +ELLIPSIS
        'the second bias vector, on the recurrent side (b_hh): ...'
    """
    breakdown, shapes = count.breakdown, count.shapes
    values = {s: v for s, v in zip(_symbol_names(count), count.values) if v is not None}
    infos = list(count.compiled.terms)
    context = Context.of(count, infos)
    groups: dict[str, list[TermExplanation]] = {}
    for info in infos:
        term = _explain_term(info, breakdown[info.name], shapes[info.name], values, context)
        groups.setdefault(info.group, []).append(term)
    subtotals = count.subtotals
    sizes = getattr(count, "sizes", None) or {}
    return Explanation(
        title=title(count),
        sizes=tuple((k, v) for k, v in sizes.items() if v is not None),
        groups=tuple(GroupExplanation(g, tuple(ts), subtotals[g]) for g, ts in groups.items()),
        total=count.total,
    )


def title(count: object) -> str:
    """The count's own title, else ``family (convention name)``."""
    text = getattr(count, "title", None)
    if isinstance(text, str):
        return text
    family = getattr(getattr(count, "family", None), "name", "count")
    convention = getattr(getattr(count, "convention", None), "name", None)
    return f"{family} (convention {convention})" if convention else str(family)


def _symbol_names(count: CountLike) -> list[str]:
    """The names of the sizes, in the order of ``values``: from the compiled slots when the
    count has them (no sympy needed), else from its sympy symbols."""
    slots = getattr(count.compiled, "slots", None)
    if slots is not None:
        return [str(slot.symbol) for slot in slots]
    return [str(s) for s in count.symbols]


def _explain_term(
    info: TermInfoLike,
    count: int,
    numbers: tuple[int, ...],
    values: Mapping[str, int],
    context: Context,
) -> TermExplanation:
    dims = [dimension(text, n, values) for text, n in zip(info.shape_text, numbers)]
    size = math.prod(numbers)
    copies = count // size if size else 1
    factors = [d.factor for d in dims]
    if info.copies_text != "1" or copies != 1:
        factors.insert(0, copies_text(info.copies_text, copies, values))
    if copies * size != count:  # a count object that disagrees with itself: a bug upstream
        raise AssertionError(f"{info.name}: {copies} x {numbers} != {count}")
    heading, why = words(info, numbers, dims, context)
    return TermExplanation(
        name=info.name,
        kind=info.kind,
        group=info.group,
        title=heading,
        shape=tuple(info.shape_text),
        copies=info.copies_text,
        numbers=tuple(numbers),
        arithmetic=" x ".join(factors) or "1",
        count=count,
        why=why,
    )
