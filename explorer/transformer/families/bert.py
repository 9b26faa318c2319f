"""BERT (Devlin et al. 2019): word, position and token-type embeddings with a LayerNorm,
post-LayerNorm encoder layers, biases everywhere, a pooler, and the masked-LM and
next-sentence heads.

Example:
    >>> BERT.default_map["type_vocab"]
    2
"""

from explorer.families import HFBinding, check
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

__all__ = ["BERT", "BERT_CHECKS", "BERT_EMBEDDINGS", "BERT_ENCODER", "BERT_FIELDS"]

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


#: BERT's embedding tables (words, positions, token types) and their LayerNorm; RoBERTa's too.
BERT_EMBEDDINGS = Embeddings(
    "embeddings.word_embeddings",
    positions="embeddings.position_embeddings",
    types="embeddings.token_type_embeddings",
    norm="embeddings.LayerNorm",
)
#: BERT's encoder layers (post-norm self-attention, cross-attention in a decoder, MLP);
#: RoBERTa's too.
BERT_ENCODER = StackNames(
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
)


#: The config fields of BERT's configs (RoBERTa's too) and the keywords they set.
BERT_FIELDS = (
    ("d_model", "hidden_size"),
    ("layers", "num_hidden_layers"),
    ("heads", "num_attention_heads"),
    ("d_ff", "intermediate_size"),
    ("vocab", "vocab_size"),
    ("context", "max_position_embeddings"),
    ("type_vocab", "type_vocab_size"),
    ("tied", "tie_word_embeddings"),
    ("cross_attention", "add_cross_attention"),
    ("labels", "num_labels"),
)
#: What the model refuses: heads that do not divide the width (unless an embedding size
#: is given), cross-attention in an encoder.
BERT_CHECKS = (
    check(
        "divisible",
        "hidden_size",
        "num_attention_heads",
        stage="model",
        unless_present=("embedding_size",),
    ),
    check("requires", "add_cross_attention", "is_decoder", stage="model"),
)

BERT = TransformerFamily(
    name="bert",
    description="BERT encoder: word, position and type embeddings, post-LayerNorm layers, "
    "pooler, masked-LM and next-sentence heads (transformers Bert*)",
    hf=HFBinding(
        ("bert",),
        fields=BERT_FIELDS,
        checks=BERT_CHECKS,
        probes=({}, {"hidden_size": 12, "num_attention_heads": 3}),
        refused=(
            ({"hidden_size": 12, "num_attention_heads": 5}, "model"),
            ({"add_cross_attention": True}, "model"),
        ),
        accepted=({"hidden_size": 12, "num_attention_heads": 5, "embedding_size": 12},),
    ),
    naming=Naming(
        embeddings=BERT_EMBEDDINGS,
        stacks=(BERT_ENCODER,),
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
