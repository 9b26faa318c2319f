"""BART (Lewis et al. 2020): an encoder and a decoder (with cross-attention, ``encoder_attn``)
of post-LayerNorm layers with biases everywhere; each stack has its own learned position
table, two rows longer than the context (position ids are shifted by 2), and a LayerNorm
after its embeddings (``layernorm_embedding``); no norm after the last layer. The token
embedding ``shared`` is read by both stacks and the LM head when tied (the default);
untied, each stack keeps a table of its own (``encoder.embed_tokens``,
``decoder.embed_tokens``) beside it. The decoder's MLP is ``decoder_ffn_dim`` wide
(``decoder_d_ff``; omitted, as the encoder's). ``BartForCausalLM`` is the decoder
alone, its token table ``decoder.embed_tokens``; its cross-attention is built but runs only
when given an encoder's output. The heads split d_model evenly (encoder and decoder heads
alike) and change no count.

Per encoder layer 4 d^2 + 2 d d_ff + 9 d + d_ff; per decoder layer 8 d^2 + 2 d d_ff^dec
+ 15 d + d_ff^dec.

Example:
    >>> BART.default_map["labels"], BART.hf.field_of("decoder_d_ff")
    (3, 'decoder_ffn_dim')
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConfigError
from explorer.families import HFBinding, Keyword, SearchChoice, check, derived
from explorer.transformer import (
    CROSS,
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
    StackNames,
    Sublayer,
    TransformerFamily,
)

__all__ = ["BART"]

_DECODER_FF = Keyword(
    "decoder_d_ff",
    "the decoder's feed-forward width (omitted: as d_ff)",
    kind="part",
    symbol="d_ff_dec",
    aliases=("decoder_ffn_dim",),
)
#: Sizes the config class declares nullable that no BART model builds with null.
_NOT_NULL = (
    "d_model",
    "encoder_layers",
    "decoder_layers",
    "encoder_ffn_dim",
    "decoder_ffn_dim",
    "encoder_attention_heads",
    "decoder_attention_heads",
)


def _attention(name: str) -> AttentionNames:
    return AttentionNames(
        q=f"{name}.q_proj", k=f"{name}.k_proj", v=f"{name}.v_proj", o=f"{name}.out_proj"
    )


def _not_null(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """A null size builds no BART model: refused by name."""
    for name in _NOT_NULL:
        if fields.get(name) is None:
            raise ConfigError(f"{name} must not be null for {model}")


def _stack(name: str, *, decoder: bool) -> StackNames:
    """One stack: its own positions and embedding norm, then its layers."""
    sublayers = [Sublayer(Attention(_attention("self_attn")), "self_attn_layer_norm")]
    if decoder:
        sublayers.append(
            Sublayer(
                Attention(_attention("encoder_attn"), cross=True),
                "encoder_attn_layer_norm",
                when=CROSS,
            )
        )
    sublayers.append(
        Sublayer(
            Mlp(
                MlpNames(up="fc1", down="fc2"),
                width="decoder_d_ff" if decoder else "",
                width_optional=True,
            ),
            "final_layer_norm",
        )
    )
    return StackNames(
        layer=f"{name}.layers.*.",
        sublayers=tuple(sublayers),
        decoder=decoder,
        before=(
            LearnedPositions(f"{name}.embed_positions", offset=2),
            Norm(f"{name}.layernorm_embedding", "embedding norm"),
        ),
    )


BART = TransformerFamily(
    name="bart",
    description="BART encoder-decoder: learned positions offset by 2 per stack, post-"
    "LayerNorm layers, biases, a norm after each stack's embeddings (transformers Bart*)",
    hf=HFBinding(
        ("bart",),
        fields=(
            ("d_model", "d_model"),
            ("layers", "encoder_layers"),
            ("decoder_layers", "decoder_layers"),
            ("heads", "encoder_attention_heads"),
            ("d_ff", "encoder_ffn_dim"),
            ("decoder_d_ff", "decoder_ffn_dim"),
            ("vocab", "vocab_size"),
            ("context", "max_position_embeddings"),
            ("tied", "tie_word_embeddings"),
            ("labels", "num_labels"),
        ),
        heads=(("ForCausalLM", "decoder_lm"),),
        read=_not_null,
        derived=(
            derived(
                "num_labels",
                {"missing": ["num_labels", "id2label"]},
                "const",
                3,
                note="BartConfig's classifiers have three labels unless told otherwise",
            ),
        ),
        checks=(
            check("divisible", "d_model", "encoder_attention_heads", stage="model"),
            check("divisible", "d_model", "decoder_attention_heads", stage="model"),
        ),
        probes=(
            {},
            {"num_labels": 2, "d_model": 24, "encoder_attention_heads": 3},
            {"id2label": {"0": "a", "1": "b", "2": "c", "3": "d"}},
        ),
        refused=(
            ({"d_model": 12, "encoder_attention_heads": 5, "decoder_attention_heads": 4}, "model"),
            ({"d_model": 12, "encoder_attention_heads": 4, "decoder_attention_heads": 5}, "model"),
        ),
    ),
    naming=Naming(
        embeddings=Embeddings(
            "shared",
            copies=(("encoder.embed_tokens", "encoder"), ("decoder.embed_tokens", "decoder")),
        ),
        stacks=(_stack("encoder", decoder=False), _stack("decoder", decoder=True)),
        heads=(
            ("none", Head("encoder and decoder (BartModel)")),
            (
                "lm",
                Head("the LM head (BartForConditionalGeneration)", (LmHead("lm_head"),), "model."),
            ),
            (
                "classifier",
                Head(
                    "a two-layer classifier on the last end-of-sequence token "
                    "(BartForSequenceClassification)",
                    (
                        Classifier(
                            "classification_head.dense", "d_model", title="dense", per_sequence=True
                        ),
                        Classifier(
                            "classification_head.out_proj",
                            "labels",
                            title="classifier",
                            per_sequence=True,
                        ),
                    ),
                    "model.",
                ),
            ),
            (
                "qa",
                Head(
                    "question answering (BartForQuestionAnswering)",
                    (Classifier("qa_outputs", 2, title="answer span"),),
                    "model.",
                ),
            ),
            (
                "decoder_lm",
                Head(
                    "the decoder alone with the LM head (BartForCausalLM)",
                    (LmHead("lm_head"),),
                    "model.",
                    encoder=False,
                    embeddings=Embeddings("decoder.embed_tokens"),
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 1024),
        ("layers", 12),
        ("heads", 16),
        ("d_ff", 4096),
        ("vocab", 50265),
        ("context", 1024),
        ("head", "lm"),
        ("tied", True),
        ("labels", 3),
    ),
    options=frozenset(("decoder_layers", "context", "labels")),
    own_keywords=(_DECODER_FF,),
    own_choices=(SearchChoice("decoder_layers", "decoder depths", "int", "decoder_layers", ""),),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    divisible="always",
    encoder_decoder=True,
    causal=False,
)
