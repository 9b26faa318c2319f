"""Query and key norms (Qwen3, OLMo 2, Gemma 3 ...): an RMSNorm on the queries and one on
the keys before the attention scores, either per head (one scale per feature of a head,
shared by every head: ``head_dim`` scales each) or over the full width (``heads x head_dim``
and ``kv_heads x head_dim`` scales); elementwise, so no matrix products.

Example:
    >>> import explorer
    >>> c = explorer.count("qwen3", d_model=64, layers=1, heads=4, kv_heads=2, head_dim=16,
    ...                    vocab=10, d_ff=96)
    >>> c.breakdown["model.layers.*.self_attn.q_norm.weight"]
    16
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, norm, words
from explorer.errors import ConflictError
from explorer.transformer.blocks._words import copies

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["QKNorm"]


class QKNorm(NamedTuple):
    """The norms of the queries and keys.

    Attributes:
        q, k: their local names (``self_attn.q_norm``).
        width: ``head`` (one head's width, shared by the heads) or ``full`` (every head's).
        bias: a LayerNorm's shift too (else RMSNorm: scales only).
        when: the keyword of a flag that turns them on (``""``: always there).
    """

    q: str
    k: str
    width: Literal["head", "full"] = "head"
    bias: bool = False
    when: str = ""
    norm_title: str = "query/key norm"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        if self.when and not s.option(self.when):
            return []
        if self.width == "head" and s.attention == "square":  # heads unknown (a formula)
            raise ConflictError(
                f"{s.family}'s query/key norms per head read head_dim: give heads or head_dim"
            )
        widths = (z["head_dim"],) * 2 if self.width == "head" else (z.q_width, z.kv_width)
        terms: list[Term] = []
        for name, width, what in ((self.q, widths[0], "query"), (self.k, widths[1], "key")):
            terms += norm(
                at,
                name,
                width=width,
                bias=self.bias,
                title=f"{what} norm",
                block="qk norm",
            )
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []  # elementwise

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


@words("qk norm")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    (width,) = numbers
    what = "queries" if "q" in role.title.split()[0] else "keys"
    heads = network.design.get("heads")
    head_dim = network.design.get("head_dim")
    if isinstance(head_dim, int) and width == head_dim:
        text = (
            f"a norm of the {what} of each head before the attention scores: {width} scales, "
            "one per feature of a head, shared by every head"
        )
    elif isinstance(heads, int):
        text = f"a norm of all the {what} at once before the attention scores: {width} scales"
    else:
        text = f"a norm of the {what} before the attention scores: {width} scales"
    return text + copies(role, network)
