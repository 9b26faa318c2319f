"""T5 (Raffel et al. 2020): an encoder and a decoder (with cross-attention), RMS-style
LayerNorms without biases, no biases at all, a relative position bias in each stack's first
layer, attention of heads x head_dim independent of d_model, a plain or gated MLP, the
token embedding shared by both stacks and the LM head.

Example:
    >>> T5.default_map["head_dim"], T5.default_map["buckets"]
    (64, 32)
"""

from explorer.transformer import (
    CROSS,
    Attention,
    AttentionNames,
    Classifier,
    Embeddings,
    Head,
    LmHead,
    Mlp,
    MlpNames,
    Naming,
    StackNames,
    Sublayer,
    TransformerFamily,
)

__all__ = ["T5"]


def _attention(layer: int, name: str) -> AttentionNames:
    prefix = f"layer.{layer}.{name}"
    return AttentionNames(q=f"{prefix}.q", k=f"{prefix}.k", v=f"{prefix}.v", o=f"{prefix}.o")


def _mlp(layer: int, norm: str) -> Sublayer:
    prefix = f"layer.{layer}.DenseReluDense"
    return Sublayer(
        Mlp(
            MlpNames(up=f"{prefix}.wi_1", down=f"{prefix}.wo", gate=f"{prefix}.wi_0"),
            plain=MlpNames(up=f"{prefix}.wi", down=f"{prefix}.wo"),
        ),
        norm,
    )


def _self_attention() -> Attention:
    """Each stack's self-attention, its relative position bias in the first layer."""
    return Attention(
        _attention(0, "SelfAttention"), relative="layer.0.SelfAttention.relative_attention_bias"
    )


T5 = TransformerFamily(
    name="t5",
    description="T5 encoder-decoder: relative position bias, no biases, plain or gated MLP, "
    "shared embedding (transformers T5*)",
    model_type="t5",
    naming=Naming(
        embeddings=Embeddings("shared"),
        stacks=(
            StackNames(
                layer="encoder.block.*.",
                sublayers=(
                    Sublayer(_self_attention(), "layer.0.layer_norm"),
                    _mlp(1, "layer.1.layer_norm"),
                ),
                final_norm="encoder.final_layer_norm",
            ),
            StackNames(
                layer="decoder.block.*.",
                sublayers=(
                    Sublayer(_self_attention(), "layer.0.layer_norm"),
                    Sublayer(
                        Attention(_attention(1, "EncDecAttention"), cross=True),
                        "layer.1.layer_norm",
                        when=CROSS,
                    ),
                    _mlp(2, "layer.2.layer_norm"),
                ),
                final_norm="decoder.final_layer_norm",
                decoder=True,
            ),
        ),
        heads=(
            ("none", Head("encoder and decoder (T5Model)")),
            (
                "lm",
                Head("the LM head (T5ForConditionalGeneration)", (LmHead("lm_head"),)),
            ),
            ("encoder", Head("the encoder alone (T5EncoderModel)", decoder=False)),
            (
                "classifier",
                Head(
                    "a sequence classifier (T5ForSequenceClassification)",
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
                    "transformer.",
                ),
            ),
            (
                "token",
                Head(
                    "a token classifier on the encoder (T5ForTokenClassification)",
                    (Classifier("classifier", "labels", title="token classifier"),),
                    "transformer.",
                    decoder=False,
                ),
            ),
            (
                "qa",
                Head(
                    "question answering (T5ForQuestionAnswering)",
                    (Classifier("qa_outputs", "labels", title="answer span"),),
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 512),
        ("layers", 6),
        ("heads", 8),
        ("head_dim", 64),
        ("vocab", 32128),
        ("buckets", 32),
        ("head", "lm"),
        ("tied", True),
        ("labels", 2),
    ),
    options=frozenset(("decoder_layers", "labels", "buckets", "gated")),
    d_ff_rule="times4",
    encoder_decoder=True,
    relative=True,
    causal=False,
)
