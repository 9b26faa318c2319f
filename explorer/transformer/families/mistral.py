"""Mistral (Jiang et al. 2023): LLaMA's layout without biases, 8 key/value heads by
default; head_dim = d_model // heads, floored (no divisibility check).

Example:
    >>> MISTRAL.default_map["kv_heads"]
    8
"""

from explorer.families import HFBinding, check, derived
from explorer.transformer import DECODER_FIELDS, WINDOW, TransformerFamily, decoder_naming

__all__ = ["MISTRAL"]

MISTRAL = TransformerFamily(
    name="mistral",
    description="Mistral decoder: LLaMA's layout, no biases, grouped-query attention "
    "(transformers Mistral*)",
    hf=HFBinding(
        ("mistral",),
        fields=(*DECODER_FIELDS, ("head_dim", "head_dim"), ("window", "sliding_window")),
        from_file_only=frozenset(("head_dim",)),
        null_means_none=frozenset(("window",)),
        token_classification_bias=True,
        derived=(
            derived(
                "head_dim",
                "null",
                "floordiv",
                "hidden_size",
                "num_attention_heads",
                note="head_dim null -> hidden_size // num_attention_heads "
                "(floors: hidden need not divide)",
            ),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"hidden_size": 22, "num_attention_heads": 5, "num_key_value_heads": 5}),
        refused=(
            ({"hidden_size": 9, "num_attention_heads": 1, "num_key_value_heads": 1}, "config"),
            ({"num_key_value_heads": None}, "config"),
        ),
        accepted=({"hidden_size": 12, "num_attention_heads": 5, "num_key_value_heads": 5},),
    ),
    naming=decoder_naming("Mistral"),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 32),
        ("kv_heads", 8),
        ("vocab", 32000),
        ("d_ff", 14336),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
        ("window", 4096),
    ),
    own_keywords=(WINDOW,),
    structural=frozenset(("window",)),
    options=frozenset(
        (
            "labels",
            "classifier_bias",
        )
    ),
    gated=True,
    even_rotary=True,
)
