"""Mistral (Jiang et al. 2023): LLaMA's layout without biases, 8 key/value heads by
default; head_dim = d_model // heads, floored (no divisibility check).

Example:
    >>> MISTRAL.default_map["kv_heads"]
    8
"""

from explorer.transformer import TransformerFamily, decoder_naming

__all__ = ["MISTRAL"]

MISTRAL = TransformerFamily(
    name="mistral",
    description="Mistral decoder: LLaMA's layout, no biases, grouped-query attention "
    "(transformers Mistral*)",
    model_type="mistral",
    naming=decoder_naming("Mistral"),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 32),
        ("kv_heads", 8),
        ("vocab", 32000),
        ("d_ff", 14336),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(
        (
            "labels",
            "classifier_bias",
        )
    ),
    gated=True,
    even_rotary=True,
)
