"""Qwen2 (Yang et al. 2024): LLaMA's layout with biases on the query, key and value
projections (not the output), no MLP biases.

Example:
    >>> QWEN2.qkv_bias, QWEN2.o_bias
    (True, False)
"""

from explorer.families import HFBinding, check, derived, head_dim_attribute
from explorer.transformer import DECODER_FIELDS, KV_OFF, TransformerFamily, decoder_naming

__all__ = ["QWEN2"]

QWEN2 = TransformerFamily(
    name="qwen2",
    description="Qwen2 decoder: LLaMA's layout with query/key/value biases (transformers Qwen2*)",
    hf=HFBinding(
        ("qwen2",),
        fields=(*DECODER_FIELDS, ("head_dim", "head_dim")),
        token_classification_bias=True,
        derived=(
            derived(
                "num_key_value_heads",
                "null",
                "copy",
                "num_attention_heads",
                note=KV_OFF + "; the default is 32, not null",
            ),
            derived(
                "sliding_window",
                {"equals": ["use_sliding_window", False]},
                "const",
                None,
                note="the window is dropped unless use_sliding_window (no count change)",
            ),
            head_dim_attribute("Qwen2Config"),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"num_key_value_heads": None, "num_attention_heads": 6, "hidden_size": 24}),
        refused=(({"hidden_size": 12, "num_attention_heads": 1, "head_dim": 7}, "config"),),
        accepted=({"hidden_size": 14, "num_attention_heads": 2, "num_key_value_heads": 2},),
    ),
    naming=decoder_naming("Qwen2", qa_prefix="transformer."),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 32),
        ("vocab", 151936),
        ("d_ff", 22016),
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
    qkv_bias=True,
)
