"""A solved design: what a trial or a sweep row records, and what objectives receive.

Example:
    >>> import explorer
    >>> s = explorer.solve("lstm", budget="6.5M", layers=3, input=39, output=34)
    >>> d = Design.from_solution(s)
    >>> d.family, d.cells, d.layers, d.total, d.on_budget
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

__all__ = ["ELEMENTWISE_PER_CELL", "MAC_KINDS", "Design"]

#: Term kinds whose every parameter is one multiply-accumulate per time step. Biases are
#: additions and an embedding is a table look-up: neither multiplies.
MAC_KINDS = frozenset(("weight", "peephole", "projection", "skip", "output"))
#: Elementwise products per cell and direction per time step: LSTM f*c, i*g, o*tanh(c);
#: GRU r*(W h), z*h, (1 - z)*h~ (Cho et al. 2014); a plain RNN has none.
ELEMENTWISE_PER_CELL = {"lstm": 3, "lstmp": 3, "gru": 3, "rnn": 0}


@dataclass(frozen=True, slots=True)
class Design:
    """One integer design at a budget.

    Attributes:
        family: ``lstm``, ``lstmp``, ``gru`` or ``rnn``.
        sizes: every keyword ``explorer.count(family, **sizes)`` needs to give ``total``
            back, the convention included.
        total: its exact parameter count.
        budget: the budget it was made for.
        step: the count difference between the solved cell count and its neighbour (the
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
        """Within the integer step of the budget: no integer cell count gets closer on
        this side of it (``|total - budget| <= step``)."""
        if self.total == self.budget:
            return True
        return self.step is not None and abs(self.total - self.budget) <= self.step

    @property
    def layers(self) -> int:
        """Depth."""
        return int(self.sizes.get("layers", 1))

    @property
    def cells(self) -> int:
        """Cells per layer (the widest layer when they differ)."""
        cells = self.sizes["cells"]
        return max(cells) if isinstance(cells, list) else int(cells)

    @property
    def directions(self) -> int:
        """2 when bidirectional, else 1."""
        return 2 if self.sizes.get("bidirectional") else 1

    @property
    def macs(self) -> int:
        """Multiply-accumulates per time step: one per weight of every matrix, projection,
        peephole, skip connection and the output layer, plus the gates' elementwise
        products (3 per cell and direction for LSTM and GRU)."""
        count = self.count
        kinds = {term.name: term.kind for term in count.compiled.terms}
        matrices = sum(v for name, v in count.breakdown.items() if kinds[name] in MAC_KINDS)
        cells = self.sizes["cells"]
        per_layer = cells if isinstance(cells, list) else [cells] * self.layers
        elementwise = ELEMENTWISE_PER_CELL.get(self.family, 0) * sum(per_layer) * self.directions
        return int(matrices + elementwise)

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
