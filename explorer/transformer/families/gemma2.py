"""Gemma 2 (Gemma Team 2024): Gemma's layout with sandwich norms (four RMSNorms per layer:
before and after the attention, before and after the MLP), a head_dim of its own (256 by
default), the LM head tied to the token embedding, local (sliding-window) and global
attention alternating (every second layer global, or as ``layer_types`` says); logit
soft-capping and the query scale hold no parameter. Heads must divide d_model (the config
refuses otherwise, even with a head_dim given).

Per layer d d_h (2 n_h + 2 n_kv) + 3 d d_ff + 4 d.

Example:
    >>> import explorer
    >>> c = explorer.count("gemma2", d_model=64, layers=2, heads=4, head_dim=16, vocab=100,
    ...                    d_ff=96)
    >>> c.breakdown["model.layers.*.pre_feedforward_layernorm.weight"]
    128
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConfigError
from explorer.families import HFBinding, check
from explorer.transformer import (
    DECODER_ATTENTION,
    DECODER_FIELDS,
    DECODER_MLP,
    WINDOW,
    WINDOW_FROM,
    WINDOW_PERIOD,
    WINDOW_PERIOD_CHOICE,
    Embeddings,
    Naming,
    Norm,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
    layer_types_reader,
)

__all__ = ["GEMMA2"]

_WINDOWS = layer_types_reader(period=2)


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The windowed layers; a Gemma 2 that attends both ways is no decoder this counts."""
    if fields.get("use_bidirectional_attention"):
        raise ConfigError(
            "use_bidirectional_attention: a Gemma 2 attending both ways is an encoder; its "
            "compute and cache are not counted as a decoder's (remove it to count the decoder)"
        )
    _WINDOWS(fields, model, sizes)


GEMMA2 = TransformerFamily(
    name="gemma2",
    description="Gemma 2 decoder: four norms per layer, head_dim of its own, tied LM head, "
    "local and global attention alternating (transformers Gemma2*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "input_layernorm"),
                    Sublayer(Norm("post_attention_layernorm", "post-attention norm")),
                    Sublayer(DECODER_MLP, "pre_feedforward_layernorm"),
                    Sublayer(Norm("post_feedforward_layernorm", "post-MLP norm")),
                ),
                final_norm="norm",
            ),
        ),
        heads=tuple((n, h) for n, h in decoder_heads("Gemma2") if n != "qa"),
    ),
    defaults=(
        ("d_model", 2304),
        ("layers", 26),
        ("heads", 8),
        ("kv_heads", 4),
        ("head_dim", 256),
        ("vocab", 256000),
        ("d_ff", 9216),
        ("head", "lm"),
        ("tied", True),
        ("labels", 2),
        ("window", 4096),
        ("window_period", 2),
    ),
    options=frozenset(("labels", "classifier_bias", "attention_bias")),
    gated=True,
    divisible="always",
    even_rotary=True,
    own_keywords=(WINDOW, WINDOW_PERIOD, WINDOW_FROM),
    own_choices=(WINDOW_PERIOD_CHOICE,),
    structural=frozenset(("window", "window_period", "window_from")),
    hf=HFBinding(
        ("gemma2",),
        fields=(
            *DECODER_FIELDS,
            ("head_dim", "head_dim"),
            ("attention_bias", "attention_bias"),
            ("window", "sliding_window"),
        ),
        null_means_none=frozenset(("window",)),
        token_classification_bias=True,
        read=_read,
        checks=(
            check("divisible", "hidden_size", "num_attention_heads"),
            check("even_rotary_head_dim", "head_dim"),
        ),
        probes=({}, {"head_dim": 8, "num_attention_heads": 4, "hidden_size": 32}),
        refused=(
            ({"head_dim": 5}, "config"),
            ({"hidden_size": 30, "num_attention_heads": 4}, "config"),
            ({"num_hidden_layers": 2, "layer_types": ["full_attention"]}, "config"),
        ),
        accepted=({"hidden_size": 32, "num_attention_heads": 4, "head_dim": 6},),
    ),
)
