"""Projections of the cell output (Sak, Senior, Beaufays 2014): the recurrent projection
``weight_hr`` (r x n, fed back to the gates; PyTorch's ``proj_size``) and the
non-recurrent one ``weight_hp`` (p x n, only fed forward), their products, their words.

Example:
    >>> import explorer
    >>> c = explorer.count("lstm", input=39, cells=64, proj=16, nonrec_proj=8)
    >>> c.breakdown["weight_hr_l0"], c.breakdown["weight_hp_l0"]
    (1024, 512)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, product, words

if TYPE_CHECKING:
    from explorer.recurrent._layer import Layer

__all__ = ["NonRecurrentProjection", "RecurrentProjection"]


class RecurrentProjection:
    """``weight_hr``: the cells projected to r numbers fed back to the gates and handed on."""

    __slots__ = ()

    def params(self, layer: Layer) -> list[Term]:
        if not layer.structure.proj:
            return []
        place = layer.place
        return [
            Term(
                place.name("weight_hr"),
                "projection",
                (layer.proj, layer.cells),
                f"{place.label}: recurrent projection, cells -> projection fed back to the gates",
                place.group,
                place.copies,
                place.role("weight_hr", "recurrent projection", block="projection"),
            )
        ]

    def products(self, layer: Layer, rows: Any) -> list[Term]:
        if not layer.structure.proj:
            return []
        return [_product(layer, "weight_hr", layer.proj, rows, "cells x projection")]


class NonRecurrentProjection:
    """``weight_hp``: the cells projected to p numbers that only feed forward."""

    __slots__ = ()

    def params(self, layer: Layer) -> list[Term]:
        if not layer.structure.nonrec:
            return []
        place = layer.place
        return [
            Term(
                place.name("weight_hp"),
                "projection",
                (layer.nonrec, layer.cells),
                f"{place.label}: non-recurrent projection, cells -> outputs that only feed forward",
                place.group,
                place.copies,
                place.role("weight_hp", "non-recurrent projection", block="projection"),
            )
        ]

    def products(self, layer: Layer, rows: Any) -> list[Term]:
        if not layer.structure.nonrec:
            return []
        return [
            _product(layer, "weight_hp", layer.nonrec, rows, "cells x non-recurrent projection")
        ]


def _product(layer: Layer, name: str, out: Any, rows: Any, what: str) -> Term:
    place = layer.place
    return product(
        place.name(name),
        rows=rows,
        out=out,
        inputs=layer.cells,
        meaning=f"{place.label}: {what}, at every step of every sequence",
        group=place.group,
        copies=place.copies,
        role=place.role(name, what, block="projection"),
    )


@words("projection")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    if role.part == "weight_hr":
        return (
            f"the {numbers[1]} cell outputs are projected to {numbers[0]} numbers, fed back to "
            "the gates at the next step and handed on"
        )
    return (
        f"the {numbers[1]} cell outputs are also projected to {numbers[0]} numbers that only "
        "feed forward (to the layer above or the output), never back (Sak et al. 2014)"
    )
