"""LLaMA (Touvron et al. 2023; Llama 2, Llama 3): RMSNorm, rotary positions, grouped-query
attention, a SwiGLU MLP; optional biases; d_ff from Meta's rounding rule when not given.

Per layer 2 d d_h (n_h + n_kv) + 3 d d_ff + 2 d; with d_h = d / n_h and n_kv = n_h,
4 d^2 + 3 d d_ff + 2 d.

Example:
    >>> from explorer.transformer import llama_ffn
    >>> llama_ffn(4096, 256)  # LLaMA 7B's d_ff from its d_model
    11008
"""

from explorer.transformer import TransformerFamily, decoder_naming

__all__ = ["LLAMA"]

LLAMA = TransformerFamily(
    name="llama",
    description="LLaMA decoder: RMSNorm, rotary, grouped-query attention, SwiGLU; d_ff by "
    "Meta's rule unless given (transformers Llama*)",
    model_type="llama",
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
