"""A projector: a short chain of linear maps, norms and bare parameters whose widths are
products of sizes, between two parts of a model or at the end of a tower (a multimodal
model's image-to-text projector, a vision tower's patch merger or output projection,
SigLIP's attention-pooling head); their matrix products and their words.

Widths are products of keywords and integers (``("vision_d_model", "merge", "merge")``),
so one block serves every such chain; each step's words say what it maps.

Example:
    >>> import explorer
    >>> c = explorer.count("clip_vision", d_model=64, layers=1, heads=4, d_ff=96, image=56,
    ...                    patch=14, head="projection", projection=32)
    >>> c.shapes["visual_projection.weight"]
    (32, 64)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, linear, norm, projection, words
from explorer.transformer.blocks._words import Matrix

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer.blocks._block import Pass

__all__ = ["Projector", "Step", "Width"]

#: A width: the product of keywords' sizes and integers (``("d_model", 4)``).
Width = tuple[str | int, ...]


class _Sized(Protocol):
    def __getitem__(self, keyword: str) -> Any: ...


class _Switches(Protocol):
    def option(self, name: str, default: Any = None) -> Any: ...


class Step(NamedTuple):
    """One step of a projector.

    Attributes:
        name: its local name (``linear_1``; a bare parameter's full local name).
        kind: ``linear`` (``NAME.weight`` [out, inputs], ``NAME.bias`` [out]), ``norm``
            (``NAME.weight`` [out], and ``NAME.bias`` for a LayerNorm), ``parameter`` (a
            bare weight of shape ``shape``) or ``bias`` (a bare bias vector [out]).
        out, inputs: widths (:data:`Width`).
        shape: a bare parameter's shape (widths).
        bias: a linear's bias: always, never, or the flag keyword that says (the structure's
            option of that name).
        layer_norm: a norm with a shift (LayerNorm), else RMSNorm.
        what: what the step does, in words (``the image features to the text width``).
        when: the flag keyword that turns the step on (``""``: always there).
    """

    name: str
    kind: Literal["linear", "norm", "parameter", "bias"] = "linear"
    out: Width = ()
    inputs: Width = ()
    shape: tuple[Width, ...] = ()
    bias: bool | str = False
    layer_norm: bool = True
    what: str = ""
    when: str = ""


def _width(z: _Sized, width: Width, s: _Switches) -> Any:
    """The product of a width's factors: integers, sizes (symbols), or the structure's own
    numbers (a width the family keeps out of the formula)."""
    factors = [f if isinstance(f, int) else _size(z, f, s) for f in width]
    return math.prod(factors[1:], start=factors[0]) if factors else 1


def _size(z: _Sized, keyword: str, s: _Switches) -> Any:
    try:
        return z[keyword]
    except KeyError:
        value = s.option(keyword)
        if not isinstance(value, int) or isinstance(value, bool):
            raise
        return value


class Projector(NamedTuple):
    """A chain of steps, in a model's base (``inside``) or on it.

    Attributes:
        steps: in order.
        title: how tables name it (``multimodal projector``).
        inside: under the base model's prefix (a tower's merger), as a head part.
        when: the flag keyword that turns it on (``""``: always there).
    """

    steps: tuple[Step, ...]
    title: str = "projector"
    inside: bool = True
    when: str = ""
    #: Not a reader of the token table (a head part's attribute).
    reader: str = ""

    def counts_vocab(self, *, tied: bool, biases: bool) -> bool:
        """A projector never reads the vocabulary."""
        return False

    def params(self, at: Site, z: _Sized, s: _Switches) -> list[Term]:
        """Each step's terms; each role says which step it is and what it does."""
        if self.when and not s.option(self.when):
            return []
        terms: list[Term] = []
        for step in self.steps:
            if step.when and not s.option(step.when):
                continue
            facts = (("step", step.kind), ("what", step.what or step.name))
            title = f"{self.title} {step.name.rsplit('.', 1)[-1]}"
            if step.kind == "linear":
                bias = step.bias if isinstance(step.bias, bool) else bool(s.option(step.bias))
                terms += linear(
                    at,
                    step.name,
                    out=_width(z, step.out, s),
                    inputs=_width(z, step.inputs, s),
                    bias=bias,
                    title=title,
                    block="projector",
                    extras=facts,
                )
            elif step.kind == "norm":
                found = norm(
                    at, step.name, width=_width(z, step.out, s), bias=step.layer_norm, title=title
                )
                terms += [
                    Term(t.name, t.kind, t.shape, t.meaning, t.group, t.multiplicity,
                         t.role._replace(block="projector", extras=(*t.role.extras, *facts)))
                    for t in found
                ]  # fmt: skip
            else:
                shape = tuple(_width(z, w, s) for w in step.shape) or (_width(z, step.out, s),)
                terms.append(
                    Term(
                        at.name(step.name),
                        "bias" if step.kind == "bias" else "weight",
                        shape,
                        f"{title}: {step.what or 'a learned parameter'}",
                        at.group,
                        at.copies,
                        at.role(step.name, title, block="projector", extras=facts),
                    )
                )
        return terms

    def products(self, at: Site, z: _Sized, s: _Switches, run: Pass) -> list[Term]:
        """Each linear step over every position."""
        if self.when and not s.option(self.when):
            return []
        return [
            projection(
                at,
                step.name,
                rows=run.rows,
                out=_width(z, step.out, s),
                inputs=_width(z, step.inputs, s),
                title=f"{self.title} {step.name}",
                block="projector",
            )
            for step in self.steps
            if step.kind == "linear" and not (step.when and not s.option(step.when))
        ]


@words("projector")
def _projector_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    kind, what = role.extra("step"), role.extra("what")
    shape = " x ".join(str(n) for n in numbers)
    if kind == "norm":
        if role.part.endswith(".bias"):
            return f"{what}: LayerNorm's {numbers[0]} shifts"
        flavour = "LayerNorm's" if role.extra("norm") == "LayerNorm" else "RMSNorm's"
        return f"{what}: {flavour} {numbers[0]} scales"
    if kind == "linear":
        if len(numbers) == 1:
            return f"{what}: one bias per output ({numbers[0]})"
        return f"{what}: {Matrix.of(role, numbers).text()}"
    if kind == "bias":
        return f"{what}: one bias per output ({numbers[0]})"
    return f"{what}: {shape}"
