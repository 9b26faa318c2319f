"""RoBERTa and XLM-RoBERTa (Liu et al. 2019; Conneau et al. 2020): BERT's encoder under
the ``roberta.`` prefix, with its own heads: ``lm_head`` (dense, LayerNorm, the decoder
tied to the word embedding and its bias), a classification head of two layers on the first
token (``classifier.dense``, ``classifier.out_proj``), no pooler but in the base model and
the multiple-choice class. The position table has ``max_position_embeddings`` rows (514
in the released models): position ids start after the padding id, so 512 tokens fit, but
the table is counted as built. XLM-RoBERTa is the same architecture with a larger
vocabulary.

Per layer 4 d^2 + 2 d d_ff + 9 d + d_ff (biases and two LayerNorms).

Example:
    >>> ROBERTA.hf.model_types, ROBERTA.default_map["context"]
    (('roberta', 'xlm-roberta'), 512)
"""

from explorer.families import HFBinding
from explorer.transformer import (
    Classifier,
    Head,
    MaskedLmHead,
    Naming,
    Pooler,
    TransformerFamily,
)
from explorer.transformer.families.bert import (
    BERT_CHECKS,
    BERT_EMBEDDINGS,
    BERT_ENCODER,
    BERT_FIELDS,
)

__all__ = ["ROBERTA"]

_POOLER = Pooler()
_LM = MaskedLmHead(
    transform="lm_head.dense",
    norm="lm_head.layer_norm",
    decoder="lm_head.decoder",
    bias="lm_head.bias",
)


ROBERTA = TransformerFamily(
    name="roberta",
    description="RoBERTa / XLM-RoBERTa encoder: BERT's layers, lm_head and a two-layer "
    "classification head (transformers Roberta*, XLMRoberta*)",
    hf=HFBinding(
        ("roberta", "xlm-roberta"),
        fields=BERT_FIELDS,
        checks=BERT_CHECKS,
        probes=({}, {"hidden_size": 12, "num_attention_heads": 3, "max_position_embeddings": 9}),
        refused=(
            ({"hidden_size": 12, "num_attention_heads": 5}, "model"),
            ({"add_cross_attention": True}, "model"),
        ),
        accepted=({"add_cross_attention": True, "is_decoder": True},),
    ),
    naming=Naming(
        embeddings=BERT_EMBEDDINGS,
        stacks=(BERT_ENCODER,),
        heads=(
            ("none", Head("the base model with its pooler (RobertaModel)", (_POOLER,))),
            ("mlm", Head("the masked-LM head (RobertaForMaskedLM)", (_LM,), "roberta.")),
            ("lm", Head("a causal LM head (RobertaForCausalLM)", (_LM,), "roberta.")),
            (
                "classifier",
                Head(
                    "a two-layer classifier on the first token (RobertaForSequenceClassification)",
                    (
                        Classifier("classifier.dense", "d_model", title="dense", per_sequence=True),
                        Classifier(
                            "classifier.out_proj", "labels", title="classifier", per_sequence=True
                        ),
                    ),
                    "roberta.",
                ),
            ),
            (
                "token",
                Head(
                    "a token classifier (RobertaForTokenClassification)",
                    (Classifier("classifier", "labels", title="token classifier"),),
                    "roberta.",
                ),
            ),
            (
                "qa",
                Head(
                    "question answering (RobertaForQuestionAnswering)",
                    (Classifier("qa_outputs", "labels", title="answer span"),),
                    "roberta.",
                ),
            ),
            (
                "multiple_choice",
                Head(
                    "multiple choice, on the pooler (RobertaForMultipleChoice)",
                    (
                        _POOLER,
                        Classifier("classifier", 1, title="choice score", per_sequence=True),
                    ),
                    "roberta.",
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 768),
        ("layers", 12),
        ("heads", 12),
        ("vocab", 50265),
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
