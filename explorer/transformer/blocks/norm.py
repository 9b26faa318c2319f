"""The norms of a Transformer (LayerNorm: a scale and a shift per feature; RMSNorm: a scale
only), one per sublayer, after the embeddings and after the last layer, and their words.
A family whose norms keep no parameters (OPT's ``layer_norm_elementwise_affine`` false)
says so with its own flag ``elementwise_affine``.

Example:
    >>> import explorer
    >>> c = explorer.count("gpt2", d_model=64, layers=1, heads=4, vocab=10, context=8)
    >>> c.breakdown["transformer.h.*.ln_1.bias"]  # LayerNorm keeps a shift
    64
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
    from explorer.transformer.blocks._block import Pass

__all__ = ["Norm", "layer_norm"]


def layer_norm(at: Site, name: str, z: Sizes, s: TransformerStructure, title: str) -> list[Term]:
    """A d_model-wide norm: LayerNorm or RMSNorm as the structure says; none at all where
    the family's norms keep no parameters (its ``elementwise_affine`` false)."""
    if s.option("elementwise_affine") is False:
        return []
    return norm(at, name, width=z.d, bias=s.layer_norm, title=title)


class Norm(NamedTuple):
    """A norm standing alone (where it belongs to no one block: the norm before a dense
    MLP in some layers and a mixture of experts in the others; a stack's norm once,
    after its embeddings or after its last layer).

    Attributes:
        name: its local name.
        norm_title: how tables name it.
        when: the keyword of a flag that turns it on (``""``: always there; OPT's final
            norm: ``final_norm``).
    """

    name: str
    norm_title: str = "norm"
    when: str = ""

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        if self.when and not s.option(self.when):
            return []
        return layer_norm(at, self.name, z, s, self.norm_title)

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []  # elementwise

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


@words("norm")
def _norm_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    (width,) = numbers
    if role.extra("norm") == "RMSNorm":
        text = f"RMSNorm: a scale per feature, no shift: {width} scales"
    elif role.part.endswith(".bias"):
        text = f"LayerNorm: a scale and a shift per feature; these are the {width} shifts"
    else:
        text = f"LayerNorm: a scale and a shift per feature; these are the {width} scales"
        if not network.has(part=role.part + ".bias"):
            text += " (the shifts are biases, which this count leaves out)"
    if role.extra("place") == "final":
        stack = role.extra("stack")
        text += f", once, after the {stack + chr(39) + 's ' if stack else ''}last layer"
    return text + copies(role, network)
