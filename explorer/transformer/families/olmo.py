"""OLMo (Groeneveld et al. 2024): LLaMA's layout with non-parametric LayerNorms (no scale,
no shift: the norms hold no parameter at all, so none appears here), optional attention
biases and clipping of q, k, v (``clip_qkv``, no parameter); head_dim = d_model // heads,
floored, unless the file gives one.

Per layer d d_h (2 n_h + 2 n_kv) + 3 d d_ff.

Example:
    >>> import explorer
    >>> c = explorer.count("olmo", d_model=64, layers=2, heads=4, vocab=100, d_ff=96)
    >>> [name for name in c.breakdown if "norm" in name]
    []
"""

from explorer.families import HFBinding, check, derived, head_dim_attribute
from explorer.transformer import (
    DECODER_ATTENTION,
    DECODER_FIELDS,
    DECODER_MLP,
    KV_OFF,
    Embeddings,
    Naming,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
)

__all__ = ["OLMO"]

OLMO = TransformerFamily(
    name="olmo",
    description="OLMo decoder: LLaMA's layout, LayerNorms without parameters (transformers Olmo*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                # input_layernorm, post_attention_layernorm and the final norm: no parameters
                sublayers=(Sublayer(DECODER_ATTENTION), Sublayer(DECODER_MLP)),
            ),
        ),
        heads=tuple((n, h) for n, h in decoder_heads("Olmo") if n in ("none", "lm", "classifier")),
    ),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 32),
        ("vocab", 50304),
        ("d_ff", 11008),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(("labels", "attention_bias")),
    layer_norm=True,
    gated=True,
    hf=HFBinding(
        ("olmo",),
        fields=(
            *DECODER_FIELDS,
            ("head_dim", "head_dim"),
            ("attention_bias", "attention_bias"),
        ),
        derived=(
            derived("num_key_value_heads", "null", "copy", "num_attention_heads", note=KV_OFF),
            head_dim_attribute("OlmoConfig"),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"num_key_value_heads": None, "num_attention_heads": 8}),
        refused=(({"head_dim": 7}, "config"),),
        accepted=({"hidden_size": 38, "num_attention_heads": 4, "num_key_value_heads": 2},),
    ),
)
