"""Phi (Phi-1, Phi-1.5, Phi-2; Li et al. 2023, Javaheripi et al. 2023): attention and MLP in
parallel from one LayerNorm, biases on every projection, a plain two-matrix MLP (``fc1``,
``fc2``), partial rotary embeddings (no parameter), an LM head with a bias (a parameter of
its own even when the weight is tied); optional LayerNorms of each head's queries and keys
(``qk_layernorm``: d_model // heads wide, scale and shift). head_dim = d_model // heads,
floored, unless the file gives one.

Per layer 4 d^2 + 4 d (q, k, v, dense) + 2 d d_ff + d_ff + d (the MLP) + 2 d (the norm),
with d_h n_h = d.

Example:
    >>> import explorer
    >>> c = explorer.count("phi", d_model=64, layers=1, heads=4, vocab=100, d_ff=96)
    >>> c.breakdown["lm_head.bias"]
    100
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConfigError
from explorer.families import HFBinding, Keyword, SearchChoice, derived, head_dim_attribute
from explorer.transformer import (
    DECODER_FIELDS,
    KV_OFF,
    Attention,
    AttentionNames,
    Embeddings,
    Head,
    LmHead,
    Mlp,
    MlpNames,
    Naming,
    Parallel,
    QKNorm,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
)

__all__ = ["PHI"]

_QK_LAYERNORM = Keyword(
    "qk_layernorm",
    "LayerNorms of each head's queries and keys (d_model // heads wide)",
    kind="flag",
    aliases=("qk_norm",),
)


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """Phi's query/key LayerNorms are hidden_size // num_attention_heads wide whatever the
    head_dim: another head_dim builds norms that do not fit the heads."""
    head_dim, heads = fields.get("head_dim"), fields.get("num_attention_heads")
    hidden = fields.get("hidden_size")
    if not (fields.get("qk_layernorm") and isinstance(head_dim, int) and isinstance(heads, int)):
        return
    if isinstance(hidden, int) and heads and head_dim != hidden // heads:
        raise ConfigError(
            f"head_dim ({head_dim}) with qk_layernorm: Phi's query/key LayerNorms are "
            f"hidden_size // num_attention_heads ({hidden // heads}) wide, so the model fails "
            "when run; drop head_dim or qk_layernorm"
        )


PHI = TransformerFamily(
    name="phi",
    description="Phi decoder: attention and MLP in parallel from one LayerNorm, biases, an "
    "LM head with a bias (transformers Phi*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(
                        Parallel(
                            "input_layernorm",
                            Attention(
                                AttentionNames(
                                    q="self_attn.q_proj",
                                    k="self_attn.k_proj",
                                    v="self_attn.v_proj",
                                    o="self_attn.dense",
                                )
                            ),
                            Mlp(MlpNames(up="mlp.fc1", down="mlp.fc2")),
                        )
                    ),
                    Sublayer(
                        QKNorm(
                            "self_attn.q_layernorm",
                            "self_attn.k_layernorm",
                            width="head",
                            bias=True,
                            when="qk_layernorm",
                        )
                    ),
                ),
                final_norm="final_layernorm",
            ),
        ),
        heads=(
            ("none", Head("the base model (PhiModel)")),
            ("lm", Head("the LM head (PhiForCausalLM)", (LmHead("lm_head", bias=True),), "model.")),
            *((n, h) for n, h in decoder_heads("Phi") if n in ("classifier", "token")),
        ),
    ),
    defaults=(
        ("d_model", 2048),
        ("layers", 24),
        ("heads", 32),
        ("vocab", 51200),
        ("d_ff", 8192),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(("labels", "classifier_bias")),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    own_keywords=(_QK_LAYERNORM,),
    own_choices=(
        SearchChoice(
            "qk_layernorm",
            "LayerNorms of the queries and keys: no, yes or both",
            "bool",
            "qk_layernorm",
            "",
        ),
    ),
    hf=HFBinding(
        ("phi",),
        fields=(*DECODER_FIELDS, ("head_dim", "head_dim"), ("qk_layernorm", "qk_layernorm")),
        token_classification_bias=True,
        read=_read,
        derived=(
            derived("num_key_value_heads", "null", "copy", "num_attention_heads", note=KV_OFF),
            head_dim_attribute("PhiConfig"),
        ),
        probes=({}, {"num_key_value_heads": None, "num_attention_heads": 8}),
        accepted=(
            {"hidden_size": 38, "num_attention_heads": 4, "num_key_value_heads": 2},
            {"hidden_size": 36, "num_attention_heads": 4, "head_dim": 5},
        ),
    ),
)
