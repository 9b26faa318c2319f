"""A block of its own for the IndRNN test family: independently recurrent cells (Li et al.
2018, "Independently Recurrent Neural Network (IndRNN)"), h_t = f(W x_t + u * h_{t-1} + b):
each cell's recurrent weight is one number on its own previous output, a vector ``u`` of
n where an RNN has an n x n matrix. Its terms, products and words live here and nowhere else.

Example:
    >>> import explorer
    >>> from tests.families.indrnn import INDRNN
    >>> explorer.FAMILIES["indrnn"] = INDRNN
    >>> explorer.count("indrnn", input=39, cells=64, convention="weights").total
    2560
    >>> del explorer.FAMILIES["indrnn"]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, product, words
from explorer.recurrent import Layer

__all__ = ["IndependentCells"]


@dataclass(frozen=True, slots=True)
class IndependentCells:
    """``weight_ih`` (n x input), ``weight_hh`` (n: one recurrent weight per cell) and the
    biases the convention keeps (one vector, or one on each side)."""

    def params(self, layer: Layer) -> list[Term]:
        place, s = layer.place, layer.structure
        terms = [
            Term(
                place.name("weight_ih"),
                "weight",
                (layer.cells, layer.input_width),
                f"{place.label}: input weights, cells x inputs",
                place.group,
                place.copies,
                place.role("weight_ih", "input weights", block="independent cells", feeds=True),
            ),
            Term(
                place.name("weight_hh"),
                "weight",
                (layer.cells,),
                f"{place.label}: recurrent weights, one per cell",
                place.group,
                place.copies,
                place.role("weight_hh", "recurrent weights", block="independent cells"),
            ),
        ]
        sides = {"single": ("",), "double": ("_ih", "_hh")}.get(s.bias, ())
        for side in sides:
            terms.append(
                Term(
                    place.name(f"bias{side}"),
                    "bias",
                    (layer.cells,),
                    f"{place.label}: biases, one per cell",
                    place.group,
                    place.copies,
                    place.role(f"bias{side}", "biases", block="independent cells"),
                )
            )
        return terms

    def products(self, layer: Layer, rows: Any) -> list[Term]:
        """The input by ``weight_ih`` at every step; the recurrence is elementwise."""
        place = layer.place
        return [
            product(
                place.name("weight_ih"),
                rows=rows,
                out=layer.cells,
                inputs=layer.input_width,
                meaning=f"{place.label}: input x input weights, at every step",
                group=place.group,
                copies=place.copies,
                role=place.role("weight_ih", "input x input weights", block="independent cells"),
            )
        ]


@words("independent cells")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    if role.part == "weight_ih":
        return f"each of the {numbers[0]} cells sees the {numbers[1]} inputs of its layer"
    if role.part == "weight_hh":
        return (
            f"each of the {numbers[0]} cells has one recurrent weight, on its own previous "
            "output (IndRNN: a vector, not a matrix)"
        )
    return f"one bias per cell ({numbers[0]})"
