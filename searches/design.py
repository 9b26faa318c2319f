"""A solved design: what a trial or a sweep row records, and what objectives receive.

A design meets a budget in parameters, FLOPs or bytes (``unit``); ``total`` and
``budget`` are in that unit and ``parameters`` is its parameter count either way. Its
compute is the family's declared matrix products for one sequence of ``seq`` tokens
(time steps), as torch's ``FlopCounterMode`` counts them: ``flops`` = 2 x ``macs``.

Example:
    >>> import explorer
    >>> s = explorer.solve("lstm", budget="6.5M", layers=3, input=39, output=34)
    >>> d = Design.from_solution(s)
    >>> d.family, d.width, d.depth, d.total, d.parameters, d.on_budget
    ('lstm', 565, 3, 6505444, 6505444, True)
    >>> explorer.count(d.family, **d.sizes).total == d.total
    True
    >>> d.macs, d.flops == explorer.count(d.family, seq=1, **d.sizes).flops
    (6491850, True)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import explorer

__all__ = ["Design"]


@dataclass(frozen=True, slots=True)
class Design:
    """One integer design at a budget.

    Attributes:
        family: a registered family (``lstm``, ``gru``, ``llama`` ...).
        sizes: every keyword ``explorer.count(family, **sizes)`` needs to count it, the
            convention included.
        total: what the budget counts of it, in ``unit`` (its parameters by default).
        budget: the budget it was made for, in ``unit``.
        step: the difference in ``total`` between the solved free size and its neighbour
            (the integer step), ``None`` when the design has no neighbour above.
        unit: ``parameters``, ``FLOPs`` or ``bytes``.
        parameters: its exact parameter count (``total`` when the unit is parameters).
        seq: tokens per sequence (time steps) of the compute objectives (``macs``,
            ``flops``): one forward pass of one sequence.
        decoder_seq: an encoder-decoder's decoder length (``None``: ``seq``).
        compute: the compute convention of those objectives (``torch``: as
            ``FlopCounterMode`` counts; ``causal``).
    """

    family: str
    sizes: Mapping[str, Any]
    total: int
    budget: int
    step: int | None
    unit: str = "parameters"
    parameters: int = -1
    seq: int = 1
    decoder_seq: int | None = None
    compute: str = "torch"

    def __post_init__(self) -> None:
        if self.parameters < 0:
            if self.unit != "parameters":  # pragma: no cover - a caller's bug
                raise ValueError(f"a design measured in {self.unit} needs its parameters")
            object.__setattr__(self, "parameters", self.total)

    @classmethod
    def from_solution(
        cls,
        solution: explorer.Solution,
        *,
        seq: int = 1,
        decoder_seq: int | None = None,
        compute: str = "torch",
    ) -> Design:
        """The design of an :func:`explorer.solve` answer (its compute objectives at
        ``seq`` tokens)."""
        below, above = solution.below, solution.above
        step = None if below is None or above is None else above.total - below.total
        parameters = solution.total if solution.parameters is None else solution.parameters
        return cls(
            solution.family,
            solution.count_kwargs(),
            solution.total,
            solution.budget,
            step,
            solution.unit,
            parameters,
            seq,
            decoder_seq,
            compute,
        )

    def with_compute(
        self, *, seq: int = 1, decoder_seq: int | None = None, compute: str = "torch"
    ) -> Design:
        """The same design, its compute objectives at another sequence length."""
        return dataclasses.replace(self, seq=seq, decoder_seq=decoder_seq, compute=compute)

    @property
    def count(self) -> explorer.Count:
        """The full :class:`explorer.Count` (terms, breakdown, formula), with its compute
        at ``seq`` tokens."""
        return explorer.count(
            self.family,
            seq=self.seq,
            decoder_seq=self.decoder_seq,
            compute=self.compute,
            **self.sizes,
        )

    @property
    def relative_error(self) -> float:
        """``(total - budget) / budget``."""
        return (self.total - self.budget) / self.budget

    @property
    def on_budget(self) -> bool:
        """Within the integer step of the budget, in the budget's unit: no integer free
        size gets closer on this side of it (``|total - budget| <= step``)."""
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
    def flops(self) -> int:
        """FLOPs of one forward pass of one sequence of ``seq`` tokens: the family's
        declared matrix products, 2 x M x N x K each, as ``FlopCounterMode`` counts them.

        Raises:
            explorer.errors.ConflictError: the family declares no compute (a derived
                formula counts parameters only).
        """
        return self.count.flops

    @property
    def macs(self) -> int:
        """Multiply-accumulates of one forward pass of one sequence (``flops // 2``)."""
        return self.count.macs

    @property
    def training_flops(self) -> int:
        """FLOPs of one training step on one sequence: forward and backward, 3 x
        :attr:`flops` (Kaplan et al. 2020)."""
        return self.count.training_flops

    def to_json(self) -> dict[str, Any]:
        """``family``, ``sizes``, ``total``, ``budget``, ``relative_error``, ``step``,
        ``on_budget``, ``unit``, ``parameters`` (and ``seq`` when not 1)."""
        data = {
            "family": self.family,
            "sizes": dict(self.sizes),
            "total": self.total,
            "budget": self.budget,
            "relative_error": self.relative_error,
            "step": self.step,
            "on_budget": self.on_budget,
            "unit": self.unit,
            "parameters": self.parameters,
        }
        for name, value, default in (
            ("seq", self.seq, 1),
            ("decoder_seq", self.decoder_seq, None),
            ("compute", self.compute, "torch"),
        ):
            if value != default:
                data[name] = value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Design:
        """Back from :meth:`to_json` (what a trial stores)."""
        return cls(
            data["family"],
            dict(data["sizes"]),
            data["total"],
            data["budget"],
            data["step"],
            data.get("unit", "parameters"),
            data.get("parameters", data["total"]),
            data.get("seq", 1),
            data.get("decoder_seq"),
            data.get("compute", "torch"),
        )
