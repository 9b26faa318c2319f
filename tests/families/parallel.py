"""A block of its own for the parallel-decoder test family: attention and MLP side by side,
both reading the output of one norm, their outputs added to the residual stream together
(GPT-J, Wang and Komatsuzaki 2021). Its terms (the shared norm, then the attention's and the
MLP's), products and words live here and nowhere else.

Example:
    >>> import explorer
    >>> from tests.families.parallel_decoder import PARALLEL_DECODER
    >>> explorer.FAMILIES["parallel_decoder"] = PARALLEL_DECODER
    >>> c = explorer.count("parallel_decoder", d_model=64, layers=2, heads=4, vocab=100)
    >>> c.breakdown["model.layers.*.ln.weight"], c.breakdown["model.layers.*.ln.bias"]
    (128, 128)
    >>> del explorer.FAMILIES["parallel_decoder"]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, Site, norm, words
from explorer.transformer import Attention, Mlp, Pass, Sizes, TransformerStructure

__all__ = ["Parallel"]


@dataclass(frozen=True, slots=True)
class Parallel:
    """One norm, then attention and MLP in parallel on its output."""

    norm: str
    attention: Attention
    mlp: Mlp
    norm_title: str = "parallel norm"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        shared = norm(
            at, self.norm, width=z.d, bias=s.layer_norm, title="shared norm", block="parallel norm"
        )
        return shared + self.attention.params(at, z, s) + self.mlp.params(at, z, s)

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return self.attention.products(at, z, s, run) + self.mlp.products(at, z, s, run)

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return self.attention.cache(at, z, s, run)


@words("parallel norm")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    what = "shifts" if role.part.endswith(".bias") else "scales"
    return (
        f"one norm feeds both the attention and the MLP, which run in parallel: its "
        f"{numbers[0]} {what}, once per layer where a sequential layer has two norms"
    )
