"""What a model class puts on a Transformer's layers: the LM head (tied to the token
embedding or not), BERT's masked-LM head, a pooler, and linear classifiers (sequence or
token labels, answer spans, choices); their matrix products and their words.

Each head is a list of these parts (:class:`explorer.transformer.Head`).

Example:
    >>> import explorer
    >>> c = explorer.count("llama", d_model=64, layers=1, heads=4, vocab=100, head="lm")
    >>> c.breakdown["lm_head.weight"]
    6400
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, linear, norm, product, words
from explorer.transformer.blocks._words import Matrix, is_bias
from explorer.transformer.blocks.projector import Projector

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["Classifier", "HeadPart", "LmHead", "MaskedLmHead", "Pooler"]


def _product(at: Site, name: str, rows: Any, out: Any, inputs: Any, *, title: str) -> Term:
    return product(
        at.name(name),
        rows=rows,
        out=out,
        inputs=inputs,
        meaning=f"{title}: rows x outputs x inputs",
        group=at.group,
        copies=at.copies,
        role=at.role(name, title, block="head"),
    )


@dataclass(frozen=True, slots=True)
class LmHead:
    """The LM head [vocab, d_model]; tied, it is the token embedding, already counted
    (Press & Wolf 2017), so it adds nothing. It computes logits at every position."""

    name: str = "lm_head"
    inside = False
    #: What reads the token embedding when tied to it (``""``: not a vocabulary reader).
    reader = "LM head"

    def counts_vocab(self, *, tied: bool, biases: bool) -> bool:
        """Whether the vocabulary appears in its parameters."""
        return not tied

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        if s.tied:
            return []
        return linear(
            at,
            self.name,
            out=z.vocab,
            inputs=z.d,
            bias=False,
            title="LM head",
            block="head",
            extras=(("projection", "lm"),),
        )

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        tied = " (the token embedding's matrix)" if s.tied else ""
        title = f"LM head{tied}, logits at every position"
        return [_product(at, self.name, run.rows, z.vocab, z.d, title=title)]


@dataclass(frozen=True, slots=True)
class MaskedLmHead:
    """BERT's masked-LM head (``cls.predictions``): a d_model x d_model transform, its
    LayerNorm, the decoder to the vocabulary and the decoder's bias. Tied, the decoder's
    weight is the word embedding and its bias is ``cls.predictions.bias``; untied, both
    are parameters of their own (Devlin et al. 2019; transformers 5)."""

    inside = False
    reader = "masked-LM decoder"

    def counts_vocab(self, *, tied: bool, biases: bool) -> bool:
        """Whether the vocabulary appears in its parameters (its output bias is one)."""
        return not tied or biases

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        d_model, tied = z.d, s.tied
        terms = linear(
            at,
            "cls.predictions.transform.dense",
            out=d_model,
            inputs=d_model,
            bias=True,
            title="masked-LM transform",
            block="head",
            extras=(("projection", "transform"),),
        )
        terms += norm(
            at,
            "cls.predictions.transform.LayerNorm",
            width=d_model,
            bias=s.layer_norm,
            title="masked-LM transform norm",
        )
        if not tied:
            terms += linear(
                at,
                "cls.predictions.decoder",
                out=z.vocab,
                inputs=d_model,
                bias=True,
                title="masked-LM decoder",
                block="head",
                extras=(("projection", "decoder"),),
            )
        terms.append(
            Term(
                at.name("cls.predictions.bias"),
                "bias",
                (z.vocab,),
                "masked-LM output bias: one per vocabulary entry",
                at.group,
                at.copies,
                at.role(
                    "cls.predictions.bias",
                    "masked-LM output bias",
                    block="head",
                    extras=(("projection", "output bias"), ("tied", "yes" if tied else "no")),
                ),
            )
        )
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return [
            _product(at, "cls.predictions.transform.dense", run.rows, z.d, z.d,
                     title="masked-LM transform"),
            _product(at, "cls.predictions.decoder", run.rows, z.vocab, z.d,
                     title="masked-LM decoder, logits at every position"),
        ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Pooler:
    """A d_model x d_model dense layer with bias (tanh) on the first token's final hidden
    state, inside the base model (``pooler.dense``); the sentence-level heads read it."""

    name: str = "pooler.dense"
    inside: bool = True
    reader = ""

    def counts_vocab(self, *, tied: bool, biases: bool) -> bool:
        return False

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        return linear(
            at,
            self.name,
            out=z.d,
            inputs=z.d,
            bias=True,
            title="pooler",
            block="head",
            extras=(("projection", "pooler"), ("out", "d_model")),
        )

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return [
            _product(at, self.name, run.batch, z.d, z.d, title="pooler, one token per sequence")
        ]


@dataclass(frozen=True, slots=True)
class Classifier:
    """A linear layer on the final hidden states to ``out`` (``labels``, ``d_model`` or a
    number): a sequence or token classifier, answer spans, a choice score.

    Attributes:
        name: its local name (``score``, ``classifier``, ``qa_outputs``).
        out: ``labels``, ``d_model`` or a number of outputs.
        bias: it has a bias.
        title: how tables name it.
        bias_flag: a keyword that may turn the bias off (``classifier_bias``).
        per_sequence: it reads one vector per sequence (after a pooler, or a chosen
            token), not every position: its compute is per sequence.
        inside: inside the base model: its name takes the base prefix.
    """

    name: str
    out: str | int = "labels"
    bias: bool = True
    title: str = ""
    bias_flag: str = ""
    per_sequence: bool = False
    inside: bool = False
    reader = ""

    def counts_vocab(self, *, tied: bool, biases: bool) -> bool:
        return False

    def _out(self, z: Sizes) -> Any:
        import sympy

        out: Any = {"labels": z.labels, "d_model": z.d}.get(str(self.out), self.out)
        return sympy.sympify(out)

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        bias = self.bias and (s.classifier_bias or self.bias_flag != "classifier_bias")
        return linear(
            at,
            self.name,
            out=self._out(z),
            inputs=z.d,
            bias=bias,
            title=self.title or self.name,
            block="head",
            extras=(("projection", "linear"), ("out", str(self.out))),
        )

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        per = "one vector per sequence" if self.per_sequence else "every position"
        rows = run.batch if self.per_sequence else run.rows
        title = f"{self.title or self.name}, {per}"
        return [_product(at, self.name, rows, self._out(z), z.d, title=title)]


#: A part of a head.
HeadPart = LmHead | MaskedLmHead | Pooler | Classifier | Projector


# -- words ------------------------------------------------------------------------------------
@words("head")
def _head_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    if code == "output bias":
        (vocab,) = numbers
        if role.extra("tied") == "yes":
            return (
                f"one bias per vocabulary entry ({vocab}): a parameter of its own, though "
                "the decoder's weight is the token embedding (tied)"
            )
        return f"one bias per vocabulary entry ({vocab}), beside the decoder's own"
    if is_bias(numbers):
        (width,) = numbers
        what = {"lm": "vocabulary entry", "decoder": "vocabulary entry", "pooler": "pooled feature"}
        return f"one bias per {what.get(code, 'output')} ({width})"
    matrix = Matrix.of(role, numbers)
    if code in ("lm", "decoder"):
        return (
            f"one {matrix.inputs}-wide row for each of the {matrix.out} tokens of the "
            "vocabulary (its logit); not tied to the token embedding, so counted on its own"
        )
    if code == "transform":
        return (
            f"a {matrix.out} x {matrix.inputs} dense layer on each final hidden state, "
            "before the vocabulary"
        )
    if code == "pooler":
        return (
            f"the pooler: a {matrix.out} x {matrix.inputs} dense layer (tanh) on the first "
            "token's final hidden state, which the sentence-level heads read"
        )
    out = role.extra("out")
    if out == "labels":
        return f"one {matrix.inputs}-wide row for each of the {matrix.out} labels"
    if out == "d_model":
        return f"a {matrix.out} x {matrix.inputs} dense layer on the final hidden state"
    if matrix.out == 1:
        return f"one score from the {matrix.inputs}-wide final hidden state"
    return f"{matrix.out} scores, each from the {matrix.inputs}-wide final hidden state"
