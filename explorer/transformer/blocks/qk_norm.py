"""Query and key norms (Qwen3, OLMo 2, Gemma 3, Cohere, StableLM ...): a norm on the queries
and one on the keys before the attention scores, either per head (one scale per feature of a
head, shared by every head: ``head_dim`` scales each), over the full width (``heads x
head_dim`` and ``kv_heads x head_dim`` scales, as one vector or stored [heads, head_dim]), or
one norm of its own per head (StableLM's ``norms.0`` ...); elementwise, so no matrix products.

Example:
    >>> import explorer
    >>> c = explorer.count("qwen3", d_model=64, layers=1, heads=4, kv_heads=2, head_dim=16,
    ...                    vocab=10, d_ff=96)
    >>> c.breakdown["model.layers.*.self_attn.q_norm.weight"]
    16
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, norm, words
from explorer.errors import ConflictError, typed
from explorer.transformer.blocks._words import copies, size

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
        width: ``head`` (one head's width, shared by the heads), ``full`` (every head's, one
            vector), ``heads`` (every head's, stored [heads, head_dim]: Cohere's) or
            ``each`` (a norm of its own per head, ``q.norms.0`` ...: StableLM's).
        bias: a LayerNorm's shift too (else scales only: RMSNorm, or a LayerNorm without
            a shift).
        when: the keyword of a flag that turns them on (``""``: always there).
    """

    q: str
    k: str
    width: Literal["head", "full", "heads", "each"] = "head"
    bias: bool = False
    when: str = ""
    norm_title: str = "query/key norm"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        if self.when and not s.option(self.when):
            return []
        if self.width != "full" and s.attention == "square":  # a family's declaration
            raise ConflictError(
                "query/key norms per head read heads and head_dim: give "
                f"{typed('heads')} (the family keeps head_dim a size then)"
            )
        kv_heads = z["kv_heads"] if s.kv else z.heads
        head_dim = z["head_dim"] if s.attention != "square" else None
        terms: list[Term] = []
        for name, heads, what in ((self.q, z.heads, "query"), (self.k, kv_heads, "key")):
            here, local = at, name
            if self.width == "head":
                shape: tuple[Any, ...] = (head_dim,)
            elif self.width == "full":
                shape = (z.q_width if what == "query" else z.kv_width,)
            elif self.width == "heads":
                shape = (heads, head_dim)
            else:  # a norm per head: its own module, as many copies as heads per layer
                here = at._replace(copies=at.copies * heads)
                local, shape = f"{name}.norms.*", (head_dim,)
            here = here._replace(extras=(*here.extras, ("qk", self.width)))
            terms += _norm(here, local, shape, self.bias, f"{what} norm")
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []  # elementwise

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


def _norm(at: Site, name: str, shape: tuple[Any, ...], bias: bool, title: str) -> list[Term]:
    """A norm of any shape: ``norm``'s terms (one dimension), reshaped."""
    terms = norm(at, name, width=shape[-1], bias=bias, title=title, block="qk norm")
    return [dataclasses.replace(t, shape=shape) if len(shape) > 1 else t for t in terms]


@words("qk norm")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    what = "queries" if "q" in role.title.split()[0] else "keys"
    kind = "shifts" if role.part.endswith(".bias") else "scales"
    width = role.extra("qk")
    if width == "heads":
        heads, head_dim = numbers
        text = (
            f"a norm of the {what} of every head before the attention scores: {head_dim} "
            f"{kind} for each of the {heads} heads (stored [heads, head_dim])"
        )
    elif width == "each":
        (head_dim,) = numbers
        norms = size(network, "heads" if what == "queries" else "kv_heads") or size(
            network, "heads"
        )
        layers = size(network, "layers")
        many = f" ({norms} in each of the {layers} layers)" if norms and layers else ""
        return (
            f"a norm of its own for the {what} of each head before the attention scores: "
            f"{head_dim} {kind} per head; one per head in every layer{many}"
        )
    elif width == "head":
        (head_dim,) = numbers
        text = (
            f"a norm of the {what} of each head before the attention scores: {head_dim} "
            f"{kind}, one per feature of a head, shared by every head"
        )
    else:
        (full,) = numbers
        text = f"a norm of all the {what} at once before the attention scores: {full} {kind}"
    return text + copies(role, network)
