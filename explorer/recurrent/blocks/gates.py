"""Gate sets: a layer's input-to-gates and recurrent matrices, their biases, the two matrix
products of every step, and the words that say why each has its shape.

Per layer with G gates, n cells, input width m and recurrent width r (the projection, else
the cells): ``weight_ih`` G·n x m, ``weight_hh`` G·n x r; biases none, one G·n vector
(``single``), or ``bias_ih`` and ``bias_hh`` (``double``, PyTorch; also a GRU's
``reset_after`` form under ``single``, as Keras keeps a (2, 3n) bias).

Example:
    >>> import explorer
    >>> c = explorer.count("lstm", input=39, cells=64)
    >>> [t.name for t in c.compiled.terms]
    ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, product, words
from explorer.recurrent.blocks._widths import layer_input

if TYPE_CHECKING:
    from explorer.recurrent._layer import Layer

__all__ = ["GateSet", "count_gates"]


class GateSet:
    """The gates of every layer: what makes a layer recurrent."""

    __slots__ = ()

    def params(self, layer: Layer) -> list[Term]:
        """``weight_ih``, ``weight_hh`` and the biases the convention keeps."""
        s, place = layer.structure, layer.place
        g = len(layer.gates)
        rows = g * layer.cells
        which = ", ".join(layer.gates)
        extras = (("gates", "".join(layer.gates)),)

        def role(part: str, title: str, *, feeds: bool = False) -> Role:
            return place.role(part, title, block="gates", feeds=feeds, extras=extras)

        terms = [
            Term(
                place.name("weight_ih"),
                "weight",
                (rows, layer.input_width),
                f"{place.label}: input-to-gate weights, {g} gates ({which}) x cells x inputs",
                place.group,
                place.copies,
                role("weight_ih", "input-to-gates", feeds=True),
            ),
            Term(
                place.name("weight_hh"),
                "weight",
                (rows, layer.recurrent_width),
                f"{place.label}: recurrent weights, {g} gates x cells x recurrent inputs",
                place.group,
                place.copies,
                role("weight_hh", "hidden-to-gates"),
            ),
        ]
        if s.bias == "double" or (s.bias == "single" and s.reset_after):
            for side, title, what in (
                ("ih", "input-side biases", "input-side gate biases"),
                ("hh", "recurrent-side biases", "recurrent-side gate biases"),
            ):
                terms.append(
                    Term(
                        place.name(f"bias_{side}"),
                        "bias",
                        (rows,),
                        f"{place.label}: {what}",
                        place.group,
                        place.copies,
                        role(f"bias_{side}", title),
                    )
                )
        elif s.bias == "single":
            terms.append(
                Term(
                    place.name("bias"),
                    "bias",
                    (rows,),
                    f"{place.label}: gate biases, one vector",
                    place.group,
                    place.copies,
                    role("bias", "gate biases"),
                )
            )
        return terms

    def products(self, layer: Layer, rows: Any) -> list[Term]:
        """The input by ``weight_ih`` and the state by ``weight_hh``, at every step (the
        recurrent product at the first step too: PyTorch multiplies the zero state)."""
        place = layer.place
        gates = len(layer.gates) * layer.cells
        return [
            product(
                place.name(name),
                rows=rows,
                out=gates,
                inputs=inputs,
                meaning=f"{place.label}: {what}, at every step of every sequence",
                group=place.group,
                copies=place.copies,
                role=place.role(name, what, block="gates"),
            )
            for name, inputs, what in (
                ("weight_ih", layer.input_width, "input x input-to-gates"),
                ("weight_hh", layer.recurrent_width, "state x hidden-to-gates"),
            )
        ]


def count_gates(role: Role, rows: DimensionLike) -> tuple[int, str, int]:
    """Gates, their letters (`` (i, f, g, o)``) and cells of a term's rows: the gates are
    the constant factor of the rows (``4*n_c``), the letters the role's own."""
    constant = re.match(r"(\d+)\*", rows.text)
    gates = int(constant[1]) if constant else 1
    letters = role.extra("gates")
    shown = f" ({', '.join(letters)})" if len(letters) == gates > 1 else ""
    return gates, shown, rows.number // gates


def each(gates: int, letters: str, cells: int) -> str:
    """``each of the 4 gates (i, f, g, o) of the 1024 cells``; one gate: ``each of the 2
    cells``."""
    if gates == 1:
        return f"each of the {cells} cells"
    return f"each of the {gates} gates{letters} of the {cells} cells"


def _per_gate(gates: int, cells: int) -> str:
    if gates == 1:
        return f"one bias per cell ({cells})"
    return f"one bias per gate per cell ({gates} x {cells})"


@words("gates")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    gates, letters, cells = count_gates(role, dims[0])
    if role.part == "weight_ih":
        return f"{each(gates, letters, cells)} sees {layer_input(role.layer, dims[1], network)}"
    if role.part == "weight_hh":
        if "n_r" in dims[1].names:
            own = f"the layer's own {numbers[1]}-wide recurrent projection"
        else:
            own = f"the layer's own {numbers[1]} outputs"
        return f"{each(gates, '', cells)} sees {own} from the previous step"
    if role.part == "bias_ih":
        return (
            f"{_per_gate(gates, cells)} on the input side (b_ih); the convention keeps a "
            "second vector on the recurrent side, so biases count twice"
        )
    if role.part == "bias_hh":
        return (
            f"the second bias vector, on the recurrent side (b_hh): {gates * cells} more, as "
            "PyTorch (and the reset_after GRU) keep one bias for each side"
        )
    return f"{_per_gate(gates, cells)}, a single vector"
