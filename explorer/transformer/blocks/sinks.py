"""Attention sinks (gpt-oss; Xiao et al. 2024): one learned logit per query head, joined
to the head's scores before the softmax and dropped after it, so a head may attend to
nothing. ``heads`` numbers per layer; no matrix products (a concatenation and a softmax).

Example:
    >>> import explorer
    >>> c = explorer.count("gpt_oss", d_model=64, layers=1, heads=4, kv_heads=2,
    ...                    head_dim=16, vocab=10, d_ff=32, experts=4, experts_per_token=2)
    >>> c.breakdown["model.layers.*.self_attn.sinks"]
    4
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, words
from explorer.transformer.blocks._words import copies

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["AttentionSinks"]


class AttentionSinks(NamedTuple):
    """A sink logit per query head (``name``: its local name, a bare parameter)."""

    name: str = "self_attn.sinks"
    norm_title: str = "attention sinks"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        return [
            Term(
                at.name(self.name),
                "weight",
                (z.heads,),
                "attention sinks: one logit per query head",
                at.group,
                at.copies,
                at.role(self.name, "attention sinks", block="attention sinks"),
            )
        ]

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []  # joined to the scores and softmaxed: no matrix product

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


@words("attention sinks")
def _sink_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    (heads,) = numbers
    return (
        f"one learned sink logit per query head ({heads}): joined to the head's scores "
        "before the softmax and dropped after it, so a head may attend to nothing"
        + copies(role, network)
    )
