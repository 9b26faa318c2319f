"""Dense connections: the output layer and skip connections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explorer.algebra import Role
from explorer.algebra._term import Term
from explorer.blocks._context import Place

if TYPE_CHECKING:
    import sympy

__all__ = ["output_layer", "skip_from_input"]


def output_layer(
    *, outputs: sympy.Expr, width: sympy.Expr, bias: bool, tied: bool = False
) -> list[Term]:
    """The output (dense or softmax) layer: ``output.weight`` (o × width), ``output.bias``.

    With ``tied`` the weight is the embedding matrix, already counted, so only the bias
    remains (Press & Wolf 2017).

    Example:
        >>> import sympy
        >>> o, w = sympy.symbols("o w", positive=True)
        >>> sum(t.expr for t in output_layer(outputs=o, width=w, bias=True))
        o*w + o
    """
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


def skip_from_input(
    place: Place, *, gates: int, cells: sympy.Expr, inputs: sympy.Expr
) -> list[Term]:
    """``weight_skip`` (G·n × m): the network input fed straight to a layer above the first.

    Graves 2013, eq. (1): every hidden layer sees the input as well as the layer below.

    Example:
        >>> import sympy
        >>> n, m = sympy.symbols("n m", positive=True)
        >>> skip_from_input(Place("l1", "layer 1", "1"), gates=4, cells=n, inputs=m)[0].expr
        4*m*n
    """
    return [
        Term(
            f"weight_skip_{place.suffix}",
            "skip",
            (gates * cells, inputs),
            f"{place.label}: skip connection, network input straight to the gates",
            place.group,
            place.copies,
            place.role("weight_skip", "skip connection from the input", block="skip", feeds=True),
        )
    ]
