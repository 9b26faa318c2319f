"""OLMoE (Muennighoff et al. 2024): LLaMA's layout with RMSNorms on the queries and keys
over their full widths (``q_norm`` d_model scales, ``k_norm`` kv_heads x head_dim) and a
mixture of experts in every layer (a router and E SwiGLU experts d_ff wide, fused; k per
token: Mixtral's block); biases only with ``attention_bias``. The query norm is d_model
wide, so the heads must divide d_model (the model fails when run otherwise: refused).

Per layer 2 d d_h (n_h + n_kv) + d + d_h n_kv + 3 E d d_ff + E d + 2 d; active per token
3 k d d_ff in place of 3 E d d_ff (:mod:`explorer.transformer.blocks.experts`).

Example:
    >>> OLMOE.default_map["experts"], OLMOE.default_map["experts_per_token"]
    (64, 8)
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConfigError
from explorer.families import HFBinding, check, derived
from explorer.transformer import (
    DECODER_ATTENTION,
    DECODER_EXPERTS,
    DECODER_FIELDS,
    KV_OFF,
    ROUTED_CHOICE,
    Embeddings,
    Naming,
    QKNorm,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
)

__all__ = ["OLMOE"]


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """A head_dim other than hidden_size // heads refused: the query norm stays
    hidden_size wide, so the model would fail when run."""
    hidden, heads, head_dim = (
        fields.get(name) for name in ("hidden_size", "num_attention_heads", "head_dim")
    )
    if not (isinstance(hidden, int) and isinstance(heads, int) and heads):
        return
    if head_dim is not None and head_dim != hidden // heads:
        raise ConfigError(
            f"head_dim ({head_dim}) must be hidden_size // num_attention_heads "
            f"({hidden // heads}) for olmoe: its query norm is hidden_size wide, so the "
            "model fails when run; remove head_dim"
        )


OLMOE = TransformerFamily(
    name="olmoe",
    description="OLMoE decoder: full-width query/key RMSNorms, a mixture of experts in every "
    "layer (transformers Olmoe*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "input_layernorm"),
                    Sublayer(QKNorm("self_attn.q_norm", "self_attn.k_norm", width="full")),
                    Sublayer(DECODER_EXPERTS, "post_attention_layernorm"),
                ),
                final_norm="norm",
            ),
        ),
        heads=decoder_heads("Olmoe", qa_prefix=None)[:2],
    ),
    defaults=(
        ("d_model", 2048),
        ("layers", 16),
        ("heads", 16),
        ("vocab", 50304),
        ("d_ff", 2048),
        ("experts", 64),
        ("experts_per_token", 8),
        ("head", "lm"),
        ("tied", False),
    ),
    options=frozenset(("attention_bias", "experts", "experts_per_token")),
    gated=True,
    divisible="always",
    experts_mlp=True,
    own_choices=(ROUTED_CHOICE,),
    hf=HFBinding(
        ("olmoe",),
        fields=(
            *(pair for pair in DECODER_FIELDS if pair[0] != "labels"),
            ("attention_bias", "attention_bias"),
            ("experts", "num_experts"),
            ("experts_per_token", "num_experts_per_tok"),
        ),
        derived=(
            derived("num_key_value_heads", "null", "copy", "num_attention_heads", note=KV_OFF),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        read=_read,
        probes=({}, {"num_key_value_heads": None, "num_attention_heads": 4, "num_experts": 6}),
        refused=(({"hidden_size": 4096.0}, "config"),),
        accepted=({"hidden_size": 24, "num_attention_heads": 4, "num_key_value_heads": 2},),
    ),
)
