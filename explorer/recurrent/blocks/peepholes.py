"""Peephole connections (Gers & Schmidhuber 2000): three diagonal cell-to-gate vectors
(input, forget, output gates), 3·n weights per layer; elementwise, so no matrix products.

Example:
    >>> import explorer
    >>> explorer.count("lstm", convention="sak2014", input=39, cells=64).breakdown[
    ...     "weight_peephole_l0"]
    192
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, words

if TYPE_CHECKING:
    from explorer.recurrent._layer import Layer

__all__ = ["Peepholes"]


class Peepholes:
    """Three diagonal weights per cell, where the structure has peepholes."""

    __slots__ = ()

    def params(self, layer: Layer) -> list[Term]:
        if not layer.structure.peepholes:
            return []
        place = layer.place
        return [
            Term(
                place.name("weight_peephole"),
                "peephole",
                (3, layer.cells),
                f"{place.label}: peephole weights, diagonal cell-to-gate (i, f, o)",
                place.group,
                place.copies,
                place.role("weight_peephole", "peepholes", block="peepholes"),
            )
        ]

    def products(self, layer: Layer, rows: Any) -> list[Term]:
        return []  # elementwise


@words("peepholes")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    return (
        f"each of the {numbers[1]} cells has {numbers[0]} peepholes: its cell state feeds "
        "the input, forget and output gates through one diagonal weight each"
    )
