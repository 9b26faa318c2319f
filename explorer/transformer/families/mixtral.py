"""Mixtral (Jiang et al. 2024): Mistral's attention, and in every layer a mixture of
experts: a router and E SwiGLU experts (fused tensors), a token routed to k of them.

Per layer 2 d d_h (n_h + n_kv) + 3 E d d_ff + E d + 2 d; active per token 3 k d d_ff
in place of 3 E d d_ff.

Example:
    >>> MIXTRAL.default_map["experts"], MIXTRAL.default_map["experts_per_token"]
    (8, 2)
"""

from explorer.families import HFBinding, check, derived
from explorer.transformer import DECODER_FIELDS, TransformerFamily, decoder_naming

__all__ = ["MIXTRAL"]

MIXTRAL = TransformerFamily(
    name="mixtral",
    description="Mixtral decoder: Mistral's attention, a mixture of experts in every layer "
    "(transformers Mixtral*)",
    hf=HFBinding(
        ("mixtral",),
        fields=(
            *DECODER_FIELDS,
            ("head_dim", "head_dim"),
            ("experts", "num_local_experts"),
            ("experts_per_token", "num_experts_per_tok"),
        ),
        token_classification_bias=True,
        derived=(
            derived(
                "head_dim",
                "null",
                "floordiv",
                "hidden_size",
                "num_attention_heads",
                stage="model",
                note="the config keeps null; the attention uses head_dim or "
                "hidden_size // num_attention_heads",
            ),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"num_key_value_heads": 4}, {"num_experts": 3}),
        refused=(({"head_dim": 7}, "config"), ({"num_key_value_heads": None}, "config")),
        accepted=({"hidden_size": 14, "num_attention_heads": 2, "num_key_value_heads": 2},),
    ),
    naming=decoder_naming("Mixtral"),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 32),
        ("kv_heads", 8),
        ("vocab", 32000),
        ("experts", 8),
        ("experts_per_token", 2),
        ("d_ff", 14336),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(("labels", "classifier_bias", "experts", "experts_per_token")),
    gated=True,
    experts_mlp=True,
)
