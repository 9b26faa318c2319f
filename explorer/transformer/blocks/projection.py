"""Projections in and out of the embedding width (OPT's ``project_in`` and ``project_out``,
Zhang et al. 2022): where a family's token embedding is narrower than d_model, a matrix
without bias takes the embedded tokens up to d_model before the first layer, and one takes
the last layer's output back down to the embedding width, which the LM head and the
classifiers read. A block a stack has once, before its layers or after them; present only
where the design gives the embedding width.

Example:
    >>> import explorer
    >>> c = explorer.count("opt", d_model=64, layers=1, heads=4, vocab=10, context=16,
    ...                    d_ff=96, embed_dim=32, head="none")
    >>> c.breakdown["decoder.project_in.weight"], c.shapes["decoder.project_out.weight"]
    (2048, (32, 64))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, linear, projection, words
from explorer.transformer.blocks._words import Matrix

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["Projection"]


class Projection(NamedTuple):
    """A projection between the embedding width and d_model.

    Attributes:
        name: its local name (``decoder.project_in``).
        direction: ``in`` (embedding width -> d_model, before the layers) or ``out``
            (d_model -> embedding width, after them).
        width: the keyword of the embedding width; the projection is there when the
            design gives it.
    """

    name: str
    direction: Literal["in", "out"]
    width: str = "embed_dim"
    norm_title: str = "projection"

    def _shape(self, z: Sizes) -> tuple[object, object]:
        """Outputs and inputs."""
        embed = z[self.width]
        return (z.d, embed) if self.direction == "in" else (embed, z.d)

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        if s.option(self.width) != "given":
            return []
        out, inputs = self._shape(z)
        return linear(
            at,
            self.name,
            out=out,
            inputs=inputs,
            bias=False,
            title=f"projection {self.direction} of the embedding width",
            block="embedding projection",
            extras=(("direction", self.direction),),
        )

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """Every position through the projection."""
        if s.option(self.width) != "given":
            return []
        out, inputs = self._shape(z)
        title = f"projection {self.direction} of the embedding width"
        return [
            projection(
                at,
                self.name,
                rows=run.rows,
                out=out,
                inputs=inputs,
                title=title,
                block="embedding projection",
            )
        ]

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


@words("embedding projection")
def _projection_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    matrix = Matrix.of(role, numbers)
    if role.extra("direction") == "in":
        return (
            f"takes each {matrix.inputs}-wide token embedding up to the {matrix.out}-wide "
            f"residual stream, once, before the first layer (no bias): {matrix.text()}"
        )
    return (
        f"takes the last layer's {matrix.inputs}-wide output back down to the "
        f"{matrix.out}-wide embedding width the heads read, once (no bias): {matrix.text()}"
    )
