"""Qwen3 (Qwen Team 2025): LLaMA's layout with an RMSNorm on each head's queries and keys
(``q_norm``, ``k_norm``: head_dim scales each), a head_dim of its own (128 by default), no
biases unless ``attention_bias``; sliding-window attention from ``max_window_layers`` on
when ``use_sliding_window`` (off in every released model).

Per layer d d_h (2 n_h + 2 n_kv) + 3 d d_ff + 2 d + 2 d_h.

Example:
    >>> QWEN3.default_map["head_dim"], QWEN3.hf.model_types
    (128, ('qwen3',))
"""

from explorer.families import HFBinding, check, derived
from explorer.transformer import (
    DECODER_ATTENTION,
    DECODER_FIELDS,
    DECODER_MLP,
    KV_OFF,
    WINDOW,
    WINDOW_FROM,
    Embeddings,
    Naming,
    QKNorm,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
)

__all__ = ["QWEN3"]

QWEN3 = TransformerFamily(
    name="qwen3",
    description="Qwen3 decoder: LLaMA's layout with per-head query/key RMSNorms, head_dim of "
    "its own (transformers Qwen3*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "input_layernorm"),
                    Sublayer(QKNorm("self_attn.q_norm", "self_attn.k_norm")),
                    Sublayer(DECODER_MLP, "post_attention_layernorm"),
                ),
                final_norm="norm",
            ),
        ),
        heads=decoder_heads("Qwen3", qa_prefix="transformer."),
    ),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 32),
        ("kv_heads", 32),
        ("head_dim", 128),
        ("vocab", 151936),
        ("d_ff", 22016),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
        ("window_from", 28),
    ),
    options=frozenset(("labels", "classifier_bias", "attention_bias")),
    gated=True,
    even_rotary=True,
    own_keywords=(WINDOW, WINDOW_FROM),
    structural=frozenset(("window", "window_from")),
    hf=HFBinding(
        ("qwen3",),
        fields=(
            *DECODER_FIELDS,
            ("head_dim", "head_dim"),
            ("attention_bias", "attention_bias"),
            ("window", "sliding_window"),
            ("window_from", "max_window_layers"),
        ),
        null_means_none=frozenset(("window",)),
        token_classification_bias=True,
        derived=(
            derived(
                "sliding_window",
                {"equals": ["use_sliding_window", False]},
                "const",
                None,
                note="the window is dropped unless use_sliding_window",
            ),
            derived("num_key_value_heads", "null", "copy", "num_attention_heads", note=KV_OFF),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=(
            {},
            {"num_key_value_heads": None, "num_attention_heads": 6},
            {"use_sliding_window": True, "sliding_window": 16, "max_window_layers": 1},
        ),
        refused=(({"head_dim": 7}, "config"),),
        accepted=({"hidden_size": 12, "num_attention_heads": 5, "head_dim": 8},),
    ),
)
