"""Transformers: the stack walk, its blocks and its families.

- :class:`TransformerFamily`: a Transformer family described by data: its layout and names
  (:class:`Naming`: embeddings, stacks of :class:`Sublayer` blocks, heads), its defaults,
  biases, norms and rules, and its Hugging Face binding.
- :mod:`explorer.transformer.blocks`: attention, MLP, experts, norms, embeddings, heads,
  each owning its terms, matrix products and words.
- :mod:`explorer.transformer.families`: one module per family (``gpt2``, ``bert``,
  ``llama`` ...).

Layers are identical, so each layer's terms appear once with ``L`` copies: a count is the
same closed form at any depth.

Example:
    >>> from explorer.transformer.families.llama import LLAMA
    >>> LLAMA.naming.head_names
    ('none', 'lm', 'classifier', 'token', 'qa')
"""

from __future__ import annotations

from explorer.transformer._decoder import (
    DECODER_ATTENTION,
    DECODER_EXPERTS,
    DECODER_FIELDS,
    DECODER_MLP,
    KV_OFF,
    decoder_heads,
    decoder_naming,
)
from explorer.transformer._family import SizeRule, TransformerFamily, llama_ffn
from explorer.transformer._keywords import WINDOW, WINDOW_FROM, WINDOW_PERIOD
from explorer.transformer._naming import (
    CROSS,
    DENSE,
    MOE,
    Head,
    Naming,
    StackNames,
    Sublayer,
    When,
    task_heads,
)
from explorer.transformer._sizes import Sizes
from explorer.transformer._structure import TransformerStructure
from explorer.transformer._vision import (
    CHANNELS,
    FRAMES,
    IMAGE,
    PATCH,
    POSITIONS,
    VISION_FIELDS,
    grid_positions,
)
from explorer.transformer.blocks import (
    Attention,
    AttentionNames,
    Block,
    Classifier,
    DenseExperts,
    Embeddings,
    ExpertNames,
    Experts,
    Front,
    GatedDeltaNet,
    HeadPart,
    LmHead,
    MaskedLmHead,
    Mlp,
    MlpNames,
    Norm,
    Pass,
    PatchEmbeddings,
    Pooler,
    Projector,
    QKNorm,
    ShortConv,
    Step,
    Width,
)

__all__ = [
    "CHANNELS",
    "CROSS",
    "DECODER_ATTENTION",
    "DECODER_EXPERTS",
    "DECODER_FIELDS",
    "DECODER_MLP",
    "DENSE",
    "FRAMES",
    "IMAGE",
    "KV_OFF",
    "MOE",
    "PATCH",
    "POSITIONS",
    "VISION_FIELDS",
    "WINDOW",
    "WINDOW_FROM",
    "WINDOW_PERIOD",
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
    "Head",
    "HeadPart",
    "LmHead",
    "MaskedLmHead",
    "Mlp",
    "MlpNames",
    "Naming",
    "Norm",
    "Pass",
    "PatchEmbeddings",
    "Pooler",
    "Projector",
    "QKNorm",
    "ShortConv",
    "SizeRule",
    "Sizes",
    "StackNames",
    "Step",
    "Sublayer",
    "TransformerFamily",
    "TransformerStructure",
    "When",
    "Width",
    "decoder_heads",
    "decoder_naming",
    "grid_positions",
    "llama_ffn",
    "task_heads",
]
