"""How a Transformer family is laid out and names its parameters: data, one instance per
family, made of blocks.

Names follow the framework the family is checked against (Hugging Face ``transformers``),
so its counts can be compared term by term with ``named_parameters()``. ``*`` in a layer
prefix stands for each of the identical layers.

Example:
    >>> from explorer.transformer.blocks import Mlp, MlpNames
    >>> sub = Sublayer(Mlp(MlpNames(up="mlp.up_proj", down="mlp.down_proj")), "norm")
    >>> sub.norm, sub.block.norm_title
    ('norm', 'MLP norm')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from explorer.transformer.blocks import Classifier, HeadPart

if TYPE_CHECKING:
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks import Block, Embeddings, Front

__all__ = [
    "CROSS",
    "DENSE",
    "MOE",
    "Head",
    "Naming",
    "StackNames",
    "Sublayer",
    "When",
    "task_heads",
]

#: Whether a sublayer is there in a structure, for a stack (``None``: always).
When = Callable[["TransformerStructure", "StackNames"], bool]


def DENSE(s: TransformerStructure, stack: StackNames) -> bool:  # noqa: N802 - a constant
    """The MLP of a design without a mixture of experts."""
    return not s.experts


def MOE(s: TransformerStructure, stack: StackNames) -> bool:  # noqa: N802 - a constant
    """The mixture of experts of a design that has one."""
    return s.experts


def CROSS(s: TransformerStructure, stack: StackNames) -> bool:  # noqa: N802 - a constant
    """A cross-attention: in a decoder stack, or where the design asks for it."""
    return stack.decoder or s.cross_attention


class Sublayer(NamedTuple):
    """One sublayer of a layer: a block, and the local name of the norm that belongs to
    it (before or after it: the count is the same).

    Attributes:
        block: the block (attention, MLP, experts, a lone norm ...).
        norm: its norm's local name (``""``: none).
        when: whether it is there (``None``: always; :data:`DENSE`, :data:`MOE`,
            :data:`CROSS`, or a predicate of the family's own).
        layers: the keyword of how many of the stack's layers have it (``""``: every
            layer); a mixture of experts in some layers, a dense MLP in the others.
    """

    block: Block
    norm: str = ""
    when: When | None = None
    layers: str = ""


class StackNames(NamedTuple):
    """A stack of identical layers (a decoder-only model has one; T5 an encoder and a
    decoder).

    Attributes:
        layer: the prefix of a layer's parameters, ``*`` for its index.
        sublayers: in order.
        final_norm: the norm after the last layer (``""``: none).
        decoder: whether this is the decoder of an encoder-decoder (its depth is
            ``decoder_layers``, and it only exists when the design has a decoder).
        before, after: blocks the stack has once, before its first layer and after its
            last (BART's per-stack position table and norm; OPT's projections in and out
            of the embedding width), named under the base model.
    """

    layer: str
    sublayers: tuple[Sublayer, ...]
    final_norm: str = ""
    decoder: bool = False
    before: tuple[Block, ...] = ()
    after: tuple[Block, ...] = ()


class Head(NamedTuple):
    """What a model class puts on the base model: its parts, the prefix of the base
    model's parameters under it, whether it keeps the decoder (T5's encoder-only
    classes do not) and the encoder (a decoder-only class of an encoder-decoder,
    BartForCausalLM, does not), and its own embeddings where it names them otherwise
    (``None``: the family's)."""

    title: str
    parts: tuple[HeadPart, ...] = ()
    prefix: str = ""
    decoder: bool = True
    encoder: bool = True
    embeddings: Embeddings | None = None


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
                (Classifier("score", "labels", bias=False, title="classifier"),),
                prefix,
            ),
        ),
        (
            "token",
            Head(
                f"a token classifier ({model}ForTokenClassification)",
                (Classifier("classifier", "labels", title="token classifier"),),
                prefix,
            ),
        ),
        (
            "qa",
            Head(
                f"question answering ({model}ForQuestionAnswering)",
                (Classifier("qa_outputs", 2, title="answer span"),),
                prefix,
            ),
        ),
    )


class Naming(NamedTuple):
    """A family's layout and every name it gives its parameters.

    Attributes:
        embeddings: what feeds the first layer: the embedding tables (and the norm after
            them), or an image's patches (a vision tower).
        stacks: the layer stacks, in order.
        heads: model heads by name (``none``, ``lm``, ``classifier`` ...), in order.
    """

    embeddings: Front
    stacks: tuple[StackNames, ...]
    heads: tuple[tuple[str, Head], ...] = ()

    def head(self, name: str) -> Head:
        """The head called ``name`` (the family checks the name first)."""
        return dict(self.heads)[name]

    @property
    def head_names(self) -> tuple[str, ...]:
        """The heads, in order."""
        return tuple(name for name, _ in self.heads)
