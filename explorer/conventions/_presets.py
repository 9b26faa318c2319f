"""The named presets. Each states its single-layer LSTM formula and its source.

Symbols: input m, cells n, projection r, non-recurrent projection p, output o.
"""

from __future__ import annotations

from explorer.conventions._convention import Convention

__all__ = ["CONVENTIONS"]

WEIGHTS = Convention(
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

KERAS = Convention(
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

PYTORCH = Convention(
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

SAK2014 = Convention(
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

GRAVES2013 = Convention(
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

CONVENTIONS: dict[str, Convention] = {
    c.name: c for c in (WEIGHTS, KERAS, PYTORCH, SAK2014, GRAVES2013)
}
