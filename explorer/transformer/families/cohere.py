"""Cohere (Command R, Aya; Cohere 2024): attention and a SwiGLU MLP in parallel from one
LayerNorm without a shift (a scale per feature, the mean still subtracted), rotary positions,
grouped-query attention, the LM head tied to the token embedding (its logits scaled by
``logit_scale``, no parameter); optional norms of the queries and keys (``use_qk_norm``: a
scale per feature of every head, stored [heads, head_dim]). head_dim = d_model // heads,
floored, unless the file gives one.

Per layer d d_h (2 n_h + 2 n_kv) + 3 d d_ff + d.

Example:
    >>> import explorer
    >>> c = explorer.count("cohere", d_model=64, layers=1, heads=4, kv_heads=2, vocab=100,
    ...                    d_ff=96, qk_norm=True)
    >>> c.shapes["model.layers.*.self_attn.k_norm.weight"]
    (2, 16)
"""

from explorer.families import HFBinding, Keyword, SearchChoice, check, derived, head_dim_attribute
from explorer.transformer import (
    DECODER_ATTENTION,
    DECODER_FIELDS,
    DECODER_MLP,
    KV_OFF,
    Embeddings,
    Naming,
    Parallel,
    QKNorm,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
)

__all__ = ["COHERE"]

_QK_NORM = Keyword(
    "qk_norm",
    "norms of the queries and keys (a scale per feature of every head)",
    kind="flag",
    aliases=("use_qk_norm",),
)

COHERE = TransformerFamily(
    name="cohere",
    description="Cohere (Command R) decoder: attention and MLP in parallel from one "
    "LayerNorm without a shift, tied LM head (transformers Cohere*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(
                        Parallel("input_layernorm", DECODER_ATTENTION, DECODER_MLP, shift=False)
                    ),
                    Sublayer(
                        QKNorm(
                            "self_attn.q_norm", "self_attn.k_norm", width="heads", when="qk_norm"
                        )
                    ),
                ),
                final_norm="norm",  # a LayerNorm without a shift: d scales
            ),
        ),
        heads=tuple((n, h) for n, h in decoder_heads("Cohere") if n in ("none", "lm")),
    ),
    defaults=(
        ("d_model", 8192),
        ("layers", 40),
        ("heads", 64),
        ("vocab", 256000),
        ("d_ff", 22528),
        ("head", "lm"),
        ("tied", True),
    ),
    options=frozenset(("attention_bias",)),
    gated=True,
    own_keywords=(_QK_NORM,),
    own_choices=(
        SearchChoice(
            "qk_norm", "norms of the queries and keys: no, yes or both", "bool", "qk_norm", ""
        ),
    ),
    hf=HFBinding(
        ("cohere",),
        fields=(
            *(pair for pair in DECODER_FIELDS if pair[0] != "labels"),
            ("head_dim", "head_dim"),
            ("attention_bias", "attention_bias"),
            ("qk_norm", "use_qk_norm"),
        ),
        derived=(
            derived("num_key_value_heads", "null", "copy", "num_attention_heads", note=KV_OFF),
            head_dim_attribute("CohereConfig"),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"num_key_value_heads": None, "num_attention_heads": 8}),
        refused=(({"head_dim": 7}, "config"),),
        accepted=(
            {"hidden_size": 38, "num_attention_heads": 4, "num_key_value_heads": 2},
            {"hidden_size": 32, "num_attention_heads": 4, "use_qk_norm": True},
        ),
    ),
)
