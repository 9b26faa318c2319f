"""Granite (IBM 2024): LLaMA's layout (RMSNorm, rotary, grouped-query attention, a SwiGLU
MLP) with four scalar multipliers (``embedding_multiplier``, ``attention_multiplier``,
``residual_multiplier``, ``logits_scaling``) that scale activations and hold no parameter;
optional attention and MLP biases; head_dim = d_model // heads, floored, unless the file
gives one.

Per layer d d_h (2 n_h + 2 n_kv) + 3 d d_ff + 2 d.

Example:
    >>> GRANITE.hf.model_types, GRANITE.naming.head_names
    (('granite',), ('none', 'lm'))
"""

from explorer.families import HFBinding, check, derived, head_dim_attribute
from explorer.transformer import (
    DECODER_FIELDS,
    KV_OFF,
    Naming,
    TransformerFamily,
    decoder_heads,
    decoder_naming,
)

__all__ = ["GRANITE"]

_LAYOUT = decoder_naming("Granite", qa_prefix=None)

GRANITE = TransformerFamily(
    name="granite",
    description="Granite decoder: LLaMA's layout with scalar multipliers (no parameters), "
    "optional biases (transformers Granite*)",
    naming=Naming(
        embeddings=_LAYOUT.embeddings,
        stacks=_LAYOUT.stacks,
        heads=tuple((n, h) for n, h in decoder_heads("Granite") if n in ("none", "lm")),
    ),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 32),
        ("vocab", 32000),
        ("d_ff", 11008),
        ("head", "lm"),
        ("tied", False),
    ),
    options=frozenset(("attention_bias", "mlp_bias")),
    gated=True,
    hf=HFBinding(
        ("granite",),
        fields=(
            *(pair for pair in DECODER_FIELDS if pair[0] != "labels"),
            ("head_dim", "head_dim"),
            ("attention_bias", "attention_bias"),
            ("mlp_bias", "mlp_bias"),
        ),
        derived=(
            derived("num_key_value_heads", "null", "copy", "num_attention_heads", note=KV_OFF),
            head_dim_attribute("GraniteConfig"),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"num_key_value_heads": None, "num_attention_heads": 8}),
        refused=(({"head_dim": 7}, "config"),),
        accepted=({"hidden_size": 38, "num_attention_heads": 4, "num_key_value_heads": 2},),
    ),
)
