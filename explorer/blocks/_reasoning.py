"""What a block's reason reads: a term's dimensions as shown, and facts of its network.

Example:
    >>> Network(roles=(), design={"tied": True}).has(part="embedding.weight")
    False
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from explorer.algebra import GROUPED, Role

__all__ = ["DimensionLike", "Network", "Reason"]


class DimensionLike(Protocol):
    """One dimension of a term's shape, as ``explain`` shows it."""

    @property
    def text(self) -> str:
        """Symbolic text, ``4*n_c``."""
        ...

    @property
    def number(self) -> int:
        """Its value."""
        ...

    @property
    def shown(self) -> str:
        """With the numbers: ``4 x 1024``, ``256 + 256``."""
        ...

    @property
    def names(self) -> set[str]:
        """The size symbols it is made of (``n_c``, not ``n_c1``)."""
        ...

    @property
    def doubled(self) -> bool:
        """Twice a width (``2*...``)."""
        ...


@dataclass(frozen=True, slots=True)
class Network:
    """What a reason may need to know of the rest of its network (one part of a spec).

    Attributes:
        roles: the roles of every term of the part.
        design: the part's design keywords (``tied``, how directions merge ...).
    """

    roles: tuple[Role, ...]
    design: Mapping[str, Any]

    def has(self, *, part: str | None = None, direction: bool | None = None) -> bool:
        """Whether a term of the given part (and, if asked, of a second direction) exists."""
        return any(
            (part is None or r.part == part) and (direction is None or bool(r.direction))
            for r in self.roles
        )

    def last_layer(self) -> str:
        """``layer 2``, ``layer L-1``: the layer that feeds what comes after the layers."""
        layers = {r.layer for r in self.roles if r.layer}
        if GROUPED in layers:
            return "layer L-1"
        numbered = [int(k) for k in layers if k.isdigit()]
        return f"layer {max(numbered)}" if numbered else "the last layer"


Reason = Callable[[Role, tuple[int, ...], Sequence[DimensionLike], Network], str]
"""A block's reason: the role, shape as numbers, dimensions and network of a term -> why."""
