"""Conventions of the Transformer families, and their named presets.

Example:
    >>> TRANSFORMER["kaplan2020"].embeddings
    False
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from explorer.conventions._convention import Convention, Flag

__all__ = ["TRANSFORMER", "TransformerConvention"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TransformerConvention(Convention):
    """Which parameters a Transformer count includes.

    Attributes:
        embeddings: the embedding tables (token, position, token-type, relative position:
            the ``nn.Embedding`` modules, as ``num_parameters(exclude_embeddings=True)``
            leaves them out).
        biases: bias vectors (of linear maps and of LayerNorms).
        norms: normalisation scales (LayerNorm and RMSNorm weights).
    """

    KIND: ClassVar[str] = "transformer"
    FLAGS: ClassVar[tuple[Flag, ...]] = (
        Flag("embeddings", "the embedding tables"),
        Flag("biases", "bias vectors"),
        Flag("norms", "normalisation scales"),
    )

    embeddings: bool
    biases: bool
    norms: bool


HF = TransformerConvention(
    name="hf",
    embeddings=True,
    biases=True,
    norms=True,
    formula="every parameter of the model transformers builds, a tied matrix once",
    source="Hugging Face transformers 5: sum(p.numel() for p in model.parameters())",
)

KAPLAN2020 = TransformerConvention(
    name="kaplan2020",
    embeddings=False,
    biases=False,
    norms=False,
    formula="N = 2 d_model n_layer (2 d_attn + d_ff), 12 n_layer d_model^2 for GPT-2's shape",
    source="Kaplan et al. 2020, 'Scaling Laws for Neural Language Models', section 2.1: "
    "non-embedding parameters, biases and other sub-leading terms excluded",
)

#: The Transformer presets, in the order they are listed.
TRANSFORMER: dict[str, TransformerConvention] = {c.name: c for c in (HF, KAPLAN2020)}
