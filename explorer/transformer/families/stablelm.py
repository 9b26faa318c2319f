"""StableLM (StableLM-3B-4E1T, StableLM 2; Stability AI 2023-2024): LLaMA's projections with
LayerNorms (scale and shift), optional biases on the query, key and value (``use_qkv_bias``;
the output has none), partial rotary embeddings (no parameter); optionally the attention
and the MLP in parallel from one norm (``use_parallel_residual``) and a LayerNorm of its own
per head for the queries and for the keys (``qk_layernorm``: ``q_layernorm.norms.0`` ...,
head_dim scales each, no shift). head_dim is always d_model // heads, and heads must divide
d_model (the attention refuses otherwise).

Per layer 4 d^2 (fewer key/value heads: 2 d^2 + 2 d d_h n_kv) + 3 d d_ff + 4 d.

Example:
    >>> import explorer
    >>> c = explorer.count("stablelm", d_model=64, layers=1, heads=4, vocab=100, d_ff=96,
    ...                    qk_layernorm=True)
    >>> c.breakdown["model.layers.*.self_attn.q_layernorm.norms.*.weight"]  # 4 heads of 16
    64
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import InvalidSizeError
from explorer.families import HFBinding, Keyword, SearchChoice, check
from explorer.transformer import (
    DECODER_FIELDS,
    DECODER_MLP,
    Attention,
    AttentionNames,
    Embeddings,
    Naming,
    Parallel,
    QKNorm,
    StackNames,
    Sublayer,
    TransformerFamily,
    TransformerStructure,
    decoder_heads,
)

__all__ = ["STABLELM"]

_OWN = (
    Keyword("qkv_bias", "biases on the query, key and value projections", kind="flag",
            aliases=("use_qkv_bias",)),
    Keyword("qk_layernorm", "a LayerNorm of its own per head for the queries and the keys",
            kind="flag"),
    Keyword("parallel", "attention and MLP in parallel from one norm", kind="flag",
            aliases=("use_parallel_residual",)),
)  # fmt: skip

_ATTENTION = Attention(
    AttentionNames(
        q="self_attn.q_proj", k="self_attn.k_proj", v="self_attn.v_proj", o="self_attn.o_proj"
    ),
    qkv_bias_flag="qkv_bias",
)


def _parallel(s: TransformerStructure, stack: StackNames) -> bool:
    return bool(s.option("parallel"))


def _sequential(s: TransformerStructure, stack: StackNames) -> bool:
    return not s.option("parallel")


def _heads_divide(sizes: Mapping[str, Any]) -> None:
    """StableLM's attention refuses heads that do not divide d_model (its head_dim is
    always d_model // heads: a config.json's head_dim is not read)."""
    d, heads = sizes.get("d_model"), sizes.get("heads")
    if isinstance(d, int) and isinstance(heads, int) and d % heads:
        raise InvalidSizeError(
            f"stablelm needs heads to divide d_model: {d} % {heads} = {d % heads}; "
            "change d_model or heads"
        )


STABLELM = TransformerFamily(
    name="stablelm",
    description="StableLM decoder: LayerNorm, optional q/k/v biases, optional parallel "
    "attention and MLP, optional per-head q/k LayerNorms (transformers StableLm*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(_ATTENTION, "input_layernorm", when=_sequential),
                    Sublayer(DECODER_MLP, "post_attention_layernorm", when=_sequential),
                    Sublayer(Parallel("input_layernorm", _ATTENTION, DECODER_MLP), when=_parallel),
                    Sublayer(
                        QKNorm(
                            "self_attn.q_layernorm",
                            "self_attn.k_layernorm",
                            width="each",
                            when="qk_layernorm",
                        )
                    ),
                ),
                final_norm="norm",
            ),
        ),
        heads=tuple((n, h) for n, h in decoder_heads("StableLm") if n != "qa"),
    ),
    defaults=(
        ("d_model", 2560),
        ("layers", 32),
        ("heads", 32),
        ("vocab", 50304),
        ("d_ff", 6912),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(("labels", "classifier_bias")),
    layer_norm=True,
    gated=True,
    own_keywords=_OWN,
    own_choices=(
        SearchChoice(
            "parallel", "attention and MLP in parallel: no, yes or both", "bool", "parallel", ""
        ),
        SearchChoice(
            "qk_layernorm",
            "a LayerNorm per head for the queries and keys: no, yes or both",
            "bool",
            "qk_layernorm",
            "",
        ),
    ),
    checks=(_heads_divide,),
    hf=HFBinding(
        ("stablelm",),
        fields=(
            *DECODER_FIELDS,
            ("qkv_bias", "use_qkv_bias"),
            ("qk_layernorm", "qk_layernorm"),
            ("parallel", "use_parallel_residual"),
        ),
        token_classification_bias=True,
        checks=(check("divisible", "hidden_size", "num_attention_heads", stage="model"),),
        probes=({}, {"num_key_value_heads": 8, "use_parallel_residual": True}),
        refused=(({"hidden_size": 38, "num_attention_heads": 4}, "model"),),
        accepted=(
            {"hidden_size": 36, "num_attention_heads": 4, "num_key_value_heads": 3},
            {"hidden_size": 36, "num_attention_heads": 4, "head_dim": 5},
        ),
    ),
)
