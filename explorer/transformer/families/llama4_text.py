"""LLaMA 4's language model (Meta 2025, Llama 4 Scout and Maverick): grouped-query attention
with a head_dim of its own (its query/key norm has no weights), chunked attention in three
layers of four (every ``no_rope_layer_interval``-th layer attends globally: the KV cache of a
chunked layer keeps the last ``attention_chunk_size`` - 1 positions), and in some layers
(``moe_layers``: every ``interleave_moe_layer_step``-th by default, each one in Scout, one in
two in Maverick) a mixture of experts with a shared expert
(:class:`~explorer.transformer.DenseExperts` and a gated MLP of d_ff), in the others a dense
gated MLP of ``intermediate_size_mlp``.

Active parameters per token: embeddings, attention, norms, the dense MLPs, each mixture's
router, shared expert and k routed experts (Meta's "17B active" for Scout and Maverick).

Example:
    >>> from explorer.hf import count_hf
    >>> c = count_hf({"model_type": "llama4_text", "num_hidden_layers": 2},
    ...              model="Llama4ForCausalLM")
    >>> c.total, c.active
    (6473180160, 2698306560)
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConfigError
from explorer.families import HFBinding, Keyword
from explorer.transformer import (
    DECODER_ATTENTION,
    DENSE_LAYERS,
    DENSE_RULE,
    MOE_LAYERS,
    WINDOW,
    WINDOW_PERIOD,
    DenseExperts,
    Embeddings,
    Head,
    LmHead,
    Mlp,
    MlpNames,
    Naming,
    Norm,
    SizeRule,
    StackNames,
    Sublayer,
    TransformerFamily,
)

__all__ = ["LLAMA4_TEXT"]

_EVERY = Keyword(
    "moe_every",
    "every n-th layer has a mixture of experts (interleave_moe_layer_step)",
    kind="part",
    aliases=("interleave_moe_layer_step",),
)
_DENSE_WIDTH = Keyword(
    "dense_width",
    "width of the dense layers' MLP (intermediate_size_mlp)",
    symbol="d_fm",
    aliases=("intermediate_size_mlp",),
)


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The mixture-of-experts layers (``moe_layers``, else every
    ``interleave_moe_layer_step``-th); the chunked and global layers (``layer_types`` or
    ``no_rope_layers`` given: they must follow the period, else the cache is not counted)."""
    layers = fields["num_hidden_layers"]
    chosen = fields.get("moe_layers")
    if chosen is not None:
        if not isinstance(chosen, list):
            raise ConfigError(
                f"moe_layers must be a list of layer indices, got {str(chosen)[:40]!r}"
            )
        sizes["moe_layers"] = len({i for i in chosen if isinstance(i, int) and 0 <= i < layers})
    period = fields.get("no_rope_layer_interval") or 4
    expected = [(i + 1) % period != 0 for i in range(layers)]
    given = fields.get("layer_types")
    if given is None and fields.get("no_rope_layers"):
        given = ["chunked" if x else "full" for x in fields["no_rope_layers"]]
    if given is not None:
        pattern = [str(kind).startswith("chunked") for kind in given]
        if pattern != expected:
            raise ConfigError(
                "layer_types: chunked and global layers other than every "
                f"no_rope_layer_interval-th ({period}) layer global are not counted here"
            )


#: LLaMA 4's language model names (``Llama4TextModel``, ``Llama4ForCausalLM``).
LLAMA4_NAMING = Naming(
    embeddings=Embeddings("embed_tokens"),
    stacks=(
        StackNames(
            layer="layers.*.",
            sublayers=(
                Sublayer(DECODER_ATTENTION, "input_layernorm"),
                Sublayer(Norm("post_attention_layernorm")),
                Sublayer(
                    Mlp(
                        MlpNames(
                            up="feed_forward.up_proj",
                            down="feed_forward.down_proj",
                            gate="feed_forward.gate_proj",
                        ),
                        width="dense_width",
                    ),
                    layers="dense_layers",
                ),
                Sublayer(DenseExperts(), layers="moe_layers"),
                Sublayer(
                    Mlp(
                        MlpNames(
                            up="feed_forward.shared_expert.up_proj",
                            down="feed_forward.shared_expert.down_proj",
                            gate="feed_forward.shared_expert.gate_proj",
                        )
                    ),
                    layers="moe_layers",
                ),
            ),
            final_norm="norm",
        ),
    ),
    heads=(
        ("lm", Head("the LM head (Llama4ForCausalLM)", (LmHead("lm_head"),), "model.")),
        ("none", Head("the base model (Llama4TextModel)")),
    ),
)

LLAMA4_TEXT = TransformerFamily(
    name="llama4_text",
    description="LLaMA 4's language model: chunked attention, a mixture of experts with a "
    "shared expert in some layers, dense MLPs in the others (transformers Llama4Text*)",
    naming=LLAMA4_NAMING,
    defaults=(
        ("d_model", 5120),
        ("layers", 48),
        ("heads", 40),
        ("kv_heads", 8),
        ("head_dim", 128),
        ("vocab", 202048),
        ("d_ff", 8192),
        ("dense_width", 16384),
        ("experts", 16),
        ("experts_per_token", 1),
        ("moe_every", 1),
        ("head", "lm"),
        ("tied", False),
        ("window", 8192),
        ("window_period", 4),
    ),
    options=frozenset(("experts", "experts_per_token", "attention_bias")),
    gated=True,
    experts_mlp=True,
    even_rotary=True,
    own_keywords=(MOE_LAYERS, DENSE_LAYERS, _EVERY, _DENSE_WIDTH, WINDOW, WINDOW_PERIOD),
    rules=(
        SizeRule(
            "moe_layers",
            ("layers", "moe_every"),
            lambda layers, every: layers // every,
            "layers // moe_every (every moe_every-th layer)",
        ),
        DENSE_RULE,
    ),
    structural=frozenset(("moe_every", "window", "window_period")),
    hf=HFBinding(
        ("llama4_text",),
        fields=(
            ("d_model", "hidden_size"),
            ("layers", "num_hidden_layers"),
            ("heads", "num_attention_heads"),
            ("kv_heads", "num_key_value_heads"),
            ("head_dim", "head_dim"),
            ("d_ff", "intermediate_size"),
            ("dense_width", "intermediate_size_mlp"),
            ("vocab", "vocab_size"),
            ("tied", "tie_word_embeddings"),
            ("experts", "num_local_experts"),
            ("experts_per_token", "num_experts_per_tok"),
            ("moe_every", "interleave_moe_layer_step"),
            ("attention_bias", "attention_bias"),
            ("window", "attention_chunk_size"),
            ("window_period", "no_rope_layer_interval"),
        ),
        null_means_none=frozenset(("window",)),
        read=_read,
        probes=(
            {},
            {"head_dim": 32, "num_attention_heads": 4, "hidden_size": 64},
        ),
        accepted=({"moe_layers": [0], "num_hidden_layers": 2},),
    ),
)
