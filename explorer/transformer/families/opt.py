"""OPT (Zhang et al. 2022): a decoder under ``decoder.``, learned positions in a table two
rows longer than the context (position ids are shifted by 2), q/k/v/out projections and an
MLP (``fc1``, ``fc2``) with biases unless ``enable_bias`` is false, a LayerNorm before each
(after each with ``do_layer_norm_before`` false, OPT-350M: then no final norm), the LM head
tied. Where the token embedding is narrower than the layers (``word_embed_proj_dim``,
OPT-350M's 512 against 1024), ``project_in`` takes it up and ``project_out`` takes the last
layer's output back down for the heads. ``layer_norm_elementwise_affine`` false: norms
without parameters.

Per layer 4 d^2 + 2 d d_ff + 9 d + d_ff.

Example:
    >>> OPT.hf.field_of("embed_dim"), OPT.default_map["context"]
    ('word_embed_proj_dim', 2048)
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import InvalidSizeError
from explorer.families import HFBinding, Keyword, check, derived
from explorer.transformer import (
    Attention,
    AttentionNames,
    Classifier,
    Embeddings,
    Head,
    LearnedPositions,
    LmHead,
    Mlp,
    MlpNames,
    Naming,
    Norm,
    Projection,
    StackNames,
    Sublayer,
    TransformerFamily,
)

__all__ = ["OPT"]

_EMBED = Keyword(
    "embed_dim",
    "token embedding width where narrower than d_model (projected in and out)",
    kind="part",
    symbol="d_e",
    aliases=("word_embed_proj_dim",),
)
_FINAL = Keyword("final_norm", "a LayerNorm after the last layer", kind="flag")
_AFFINE = Keyword(
    "elementwise_affine",
    "the LayerNorms keep a scale and a shift (false: no parameters)",
    kind="flag",
    aliases=("layer_norm_elementwise_affine",),
)


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The final norm follows two fields; an embedding width equal to the hidden size
    builds no projections."""
    sizes["final_norm"] = bool(fields.get("do_layer_norm_before")) and not fields.get(
        "_remove_final_layer_norm"
    )
    if sizes.get("embed_dim") == sizes.get("d_model"):
        sizes.pop("embed_dim", None)


def _projected(values: Mapping[str, Any]) -> None:
    """An embedding width equal to d_model is no projection (OPT then builds none)."""
    embed, d = values.get("embed_dim"), values.get("d_model")
    if isinstance(embed, int) and embed == d:
        raise InvalidSizeError(
            f"embed_dim ({embed}) equals d_model: OPT projects nothing then; leave embed_dim out"
        )


_EMBED_HEADS = "embed_dim"

OPT = TransformerFamily(
    name="opt",
    description="OPT decoder: learned positions offset by 2, LayerNorm, biases, projections "
    "in and out of a narrower embedding (transformers OPT*)",
    hf=HFBinding(
        ("opt",),
        fields=(
            ("d_model", "hidden_size"),
            ("layers", "num_hidden_layers"),
            ("heads", "num_attention_heads"),
            ("d_ff", "ffn_dim"),
            ("vocab", "vocab_size"),
            ("context", "max_position_embeddings"),
            ("embed_dim", "word_embed_proj_dim"),
            ("attention_bias", "enable_bias"),
            ("mlp_bias", "enable_bias"),
            ("elementwise_affine", "layer_norm_elementwise_affine"),
            ("tied", "tie_word_embeddings"),
            ("labels", "num_labels"),
        ),
        read=_read,
        derived=(
            derived(
                "word_embed_proj_dim",
                "null",
                "copy",
                "hidden_size",
                note="the embedding as wide as the layers unless given",
            ),
        ),
        checks=(check("divisible", "hidden_size", "num_attention_heads", stage="model"),),
        probes=(
            {},
            {"hidden_size": 16, "num_attention_heads": 4, "word_embed_proj_dim": 8},
            {"hidden_size": 16, "num_attention_heads": 2, "word_embed_proj_dim": 16},
        ),
        refused=(({"hidden_size": 12, "num_attention_heads": 5}, "model"),),
    ),
    naming=Naming(
        embeddings=Embeddings("decoder.embed_tokens", width=_EMBED_HEADS),
        stacks=(
            StackNames(
                layer="decoder.layers.*.",
                sublayers=(
                    Sublayer(
                        Attention(
                            AttentionNames(
                                q="self_attn.q_proj",
                                k="self_attn.k_proj",
                                v="self_attn.v_proj",
                                o="self_attn.out_proj",
                            )
                        ),
                        "self_attn_layer_norm",
                    ),
                    Sublayer(Mlp(MlpNames(up="fc1", down="fc2")), "final_layer_norm"),
                ),
                before=(
                    LearnedPositions("decoder.embed_positions", offset=2),
                    Projection("decoder.project_in", "in"),
                ),
                after=(
                    Norm("decoder.final_layer_norm", "final norm", when="final_norm"),
                    Projection("decoder.project_out", "out"),
                ),
            ),
        ),
        heads=(
            ("none", Head("the base model (OPTModel)")),
            (
                "lm",
                Head(
                    "the LM head (OPTForCausalLM)",
                    (LmHead("lm_head", width=_EMBED_HEADS),),
                    "model.",
                ),
            ),
            (
                "classifier",
                Head(
                    "a sequence classifier (OPTForSequenceClassification)",
                    (
                        Classifier(
                            "score", "labels", bias=False, title="classifier", width=_EMBED_HEADS
                        ),
                    ),
                    "model.",
                ),
            ),
            (
                "qa",
                Head(
                    "question answering (OPTForQuestionAnswering)",
                    (Classifier("qa_outputs", 2, title="answer span", width=_EMBED_HEADS),),
                    "model.",
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 768),
        ("layers", 12),
        ("heads", 12),
        ("d_ff", 3072),
        ("vocab", 50272),
        ("context", 2048),
        ("head", "lm"),
        ("tied", True),
        ("labels", 2),
        ("final_norm", True),
        ("elementwise_affine", True),
    ),
    options=frozenset(("context", "labels", "attention_bias", "mlp_bias")),
    own_keywords=(_EMBED, _FINAL, _AFFINE),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    divisible="always",
    checks=(_projected,),
)
