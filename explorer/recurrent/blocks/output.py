"""The output (dense or softmax) layer after a recurrent stack: ``output.weight`` (o x the
width that feeds it) and ``output.bias``; tied to the embedding, only the bias remains
(Press & Wolf 2017). Its product at every step.

Example:
    >>> import explorer
    >>> explorer.count("lstm", input=39, cells=64, output=34).breakdown["output.weight"]
    2176
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, product, words
from explorer.recurrent.blocks._widths import width_detail

if TYPE_CHECKING:
    import sympy

__all__ = ["output_layer", "output_product"]


def output_layer(
    *, outputs: sympy.Expr, width: sympy.Expr, bias: bool, tied: bool = False
) -> list[Term]:
    """``output.weight`` (unless ``tied``) and ``output.bias`` (if ``bias``)."""
    terms = []
    if not tied:
        terms.append(
            Term(
                "output.weight",
                "weight",
                (outputs, width),
                "output layer weights, outputs x width of what feeds it",
                "output",
                role=Role("output.weight", "output weights", block="output", feeds=True),
            )
        )
    if bias:
        terms.append(
            Term(
                "output.bias",
                "bias",
                (outputs,),
                "output layer biases",
                "output",
                role=Role("output.bias", "output biases", block="output"),
            )
        )
    return terms


def output_product(*, outputs: Any, width: Any, rows: Any) -> Term:
    """The output layer applied at every step of every sequence."""
    return product(
        "output",
        rows=rows,
        out=outputs,
        inputs=width,
        meaning="output layer, at every step of every sequence",
        group="output",
        copies=1,
        role=Role("output", "output layer", block="output"),
    )


@words("output")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    if role.part == "output.bias":
        note = (
            "; its weights are the embedding matrix (tied), counted once in embedding.weight"
            if network.design.get("tied")
            else ""
        )
        return f"one bias for each of the {numbers[0]} outputs{note}"
    width = dims[1]
    if network.has(part="weight_skip"):
        source = (
            f"every layer ({width.shown}: skip connections from every layer to the output, "
            "Graves 2013)"
        )
    else:
        source = f"the last layer, {network.last_layer()}{width_detail(width, network)}"
    return f"each of the {numbers[0]} outputs sees the {width.number} outputs of {source}"
