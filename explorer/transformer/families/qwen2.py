"""Qwen2 (Yang et al. 2024): LLaMA's layout with biases on the query, key and value
projections (not the output), no MLP biases.

Example:
    >>> QWEN2.qkv_bias, QWEN2.o_bias
    (True, False)
"""

from explorer.transformer import TransformerFamily, decoder_naming

__all__ = ["QWEN2"]

QWEN2 = TransformerFamily(
    name="qwen2",
    description="Qwen2 decoder: LLaMA's layout with query/key/value biases (transformers Qwen2*)",
    model_type="qwen2",
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
