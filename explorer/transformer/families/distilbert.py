"""DistilBERT (Sanh et al. 2019): BERT's post-LayerNorm encoder under other names
(``transformer.layer.*``: ``q_lin`` ... ``out_lin``, ``ffn.lin1``/``lin2``), word and
position embeddings with a LayerNorm and no token types, no pooler; the masked-LM head
(``vocab_transform``, ``vocab_layer_norm``, ``vocab_projector`` tied to the word embedding,
its bias kept) and a two-layer classifier (``pre_classifier``, ``classifier``) on the first
token. ``sinusoidal_pos_embds`` fills the position table with fixed values; it stays a
parameter, counted.

Per layer 4 d^2 + 2 d d_ff + 9 d + d_ff.

Example:
    >>> DISTILBERT.default_map["d_ff"], DISTILBERT.hf.field_of("d_model")
    (3072, 'dim')
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConfigError
from explorer.families import HFBinding, check
from explorer.transformer import (
    Attention,
    AttentionNames,
    Classifier,
    Embeddings,
    Head,
    MaskedLmHead,
    Mlp,
    MlpNames,
    Naming,
    StackNames,
    Sublayer,
    TransformerFamily,
)

__all__ = ["DISTILBERT"]

_PRE = Classifier("pre_classifier", "d_model", title="pre-classifier", per_sequence=True)


def _two_answers(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """DistilBertForQuestionAnswering refuses any num_labels but 2."""
    if model.endswith("ForQuestionAnswering") and fields.get("num_labels") != 2:
        raise ConfigError(
            f"num_labels must be 2 for {model} (a start and an end score), got "
            f"{fields.get('num_labels')!r}"
        )


DISTILBERT = TransformerFamily(
    name="distilbert",
    description="DistilBERT encoder: BERT's layers under other names, no token types, no "
    "pooler (transformers DistilBert*)",
    hf=HFBinding(
        ("distilbert",),
        fields=(
            ("d_model", "dim"),
            ("layers", "n_layers"),
            ("heads", "n_heads"),
            ("d_ff", "hidden_dim"),
            ("vocab", "vocab_size"),
            ("context", "max_position_embeddings"),
            ("tied", "tie_word_embeddings"),
            ("labels", "num_labels"),
        ),
        read=_two_answers,
        checks=(check("divisible", "dim", "n_heads", stage="model"),),
        probes=({}, {"hidden_size": 12, "n_heads": 3, "sinusoidal_pos_embds": True}),
        refused=(({"dim": 12, "n_heads": 5}, "model"),),
    ),
    naming=Naming(
        embeddings=Embeddings(
            "embeddings.word_embeddings",
            positions="embeddings.position_embeddings",
            norm="embeddings.LayerNorm",
        ),
        stacks=(
            StackNames(
                layer="transformer.layer.*.",
                sublayers=(
                    Sublayer(
                        Attention(
                            AttentionNames(
                                q="attention.q_lin",
                                k="attention.k_lin",
                                v="attention.v_lin",
                                o="attention.out_lin",
                            )
                        ),
                        "sa_layer_norm",
                    ),
                    Sublayer(Mlp(MlpNames(up="ffn.lin1", down="ffn.lin2")), "output_layer_norm"),
                ),
            ),
        ),
        heads=(
            ("none", Head("the base model (DistilBertModel)")),
            (
                "mlm",
                Head(
                    "the masked-LM head (DistilBertForMaskedLM)",
                    (
                        MaskedLmHead(
                            transform="vocab_transform",
                            norm="vocab_layer_norm",
                            decoder="vocab_projector",
                            bias="",
                        ),
                    ),
                    "distilbert.",
                ),
            ),
            (
                "classifier",
                Head(
                    "a two-layer classifier on the first token "
                    "(DistilBertForSequenceClassification)",
                    (
                        _PRE,
                        Classifier("classifier", "labels", title="classifier", per_sequence=True),
                    ),
                    "distilbert.",
                ),
            ),
            (
                "token",
                Head(
                    "a token classifier (DistilBertForTokenClassification)",
                    (Classifier("classifier", "labels", title="token classifier"),),
                    "distilbert.",
                ),
            ),
            (
                "qa",
                Head(
                    "question answering (DistilBertForQuestionAnswering)",
                    (Classifier("qa_outputs", 2, title="answer span"),),
                    "distilbert.",
                ),
            ),
            (
                "multiple_choice",
                Head(
                    "multiple choice (DistilBertForMultipleChoice)",
                    (_PRE, Classifier("classifier", 1, title="choice score", per_sequence=True)),
                    "distilbert.",
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 768),
        ("layers", 6),
        ("heads", 12),
        ("d_ff", 3072),
        ("vocab", 30522),
        ("context", 512),
        ("head", "none"),
        ("tied", True),
        ("labels", 2),
    ),
    options=frozenset(("context", "labels")),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    divisible="always",
    causal=False,
)
