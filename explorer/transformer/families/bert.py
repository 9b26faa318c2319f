"""BERT (Devlin et al. 2019): word, position and token-type embeddings with a LayerNorm,
post-LayerNorm encoder layers, biases everywhere, a pooler, and the masked-LM and
next-sentence heads.

Example:
    >>> BERT.default_map["type_vocab"]
    2
"""

from explorer.transformer import (
    CROSS,
    Attention,
    AttentionNames,
    Classifier,
    Embeddings,
    Head,
    MaskedLmHead,
    Mlp,
    MlpNames,
    Naming,
    Pooler,
    StackNames,
    Sublayer,
    TransformerFamily,
)

__all__ = ["BERT"]

_POOLER = Pooler("pooler.dense")
_MLM = MaskedLmHead()
_NSP = Classifier("cls.seq_relationship", 2, title="next-sentence classifier", per_sequence=True)


def _attention(prefix: str) -> AttentionNames:
    return AttentionNames(
        q=f"{prefix}.self.query",
        k=f"{prefix}.self.key",
        v=f"{prefix}.self.value",
        o=f"{prefix}.output.dense",
    )


BERT = TransformerFamily(
    name="bert",
    description="BERT encoder: word, position and type embeddings, post-LayerNorm layers, "
    "pooler, masked-LM and next-sentence heads (transformers Bert*)",
    model_type="bert",
    naming=Naming(
        embeddings=Embeddings(
            "embeddings.word_embeddings",
            positions="embeddings.position_embeddings",
            types="embeddings.token_type_embeddings",
            norm="embeddings.LayerNorm",
        ),
        stacks=(
            StackNames(
                layer="encoder.layer.*.",
                sublayers=(
                    Sublayer(Attention(_attention("attention")), "attention.output.LayerNorm"),
                    Sublayer(
                        Attention(_attention("crossattention"), cross=True),
                        "crossattention.output.LayerNorm",
                        when=CROSS,
                    ),
                    Sublayer(
                        Mlp(MlpNames(up="intermediate.dense", down="output.dense")),
                        "output.LayerNorm",
                    ),
                ),
            ),
        ),
        heads=(
            ("none", Head("the base model with its pooler (BertModel)", (_POOLER,))),
            ("mlm", Head("the masked-LM head (BertForMaskedLM)", (_MLM,), "bert.")),
            ("lm", Head("a causal LM head (BertLMHeadModel)", (_MLM,), "bert.")),
            (
                "pretraining",
                Head(
                    "masked-LM and next-sentence heads (BertForPreTraining)",
                    (_POOLER, _MLM, _NSP),
                    "bert.",
                ),
            ),
            (
                "nsp",
                Head(
                    "the next-sentence head (BertForNextSentencePrediction)",
                    (_POOLER, _NSP),
                    "bert.",
                ),
            ),
            (
                "classifier",
                Head(
                    "a sequence classifier (BertForSequenceClassification)",
                    (
                        _POOLER,
                        Classifier("classifier", "labels", title="classifier", per_sequence=True),
                    ),
                    "bert.",
                ),
            ),
            (
                "token",
                Head(
                    "a token classifier (BertForTokenClassification)",
                    (Classifier("classifier", "labels", title="token classifier"),),
                    "bert.",
                ),
            ),
            (
                "qa",
                Head(
                    "question answering (BertForQuestionAnswering)",
                    (Classifier("qa_outputs", "labels", title="answer span"),),
                    "bert.",
                ),
            ),
            (
                "multiple_choice",
                Head(
                    "multiple choice (BertForMultipleChoice)",
                    (
                        _POOLER,
                        Classifier("classifier", 1, title="choice score", per_sequence=True),
                    ),
                    "bert.",
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 768),
        ("layers", 12),
        ("heads", 12),
        ("vocab", 30522),
        ("context", 512),
        ("type_vocab", 2),
        ("head", "none"),
        ("tied", True),
        ("labels", 2),
    ),
    options=frozenset(("context", "type_vocab", "labels", "cross_attention")),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    d_ff_rule="times4",
    divisible="always",
    causal=False,
)
