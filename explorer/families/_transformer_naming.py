"""How a Transformer family names its parameters: data, one instance per family.

Names follow the framework the family is checked against (Hugging Face ``transformers``),
so its counts can be compared term by term with ``named_parameters()``. ``*`` in a layer
prefix stands for each of the identical layers.

Example:
    >>> from explorer.blocks.mlp import MlpNames
    >>> Sublayer("mlp", MlpNames(up="mlp.up_proj", down="mlp.down_proj"), "norm").kind
    'mlp'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from explorer.blocks.attention import AttentionNames
from explorer.blocks.mlp import ExpertNames, MlpNames

__all__ = ["Head", "HeadPart", "Naming", "StackNames", "Sublayer"]


@dataclass(frozen=True, slots=True)
class Sublayer:
    """One sublayer of a layer: self-attention, cross-attention or the MLP, and the local
    name of the norm that belongs to it (before or after it: the count is the same).
    An MLP's ``names`` are its gated names when it can be gated; ``plain`` names it when
    not gated, if they differ (T5's ``wi`` against ``wi_0`` and ``wi_1``)."""

    kind: Literal["attention", "cross", "mlp"]
    names: AttentionNames | MlpNames
    norm: str = ""
    plain: MlpNames | None = None


@dataclass(frozen=True, slots=True)
class StackNames:
    """A stack of identical layers (a decoder-only model has one; T5 an encoder and a
    decoder).

    Attributes:
        layer: the prefix of a layer's parameters, ``*`` for its index.
        sublayers: in order; a ``cross`` sublayer is counted only when the design has
            cross-attention.
        final_norm: the norm after the last layer (``""``: none).
        relative: the local name of a relative position bias in the first layer's
            self-attention (T5), ``""`` for none.
        experts: the mixture of experts that replaces the MLP, when the design has one.
        decoder: whether this is the decoder of an encoder-decoder (its depth is
            ``decoder_layers``, and it only exists when the design has a decoder).
    """

    layer: str
    sublayers: tuple[Sublayer, ...]
    final_norm: str = ""
    relative: str = ""
    experts: ExpertNames | None = None
    decoder: bool = False


@dataclass(frozen=True, slots=True)
class HeadPart:
    """One piece of a head: ``lm`` (the LM head, tied or not), ``mlm`` (BERT's masked-LM
    head), ``pooler`` (a d_model x d_model dense layer with bias) or ``linear`` (to
    ``out``: ``labels``, ``d_model`` or a number). ``per_sequence``: it reads one
    vector per sequence (after a pooler, or a chosen token), not every position."""

    kind: Literal["lm", "mlm", "pooler", "linear"]
    name: str = ""
    out: str | int = "labels"
    bias: bool = True
    title: str = ""
    inside: bool = False  # inside the base model: its name takes the base prefix
    bias_flag: str = ""  # a keyword that may turn the bias off (``classifier_bias``)
    #: Applied to one vector per sequence (a pooled token), not to every position: its
    #: compute is per sequence (a pooler always is).
    per_sequence: bool = False


@dataclass(frozen=True, slots=True)
class Head:
    """What a model class puts on the base model: its parts, the prefix of the base
    model's parameters under it, and whether it keeps the decoder (T5's encoder-only
    classes do not)."""

    title: str
    parts: tuple[HeadPart, ...] = ()
    prefix: str = ""
    decoder: bool = True


def task_heads(model: str, prefix: str) -> tuple[tuple[str, Head], ...]:
    """The sequence-classifier (``score``, no bias), token-classifier (``classifier``) and
    question-answering (``qa_outputs``) heads of ``{model}For...`` classes, whose base
    model's parameters sit under ``prefix`` (GPT-2's and GPT-NeoX's).

    Example:
        >>> [(name, head.title) for name, head in task_heads("GPT2", "transformer.")][2]
        ('qa', 'question answering (GPT2ForQuestionAnswering)')
    """
    return (
        (
            "classifier",
            Head(
                f"a sequence classifier ({model}ForSequenceClassification)",
                (HeadPart("linear", "score", "labels", bias=False, title="classifier"),),
                prefix,
            ),
        ),
        (
            "token",
            Head(
                f"a token classifier ({model}ForTokenClassification)",
                (HeadPart("linear", "classifier", "labels", title="token classifier"),),
                prefix,
            ),
        ),
        (
            "qa",
            Head(
                f"question answering ({model}ForQuestionAnswering)",
                (HeadPart("linear", "qa_outputs", 2, title="answer span"),),
                prefix,
            ),
        ),
    )


@dataclass(frozen=True, slots=True)
class Naming:
    """Every name a family gives its parameters.

    Attributes:
        token: the token embedding table.
        positions, types: learned position and token-type tables (``""``: none).
        embedding_norm: a norm right after the embeddings (BERT), ``""`` for none.
        stacks: the layer stacks, in order.
        transposed: weights stored [in, out] (GPT-2's ``Conv1D``).
        heads: model heads by name (``none``, ``lm``, ``classifier`` ...), in order.
    """

    token: str
    stacks: tuple[StackNames, ...]
    heads: tuple[tuple[str, Head], ...] = ()
    positions: str = ""
    types: str = ""
    embedding_norm: str = ""
    transposed: bool = False

    def head(self, name: str) -> Head:
        """The head called ``name`` (the family checks the name first)."""
        return dict(self.heads)[name]

    @property
    def head_names(self) -> tuple[str, ...]:
        """The heads, in order."""
        return tuple(name for name, _ in self.heads)
