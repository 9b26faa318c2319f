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

from typing import TYPE_CHECKING, Any

from explorer.algebra import GROUPED, Slot

if TYPE_CHECKING:
    import sympy

    from explorer.algebra._term import Term
    from explorer.blocks._context import Place
    from explorer.families._recurrent import RecurrentFamily, RecurrentStructure

__all__ = ["MEASURES", "compute_slots", "compute_terms"]

#: The measures a recurrent structure declares (no attention: both are the same products).
MEASURES = ("flops:full", "flops:causal")


def compute_slots() -> tuple[Slot, ...]:
    """The time steps and the batch."""
    return (Slot("seq", None, "T"), Slot("batch", None, "B"))


def compute_terms(family: RecurrentFamily, s: RecurrentStructure) -> tuple[Term, ...]:
    """Every product of one forward pass over T steps of B sequences."""
    from explorer.algebra import symbol
    from explorer.blocks.products import product
    from explorer.families._recurrent import _BY_NAME, _place
    from explorer.families._recurrent_structure import ABSENT, UNIFORM

    rows = symbol("B") * symbol("T")

    def size(key: str, layer: int) -> sympy.Expr:
        import sympy

        mode = {"cells": s.cells, "proj": s.proj, "nonrec_proj": s.nonrec}[key]
        if mode == ABSENT:
            return sympy.Integer(0)
        name = _BY_NAME[key].symbol
        return symbol(name) if mode == UNIFORM else symbol(f"{name}{layer}")

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

    n_i = symbol("n_i")
    terms: list[Term] = []
    directions = ("", "_reverse") if s.bidirectional else ("",)
    if s.layers is None:
        depth = symbol("L")
        below = family._output_width(s, size, layer=0)
        for d in directions:
            terms += layer(0, _place("0", d), n_i)
        for d in directions:
            terms += layer(1, _place(GROUPED, d, depth - 1), below)
        width = depth * below if s.skip else below
    else:
        for k in range(s.layers):
            input_width = n_i if k == 0 else family._output_width(s, size, layer=k - 1)
            for d in directions:
                terms += layer(k, _place(str(k), d), input_width)
        width = family._output_width(s, size)
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
