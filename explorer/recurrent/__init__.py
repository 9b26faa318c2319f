"""Recurrent networks: the stack walk, its blocks and its families.

- :class:`RecurrentFamily`: a family of recurrent cells described by data (its gates, what
  its cells support, its layer blocks); the walk over layers and directions.
- :mod:`explorer.recurrent.blocks`: the gate set, projections, peepholes, skip
  connections, the embedding and the output layer, each owning its terms, products and words.
- :mod:`explorer.recurrent.families`: ``rnn``, ``lstm``, ``lstmp``, ``gru``.

A new kind of layer block implements :class:`LayerBlock` (``params`` and ``products`` of a
:class:`Layer`) and registers its words; a new family is a :class:`RecurrentFamily` that
lists its blocks.

Example:
    >>> from explorer.recurrent.families.gru import GRU
    >>> GRU.gates, [type(b).__name__ for b in GRU.blocks][:1]
    (('r', 'z', 'n'), ['GateSet'])
"""

from __future__ import annotations

from explorer.recurrent._family import RecurrentFamily
from explorer.recurrent._keywords import KEYWORDS, MERGES, Merge
from explorer.recurrent._layer import Layer, LayerBlock, Place
from explorer.recurrent._structure import ABSENT, PER_LAYER, UNIFORM, RecurrentStructure

__all__ = [
    "ABSENT",
    "KEYWORDS",
    "MERGES",
    "PER_LAYER",
    "UNIFORM",
    "Layer",
    "LayerBlock",
    "Merge",
    "Place",
    "RecurrentFamily",
    "RecurrentStructure",
]
