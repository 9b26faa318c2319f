"""Attention and MLP in parallel from one norm (GPT-J, Wang and Komatsuzaki 2021; Phi,
Cohere, StableLM's ``use_parallel_residual``): a layer normalises its input once, runs the
attention and the MLP side by side on that output and adds both to the residual stream, so
it has one norm where a sequential layer has two. Its terms (the shared norm, then the
attention's and the MLP's), products, cache and the shared norm's words live here.

Example:
    >>> import explorer
    >>> c = explorer.count("phi", d_model=64, layers=2, heads=4, vocab=100, d_ff=96)
    >>> c.breakdown["model.layers.*.input_layernorm.weight"]  # one norm per layer
    128
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, norm, words
from explorer.transformer.blocks._words import copies

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Block, Pass

__all__ = ["Parallel"]


class Parallel(NamedTuple):
    """One norm, then an attention and an MLP in parallel on its output.

    Attributes:
        norm: the shared norm's local name (``input_layernorm``).
        attention: the attention block.
        mlp: the MLP block (:class:`~explorer.transformer.blocks.Mlp` or a fused one).
        shift: the shared norm keeps a shift: ``None`` as the structure's norms (LayerNorm:
            yes, RMSNorm: no); ``False``: a LayerNorm without a shift (Cohere's: a scale
            per feature, the mean still subtracted).
    """

    norm: str
    attention: Block
    mlp: Block
    shift: bool | None = None
    norm_title: str = "parallel norm"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """The shared norm, then the attention's and the MLP's terms."""
        kind = "layernorm" if s.layer_norm else "rmsnorm"
        if self.shift is False:
            kind = "layernorm without shift"
        here = at._replace(extras=(*at.extras, ("shared norm", kind)))
        bias = s.layer_norm if self.shift is None else self.shift
        shared = norm(
            here, self.norm, width=z.d, bias=bias, title="shared norm", block="shared norm"
        )
        return shared + self.attention.params(at, z, s) + self.mlp.params(at, z, s)

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The attention's and the MLP's products (the norm is elementwise)."""
        return self.attention.products(at, z, s, run) + self.mlp.products(at, z, s, run)

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The attention's keys and values."""
        return self.attention.cache(at, z, s, run)


@words("shared norm")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    (width,) = numbers
    kind = role.extra("shared norm")
    if role.part.endswith(".bias"):
        what = f"the {width} shifts of its LayerNorm"
    elif kind == "layernorm":
        what = f"the {width} scales of its LayerNorm (a scale and a shift per feature)"
    elif kind == "rmsnorm":
        what = f"its RMSNorm: {width} scales, no shift"
    else:
        what = f"its LayerNorm without a shift: {width} scales, the mean still subtracted"
    return (
        "one norm feeds both the attention and the MLP, which run in parallel (a sequential "
        f"layer has two norms); {what}" + copies(role, network)
    )
