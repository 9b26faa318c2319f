"""DeepSeek-V2 and DeepSeek-V3 (DeepSeek-AI 2024): multi-head latent attention (low-rank
queries unless ``q_rank`` is absent, a compressed key/value latent ``kv_rank`` wide,
heads of nope_dim + rope_dim query/key and v_dim value features) and DeepSeekMoE: after
the first ``first_dense`` layers (dense SwiGLU MLPs ``d_dense`` wide), every layer has a
router, E routed SwiGLU experts d_ff wide (fused; k per token) and ``shared_experts``
shared experts of the same width fused into one MLP every token uses. transformers builds
both types alike (V3's router also keeps a score-correction bias, a buffer, not a
parameter); neither builds the multi-token-prediction layer of V3's checkpoint
(``num_nextn_predict_layers``: 14B of the 685B released), so the counts are the main
model's. ``d_ff`` is each expert's width (``moe_intermediate_size``), ``d_dense`` the dense
layers' (``intermediate_size``).

Per mixture layer (with a query latent) d r_q + r_q + n_h r_q (d_nope + d_rope)
+ d (r_kv + d_rope) + r_kv + r_kv n_h (d_nope + d_v) + n_h d_v d (attention)
+ E d + 3 E d d_ff + 3 n_s d d_ff (router, experts, shared) + 2 d; active per token
3 k d d_ff in place of 3 E d d_ff (:mod:`explorer.transformer.blocks.experts`).

Example:
    >>> DEEPSEEK.hf.model_types, DEEPSEEK.default_map["first_dense"]
    (('deepseek_v2', 'deepseek_v3'), 3)
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConfigError
from explorer.families import HFBinding, check, derived
from explorer.transformer import (
    D_DENSE,
    DEEPSEEK_EXPERTS,
    DEEPSEEK_SHARED,
    DENSE_LAYERS,
    DENSE_MLP,
    DENSE_RULE,
    FIRST_DENSE,
    FIRST_DENSE_CHOICE,
    FIRST_DENSE_RULE,
    KV_OFF,
    KV_RANK,
    MOE_LAYERS,
    NOPE_DIM,
    Q_RANK,
    ROPE_DIM,
    ROUTED_CHOICE,
    SHARED_CHOICE,
    SHARED_EXPERTS,
    V_DIM,
    Embeddings,
    LatentAttention,
    Naming,
    Norm,
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

__all__ = ["DEEPSEEK"]


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """What transformers refuses or fails on beyond the field types: V2's heads must
    divide hidden_size; null expert counts and value widths, a query latent of 0. V3 reads
    no mlp_bias (its MLPs have none)."""
    refuse_null(fields, "num_experts_per_tok", "v_head_dim")
    read_first_dense(fields, sizes)
    if fields.get("q_lora_rank") == 0:
        raise ConfigError("q_lora_rank must be positive (null: no query latent), got 0")
    hidden, heads = fields.get("hidden_size"), fields.get("num_attention_heads")
    v2 = fields.get("model_type") == "deepseek_v2"
    if v2 and isinstance(hidden, int) and isinstance(heads, int) and heads and hidden % heads:
        raise ConfigError(
            f"hidden_size ({hidden}) must be divisible by num_attention_heads ({heads}); "
            "transformers refuses this config"
        )
    if not v2:
        sizes.pop("mlp_bias", None)


DEEPSEEK = TransformerFamily(
    name="deepseek",
    description="DeepSeek-V2/V3 decoder: multi-head latent attention, routed and shared "
    "experts after dense first layers (transformers DeepseekV2*, DeepseekV3*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(LatentAttention(), "input_layernorm"),
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
        heads=decoder_heads("DeepseekV2/V3", qa_prefix=None),
    ),
    defaults=(
        ("d_model", 7168),
        ("layers", 61),
        ("heads", 128),
        ("vocab", 129280),
        ("d_ff", 2048),
        ("experts", 256),
        ("experts_per_token", 8),
        ("q_rank", 1536),
        ("kv_rank", 512),
        ("nope_dim", 128),
        ("rope_dim", 64),
        ("v_dim", 128),
        ("shared_experts", 1),
        ("first_dense", 3),
        ("d_dense", 18432),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(
        (
            "labels",
            "classifier_bias",
            "attention_bias",
            "mlp_bias",
            "experts",
            "experts_per_token",
        )
    ),
    gated=True,
    experts_mlp=True,
    latent_attention=True,
    own_keywords=(
        Q_RANK,
        KV_RANK,
        NOPE_DIM,
        ROPE_DIM,
        V_DIM,
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
        ("deepseek_v2", "deepseek_v3"),
        fields=(
            ("d_model", "hidden_size"),
            ("layers", "num_hidden_layers"),
            ("heads", "num_attention_heads"),
            ("d_ff", "moe_intermediate_size"),
            ("d_dense", "intermediate_size"),
            ("vocab", "vocab_size"),
            ("tied", "tie_word_embeddings"),
            ("labels", "num_labels"),
            ("attention_bias", "attention_bias"),
            ("mlp_bias", "mlp_bias"),
            ("experts", "n_routed_experts"),
            ("experts_per_token", "num_experts_per_tok"),
            ("shared_experts", "n_shared_experts"),
            ("first_dense", "first_k_dense_replace"),
            ("q_rank", "q_lora_rank"),
            ("kv_rank", "kv_lora_rank"),
            ("nope_dim", "qk_nope_head_dim"),
            ("rope_dim", "qk_rope_head_dim"),
            ("v_dim", "v_head_dim"),
        ),
        null_means_none=frozenset(("q_rank",)),
        token_classification_bias=True,
        derived=(
            derived("num_key_value_heads", "null", "copy", "num_attention_heads", note=KV_OFF),
            derived(
                "head_dim",
                "always",
                "copy",
                "qk_rope_head_dim",
                note="the config makes head_dim the rotary width; no weight reads it",
            ),
        ),
        checks=(check("even_rotary_head_dim", "qk_rope_head_dim"),),
        read=_read,
        probes=(
            {},
            {"q_lora_rank": None, "first_k_dense_replace": 1, "num_key_value_heads": None},
        ),
        refused=(
            ({"qk_rope_head_dim": 7, "hidden_size": 12, "num_attention_heads": 3}, "config"),
            ({"v_head_dim": None}, "model"),
        ),
        accepted=({"q_lora_rank": None, "hidden_size": 24, "num_attention_heads": 4},),
    ),
)
