"""Embedding tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explorer.algebra import Role
from explorer.algebra._term import Term

if TYPE_CHECKING:
    import sympy

__all__ = ["embedding"]


def embedding(*, vocab: sympy.Expr, dim: sympy.Expr) -> list[Term]:
    """``embedding.weight`` (vocab × dim): one row per token.

    Example:
        >>> import sympy
        >>> v, d = sympy.symbols("v d", positive=True)
        >>> embedding(vocab=v, dim=d)[0].expr
        d*v
    """
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
