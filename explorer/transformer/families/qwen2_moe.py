"""Qwen2-MoE (Qwen Team 2024: Qwen1.5-MoE, Qwen2-57B-A14B): Qwen2's attention (biases on
the query, key and value, ``qkv_bias``; none on the output) and, in every
``sparse_step``-th layer except those ``mlp_only`` lists, a mixture of experts (a router
and E SwiGLU experts d_ff wide, fused; k per token) beside a shared expert every token
uses (a SwiGLU MLP ``d_shared`` wide whose output a sigmoid gate scales); the other layers
keep a dense SwiGLU MLP ``d_dense`` wide. ``d_ff`` is each routed expert's width
(``moe_intermediate_size``). With ``use_sliding_window``, the even layers below
``max_window_layers`` attend through the window (the config's ``layer_types``).

Per mixture layer 2 d d_h (n_h + n_kv) + d_h (n_h + 2 n_kv) (attention, its biases)
+ 3 E d d_ff + E d (experts, router) + 3 d d_sh + d (shared expert, its gate) + 2 d;
active per token 3 k d d_ff in place of 3 E d d_ff.

Example:
    >>> QWEN2_MOE.default_map["experts"], QWEN2_MOE.default_map["d_shared"]
    (60, 5632)
"""

from collections.abc import Mapping
from typing import Any

from explorer.families import HFBinding, check, derived, head_dim_attribute
from explorer.transformer import (
    D_DENSE,
    D_SHARED,
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
    WINDOW_PERIOD,
    WINDOW_UNTIL,
    Embeddings,
    MlpNames,
    Naming,
    Norm,
    SharedExperts,
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
    refuse_null,
)

__all__ = ["QWEN2_MOE"]

SHARED_EXPERT = SharedExperts(
    MlpNames(
        up="mlp.shared_expert.up_proj",
        down="mlp.shared_expert.down_proj",
        gate="mlp.shared_expert.gate_proj",
    ),
    width="d_shared",
    gate="mlp.shared_expert_gate",
)


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The sparse-step pattern; the shared expert's width dropped where there are no
    experts (transformers builds none); null key/value heads refused (the attention divides by
    them); a ``layer_types`` list refused unless it is the one the config derives."""
    refuse_null(fields, "num_key_value_heads")
    read_sparse_layers(fields, sizes)
    if not sizes.get("experts"):
        sizes.pop("d_shared", None)  # no experts, no shared expert: a dense model
    if not fields.get("sliding_window"):
        sizes.pop("window_until", None)  # no window: where it would stop changes nothing
    layers, until = fields.get("num_hidden_layers"), fields.get("max_window_layers")
    if isinstance(layers, int) and isinstance(until, int):
        on = bool(fields.get("use_sliding_window"))
        check_layer_types(
            fields,
            [
                "sliding_attention" if on and (i + 1) % 2 and i < until else "full_attention"
                for i in range(layers)
            ],
        )


def _mixture(seen: Mapping[str, Any]) -> bool:
    return "experts" in seen and interleaved(seen)


QWEN2_MOE = TransformerFamily(
    name="qwen2_moe",
    description="Qwen2-MoE decoder: Qwen2's attention, routed experts beside a gated shared "
    "expert in every sparse_step-th layer (transformers Qwen2Moe*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "input_layernorm"),
                    Sublayer(Norm("post_attention_layernorm", "MLP norm")),
                    Sublayer(DECODER_EXPERTS, when=moe_everywhere),
                    Sublayer(SHARED_EXPERT, when=moe_everywhere),
                    Sublayer(DECODER_EXPERTS, when=moe_in_some, layers="moe_layers"),
                    Sublayer(SHARED_EXPERT, when=moe_in_some, layers="moe_layers"),
                    Sublayer(DENSE_MLP, when=dense_everywhere),
                    Sublayer(DENSE_MLP, when=dense_in_some, layers="dense_layers"),
                ),
                final_norm="norm",
            ),
        ),
        heads=decoder_heads("Qwen2Moe"),
    ),
    defaults=(
        ("d_model", 2048),
        ("layers", 24),
        ("heads", 16),
        ("kv_heads", 16),
        ("vocab", 151936),
        ("d_ff", 1408),
        ("experts", 60),
        ("experts_per_token", 4),
        ("window_period", 2),
        ("window_until", 28),
        ("sparse_step", 1),
        ("d_shared", 5632),
        ("d_dense", 5632),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(
        ("labels", "classifier_bias", "attention_bias", "experts", "experts_per_token")
    ),
    gated=True,
    qkv_bias=True,
    bias_on_output=False,
    own_keywords=(
        WINDOW,
        WINDOW_PERIOD,
        WINDOW_UNTIL,
        SPARSE_STEP,
        MLP_ONLY,
        MOE_LAYERS,
        DENSE_LAYERS,
        D_SHARED,
        D_DENSE,
    ),
    structural=frozenset(("window", "window_period", "window_until", "sparse_step")),
    rules=(SPARSE_RULE, DENSE_RULE),
    conditional=(
        ("moe_layers", _mixture),
        ("dense_layers", _mixture),
        ("d_shared", lambda seen: "experts" in seen),
        ("d_dense", lambda seen: "experts" not in seen or interleaved(seen)),
    ),
    own_choices=(
        ROUTED_CHOICE,
        SPARSE_STEP_CHOICE,
    ),
    hf=HFBinding(
        ("qwen2_moe",),
        fields=(
            *MOE_FIELDS,
            ("d_shared", "shared_expert_intermediate_size"),
            ("labels", "num_labels"),
            ("attention_bias", "qkv_bias"),
            ("experts", "num_experts"),
            ("sparse_step", "decoder_sparse_step"),
            ("window", "sliding_window"),
            ("window_until", "max_window_layers"),
        ),
        null_means_none=frozenset(("window",)),
        token_classification_bias=True,
        derived=(
            derived(
                "sliding_window",
                {"equals": ["use_sliding_window", False]},
                "const",
                0,
                note="the window is dropped unless use_sliding_window",
            ),
            derived("mlp_only_layers", "null", "const", [], note="no layer listed"),
            head_dim_attribute("Qwen2MoeConfig"),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        read=_read,
        probes=(
            {},
            {"use_sliding_window": True, "sliding_window": 16, "max_window_layers": 3},
            {"decoder_sparse_step": 2, "mlp_only_layers": [0], "qkv_bias": False},
        ),
        refused=(
            ({"num_key_value_heads": None}, "model"),
            ({"decoder_sparse_step": 0}, "model"),
        ),
        accepted=(
            {"hidden_size": 21, "num_attention_heads": 3, "num_key_value_heads": 1},
            {
                "num_experts": 0,
                "hidden_size": 16,
                "num_attention_heads": 2,
                "num_key_value_heads": 1,
            },
            {
                "num_experts": 0,
                "shared_expert_intermediate_size": 40,
                "hidden_size": 16,
                "num_attention_heads": 2,
                "num_key_value_heads": 1,
            },
        ),
    ),
)
