"""The blocks of recurrent networks: each module owns its parameter terms, its matrix
products and its words.

A layer block (:class:`explorer.recurrent.LayerBlock`) is one of every layer: the gate set,
the projections, peepholes, skip connections. The embedding in front and the output layer
after the stack are blocks of the network. A family lists its layer blocks
(:data:`GATED_LAYER` for LSTM, GRU and RNN cells).

Example:
    >>> [type(b).__name__ for b in GATED_LAYER]
    ['GateSet', 'RecurrentProjection', 'NonRecurrentProjection', 'Peepholes', 'SkipFromInput']
"""

from __future__ import annotations

from explorer.recurrent.blocks.embedding import embedding
from explorer.recurrent.blocks.gates import GateSet, count_gates, each
from explorer.recurrent.blocks.output import output_layer, output_product
from explorer.recurrent.blocks.peepholes import Peepholes
from explorer.recurrent.blocks.projection import NonRecurrentProjection, RecurrentProjection
from explorer.recurrent.blocks.skip import SkipFromInput

__all__ = [
    "GATED_LAYER",
    "GateSet",
    "NonRecurrentProjection",
    "Peepholes",
    "RecurrentProjection",
    "SkipFromInput",
    "count_gates",
    "each",
    "embedding",
    "output_layer",
    "output_product",
]

#: The blocks of a gated layer, in the order their terms are listed.
GATED_LAYER = (
    GateSet(),
    RecurrentProjection(),
    NonRecurrentProjection(),
    Peepholes(),
    SkipFromInput(),
)
