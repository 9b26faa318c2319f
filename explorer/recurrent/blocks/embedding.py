"""The embedding in front of a recurrent network: ``embedding.weight`` (vocab x input),
one row per token; a lookup, so no matrix product.

Example:
    >>> import explorer
    >>> explorer.count("lstm", input=8, cells=4, vocab=100).breakdown["embedding.weight"]
    800
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, words

if TYPE_CHECKING:
    import sympy

__all__ = ["embedding"]


def embedding(*, vocab: sympy.Expr, dim: sympy.Expr) -> list[Term]:
    """``embedding.weight`` (vocab x dim)."""
    return [
        Term(
            "embedding.weight",
            "embedding",
            (vocab, dim),
            "embedding table, one row of input size per token",
            "embedding",
            role=Role("embedding.weight", "embedding table", block="embedding"),
        )
    ]


@words("embedding")
def _words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    shared = "; the output layer shares this matrix (tied), so it is counted once, here"
    return (
        f"one row of {numbers[1]} numbers (the input size) for each of the {numbers[0]} "
        f"tokens{shared if network.design.get('tied') else ''}"
    )
