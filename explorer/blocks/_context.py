"""Where a block sits: the name suffix, the table group, the layer, how many copies."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from explorer.algebra import GROUPED, Role

if TYPE_CHECKING:
    import sympy

__all__ = ["Place"]


@dataclass(frozen=True, slots=True)
class Place:
    """The position of one layer (one direction) in a network.

    Attributes:
        suffix: the parameter-name suffix, ``l0``, ``l1_reverse``; ``l[1:L]`` stands for
            layers 1 to L-1 when the depth is a symbol.
        group: the table group, ``layer 0`` or ``layers 1..L-1``.
        layer: ``"0"``, ``"1"`` ... or :data:`explorer.algebra.GROUPED`.
        direction: ``""`` or the second direction's name (``reverse``).
        copies: how many identical layers the terms stand for (``L - 1`` or 1).

    Example:
        >>> p = Place("l0_reverse", "layer 0", "0", "reverse")
        >>> p.label, p.copies
        ('layer 0 (reverse)', 1)
    """

    suffix: str
    group: str
    layer: str = ""
    direction: str = ""
    copies: sympy.Expr | int = 1

    @property
    def label(self) -> str:
        """How meaning strings name the layer: ``layer 0 (reverse)``, ``layer 1..L-1``."""
        text = "layer 1..L-1" if self.layer == GROUPED else f"layer {self.layer}"
        return text + (f" ({self.direction})" if self.direction else "")

    def repeated(self, copies: sympy.Expr) -> Place:
        """The same place standing for ``copies`` identical layers."""
        return dataclasses.replace(self, copies=copies)

    def role(
        self,
        part: str,
        title: str,
        *,
        block: str,
        feeds: bool = False,
        extras: tuple[tuple[str, str], ...] = (),
    ) -> Role:
        """The :class:`~explorer.algebra.Role` of a term made at this place."""
        return Role(part, title, self.layer, self.direction, block, feeds, extras)
