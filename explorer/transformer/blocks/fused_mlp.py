"""A gated MLP whose gate and up-projection are one matrix (Phi-3's ``gate_up_proj``:
[2 d_ff, d_model], split in halves after the product), then the down-projection; its
matrix products (one product of 2 d_ff outputs, as ``FlopCounterMode`` counts it) and words.

Example:
    >>> import explorer
    >>> c = explorer.count("phi3", d_model=64, layers=1, heads=4, vocab=100, d_ff=96)
    >>> c.shapes["model.layers.*.mlp.gate_up_proj.weight"]
    (192, 64)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, linear, projection, words
from explorer.transformer.blocks._words import Matrix, copies, is_bias
from explorer.transformer.blocks.mlp import ffn_facts

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["FusedMlp"]


class FusedMlp(NamedTuple):
    """A gated MLP with its gate and up-projection fused.

    Attributes:
        gate_up: the fused matrix's local name (``mlp.gate_up_proj``).
        down: the down-projection's (``mlp.down_proj``).
    """

    gate_up: str
    down: str
    norm_title: str = "MLP norm"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """``gate_up`` d_model -> 2 d_ff, ``down`` d_ff -> d_model (biases as the structure
        says)."""
        terms: list[Term] = []
        for code, name, out, inputs, title in (
            ("gate_up", self.gate_up, 2 * z.d_ff, z.d, "MLP gate and up-projection"),
            ("down", self.down, z.d, z.d_ff, "MLP down-projection"),
        ):
            terms += linear(
                at,
                name,
                out=out,
                inputs=inputs,
                bias=s.mlp_bias,
                title=title,
                block="fused mlp",
                extras=(*ffn_facts(s), ("projection", code)),
            )
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """Every position through the fused gate and up (d_model -> 2 d_ff), then down."""
        return [
            projection(
                at,
                name,
                rows=run.rows,
                out=out,
                inputs=inputs,
                title=title,
                block="fused mlp",
            )
            for name, out, inputs, title in (
                (self.gate_up, 2 * z.d_ff, z.d, "MLP gate and up"),
                (self.down, z.d, z.d_ff, "MLP down"),
            )
        ]

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


@words("fused mlp")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    if is_bias(numbers):
        (width,) = numbers
        if code == "down":
            text = f"one bias per feature of the {width}-wide residual stream"
        else:
            text = f"one bias per output of the fused gate and up-projection ({width})"
        return text + copies(role, network)
    matrix = Matrix.of(role, numbers)
    if code == "down":
        text = (
            f"it takes the {matrix.inputs} hidden features back to the {matrix.out}-wide "
            f"residual stream: {matrix.text()}"
        )
    else:
        half = matrix.out // 2
        text = (
            f"the gate and the up-projection of the gated MLP in one matrix, {half} rows "
            f"each (d_ff = {half}), split in halves after the product: "
            f"{matrix.text(f'2 x {half}')}"
        )
    return text + copies(role, network)
