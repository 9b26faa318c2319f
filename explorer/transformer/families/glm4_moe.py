"""GLM-4.5 (Zhipu AI / Z.ai 2025; ``glm4_moe``): grouped-query attention with biases on the
query, key and value only (``attention_bias``), a head_dim of its own (GLM-4.5's 96 heads of
128 do not divide its 5120), per-head query/key RMSNorms when ``use_qk_norm`` (GLM-4.5,
not GLM-4.5-Air), partial rotary embeddings (no parameters); and DeepSeekMoE's layers:
after the first ``first_dense`` dense SwiGLU MLPs (``d_dense``), a router (its
score-correction bias a buffer), E routed SwiGLU experts d_ff wide (fused; k per token) and
``shared_experts`` shared experts of that width. transformers does not build the
multi-token-prediction layer of the released checkpoints (``num_nextn_predict_layers``).

Per mixture layer 2 d d_h (n_h + n_kv) + d_h (n_h + 2 n_kv) (+ 2 d_h with the norms)
+ E d + 3 E d d_ff + 3 n_s d d_ff + 2 d; active per token 3 k d d_ff in place of
3 E d d_ff (:mod:`explorer.transformer.blocks.experts`).

Example:
    >>> GLM4_MOE.default_map["first_dense"], GLM4_MOE.bias_on_output
    (1, False)
"""

from collections.abc import Mapping
from typing import Any

from explorer.families import HFBinding, Keyword, head_dim_attribute
from explorer.transformer import (
    D_DENSE,
    DECODER_ATTENTION,
    DEEPSEEK_EXPERTS,
    DEEPSEEK_SHARED,
    DENSE_LAYERS,
    DENSE_MLP,
    DENSE_RULE,
    FIRST_DENSE,
    FIRST_DENSE_CHOICE,
    FIRST_DENSE_RULE,
    MOE_FIELDS,
    MOE_LAYERS,
    ROUTED_CHOICE,
    SHARED_CHOICE,
    SHARED_EXPERTS,
    Embeddings,
    Naming,
    Norm,
    QKNorm,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
    dense_in_some,
    interleaved,
    moe_everywhere,
    moe_in_some,
    read_first_dense,
    refuse_null,
)

__all__ = ["GLM4_MOE"]

#: GLM-4.5's per-head query/key norms are optional (``use_qk_norm``).
QK_NORM = Keyword(
    "qk_norm", "RMSNorms on each head's queries and keys", kind="flag", aliases=("use_qk_norm",)
)


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """First dense layers; a null key/value head count refused (the attention divides by
    it)."""
    refuse_null(fields, "num_key_value_heads")
    read_first_dense(fields, sizes)


GLM4_MOE = TransformerFamily(
    name="glm4_moe",
    description="GLM-4.5 decoder: grouped-query attention with q/k/v biases and optional "
    "query/key norms, DeepSeekMoE layers after dense first layers (transformers Glm4Moe*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "input_layernorm"),
                    Sublayer(QKNorm("self_attn.q_norm", "self_attn.k_norm", when="qk_norm")),
                    Sublayer(Norm("post_attention_layernorm", "MLP norm")),
                    Sublayer(DEEPSEEK_EXPERTS, when=moe_everywhere),
                    Sublayer(DEEPSEEK_SHARED, when=moe_everywhere),
                    Sublayer(DEEPSEEK_EXPERTS, when=moe_in_some, layers="moe_layers"),
                    Sublayer(DEEPSEEK_SHARED, when=moe_in_some, layers="moe_layers"),
                    Sublayer(DENSE_MLP, when=dense_in_some, layers="dense_layers"),
                ),
                final_norm="norm",
            ),
        ),
        heads=decoder_heads("Glm4Moe", qa_prefix=None)[:2],
    ),
    defaults=(
        ("d_model", 4096),
        ("layers", 46),
        ("heads", 96),
        ("kv_heads", 8),
        ("vocab", 151552),
        ("d_ff", 1408),
        ("experts", 128),
        ("experts_per_token", 8),
        ("shared_experts", 1),
        ("first_dense", 1),
        ("d_dense", 10944),
        ("head", "lm"),
        ("tied", False),
    ),
    options=frozenset(("attention_bias", "experts", "experts_per_token")),
    gated=True,
    bias_on_output=False,
    experts_mlp=True,
    own_keywords=(
        QK_NORM,
        SHARED_EXPERTS,
        FIRST_DENSE,
        MOE_LAYERS,
        DENSE_LAYERS,
        D_DENSE,
    ),
    structural=frozenset(("first_dense",)),
    rules=(FIRST_DENSE_RULE, DENSE_RULE),
    conditional=(
        ("moe_layers", interleaved),
        ("dense_layers", interleaved),
        ("d_dense", interleaved),
    ),
    own_choices=(
        ROUTED_CHOICE,
        SHARED_CHOICE,
        FIRST_DENSE_CHOICE,
    ),
    hf=HFBinding(
        ("glm4_moe",),
        fields=(
            *MOE_FIELDS,
            ("attention_bias", "attention_bias"),
            ("qk_norm", "use_qk_norm"),
            ("experts", "n_routed_experts"),
            ("shared_experts", "n_shared_experts"),
            ("first_dense", "first_k_dense_replace"),
        ),
        derived=(head_dim_attribute("Glm4MoeConfig"),),
        read=_read,
        probes=({}, {"use_qk_norm": True, "head_dim": 16, "first_k_dense_replace": 0}),
        refused=(({"num_key_value_heads": None}, "config"),),
        accepted=(
            {"hidden_size": 16, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 7},
        ),
    ),
)
