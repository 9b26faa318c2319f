"""StarCoder2 (Lozhkov et al. 2024): rotary positions, grouped-query attention, LayerNorms
(scale and shift), a plain two-matrix MLP (``c_fc``, ``c_proj``), biases on every
projection (``use_bias``), the LM head tied to the token embedding; a sliding window on
every layer when ``sliding_window`` is set. head_dim = d_model // heads, floored, unless the
file gives one.

Per layer d d_h (2 n_h + 2 n_kv) + d_h (n_h + 2 n_kv) + d + 2 d d_ff + d_ff + d + 4 d.

Example:
    >>> STARCODER2.default_map["tied"], STARCODER2.default_map["kv_heads"]
    (True, 2)
"""

from explorer.families import HFBinding, check, head_dim_attribute
from explorer.transformer import (
    DECODER_ATTENTION,
    DECODER_FIELDS,
    WINDOW,
    Embeddings,
    Mlp,
    MlpNames,
    Naming,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
)

__all__ = ["STARCODER2"]

STARCODER2 = TransformerFamily(
    name="starcoder2",
    description="StarCoder2 decoder: LayerNorm, biases, a plain MLP, tied LM head "
    "(transformers Starcoder2*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "input_layernorm"),
                    Sublayer(
                        Mlp(MlpNames(up="mlp.c_fc", down="mlp.c_proj")), "post_attention_layernorm"
                    ),
                ),
                final_norm="norm",
            ),
        ),
        heads=tuple((n, h) for n, h in decoder_heads("Starcoder2") if n != "qa"),
    ),
    defaults=(
        ("d_model", 3072),
        ("layers", 30),
        ("heads", 24),
        ("kv_heads", 2),
        ("vocab", 49152),
        ("d_ff", 12288),
        ("head", "lm"),
        ("tied", True),
        ("labels", 2),
        ("attention_bias", True),
        ("mlp_bias", True),
    ),
    options=frozenset(("labels", "classifier_bias", "attention_bias", "mlp_bias")),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    own_keywords=(WINDOW,),
    structural=frozenset(("window",)),
    hf=HFBinding(
        ("starcoder2",),
        fields=(
            *DECODER_FIELDS,
            ("head_dim", "head_dim"),
            ("attention_bias", "use_bias"),
            ("mlp_bias", "use_bias"),
            ("window", "sliding_window"),
        ),
        null_means_none=frozenset(("window",)),
        token_classification_bias=True,
        derived=(head_dim_attribute("Starcoder2Config"),),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"num_key_value_heads": 4, "sliding_window": 16}),
        refused=(({"head_dim": 7}, "config"),),
        accepted=({"hidden_size": 38, "num_attention_heads": 4, "num_key_value_heads": 2},),
    ),
)
