"""Skip connections from the network input (Graves 2013, eq. 1): every layer above the
first also sees the input, ``weight_skip`` G·n x m; its product at every step.

Example:
    >>> import explorer
    >>> c = explorer.count("lstm", convention="graves2013", input=10, cells=8, layers=2)
    >>> c.breakdown["weight_skip_l1"]
    320
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, product, words
from explorer.recurrent.blocks.gates import count_gates, each

if TYPE_CHECKING:
    from explorer.recurrent._layer import Layer

__all__ = ["SkipFromInput"]


class SkipFromInput:
    """The network input straight to the gates of every layer above the first."""

    __slots__ = ()

    def params(self, layer: Layer) -> list[Term]:
        if not (layer.structure.skip and layer.number > 0):
            return []
        place = layer.place
        return [
            Term(
                place.name("weight_skip"),
                "skip",
                (len(layer.gates) * layer.cells, layer.network_input),
                f"{place.label}: skip connection, network input straight to the gates",
                place.group,
                place.copies,
                place.role(
                    "weight_skip", "skip connection from the input", block="skip", feeds=True
                ),
            )
        ]

    def products(self, layer: Layer, rows: Any) -> list[Term]:
        if not (layer.structure.skip and layer.number > 0):
            return []
        place = layer.place
        what = "network input x skip"
        return [
            product(
                place.name("weight_skip"),
                rows=rows,
                out=len(layer.gates) * layer.cells,
                inputs=layer.network_input,
                meaning=f"{place.label}: {what}, at every step of every sequence",
                group=place.group,
                copies=place.copies,
                role=place.role("weight_skip", what, block="skip"),
            )
        ]


@words("skip")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    gates, _, cells = count_gates(role, dims[0])
    return (
        f"{each(gates, '', cells)} also sees the {numbers[1]} network inputs directly: "
        "a skip connection from the input to every layer above the first (Graves 2013)"
    )
