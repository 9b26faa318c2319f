"""BERT (Devlin et al. 2019): word, position and token-type embeddings with a LayerNorm,
post-LayerNorm encoder layers, biases everywhere, a pooler, and the masked-LM and
next-sentence heads.

Example:
    >>> BERT.default_map["type_vocab"]
    2
"""

from explorer.blocks.attention import AttentionNames
from explorer.blocks.mlp import MlpNames
from explorer.families._transformer import TransformerFamily
from explorer.families._transformer_naming import Head, HeadPart, Naming, StackNames, Sublayer

__all__ = ["BERT"]

_POOLER = HeadPart("pooler", "pooler.dense", "d_model", inside=True, title="pooler")
_MLM = HeadPart("mlm")
_NSP = HeadPart(
    "linear", "cls.seq_relationship", 2, title="next-sentence classifier", per_sequence=True
)


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
        token="embeddings.word_embeddings",
        positions="embeddings.position_embeddings",
        types="embeddings.token_type_embeddings",
        embedding_norm="embeddings.LayerNorm",
        stacks=(
            StackNames(
                layer="encoder.layer.*.",
                sublayers=(
                    Sublayer("attention", _attention("attention"), "attention.output.LayerNorm"),
                    Sublayer(
                        "cross", _attention("crossattention"), "crossattention.output.LayerNorm"
                    ),
                    Sublayer(
                        "mlp",
                        MlpNames(up="intermediate.dense", down="output.dense"),
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
                        HeadPart(
                            "linear", "classifier", "labels", title="classifier", per_sequence=True
                        ),
                    ),
                    "bert.",
                ),
            ),
            (
                "token",
                Head(
                    "a token classifier (BertForTokenClassification)",
                    (HeadPart("linear", "classifier", "labels", title="token classifier"),),
                    "bert.",
                ),
            ),
            (
                "qa",
                Head(
                    "question answering (BertForQuestionAnswering)",
                    (HeadPart("linear", "qa_outputs", "labels", title="answer span"),),
                    "bert.",
                ),
            ),
            (
                "multiple_choice",
                Head(
                    "multiple choice (BertForMultipleChoice)",
                    (
                        _POOLER,
                        HeadPart(
                            "linear", "classifier", 1, title="choice score", per_sequence=True
                        ),
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
