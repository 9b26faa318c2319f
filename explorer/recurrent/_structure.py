"""What shapes a recurrent formula: the structure every recurrent family parses sizes into.

Example:
    >>> ABSENT, UNIFORM, PER_LAYER
    (0, 1, 2)
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["ABSENT", "PER_LAYER", "UNIFORM", "RecurrentStructure"]

#: How a size is given: absent, one for every layer, one per layer.
ABSENT, UNIFORM, PER_LAYER = 0, 1, 2


class RecurrentStructure(NamedTuple):
    """Everything that shapes a recurrent formula, and nothing that only sets its numbers.

    Two designs with equal structures share one compiled count; the sizes are its
    arguments. ``layers`` is ``None`` when the depth is a symbol. ``cells``, ``proj`` and
    ``nonrec`` say how a size is given: 0 absent, 1 one for all layers, 2 per layer.
    """

    family: str
    bias: str
    peepholes: bool
    skip: bool
    output_bias: bool
    reset_after: bool
    layers: int | None
    cells: int
    proj: int
    nonrec: int
    bidirectional: bool
    merge: str
    output: bool
    vocab: bool
    tied: bool
