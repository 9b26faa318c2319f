"""The blocks of Transformers: each module owns its parameter terms, its matrix products
(FLOPs as ``FlopCounterMode`` counts them) and its words (``explain``).

- :mod:`~explorer.transformer.blocks.attention`: self- and cross-attention, T5's relative
  position bias, the key/value cache;
- :mod:`~explorer.transformer.blocks.mlp`: plain and gated MLPs;
  :mod:`~explorer.transformer.blocks.fused_mlp`: a gated MLP with its gate and up fused;
- :mod:`~explorer.transformer.blocks.parallel`: attention and MLP in parallel from one norm;
- :mod:`~explorer.transformer.blocks.qk_norm`: query and key norms;
- :mod:`~explorer.transformer.blocks.latent_attention`: multi-head latent attention
  (DeepSeek), low-rank queries and a compressed key/value latent;
- :mod:`~explorer.transformer.blocks.sinks`: attention sinks (gpt-oss);
- :mod:`~explorer.transformer.blocks.experts`: a mixture of experts (and the one definition
  of its active parameters); :mod:`~explorer.transformer.blocks.shared_experts`: the
  experts every token uses beside the routed ones;
- :mod:`~explorer.transformer.blocks.norm`, :mod:`~explorer.transformer.blocks.embeddings`
  (learned positions with an offset among them), :mod:`~explorer.transformer.blocks.heads`;
- :mod:`~explorer.transformer.blocks.projection`: projections in and out of the embedding
  width (OPT).

A new kind of block is one module: a class with ``params``, ``products`` and ``cache``
(:class:`Block`) and its words registered with :func:`explorer.blocks.words`.

Example:
    >>> Attention(AttentionNames(qkv="attn.c_attn", o="attn.c_proj")).norm_title
    'attention norm'
"""

from __future__ import annotations

from explorer.transformer.blocks._block import Block, Front, Pass, width_of
from explorer.transformer.blocks.attention import Attention, AttentionNames
from explorer.transformer.blocks.dense_experts import DenseExperts
from explorer.transformer.blocks.embeddings import Embeddings, LearnedPositions, table
from explorer.transformer.blocks.experts import ExpertNames, Experts
from explorer.transformer.blocks.fused_mlp import FusedMlp
from explorer.transformer.blocks.gated_delta import GatedDeltaNet
from explorer.transformer.blocks.heads import Classifier, HeadPart, LmHead, MaskedLmHead, Pooler
from explorer.transformer.blocks.latent_attention import LatentAttention, LatentNames
from explorer.transformer.blocks.mlp import Mlp, MlpNames, ffn_facts
from explorer.transformer.blocks.norm import Norm, layer_norm
from explorer.transformer.blocks.parallel import Parallel
from explorer.transformer.blocks.patches import PatchEmbeddings
from explorer.transformer.blocks.projection import Projection
from explorer.transformer.blocks.projector import Projector, Step, Width
from explorer.transformer.blocks.qk_norm import QKNorm
from explorer.transformer.blocks.shared_experts import SharedExperts
from explorer.transformer.blocks.short_conv import ShortConv, at_least
from explorer.transformer.blocks.sinks import AttentionSinks

__all__ = [
    "Attention",
    "AttentionNames",
    "AttentionSinks",
    "Block",
    "Classifier",
    "DenseExperts",
    "Embeddings",
    "ExpertNames",
    "Experts",
    "Front",
    "FusedMlp",
    "GatedDeltaNet",
    "HeadPart",
    "LatentAttention",
    "LatentNames",
    "LearnedPositions",
    "LmHead",
    "MaskedLmHead",
    "Mlp",
    "MlpNames",
    "Norm",
    "Parallel",
    "Pass",
    "PatchEmbeddings",
    "Pooler",
    "Projection",
    "Projector",
    "QKNorm",
    "SharedExperts",
    "ShortConv",
    "Step",
    "Width",
    "at_least",
    "ffn_facts",
    "layer_norm",
    "table",
    "width_of",
]
