"""Gate sets: the input-to-gates and recurrent matrices of a layer, and their biases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from explorer.algebra import Role
from explorer.algebra._term import Term
from explorer.blocks._context import Place
from explorer.conventions import Bias

if TYPE_CHECKING:
    import sympy

__all__ = ["gate_set"]


def gate_set(
    place: Place,
    *,
    gates: Sequence[str],
    cells: sympy.Expr,
    input_width: sympy.Expr,
    recurrent_width: sympy.Expr,
    bias: Bias,
    separate_recurrent_bias: bool = False,
) -> list[Term]:
    """``weight_ih`` (G·n × m), ``weight_hh`` (G·n × recurrent width) and the biases.

    Args:
        gates: one letter per gate (``ifgo`` for an LSTM): G is how many.
        bias: ``none``; ``single`` adds one G·n vector; ``double`` adds ``bias_ih`` and
            ``bias_hh`` (PyTorch).
        separate_recurrent_bias: the recurrent product has its own bias even under
            ``single`` (a GRU with reset_after: Keras stores a (2, 3n) bias).

    Example:
        >>> import sympy
        >>> n, m = sympy.symbols("n m", positive=True)
        >>> terms = gate_set(Place("l0", "layer 0", "0"), gates="ifgo", cells=n,
        ...                  input_width=m, recurrent_width=n, bias="double")
        >>> [t.name for t in terms], sum(t.expr for t in terms)
        (['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'], 4*m*n + 4*n**2 + 8*n)
    """
    g = len(gates)
    rows = g * cells
    which = ", ".join(gates)
    extras = (("gates", "".join(gates)),)

    def role(part: str, title: str, *, feeds: bool = False) -> Role:
        return place.role(part, title, block="gates", feeds=feeds, extras=extras)

    terms = [
        Term(
            f"weight_ih_{place.suffix}",
            "weight",
            (rows, input_width),
            f"{place.label}: input-to-gate weights, {g} gates ({which}) x cells x inputs",
            place.group,
            place.copies,
            role("weight_ih", "input-to-gates", feeds=True),
        ),
        Term(
            f"weight_hh_{place.suffix}",
            "weight",
            (rows, recurrent_width),
            f"{place.label}: recurrent weights, {g} gates x cells x recurrent inputs",
            place.group,
            place.copies,
            role("weight_hh", "hidden-to-gates"),
        ),
    ]
    if bias == "double" or (bias == "single" and separate_recurrent_bias):
        terms += [
            Term(
                f"bias_ih_{place.suffix}",
                "bias",
                (rows,),
                f"{place.label}: input-side gate biases",
                place.group,
                place.copies,
                role("bias_ih", "input-side biases"),
            ),
            Term(
                f"bias_hh_{place.suffix}",
                "bias",
                (rows,),
                f"{place.label}: recurrent-side gate biases",
                place.group,
                place.copies,
                role("bias_hh", "recurrent-side biases"),
            ),
        ]
    elif bias == "single":
        terms.append(
            Term(
                f"bias_{place.suffix}",
                "bias",
                (rows,),
                f"{place.label}: gate biases, one vector",
                place.group,
                place.copies,
                role("bias", "gate biases"),
            )
        )
    return terms
