"""Building blocks: each returns the named terms of one piece of a network."""

from explorer.blocks._context import Place
from explorer.blocks.dense import output_layer, skip_from_input
from explorer.blocks.embedding import embedding
from explorer.blocks.gates import gate_set
from explorer.blocks.peephole import peepholes
from explorer.blocks.projection import nonrecurrent_projection, recurrent_projection

__all__ = [
    "Place",
    "embedding",
    "gate_set",
    "nonrecurrent_projection",
    "output_layer",
    "peepholes",
    "recurrent_projection",
    "skip_from_input",
]
