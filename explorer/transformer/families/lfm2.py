"""LFM2 (Liquid AI 2025): a hybrid decoder whose layers are either grouped-query attention
(with per-head query/key RMSNorms, ``out_proj``) or a gated short convolution
(:class:`~explorer.transformer.ShortConv`), each after an ``operator_norm``, each followed by
a SwiGLU MLP (``w1``, ``w3``, ``w2``) after an ``ffn_norm``; the final norm is called
``embedding_norm``; the LM head tied by default.

The layer pattern is counted, not listed: ``attention_layers`` layers attend (the config's
``layer_types`` entries other than ``conv``, or its ``full_attn_idxs``), the other
``conv_layers = layers - attention_layers`` convolve. The MLP's width follows
``intermediate_size`` by LFM2's rule when ``block_auto_adjust_ff_dim``: int(2 d_ff / 3),
times ``block_ffn_dim_multiplier`` (truncated) and rounded up to a multiple of
``block_multiple_of`` when a multiplier is given (``ffn_width``, a size that follows).

Per attention layer 2 d d_h (n_h + n_kv) + 2 d_h; per convolution layer 4 d^2 + K d (+ 5 d
biases); per layer 3 d w + 2 d.

Example:
    >>> from explorer.hf import count_hf
    >>> count_hf({"model_type": "lfm2", "layer_types": ["conv", "full_attention"] * 8,
    ...           "num_hidden_layers": 16, "hidden_size": 1024}).total
    524346880
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConfigError, InvalidSizeError
from explorer.families import HFBinding, Keyword
from explorer.transformer import (
    Attention,
    AttentionNames,
    Embeddings,
    Head,
    LmHead,
    Mlp,
    MlpNames,
    Naming,
    Norm,
    QKNorm,
    ShortConv,
    SizeRule,
    StackNames,
    Sublayer,
    TransformerFamily,
)

__all__ = ["ATTENTION_LAYERS", "LFM2", "LFM2_NAMING", "lfm2_ffn"]

#: How many of the layers attend (the others are of the family's other kind).
ATTENTION_LAYERS = Keyword(
    "attention_layers",
    "layers that attend (the others convolve)",
    symbol="L_a",
)
_CONV_LAYERS = Keyword("conv_layers", "layers that convolve", symbol="L_c")
_KERNEL = Keyword("kernel", "taps of the short convolution", symbol="K", aliases=("conv_L_cache",))
_CONV_BIAS = Keyword("conv_bias", "biases in the convolution layers", kind="flag")
_WIDTH = Keyword("ffn_width", "the MLP's hidden width (from d_ff by LFM2's rule)", symbol="w")
_ADJUST = Keyword(
    "ffn_adjust",
    "the MLP's width follows d_ff by LFM2's rule (block_auto_adjust_ff_dim)",
    kind="flag",
    aliases=("block_auto_adjust_ff_dim",),
)
_MULTIPLE = Keyword(
    "ffn_multiple", "the rule's rounding step (block_multiple_of)", kind="part",
    aliases=("block_multiple_of",),
)  # fmt: skip
_MULTIPLIER = Keyword(
    "ffn_multiplier",
    "the rule's multiplier (block_ffn_dim_multiplier; none: no rounding)",
    kind="number",
    aliases=("block_ffn_dim_multiplier",),
)


def lfm2_ffn(d_ff: Any, adjust: Any, multiple: Any, multiplier: Any) -> Any:
    """LFM2's MLP width (``Lfm2MLP``): int(2 d_ff / 3), then, with a multiplier, int(that
    x multiplier) rounded up to a multiple; ints or numpy arrays.

    Example:
        >>> lfm2_ffn(12288, True, 256, "1.0"), lfm2_ffn(12000, True, 256, "1.5")
        (8192, 12032)
        >>> lfm2_ffn(12000, True, 256, ""), lfm2_ffn(96, False, 256, "")
        (8000, 96)
    """
    if not adjust:
        return d_ff
    width = 2 * d_ff // 3
    if not multiplier:
        return width
    scaled = float(multiplier) * width
    width = int(scaled) if isinstance(scaled, float) else scaled.astype("int64")
    step = int(multiple)
    return step * ((width + step - 1) // step)


def _check(values: Mapping[str, Any]) -> None:
    layers, attending = values.get("layers"), values.get("attention_layers")
    if isinstance(layers, int) and isinstance(attending, int) and attending > layers:
        raise InvalidSizeError(
            f"attention_layers ({attending}) cannot exceed layers ({layers}); change either"
        )


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The layer pattern (``layer_types``, else ``full_attn_idxs``, else every layer
    attends); the legacy keys ``Lfm2Config`` takes (``block_ff_dim``, ``tie_embedding``)."""
    layers = fields["num_hidden_layers"]
    types = fields.get("layer_types")
    if types is not None:
        if not isinstance(types, list) or len(types) != layers:
            raise ConfigError(
                f"layer_types must list one kind per layer ({layers}), got {str(types)[:60]!r}"
            )
        sizes["attention_layers"] = sum(kind != "conv" for kind in types)
    elif fields.get("full_attn_idxs") is not None:
        indices = fields["full_attn_idxs"]
        sizes["attention_layers"] = len({i for i in indices if i in range(layers)})
    else:
        sizes["attention_layers"] = layers
    if sizes["attention_layers"] == 0:
        raise ConfigError("layer_types: a model without an attention layer is not counted here")
    if "block_ff_dim" in fields:
        sizes["d_ff"] = fields["block_ff_dim"]
    if "tie_embedding" in fields:
        sizes["tied"] = fields["tie_embedding"]


#: LFM2's layout (the model of ``Lfm2ForCausalLM`` and ``Lfm2VlModel``'s language model).
LFM2_NAMING = Naming(
    embeddings=Embeddings("embed_tokens"),
    stacks=(
        StackNames(
            layer="layers.*.",
            sublayers=(
                Sublayer(Norm("operator_norm", "operator norm")),
                Sublayer(
                    Attention(
                        AttentionNames(
                            q="self_attn.q_proj",
                            k="self_attn.k_proj",
                            v="self_attn.v_proj",
                            o="self_attn.out_proj",
                        )
                    ),
                    layers="attention_layers",
                ),
                Sublayer(
                    QKNorm("self_attn.q_layernorm", "self_attn.k_layernorm"),
                    layers="attention_layers",
                ),
                Sublayer(ShortConv(), layers="conv_layers"),
                Sublayer(
                    Mlp(
                        MlpNames(
                            up="feed_forward.w3", down="feed_forward.w2", gate="feed_forward.w1"
                        ),
                        width="ffn_width",
                    ),
                    "ffn_norm",
                ),
            ),
            final_norm="embedding_norm",
        ),
    ),
    heads=(
        ("lm", Head("the LM head (Lfm2ForCausalLM)", (LmHead("lm_head"),), "model.")),
        ("none", Head("the base model (Lfm2Model)")),
    ),
)

LFM2 = TransformerFamily(
    name="lfm2",
    description="LFM2: a hybrid decoder of attention and gated short-convolution layers "
    "(transformers Lfm2*)",
    naming=LFM2_NAMING,
    defaults=(
        ("d_model", 2560),
        ("layers", 32),
        ("heads", 32),
        ("kv_heads", 8),
        ("vocab", 65536),
        ("d_ff", 12288),
        ("head", "lm"),
        ("tied", True),
        ("kernel", 3),
        ("conv_bias", False),
        ("ffn_adjust", True),
        ("ffn_multiple", 256),
        ("ffn_multiplier", 1.0),
    ),
    gated=True,
    even_rotary=True,
    own_keywords=(
        ATTENTION_LAYERS,
        _CONV_LAYERS,
        _KERNEL,
        _CONV_BIAS,
        _WIDTH,
        _ADJUST,
        _MULTIPLE,
        _MULTIPLIER,
    ),
    rules=(
        SizeRule(
            "attention_layers",
            ("layers",),
            lambda layers: layers,
            "layers (every layer attends unless a pattern says)",
        ),
        SizeRule(
            "conv_layers",
            ("layers", "attention_layers"),
            lambda layers, attending: layers - attending,
            "layers - attention_layers",
        ),
        SizeRule(
            "ffn_width",
            ("d_ff", "ffn_adjust", "ffn_multiple", "ffn_multiplier"),
            lfm2_ffn,
            "LFM2's rule: int(2 d_ff / 3), x ffn_multiplier, rounded up to ffn_multiple",
        ),
    ),
    structural=frozenset(("ffn_multiple",)),
    checks=(_check,),
    hf=HFBinding(
        ("lfm2",),
        fields=(
            ("d_model", "hidden_size"),
            ("layers", "num_hidden_layers"),
            ("heads", "num_attention_heads"),
            ("kv_heads", "num_key_value_heads"),
            ("d_ff", "intermediate_size"),
            ("vocab", "vocab_size"),
            ("tied", "tie_word_embeddings"),
            ("kernel", "conv_L_cache"),
            ("conv_bias", "conv_bias"),
            ("ffn_adjust", "block_auto_adjust_ff_dim"),
            ("ffn_multiple", "block_multiple_of"),
            ("ffn_multiplier", "block_ffn_dim_multiplier"),
        ),
        read=_read,
        probes=({}, {"layer_types": ["conv", "full_attention"], "num_hidden_layers": 2}),
        accepted=({"hidden_size": 30, "num_attention_heads": 4, "num_key_value_heads": 2},),
    ),
)
