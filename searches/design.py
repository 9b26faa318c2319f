"""A solved design: what a trial or a sweep row records, and what objectives receive.

Example:
    >>> import explorer
    >>> s = explorer.solve("lstm", budget="6.5M", layers=3, input=39, output=34)
    >>> d = Design.from_solution(s)
    >>> d.family, d.width, d.depth, d.total, d.on_budget
    ('lstm', 565, 3, 6505444, True)
    >>> explorer.count(d.family, **d.sizes).total == d.total
    True
    >>> d.macs
    6496935
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import explorer
from explorer.algebra import BIAS, EMBEDDING

__all__ = ["NOT_MULTIPLIED", "Design"]

#: Term kinds that take no multiply-accumulate per step: biases are additions, an
#: embedding is a table look-up, a norm's scale is elementwise. Every other parameter
#: multiplies once.
NOT_MULTIPLIED = frozenset((BIAS, EMBEDDING, "norm"))


@dataclass(frozen=True, slots=True)
class Design:
    """One integer design at a budget.

    Attributes:
        family: a registered family (``lstm``, ``gru``, ``llama`` ...).
        sizes: every keyword ``explorer.count(family, **sizes)`` needs to give ``total``
            back, the convention included.
        total: its exact parameter count.
        budget: the budget it was made for.
        step: the count difference between the solved free size and its neighbour (the
            integer step), ``None`` when the design has no neighbour above.
    """

    family: str
    sizes: Mapping[str, Any]
    total: int
    budget: int
    step: int | None

    @classmethod
    def from_solution(cls, solution: explorer.Solution) -> Design:
        """The design of an :func:`explorer.solve` answer."""
        below, above = solution.below, solution.above
        step = None if below is None or above is None else above.total - below.total
        return cls(solution.family, solution.count_kwargs(), solution.total, solution.budget, step)

    @property
    def count(self) -> explorer.Count:
        """The full :class:`explorer.Count` (terms, breakdown, formula)."""
        return explorer.count(self.family, **self.sizes)

    @property
    def relative_error(self) -> float:
        """``(total - budget) / budget``."""
        return (self.total - self.budget) / self.budget

    @property
    def on_budget(self) -> bool:
        """Within the integer step of the budget: no integer free size gets closer on this
        side of it (``|total - budget| <= step``)."""
        if self.total == self.budget:
            return True
        return self.step is not None and abs(self.total - self.budget) <= self.step

    @property
    def depth(self) -> int:
        """The number of layers (the family's depth keyword)."""
        return int(self.sizes.get(explorer.FAMILIES[self.family].depth, 1))

    @property
    def width(self) -> int:
        """The family's width (cells, d_model; the widest layer when they differ)."""
        value = self.sizes[explorer.FAMILIES[self.family].width]
        return max(value) if isinstance(value, list) else int(value)

    @property
    def macs(self) -> int:
        """Multiply-accumulates per token (per time step): one per parameter that
        multiplies (every weight but embeddings, biases and norms), plus what the family
        adds (a gated cell's elementwise products)."""
        count = self.count
        kinds = {term.name: term.kind for term in count.compiled.terms}
        matrices = sum(v for n, v in count.breakdown.items() if kinds[n] not in NOT_MULTIPLIED)
        family = explorer.FAMILIES[self.family]
        return int(matrices + family.elementwise_macs(count.sizes))

    def to_json(self) -> dict[str, Any]:
        """``family``, ``sizes``, ``total``, ``budget``, ``relative_error``, ``step``,
        ``on_budget``."""
        return {
            "family": self.family,
            "sizes": dict(self.sizes),
            "total": self.total,
            "budget": self.budget,
            "relative_error": self.relative_error,
            "step": self.step,
            "on_budget": self.on_budget,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Design:
        """Back from :meth:`to_json` (what a trial stores)."""
        return cls(data["family"], dict(data["sizes"]), data["total"], data["budget"], data["step"])
