"""The :class:`Convention` value object: which parameters a count includes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["BIASES", "FLAGS", "Bias", "Convention"]

Bias = Literal["none", "single", "double"]
BIASES: tuple[str, ...] = get_args(Bias)

#: The flags a user may override one by one (CLI: ``--bias``, ``--peepholes`` ...).
FLAGS: tuple[str, ...] = ("bias", "peepholes", "skip", "output_bias", "reset_after")


@dataclass(frozen=True, slots=True)
class Convention:
    """A named set of counting rules; data, not code paths.

    Attributes:
        name: registry name (``pytorch``), with ``+flag=value`` appended when overridden.
        bias: ``none``; ``single`` (one vector per gate set, as Keras); ``double``
            (input and recurrent vectors, PyTorch's ``b_ih`` and ``b_hh``).
        peepholes: diagonal cell-to-gate weights, 3 per cell (LSTM only).
        skip: skip connections from the input to every layer and from every layer to
            the output layer (Graves 2013).
        output_bias: the output (dense/softmax) layer has a bias vector.
        reset_after: GRU applies the reset gate after the recurrent matrix product
            (PyTorch and Keras >= 2.3), which keeps a separate recurrent bias.
        proj_below_cells: a recurrent projection must be smaller than the cells
            (PyTorch raises otherwise).
        formula: the single-layer LSTM count under this convention, for the docs.
        source: where the convention comes from.

    Example:
        >>> from explorer.conventions import CONVENTIONS
        >>> CONVENTIONS["keras"].with_overrides(bias="none").name
        'keras+bias=none'
    """

    name: str
    bias: Bias
    peepholes: bool
    skip: bool
    output_bias: bool
    reset_after: bool
    proj_below_cells: bool = False
    formula: str = ""
    source: str = ""

    def with_overrides(self, **flags: object) -> Convention:
        """A copy with some flags changed; unchanged flags keep the preset's value."""
        changes = {k: v for k, v in flags.items() if v is not None and getattr(self, k) != v}
        if not changes:
            return self
        suffix = "".join(f"+{k}={_show(v)}" for k, v in sorted(changes.items()))
        return dataclasses.replace(self, name=self.name + suffix, **changes)  # type: ignore[arg-type]

    def flags(self) -> dict[str, object]:
        """The counting flags as a plain dict (for JSON and cache keys)."""
        return {flag: getattr(self, flag) for flag in FLAGS}


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
