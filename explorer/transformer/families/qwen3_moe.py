"""Qwen3-MoE (Qwen Team 2025): Qwen3's attention (per-head query/key RMSNorms, a head_dim
that may differ from d_model // heads) and a mixture of experts (a router and E SwiGLU
experts d_ff wide, fused; k per token) in every ``sparse_step``-th layer, except those
``mlp_only`` lists, which keep a dense SwiGLU MLP ``d_dense`` wide; no shared expert.
Every released model has experts in every layer (step 1, no list). ``d_ff`` is each
expert's width (``moe_intermediate_size``), ``d_dense`` the dense layers'
(``intermediate_size``). Sliding-window attention in every layer when
``use_sliding_window`` (off in every released model).

Per mixture layer 2 d d_h (n_h + n_kv) + 3 E d d_ff + E d + 2 d + 2 d_h; active per token
3 k d d_ff in place of 3 E d d_ff (:mod:`explorer.transformer.blocks.experts`).

Example:
    >>> QWEN3_MOE.default_map["experts"], QWEN3_MOE.hf.model_types
    (128, ('qwen3_moe',))
"""

from collections.abc import Mapping
from typing import Any

from explorer.families import HFBinding, check, derived, head_dim_attribute
from explorer.transformer import (
    D_DENSE,
    DECODER_ATTENTION,
    DECODER_EXPERTS,
    DENSE_LAYERS,
    DENSE_MLP,
    DENSE_RULE,
    MLP_ONLY,
    MOE_FIELDS,
    MOE_LAYERS,
    ROUTED_CHOICE,
    SPARSE_RULE,
    SPARSE_STEP,
    SPARSE_STEP_CHOICE,
    WINDOW,
    Embeddings,
    Naming,
    Norm,
    QKNorm,
    StackNames,
    Sublayer,
    TransformerFamily,
    check_layer_types,
    decoder_heads,
    dense_everywhere,
    dense_in_some,
    interleaved,
    moe_everywhere,
    moe_in_some,
    read_sparse_layers,
)

__all__ = ["QWEN3_MOE"]


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The sparse-step pattern, and a ``layer_types`` list refused unless it is what the
    cache would build anyway (every layer windowed, or none)."""
    read_sparse_layers(fields, sizes)
    windowed = fields.get("sliding_window") is not None
    layers = fields.get("num_hidden_layers")
    if isinstance(layers, int):
        kind = "sliding_attention" if windowed else "full_attention"
        check_layer_types(fields, [kind] * layers)


def _mixture(seen: Mapping[str, Any]) -> bool:
    return "experts" in seen and interleaved(seen)


QWEN3_MOE = TransformerFamily(
    name="qwen3_moe",
    description="Qwen3-MoE decoder: Qwen3's attention (per-head query/key RMSNorms), a "
    "mixture of experts in every sparse_step-th layer (transformers Qwen3Moe*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "input_layernorm"),
                    Sublayer(QKNorm("self_attn.q_norm", "self_attn.k_norm")),
                    Sublayer(Norm("post_attention_layernorm", "MLP norm")),
                    Sublayer(DECODER_EXPERTS, when=moe_everywhere),
                    Sublayer(DECODER_EXPERTS, when=moe_in_some, layers="moe_layers"),
                    Sublayer(DENSE_MLP, when=dense_everywhere),
                    Sublayer(DENSE_MLP, when=dense_in_some, layers="dense_layers"),
                ),
                final_norm="norm",
            ),
        ),
        heads=decoder_heads("Qwen3Moe", qa_prefix="transformer."),
    ),
    defaults=(
        ("d_model", 2048),
        ("layers", 24),
        ("heads", 32),
        ("kv_heads", 4),
        ("vocab", 151936),
        ("d_ff", 768),
        ("experts", 128),
        ("experts_per_token", 8),
        ("sparse_step", 1),
        ("d_dense", 6144),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(
        ("labels", "classifier_bias", "attention_bias", "experts", "experts_per_token")
    ),
    gated=True,
    own_keywords=(WINDOW, SPARSE_STEP, MLP_ONLY, MOE_LAYERS, DENSE_LAYERS, D_DENSE),
    structural=frozenset(("window", "sparse_step")),
    rules=(SPARSE_RULE, DENSE_RULE),
    conditional=(
        ("moe_layers", _mixture),
        ("dense_layers", _mixture),
        ("d_dense", lambda seen: "experts" not in seen or interleaved(seen)),
    ),
    own_choices=(
        ROUTED_CHOICE,
        SPARSE_STEP_CHOICE,
    ),
    hf=HFBinding(
        ("qwen3_moe",),
        fields=(
            *MOE_FIELDS,
            ("labels", "num_labels"),
            ("attention_bias", "attention_bias"),
            ("experts", "num_experts"),
            ("sparse_step", "decoder_sparse_step"),
            ("window", "sliding_window"),
        ),
        null_means_none=frozenset(("window",)),
        token_classification_bias=True,
        derived=(
            derived(
                "sliding_window",
                {"equals": ["use_sliding_window", False]},
                "const",
                None,
                note="the window is dropped unless use_sliding_window",
            ),
            derived("mlp_only_layers", "null", "const", [], note="no layer listed"),
            head_dim_attribute("Qwen3MoeConfig"),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        read=_read,
        probes=(
            {},
            {"use_sliding_window": True, "sliding_window": 16, "mlp_only_layers": [1]},
            {"decoder_sparse_step": 2, "num_experts": 4, "num_local_experts": 4},
        ),
        refused=(
            ({"head_dim": 7}, "config"),
            ({"decoder_sparse_step": 0}, "model"),
        ),
        accepted=(
            {"hidden_size": 12, "num_attention_heads": 5, "num_key_value_heads": 1, "head_dim": 8},
            {
                "num_experts": 0,
                "hidden_size": 16,
                "num_attention_heads": 2,
                "num_key_value_heads": 1,
            },
        ),
    ),
)
