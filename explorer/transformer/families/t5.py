"""T5 (Raffel et al. 2020): an encoder and a decoder (with cross-attention), RMS-style
LayerNorms without biases, no biases at all, a relative position bias in each stack's first
layer, attention of heads x head_dim independent of d_model, a plain or gated MLP, the
token embedding shared by both stacks and the LM head.

Example:
    >>> T5.default_map["head_dim"], T5.default_map["buckets"]
    (64, 32)
"""

from explorer.families import HFBinding, check, derived
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
    hf=HFBinding(
        ("t5",),
        fields=(
            ("d_model", "d_model"),
            ("layers", "num_layers"),
            ("decoder_layers", "num_decoder_layers"),
            ("heads", "num_heads"),
            ("head_dim", "d_kv"),
            ("d_ff", "d_ff"),
            ("vocab", "vocab_size"),
            ("buckets", "relative_attention_num_buckets"),
            ("gated", "is_gated_act"),
            ("tied", "tie_word_embeddings"),
            ("labels", "num_labels"),
        ),
        from_file_only=frozenset(("decoder_layers",)),
        derived=(
            derived(
                "num_decoder_layers",
                "null",
                "copy",
                "num_layers",
                note="decoder as deep as the encoder unless given",
            ),
            derived(
                "dense_act_fn",
                "always",
                "last_part",
                "feed_forward_proj",
                "-",
                note="'gated-gelu' -> 'gelu', 'relu' -> 'relu' (then the next rule)",
            ),
            derived(
                "dense_act_fn",
                {"equals": ["feed_forward_proj", "gated-gelu"]},
                "const",
                "gelu_new",
                note="gated-gelu means the tanh approximation",
            ),
            derived(
                "is_gated_act",
                "always",
                "first_part_is",
                "feed_forward_proj",
                "-",
                "gated",
                note="gated: wi_0 and wi_1 [d_ff, d_model] instead of one wi",
            ),
            derived(
                "scale_decoder_outputs",
                "always",
                "given_not_false",
                "tie_word_embeddings",
                note="the tie_word_embeddings argument is reused here",
            ),
            derived(
                "tie_word_embeddings",
                "always",
                "const",
                True,
                note="forced: a model built from any T5 config ties lm_head to shared",
            ),
        ),
        checks=(check("act_format", "feed_forward_proj"),),
        probes=(
            {},
            {"feed_forward_proj": "gated-gelu", "tie_word_embeddings": False},
            {"feed_forward_proj": "gated-silu", "num_layers": 3, "num_decoder_layers": 1},
            {"feed_forward_proj": "gelu", "tie_word_embeddings": True, "hidden_size": 16},
        ),
        refused=(
            ({"feed_forward_proj": "gated-gelu-x"}, "config"),
            ({"feed_forward_proj": "fast-gelu"}, "config"),
        ),
    ),
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
