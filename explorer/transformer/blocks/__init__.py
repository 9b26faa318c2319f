"""The blocks of Transformers: each module owns its parameter terms, its matrix products
(FLOPs as ``FlopCounterMode`` counts them) and its words (``explain``).

- :mod:`~explorer.transformer.blocks.attention`: self- and cross-attention, T5's relative
  position bias, the key/value cache;
- :mod:`~explorer.transformer.blocks.mlp`: plain and gated MLPs;
- :mod:`~explorer.transformer.blocks.experts`: a mixture of experts;
- :mod:`~explorer.transformer.blocks.norm`, :mod:`~explorer.transformer.blocks.embeddings`,
  :mod:`~explorer.transformer.blocks.heads`.

A new kind of block is one module: a class with ``params``, ``products`` and ``cache``
(:class:`Block`) and its words registered with :func:`explorer.blocks.words`.

Example:
    >>> Attention(AttentionNames(qkv="attn.c_attn", o="attn.c_proj")).norm_title
    'attention norm'
"""

from __future__ import annotations

from explorer.transformer.blocks._block import Block, Front, Pass
from explorer.transformer.blocks.attention import Attention, AttentionNames
from explorer.transformer.blocks.dense_experts import DenseExperts
from explorer.transformer.blocks.embeddings import Embeddings, table
from explorer.transformer.blocks.experts import ExpertNames, Experts
from explorer.transformer.blocks.gated_delta import GatedDeltaNet
from explorer.transformer.blocks.heads import Classifier, HeadPart, LmHead, MaskedLmHead, Pooler
from explorer.transformer.blocks.mlp import Mlp, MlpNames, ffn_facts
from explorer.transformer.blocks.norm import Norm, layer_norm
from explorer.transformer.blocks.patches import PatchEmbeddings
from explorer.transformer.blocks.projector import Projector, Step, Width
from explorer.transformer.blocks.qk_norm import QKNorm
from explorer.transformer.blocks.short_conv import ShortConv, at_least

__all__ = [
    "Attention",
    "AttentionNames",
    "Block",
    "Classifier",
    "DenseExperts",
    "Embeddings",
    "ExpertNames",
    "Experts",
    "Front",
    "GatedDeltaNet",
    "HeadPart",
    "LmHead",
    "MaskedLmHead",
    "Mlp",
    "MlpNames",
    "Norm",
    "Pass",
    "PatchEmbeddings",
    "Pooler",
    "Projector",
    "QKNorm",
    "ShortConv",
    "Step",
    "Width",
    "at_least",
    "ffn_facts",
    "layer_norm",
    "table",
]
