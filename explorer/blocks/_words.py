"""A block's words: why each of its terms has its shape, for ``explain``.

Each block module registers the words of the block names it puts in its terms' roles
(:attr:`explorer.algebra.Role.block`) with :func:`words`; ``explain`` asks :func:`why`. A
term whose block has no words is told by its meaning. A block module is imported by the
family modules that use it, so its words are registered whenever its family is loaded.

Example:
    >>> from explorer.algebra import Role
    >>> @words("example")
    ... def _example(role, numbers, dims, network):
    ...     return f"{numbers[0]} numbers"
    >>> why(Role("x", "x", block="example"), "x: a vector", (3,), [], Network((), {}))
    '3 numbers'
    >>> why(Role("x", "x", block="unknown"), "x: a vector", (3,), [], Network((), {}))
    'a vector'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from explorer.algebra import GROUPED, Role

__all__ = ["DimensionLike", "Network", "Reason", "why", "words", "words_of"]


class DimensionLike(Protocol):
    """One dimension of a term's shape, as ``explain`` shows it."""

    @property
    def text(self) -> str:
        """Symbolic text, ``4*n_c``."""
        ...

    @property
    def number(self) -> int:
        """Its value."""
        ...

    @property
    def shown(self) -> str:
        """With the numbers: ``4 x 1024``, ``256 + 256``."""
        ...

    @property
    def names(self) -> set[str]:
        """The size symbols it is made of (``n_c``, not ``n_c1``)."""
        ...

    @property
    def doubled(self) -> bool:
        """Twice a width (``2*...``)."""
        ...


class Network(NamedTuple):
    """What a block's words may need to know of the rest of its network (one part of a
    spec).

    Attributes:
        roles: the roles of every term of the part.
        design: the part's design keywords (``tied``, how directions merge ...).

    Example:
        >>> Network(roles=(), design={"tied": True}).has(part="embedding.weight")
        False
    """

    roles: tuple[Role, ...]
    design: Mapping[str, Any]

    def has(self, *, part: str | None = None, direction: bool | None = None) -> bool:
        """Whether a term of the given part (and, if asked, of a second direction) exists."""
        return any(
            (part is None or r.part == part) and (direction is None or bool(r.direction))
            for r in self.roles
        )

    def last_layer(self) -> str:
        """``layer 2``, ``layer L-1``: the layer that feeds what comes after the layers."""
        layers = {r.layer for r in self.roles if r.layer}
        if GROUPED in layers:
            return "layer L-1"
        numbered = [int(k) for k in layers if k.isdigit()]
        return f"layer {max(numbered)}" if numbered else "the last layer"


Reason = Callable[[Role, tuple[int, ...], Sequence[DimensionLike], Network], str]
"""A block's words: the role, shape as numbers, dimensions and network of a term -> why."""

#: Block name -> its words (filled by the block modules as they are imported).
_WORDS: dict[str, Reason] = {}


def words(*blocks: str) -> Callable[[Reason], Reason]:
    """Register a function as the words of the terms of ``blocks`` (block names)."""

    def register(reason: Reason) -> Reason:
        for block in blocks:
            _WORDS[block] = reason
        return reason

    return register


def words_of(block: str) -> Reason | None:
    """The words registered for a block name, or ``None``."""
    return _WORDS.get(block)


def why(
    role: Role,
    meaning: str,
    numbers: tuple[int, ...],
    dims: Sequence[DimensionLike],
    network: Network,
) -> str:
    """The reason of a term: its block's words, else its meaning (after its place). A role
    that says its words are its meaning (``("words", "meaning")``: a derived formula's
    tensors, grouped by block for the breakdown but made by no block) skips the block's."""
    reason = _WORDS.get(role.block)
    if reason is not None and role.extra("words") != "meaning":
        text = reason(role, numbers, dims, network)
        if text:
            return text
    return meaning.split(": ", 1)[-1]
