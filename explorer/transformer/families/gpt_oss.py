"""gpt-oss (OpenAI 2025): grouped-query attention with biases on every projection and a
learned sink logit per query head; local (sliding-window, 128 positions) and global layers
alternating, the even layers local (the config's ``layer_types``); in every layer a
mixture of experts: a router with a bias and E SwiGLU experts d_ff wide whose tensors
transformers stores transposed ([E, d_model, 2 d_ff], [E, d_ff, d_model]) with a bias per
expert output; k per token.

Per layer 2 d d_h (n_h + n_kv) + d_h (n_h + 2 n_kv) + d + n_h (attention, biases, sinks)
+ E d + E + E (3 d d_ff + 2 d_ff + d) + 2 d; active per token k (3 d d_ff + 2 d_ff + d)
in place of E (...) (:mod:`explorer.transformer.blocks.experts`).

Example:
    >>> GPT_OSS.default_map["experts"], GPT_OSS.default_map["window"]
    (128, 128)
"""

from collections.abc import Mapping
from typing import Any

from explorer.families import HFBinding, check
from explorer.transformer import (
    DECODER_ATTENTION,
    DECODER_FIELDS,
    ROUTED_CHOICE,
    WINDOW,
    WINDOW_PERIOD,
    AttentionSinks,
    Embeddings,
    ExpertNames,
    Experts,
    Naming,
    StackNames,
    Sublayer,
    TransformerFamily,
    check_layer_types,
    decoder_heads,
)

__all__ = ["GPT_OSS"]

#: The experts as transformers stores them: transposed, with biases; a router bias.
GPT_OSS_EXPERTS = Experts(
    ExpertNames(
        router="mlp.router", gate_up="mlp.experts.gate_up_proj", down="mlp.experts.down_proj"
    ),
    transposed=True,
    biases=True,
    router_bias=True,
)


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """A ``layer_types`` list other than the released alternation (even layers local) is
    refused; all-global is read as no window."""
    layers = fields.get("num_hidden_layers")
    given = fields.get("layer_types")
    if not isinstance(layers, int) or given is None:
        return
    if list(given) == ["full_attention"] * layers:
        sizes["window"] = False
        return
    check_layer_types(
        fields,
        ["sliding_attention" if (i + 1) % 2 else "full_attention" for i in range(layers)],
    )


GPT_OSS = TransformerFamily(
    name="gpt_oss",
    description="gpt-oss decoder: attention with sinks, alternating sliding-window and "
    "global layers, experts with biases in every layer (transformers GptOss*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "input_layernorm"),
                    Sublayer(AttentionSinks("self_attn.sinks")),
                    Sublayer(GPT_OSS_EXPERTS, "post_attention_layernorm"),
                ),
                final_norm="norm",
            ),
        ),
        heads=decoder_heads("GptOss", qa_prefix=None),
    ),
    defaults=(
        ("d_model", 2880),
        ("layers", 36),
        ("heads", 64),
        ("kv_heads", 8),
        ("head_dim", 64),
        ("vocab", 201088),
        ("d_ff", 2880),
        ("experts", 128),
        ("experts_per_token", 4),
        ("window", 128),
        ("window_period", 2),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(
        ("labels", "classifier_bias", "attention_bias", "experts", "experts_per_token")
    ),
    gated=True,
    qkv_bias=True,
    o_bias=True,
    even_rotary=True,
    experts_mlp=True,
    own_keywords=(WINDOW, WINDOW_PERIOD),
    structural=frozenset(("window", "window_period")),
    own_choices=(ROUTED_CHOICE,),
    hf=HFBinding(
        ("gpt_oss",),
        fields=(
            *DECODER_FIELDS,
            ("head_dim", "head_dim"),
            ("attention_bias", "attention_bias"),
            ("experts", "num_local_experts"),
            ("experts_per_token", "num_experts_per_tok"),
            ("window", "sliding_window"),
        ),
        null_means_none=frozenset(("window",)),
        token_classification_bias=True,
        checks=(check("even_rotary_head_dim", "head_dim"),),
        read=_read,
        probes=({}, {"num_key_value_heads": 2, "num_attention_heads": 4, "head_dim": 8}),
        refused=(
            ({"head_dim": 7}, "config"),
            ({"head_dim": None}, "config"),
            ({"num_key_value_heads": None}, "config"),
        ),
        accepted=({"hidden_size": 12, "num_attention_heads": 5, "num_key_value_heads": 1},),
    ),
)
