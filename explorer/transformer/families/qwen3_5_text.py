"""Qwen3.5's language model (Qwen Team 2026; the hybrid of Qwen3-Next, dense): three linear
attention layers (Gated DeltaNet, :class:`~explorer.transformer.GatedDeltaNet`) to one full
attention layer by default; the full attention has per-head query/key RMSNorms, a head_dim of
its own and an output gate made by the query projection (``q_proj`` 2 x heads x head_dim);
every layer has an ``input_layernorm`` and a SwiGLU MLP after its
``post_attention_layernorm``; a final ``norm``.

The layer pattern is counted, not listed: ``attention_layers`` layers attend fully (the
config's ``layer_types`` entries ``full_attention``; without them every
``full_attention_interval``-th layer, 4: layers // 4), the other ``linear_layers`` are
Gated DeltaNet.

Per full-attention layer d d_h (3 n_h + 2 n_kv) + 2 d_h; per linear layer
d (2 n_lk d_lk + 2 n_lv d_lv + 2 n_lv) + K (2 n_lk d_lk + n_lv d_lv) + 2 n_lv + d_lv + d n_lv d_lv;
per layer 3 d d_ff + 2 d.

Example:
    >>> from explorer.hf import count_hf
    >>> count_hf({"model_type": "qwen3_5_text", "num_hidden_layers": 4}).total
    1882068032
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConfigError
from explorer.families import HFBinding, Keyword
from explorer.transformer import (
    DECODER_MLP,
    Attention,
    AttentionNames,
    Classifier,
    Embeddings,
    GatedDeltaNet,
    Head,
    LmHead,
    Naming,
    Norm,
    QKNorm,
    SizeRule,
    StackNames,
    Sublayer,
    TransformerFamily,
)
from explorer.transformer.families.lfm2 import ATTENTION_LAYERS

__all__ = ["LINEAR_ATTENTION_KEYWORDS", "QWEN3_5_TEXT", "qwen3_5_naming"]

#: The sizes of a Gated DeltaNet layer, as Qwen3-Next and Qwen3.5 name them.
LINEAR_ATTENTION_KEYWORDS = (
    Keyword("linear_key_heads", "linear attention key (and query) heads", symbol="n_lk",
            aliases=("linear_num_key_heads",)),
    Keyword("linear_value_heads", "linear attention value heads", symbol="n_lv",
            aliases=("linear_num_value_heads",)),
    Keyword("linear_key_dim", "width of a linear attention key head", symbol="d_lk",
            aliases=("linear_key_head_dim",)),
    Keyword("linear_value_dim", "width of a linear attention value head", symbol="d_lv",
            aliases=("linear_value_head_dim",)),
    Keyword("kernel", "taps of the linear attention's convolution", symbol="K",
            aliases=("linear_conv_kernel_dim",)),
)  # fmt: skip
_LINEAR_LAYERS = Keyword("linear_layers", "layers of linear attention", symbol="L_l")
_EVERY = Keyword(
    "attention_every",
    "every n-th layer attends fully when no pattern is given (full_attention_interval)",
    kind="part",
    aliases=("full_attention_interval",),
)

#: Qwen3.5's gated full attention: q (and its output gate), k, v, o.
GATED_ATTENTION = Attention(
    AttentionNames(
        q="self_attn.q_proj", k="self_attn.k_proj", v="self_attn.v_proj", o="self_attn.o_proj"
    ),
    gate=True,
)


def qwen3_5_naming(model: str) -> Naming:
    """The layout and names of Qwen3.5's language model (``{model}``: the class names)."""
    return Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(Norm("input_layernorm", "input norm")),
                    Sublayer(GatedDeltaNet(), layers="linear_layers"),
                    Sublayer(GATED_ATTENTION, layers="attention_layers"),
                    Sublayer(
                        QKNorm("self_attn.q_norm", "self_attn.k_norm"), layers="attention_layers"
                    ),
                    Sublayer(DECODER_MLP, "post_attention_layernorm"),
                ),
                final_norm="norm",
            ),
        ),
        heads=(
            ("lm", Head(f"the LM head ({model}ForCausalLM)", (LmHead("lm_head"),), "model.")),
            ("none", Head(f"the base model ({model}TextModel)")),
            (
                "classifier",
                Head(
                    f"a sequence classifier ({model}TextForSequenceClassification)",
                    (Classifier("score", "labels", bias=False, title="classifier"),),
                    "model.",
                ),
            ),
        ),
    )


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The layer pattern: ``layer_types`` (full attention counted), else every
    ``full_attention_interval``-th layer (a key the config class takes, not a field)."""
    types = fields.get("layer_types")
    if types is not None:
        layers = fields["num_hidden_layers"]
        if not isinstance(types, list) or len(types) != layers:
            raise ConfigError(
                f"layer_types must list one kind per layer ({layers}), got {str(types)[:60]!r}"
            )
        unknown = {str(t) for t in types} - {"full_attention", "linear_attention"}
        if unknown:
            raise ConfigError(
                f"layer_types: {sorted(unknown)[0][:40]!r} is no layer of this model "
                "(full_attention or linear_attention)"
            )
        sizes["attention_layers"] = types.count("full_attention")
        if sizes["attention_layers"] == 0:
            raise ConfigError("layer_types: a model without a full attention layer is not counted")
    elif "full_attention_interval" in fields:
        sizes["attention_every"] = fields["full_attention_interval"]


QWEN3_5_TEXT = TransformerFamily(
    name="qwen3_5_text",
    description="Qwen3.5's language model: Gated DeltaNet linear attention and gated full "
    "attention layers, 3 to 1 (transformers Qwen3_5Text*, Qwen3_5ForCausalLM)",
    naming=qwen3_5_naming("Qwen3_5"),
    defaults=(
        ("d_model", 4096),
        ("layers", 32),
        ("heads", 16),
        ("kv_heads", 4),
        ("head_dim", 256),
        ("vocab", 248320),
        ("d_ff", 12288),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
        ("attention_every", 4),
        ("linear_key_heads", 16),
        ("linear_value_heads", 32),
        ("linear_key_dim", 128),
        ("linear_value_dim", 128),
        ("kernel", 4),
    ),
    options=frozenset(("labels", "attention_bias")),
    gated=True,
    own_keywords=(ATTENTION_LAYERS, _LINEAR_LAYERS, _EVERY, *LINEAR_ATTENTION_KEYWORDS),
    rules=(
        SizeRule(
            "attention_layers",
            ("layers", "attention_every"),
            lambda layers, every: layers // every,
            "layers // attention_every (every fourth layer attends fully)",
        ),
        SizeRule(
            "linear_layers",
            ("layers", "attention_layers"),
            lambda layers, attending: layers - attending,
            "layers - attention_layers",
        ),
    ),
    structural=frozenset(("attention_every",)),
    hf=HFBinding(
        ("qwen3_5_text",),
        fields=(
            ("d_model", "hidden_size"),
            ("layers", "num_hidden_layers"),
            ("heads", "num_attention_heads"),
            ("kv_heads", "num_key_value_heads"),
            ("head_dim", "head_dim"),
            ("d_ff", "intermediate_size"),
            ("vocab", "vocab_size"),
            ("tied", "tie_word_embeddings"),
            ("labels", "num_labels"),
            ("attention_bias", "attention_bias"),
            ("linear_key_heads", "linear_num_key_heads"),
            ("linear_value_heads", "linear_num_value_heads"),
            ("linear_key_dim", "linear_key_head_dim"),
            ("linear_value_dim", "linear_value_head_dim"),
            ("kernel", "linear_conv_kernel_dim"),
        ),
        read=_read,
        probes=(
            {},
            {"layer_types": ["linear_attention", "full_attention"], "num_hidden_layers": 2},
        ),
        accepted=({"hidden_size": 30, "num_attention_heads": 4, "head_dim": 8},),
    ),
)
