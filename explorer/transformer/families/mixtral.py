"""Mixtral (Jiang et al. 2024): Mistral's attention, and in every layer a mixture of
experts: a router and E SwiGLU experts (fused tensors), a token routed to k of them.

Per layer 2 d d_h (n_h + n_kv) + 3 E d d_ff + E d + 2 d; active per token 3 k d d_ff
in place of 3 E d d_ff.

Example:
    >>> MIXTRAL.default_map["experts"], MIXTRAL.default_map["experts_per_token"]
    (8, 2)
"""

from explorer.transformer import TransformerFamily, decoder_naming

__all__ = ["MIXTRAL"]

MIXTRAL = TransformerFamily(
    name="mixtral",
    description="Mixtral decoder: Mistral's attention, a mixture of experts in every layer "
    "(transformers Mixtral*)",
    model_type="mixtral",
    naming=decoder_naming("Mixtral"),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 32),
        ("kv_heads", 8),
        ("vocab", 32000),
        ("experts", 8),
        ("experts_per_token", 2),
        ("d_ff", 14336),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(("labels", "classifier_bias", "experts", "experts_per_token")),
    gated=True,
    experts_mlp=True,
)
