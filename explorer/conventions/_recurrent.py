"""Conventions of the recurrent families, and their named presets.

Each preset states its single-layer LSTM formula and its source. Symbols: input m,
cells n, projection r, non-recurrent projection p, output o.

Example:
    >>> RECURRENT["keras"].with_overrides(bias="none").name
    'keras+bias=none'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, get_args

from explorer.conventions._convention import Convention, Flag

__all__ = ["BIASES", "RECURRENT", "Bias", "RecurrentConvention"]

Bias = Literal["none", "single", "double"]
BIASES: tuple[str, ...] = get_args(Bias)


@dataclass(frozen=True, slots=True, kw_only=True)
class RecurrentConvention(Convention):
    """Which parameters a recurrent count includes.

    Attributes:
        bias: ``none``; ``single`` (one vector per gate set, as Keras); ``double``
            (input and recurrent vectors, PyTorch's ``b_ih`` and ``b_hh``).
        peepholes: diagonal cell-to-gate weights, 3 per cell (LSTM only).
        skip: skip connections from the input to every layer and from every layer to
            the output layer (Graves 2013).
        output_bias: the output (dense/softmax) layer has a bias vector.
        reset_after: GRU applies the reset gate after the recurrent matrix product
            (PyTorch and Keras >= 2.3), which keeps a separate recurrent bias.
        proj_below_cells: a recurrent projection must be smaller than the cells
            (PyTorch raises otherwise).
    """

    KIND: ClassVar[str] = "recurrent"
    FLAGS: ClassVar[tuple[Flag, ...]] = (
        Flag("bias", "bias vectors per gate set", BIASES),
        Flag("peepholes", "peephole weights (LSTM cells)"),
        Flag("skip", "skip connections (input->layers, layers->output)"),
        Flag("output_bias", "a bias vector in the output layer"),
        Flag("reset_after", "the GRU's reset_after form (its own recurrent bias)"),
    )

    bias: Bias
    peepholes: bool
    skip: bool
    output_bias: bool
    reset_after: bool
    proj_below_cells: bool = False


WEIGHTS = RecurrentConvention(
    name="weights",
    bias="none",
    peepholes=False,
    skip=False,
    output_bias=False,
    reset_after=False,
    formula="4n(m+n) per layer; output layer n*o",
    source="weight matrices only, the usual forum answer (e.g. Stack Overflow's "
    "'number of parameters in an LSTM')",
)

KERAS = RecurrentConvention(
    name="keras",
    bias="single",
    peepholes=False,
    skip=False,
    output_bias=True,
    reset_after=True,
    formula="4n(m+n) + 4n per layer; GRU with reset_after: 3n(m+n) + 6n; Dense n*o + o",
    source="Keras 3 LSTM/GRU/SimpleRNN cells (one bias vector; GRU reset_after=True keeps "
    "a (2, 3n) bias), Dense with use_bias=True",
)

PYTORCH = RecurrentConvention(
    name="pytorch",
    bias="double",
    peepholes=False,
    skip=False,
    output_bias=True,
    reset_after=True,
    proj_below_cells=True,
    formula="4n(m+n) + 8n per layer; with proj_size r: 4n(m+r) + 8n + rn; Linear n*o + o",
    source="torch.nn.LSTM/GRU/RNN (b_ih and b_hh; weight_hr for proj_size), torch.nn.Linear",
)

SAK2014 = RecurrentConvention(
    name="sak2014",
    bias="none",
    peepholes=True,
    skip=False,
    output_bias=False,
    reset_after=False,
    formula="4n^2 + 4mn + no + 3n; LSTMP: 4nr + 4mn + (r+p)o + n(r+p) + 3n",
    source="Sak, Senior, Beaufays 2014, 'Long Short-Term Memory Recurrent Neural Network "
    "Architectures for Large Scale Acoustic Modeling', section 2 (biases not counted)",
)

GRAVES2013 = RecurrentConvention(
    name="graves2013",
    bias="single",
    peepholes=True,
    skip=True,
    output_bias=True,
    reset_after=False,
    formula="4n(m+n) + 4n + 3n for layer 1, 4n(m+n+n_prev) + 7n above it (input skip), "
    "output layer fed by every layer: L*n*o + o",
    source="Graves 2013, 'Generating Sequences With Recurrent Neural Networks', section 2 "
    "(peepholes, biases, skip connections input->every layer and every layer->output)",
)

#: The recurrent presets, in the order they are listed.
RECURRENT: dict[str, RecurrentConvention] = {
    c.name: c for c in (WEIGHTS, KERAS, PYTORCH, SAK2014, GRAVES2013)
}
