"""EXAONE 4 (LG AI Research 2025): LLaMA's projections without biases, the norms after the
blocks (``post_attention_layernorm``, ``post_feedforward_layernorm``), RMSNorms of each head's
queries and keys (head_dim scales each), and local (sliding-window) and global attention
(three local layers to one global by default: ``sliding_window_pattern`` 4, or as
``layer_types`` says; no window when ``sliding_window`` is null and ``layer_types`` has only
global layers). head_dim = d_model // heads, floored, unless the file gives one.

Per layer d d_h (2 n_h + 2 n_kv) + 3 d d_ff + 2 d + 2 d_h.

Example:
    >>> EXAONE4.default_map["window_period"], EXAONE4.naming.head_names
    (4, ('none', 'lm', 'classifier', 'token', 'qa'))
"""

from explorer.families import HFBinding, check, head_dim_attribute
from explorer.transformer import (
    DECODER_ATTENTION,
    DECODER_FIELDS,
    DECODER_MLP,
    WINDOW,
    WINDOW_FROM,
    WINDOW_PERIOD,
    WINDOW_PERIOD_CHOICE,
    Embeddings,
    Naming,
    QKNorm,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
    layer_types_reader,
)

__all__ = ["EXAONE4"]

EXAONE4 = TransformerFamily(
    name="exaone4",
    description="EXAONE 4 decoder: norms after the blocks, per-head query/key RMSNorms, "
    "local and global attention (transformers Exaone4*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "post_attention_layernorm"),
                    Sublayer(QKNorm("self_attn.q_norm", "self_attn.k_norm")),
                    Sublayer(DECODER_MLP, "post_feedforward_layernorm"),
                ),
                final_norm="norm",
            ),
        ),
        heads=decoder_heads("Exaone4", qa_prefix="transformer."),
    ),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 32),
        ("vocab", 102400),
        ("d_ff", 16384),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
        ("window", 4096),
        ("window_period", 4),
    ),
    options=frozenset(("labels", "classifier_bias")),
    gated=True,
    own_keywords=(WINDOW, WINDOW_PERIOD, WINDOW_FROM),
    own_choices=(WINDOW_PERIOD_CHOICE,),
    structural=frozenset(("window", "window_period", "window_from")),
    hf=HFBinding(
        ("exaone4",),
        fields=(
            *DECODER_FIELDS,
            ("head_dim", "head_dim"),
            ("window", "sliding_window"),
            ("window_period", "sliding_window_pattern"),
        ),
        null_means_none=frozenset(("window",)),
        token_classification_bias=True,
        read=layer_types_reader(period=4, period_field="sliding_window_pattern"),
        derived=(head_dim_attribute("Exaone4Config"),),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"num_key_value_heads": 8, "sliding_window_pattern": 2}),
        refused=(({"head_dim": 7}, "config"), ({"sliding_window": None}, "config")),
        accepted=({"hidden_size": 38, "num_attention_heads": 4, "num_key_value_heads": 2},),
    ),
)
