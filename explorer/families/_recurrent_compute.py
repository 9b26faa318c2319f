"""The compute of a recurrent stack: its matrix products per time step, as named terms.

At every one of T time steps and for each of B sequences, a layer (each direction) multiplies
its input by ``weight_ih`` and its recurrent state by ``weight_hh``, projects the cells by
``weight_hr`` (and ``weight_hp``), and a skip connection multiplies the network input by
``weight_skip``; the output layer is applied at every step. Peepholes, gates, biases,
merges and the embedding lookup are elementwise or lookups: no products. The recurrent
product is counted at the first step too (PyTorch multiplies the zero initial state).

These are the products PyTorch runs for ``nn.LSTM``/``nn.GRU``/``nn.RNN`` on the meta
device (and for a cell unrolled over time with torch matmuls): FlopCounterMode counts
2 x M x N x K for each. A fused CPU kernel (``aten::lstm``) hides them from the counter.

Example:
    >>> import explorer
    >>> explorer.count("gru", input=39, cells=64, layers=2, seq=10, batch=2).flops
    1774080
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from explorer.algebra import Slot

if TYPE_CHECKING:
    from explorer.algebra._term import Term
    from explorer.blocks._context import Place
    from explorer.families._recurrent_structure import RecurrentStructure

__all__ = ["MEASURES", "compute_slots", "compute_terms"]

#: The measures a recurrent structure declares (no attention: both are the same products).
MEASURES = ("flops:full", "flops:causal")


class Stack(Protocol):
    """What the compute terms read of a recurrent family: its gates, its layers' sizes,
    and its walk over the layers (the same as its parameters')."""

    @property
    def gates(self) -> tuple[str, ...]:
        """The gate names (one block of rows each)."""
        ...

    def layer_sizes(self, s: RecurrentStructure) -> Callable[[str, int], Any]:
        """A layer's size by keyword and index."""
        ...

    def walk(
        self,
        s: RecurrentStructure,
        size: Callable[[str, int], Any],
        layer: Callable[[int, Place, Any], list[Term]],
    ) -> tuple[list[Term], Any]:
        """Every layer's terms, and the width the stack hands on."""
        ...


def compute_slots() -> tuple[Slot, ...]:
    """The time steps and the batch."""
    return (Slot("seq", None, "T"), Slot("batch", None, "B"))


def compute_terms(family: Stack, s: RecurrentStructure) -> tuple[Term, ...]:
    """Every product of one forward pass over T steps of B sequences."""
    from explorer.algebra import symbol
    from explorer.blocks.products import product

    rows = symbol("B") * symbol("T")
    size = family.layer_sizes(s)

    def layer(k: int, place: Place, input_width: Any) -> list[Term]:
        cells = size("cells", k)
        gates = len(family.gates) * cells
        recurrent = size("proj", k) if s.proj else cells

        def one(name: str, out: Any, inputs: Any, what: str, block: str) -> Term:
            return product(
                f"{name}_{place.suffix}",
                rows=rows,
                out=out,
                inputs=inputs,
                meaning=f"{place.label}: {what}, at every step of every sequence",
                group=place.group,
                copies=place.copies,
                role=place.role(name, what, block=block),
            )

        terms = [
            one("weight_ih", gates, input_width, "input x input-to-gates", "gates"),
            one("weight_hh", gates, recurrent, "state x hidden-to-gates", "gates"),
        ]
        if s.proj:
            terms.append(
                one("weight_hr", size("proj", k), cells, "cells x projection", "projection")
            )
        if s.nonrec:
            terms.append(
                one(
                    "weight_hp",
                    size("nonrec_proj", k),
                    cells,
                    "cells x non-recurrent projection",
                    "projection",
                )
            )
        if s.skip and k > 0:
            terms.append(one("weight_skip", gates, symbol("n_i"), "network input x skip", "skip"))
        return terms

    terms, width = family.walk(s, size, layer)
    if s.output:
        import sympy

        from explorer.algebra import Role

        outputs = symbol("n_v") if s.tied else symbol("n_o")
        terms.append(
            product(
                "output",
                rows=rows,
                out=outputs,
                inputs=width,
                meaning="output layer, at every step of every sequence",
                group="output",
                copies=sympy.Integer(1),
                role=Role("output", "output layer", block="output"),
            )
        )
    return tuple(terms)
