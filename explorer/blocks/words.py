"""The words of the blocks' terms: why each term has its size.

``explain`` tells a count term by term; what a term is (its title) and why it has its
shape belong to the block that made it. Each family of blocks gives its reasons by
:attr:`~explorer.algebra.Role.block` name; a term of a block without one is told by its
meaning.

Example:
    >>> from explorer.algebra import Role
    >>> network = Network(roles=(), design={})
    >>> role = Role("output.bias", "output biases", block="output")
    >>> why(role, "output layer biases", (34,), [], network)
    'one bias for each of the 34 outputs'
"""

from __future__ import annotations

from collections.abc import Sequence

from explorer.algebra import Role
from explorer.blocks import recurrent_words, transformer_words
from explorer.blocks._reasoning import DimensionLike, Network, Reason

__all__ = ["REASONS", "DimensionLike", "Network", "Reason", "why"]


#: Block name -> the reason of its terms.
REASONS: dict[str, Reason] = {**recurrent_words.REASONS, **transformer_words.REASONS}


def why(
    role: Role,
    meaning: str,
    numbers: tuple[int, ...],
    dims: Sequence[DimensionLike],
    network: Network,
) -> str:
    """The reason of a term: its block's words, else its meaning (after its place)."""
    reason = REASONS.get(role.block)
    if reason is not None:
        text = reason(role, numbers, dims, network)
        if text:
            return text
    return meaning.split(": ", 1)[-1]
