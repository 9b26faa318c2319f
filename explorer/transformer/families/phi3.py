"""Phi-3 (Abdin et al. 2024; Phi-4-mini): LLaMA's layout with the query, key and value in
one matrix (``qkv_proj``: heads + 2 kv_heads head widths) and the MLP's gate and up in one
(``gate_up_proj``: 2 d_ff), no biases; a sliding window on every layer when
``sliding_window`` is set; partial rotary embeddings hold no parameter. head_dim = d_model //
heads, floored, unless the file gives one.

Per layer d d_h (2 n_h + 2 n_kv) + 3 d d_ff + 2 d.

Example:
    >>> import explorer
    >>> c = explorer.count("phi3", d_model=64, layers=1, heads=4, kv_heads=2, vocab=100,
    ...                    d_ff=96)
    >>> c.shapes["model.layers.*.self_attn.qkv_proj.weight"]  # 4 + 2 x 2 heads of 16
    (128, 64)
"""

from explorer.families import HFBinding, check, derived, head_dim_attribute
from explorer.transformer import (
    DECODER_FIELDS,
    KV_OFF,
    WINDOW,
    Attention,
    AttentionNames,
    Embeddings,
    FusedMlp,
    Naming,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
)

__all__ = ["PHI3"]

PHI3 = TransformerFamily(
    name="phi3",
    description="Phi-3 decoder: fused query/key/value and fused gate/up projections "
    "(transformers Phi3*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(
                        Attention(AttentionNames(qkv="self_attn.qkv_proj", o="self_attn.o_proj")),
                        "input_layernorm",
                    ),
                    Sublayer(
                        FusedMlp("mlp.gate_up_proj", "mlp.down_proj"), "post_attention_layernorm"
                    ),
                ),
                final_norm="norm",
            ),
        ),
        heads=tuple((n, h) for n, h in decoder_heads("Phi3") if n != "qa"),
    ),
    defaults=(
        ("d_model", 3072),
        ("layers", 32),
        ("heads", 32),
        ("vocab", 32064),
        ("d_ff", 8192),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(("labels", "classifier_bias")),
    gated=True,
    own_keywords=(WINDOW,),
    structural=frozenset(("window",)),
    hf=HFBinding(
        ("phi3",),
        fields=(*DECODER_FIELDS, ("head_dim", "head_dim"), ("window", "sliding_window")),
        null_means_none=frozenset(("window",)),
        token_classification_bias=True,
        derived=(
            derived("num_key_value_heads", "null", "copy", "num_attention_heads", note=KV_OFF),
            head_dim_attribute("Phi3Config"),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"num_key_value_heads": None, "num_attention_heads": 8}),
        refused=(({"head_dim": 7}, "config"),),
        accepted=({"hidden_size": 38, "num_attention_heads": 4, "num_key_value_heads": 2},),
    ),
)
