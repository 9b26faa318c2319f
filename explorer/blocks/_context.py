"""Where a block sits: the name suffix, the group shown in tables, how many copies."""

from __future__ import annotations

from dataclasses import dataclass

import sympy

__all__ = ["Place"]


@dataclass(frozen=True, slots=True)
class Place:
    """The position of a recurrent layer (one direction) in the network.

    Attributes:
        suffix: PyTorch's parameter-name suffix, ``l0``, ``l1_reverse``; ``l[1:L]`` stands
            for layers 1 to L-1 when the depth is a symbol.
        group: the table group, ``layer 0`` or ``layers 1..L-1``.
        label: how the meaning strings name the layer, ``layer 0 (reverse)``.
        copies: how many identical layers the terms stand for (``L - 1`` or 1).

    Example:
        >>> Place("l0_reverse", "layer 0", "layer 0 (reverse)").copies
        1
    """

    suffix: str
    group: str
    label: str
    copies: sympy.Expr = sympy.Integer(1)  # noqa: RUF009 - sympy numbers are immutable
