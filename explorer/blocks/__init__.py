"""What every block is made of: where its terms sit (:class:`Site`), a linear map and a
norm (:func:`linear`, :func:`norm`), a matrix product as a compute term (:func:`product`,
:func:`causal_pairs`), and the registry of blocks' words (:func:`words`, :func:`why`).

The blocks themselves live with their kind of network: ``explorer.transformer.blocks``
(attention, MLP, experts, embeddings, heads) and ``explorer.recurrent.blocks`` (gates,
projections, peepholes, skip connections, embedding, output layer). A block module owns
its parameter terms, its matrix products and its words.

Nothing here imports sympy: a process that reads its counts from the cache never pays for it.

Example:
    >>> import sympy
    >>> d = sympy.Symbol("d", positive=True)
    >>> [t.name for t in linear(Site("", "layers"), "dense", out=d, inputs=d, bias=True,
    ...                         title="dense", block="mlp")]
    ['dense.weight', 'dense.bias']
"""

from __future__ import annotations

from explorer.blocks._linear import linear, norm
from explorer.blocks._products import ATTENTION, MATMUL, causal_pairs, product, projection
from explorer.blocks._site import Site
from explorer.blocks._words import DimensionLike, Network, Reason, why, words, words_of

__all__ = [
    "ATTENTION",
    "MATMUL",
    "DimensionLike",
    "Network",
    "Reason",
    "Site",
    "causal_pairs",
    "linear",
    "norm",
    "product",
    "projection",
    "why",
    "words",
    "words_of",
]
