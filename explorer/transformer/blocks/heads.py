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
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, linear, norm, projection, words
from explorer.transformer.blocks._block import width_of
from explorer.transformer.blocks._words import Matrix, is_bias
from explorer.transformer.blocks.projector import Projector

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["Classifier", "HeadPart", "LmHead", "MaskedLmHead", "Pooler"]


def _product(at: Site, name: str, rows: Any, out: Any, inputs: Any, *, title: str) -> Term:
    return projection(
        at,
        name,
        rows=rows,
        out=out,
        inputs=inputs,
        title=title,
        block="head",
    )


class LmHead(NamedTuple):
    """The LM head [vocab, d_model]; tied, it is the token embedding, already counted
    (Press & Wolf 2017), so its weight adds nothing. It computes logits at every position.

    Attributes:
        name: its local name.
        bias: one bias per vocabulary entry (GPT-J, Phi), a parameter of its own even
            when the weight is tied.
        width: the keyword of the width it reads where the design gives it (OPT's
            ``embed_dim``); d_model otherwise.
    """

    name: str = "lm_head"
    bias: bool = False
    width: str = ""
    inside: bool = False
    #: What reads the token embedding when tied to it (``""``: not a vocabulary reader).
    reader: str = "LM head"

    def counts_vocab(self, *, tied: bool, biases: bool) -> bool:
        """Whether the vocabulary appears in its parameters."""
        return not tied or (self.bias and biases)

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        extras: tuple[tuple[str, str], ...] = (("projection", "lm"),)
        if self.bias:
            extras += (("tied", "yes" if s.tied else "no"),)
        terms = linear(
            at,
            self.name,
            out=z.vocab,
            inputs=width_of(z, s, self.width),
            bias=self.bias,
            title="LM head",
            block="head",
            extras=extras,
        )
        return terms[1:] if s.tied else terms  # tied: the weight is the token embedding

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        tied = " (the token embedding's matrix)" if s.tied else ""
        title = f"LM head{tied}, logits at every position"
        width = width_of(z, s, self.width)
        return [_product(at, self.name, run.rows, z.vocab, width, title=title)]


class MaskedLmHead(NamedTuple):
    """BERT's masked-LM head (``cls.predictions``): a d_model x d_model transform, its
    LayerNorm, the decoder to the vocabulary and the decoder's bias. Tied, the decoder's
    weight is the word embedding and its bias is ``cls.predictions.bias``; untied, both
    are parameters of their own (Devlin et al. 2019; transformers 5). RoBERTa's
    ``lm_head`` is the same under other names; DistilBERT's has no output bias apart
    (``bias`` empty): its decoder's own bias is kept, tied or not.

    Attributes:
        transform, norm, decoder: the local names of the transform, its norm and the
            decoder.
        bias: the local name of the output bias kept apart from the decoder (``""``:
            none, the decoder's own).
    """

    transform: str = "cls.predictions.transform.dense"
    norm: str = "cls.predictions.transform.LayerNorm"
    decoder: str = "cls.predictions.decoder"
    bias: str = "cls.predictions.bias"
    inside: bool = False
    reader: str = "masked-LM decoder"

    def counts_vocab(self, *, tied: bool, biases: bool) -> bool:
        """Whether the vocabulary appears in its parameters (its output bias is one)."""
        return not tied or biases

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        d_model, tied = z.d, s.tied
        terms = linear(
            at,
            self.transform,
            out=d_model,
            inputs=d_model,
            bias=True,
            title="masked-LM transform",
            block="head",
            extras=(("projection", "transform"),),
        )
        terms += norm(
            at,
            self.norm,
            width=d_model,
            bias=s.layer_norm,
            title="masked-LM transform norm",
        )
        if not tied:
            terms += linear(
                at,
                self.decoder,
                out=z.vocab,
                inputs=d_model,
                bias=True,
                title="masked-LM decoder",
                block="head",
                extras=(("projection", "decoder"),),
            )
        if not self.bias and not tied:
            return terms  # the decoder's own bias is the output bias
        name = self.bias or self.decoder + ".bias"
        terms.append(
            Term(
                at.name(name),
                "bias",
                (z.vocab,),
                "masked-LM output bias: one per vocabulary entry",
                at.group,
                at.copies,
                at.role(
                    name,
                    "masked-LM output bias",
                    block="head",
                    extras=(("projection", "output bias"), ("tied", "yes" if tied else "no")),
                ),
            )
        )
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return [
            _product(at, self.transform, run.rows, z.d, z.d, title="masked-LM transform"),
            _product(at, self.decoder, run.rows, z.vocab, z.d,
                     title="masked-LM decoder, logits at every position"),
        ]  # fmt: skip


class Pooler(NamedTuple):
    """A d_model x d_model dense layer with bias (tanh) on the first token's final hidden
    state, inside the base model (``pooler.dense``); the sentence-level heads read it."""

    name: str = "pooler.dense"
    inside: bool = True
    reader: str = ""

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


class Classifier(NamedTuple):
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
        width: the keyword of the width it reads where the design gives it (OPT's
            ``embed_dim``); d_model otherwise.
    """

    name: str
    out: str | int = "labels"
    bias: bool = True
    title: str = ""
    bias_flag: str = ""
    per_sequence: bool = False
    inside: bool = False
    width: str = ""
    reader: str = ""

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
            inputs=width_of(z, s, self.width),
            bias=bias,
            title=self.title or self.name,
            block="head",
            extras=(("projection", "linear"), ("out", str(self.out))),
        )

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        per = "one vector per sequence" if self.per_sequence else "every position"
        rows = run.batch if self.per_sequence else run.rows
        title = f"{self.title or self.name}, {per}"
        width = width_of(z, s, self.width)
        return [_product(at, self.name, rows, self._out(z), width, title=title)]


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
        text = f"one bias per {what.get(code, 'output')} ({width})"
        if code == "lm" and role.extra("tied") == "yes":
            text += ": a parameter of its own, though the weight is the token embedding (tied)"
        return text
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
