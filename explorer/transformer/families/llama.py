"""LLaMA (Touvron et al. 2023; Llama 2, Llama 3): RMSNorm, rotary positions, grouped-query
attention, a SwiGLU MLP; optional biases; d_ff from Meta's rounding rule when not given.

Per layer 2 d d_h (n_h + n_kv) + 3 d d_ff + 2 d; with d_h = d / n_h and n_kv = n_h,
4 d^2 + 3 d d_ff + 2 d.

Example:
    >>> from explorer.transformer import llama_ffn
    >>> llama_ffn(4096, 256)  # LLaMA 7B's d_ff from its d_model
    11008
"""

from explorer.families import HFBinding, check, derived
from explorer.transformer import DECODER_FIELDS, KV_OFF, TransformerFamily, decoder_naming

__all__ = ["LLAMA"]

LLAMA = TransformerFamily(
    name="llama",
    description="LLaMA decoder: RMSNorm, rotary, grouped-query attention, SwiGLU; d_ff by "
    "Meta's rule unless given (transformers Llama*)",
    hf=HFBinding(
        ("llama",),
        fields=(
            *DECODER_FIELDS,
            ("head_dim", "head_dim"),
            ("attention_bias", "attention_bias"),
            ("mlp_bias", "mlp_bias"),
        ),
        from_file_only=frozenset(("head_dim",)),
        token_classification_bias=True,
        derived=(
            derived(
                "head_dim",
                "null",
                "floordiv",
                "hidden_size",
                "num_attention_heads",
                note="head_dim null -> hidden_size // num_attention_heads",
            ),
            derived("num_key_value_heads", "null", "copy", "num_attention_heads", note=KV_OFF),
        ),
        checks=(
            check("divisible", "hidden_size", "num_attention_heads"),
            check("even_rotary_head_dim", "head_dim"),
        ),
        probes=(
            {},
            {"hidden_size": 24, "num_attention_heads": 4},
            {"hidden_size": 24, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 10},
        ),
        refused=(
            ({"hidden_size": 12, "num_attention_heads": 5, "head_dim": 4}, "config"),
            ({"hidden_size": 12, "num_attention_heads": 1, "head_dim": 5}, "config"),
            ({"hidden_size": 4096.0}, "config"),
            ({"problem_type": "single_label_classification", "num_labels": 1}, "config"),
        ),
        accepted=(
            {"hidden_size": 12, "num_attention_heads": 1, "head_dim": 3},
            {"hidden_size": 12, "num_attention_heads": 4, "num_key_value_heads": 3},
        ),
    ),
    naming=decoder_naming("Llama", qa_prefix="transformer."),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 32),
        ("vocab", 32000),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
        ("ffn_multiple_of", 256),
    ),
    options=frozenset(
        (
            "labels",
            "classifier_bias",
            "attention_bias",
            "mlp_bias",
            "ffn_multiple_of",
            "ffn_dim_multiplier",
        )
    ),
    gated=True,
    d_ff_rule="llama",
    divisible="always",
    even_rotary=True,
)
