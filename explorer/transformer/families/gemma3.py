"""Gemma 3's text model (Gemma Team 2025; model type ``gemma3_text``): Gemma 2's sandwich norms
and head_dim of its own, with RMSNorms of each head's queries and keys (``q_norm``,
``k_norm``: head_dim scales each, shared by the heads); five local (sliding-window) layers to
one global (``sliding_window_pattern`` 6, or as ``layer_types`` says); the LM head tied to
the token embedding. Heads must divide d_model (the config refuses otherwise).

Per layer d d_h (2 n_h + 2 n_kv) + 3 d d_ff + 4 d + 2 d_h.

Example:
    >>> GEMMA3_TEXT.default_map["window_period"], GEMMA3_TEXT.hf.model_types
    (6, ('gemma3_text',))
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
    Classifier,
    Embeddings,
    Head,
    LmHead,
    Naming,
    Norm,
    QKNorm,
    StackNames,
    Sublayer,
    TransformerFamily,
    layer_types_reader,
)

__all__ = ["GEMMA3_TEXT"]

_WINDOWS = layer_types_reader(period=6, period_field="sliding_window_pattern")


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The windowed layers; a Gemma 3 that attends both ways (EmbeddingGemma) is no decoder
    this counts."""
    if fields.get("use_bidirectional_attention"):
        raise ConfigError(
            "use_bidirectional_attention: a Gemma 3 attending both ways is an encoder (its "
            "window halved); its compute and cache are not counted as a decoder's"
        )
    _WINDOWS(fields, model, sizes)


GEMMA3_TEXT = TransformerFamily(
    name="gemma3_text",
    description="Gemma 3 text decoder: four norms per layer, per-head query/key RMSNorms, "
    "five local layers to one global, tied LM head (transformers Gemma3Text*)",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "input_layernorm"),
                    Sublayer(QKNorm("self_attn.q_norm", "self_attn.k_norm")),
                    Sublayer(Norm("post_attention_layernorm", "post-attention norm")),
                    Sublayer(DECODER_MLP, "pre_feedforward_layernorm"),
                    Sublayer(Norm("post_feedforward_layernorm", "post-MLP norm")),
                ),
                final_norm="norm",
            ),
        ),
        heads=(
            ("none", Head("the base model (Gemma3TextModel)")),
            ("lm", Head("the LM head (Gemma3ForCausalLM)", (LmHead("lm_head"),), "model.")),
            (
                "classifier",
                Head(
                    "a sequence classifier (Gemma3TextForSequenceClassification)",
                    (Classifier("score", "labels", bias=False, title="classifier"),),
                    "model.",
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 2304),
        ("layers", 26),
        ("heads", 8),
        ("kv_heads", 4),
        ("head_dim", 256),
        ("vocab", 262208),
        ("d_ff", 9216),
        ("head", "lm"),
        ("tied", True),
        ("labels", 2),
        ("window", 4096),
        ("window_period", 6),
    ),
    options=frozenset(("labels", "attention_bias")),
    gated=True,
    divisible="always",
    even_rotary=True,
    own_keywords=(WINDOW, WINDOW_PERIOD, WINDOW_FROM),
    own_choices=(WINDOW_PERIOD_CHOICE,),
    structural=frozenset(("window", "window_period", "window_from")),
    hf=HFBinding(
        ("gemma3_text",),
        fields=(
            *DECODER_FIELDS,
            ("head_dim", "head_dim"),
            ("attention_bias", "attention_bias"),
            ("window", "sliding_window"),
            ("window_period", "sliding_window_pattern"),
        ),
        null_means_none=frozenset(("window",)),
        read=_read,
        checks=(
            check("divisible", "hidden_size", "num_attention_heads"),
            check("even_rotary_head_dim", "head_dim"),
        ),
        probes=({}, {"head_dim": 8, "num_attention_heads": 4, "hidden_size": 32}),
        refused=(
            ({"head_dim": 5}, "config"),
            ({"hidden_size": 30, "num_attention_heads": 4}, "config"),
        ),
        accepted=({"hidden_size": 32, "num_attention_heads": 4, "head_dim": 6},),
    ),
)
