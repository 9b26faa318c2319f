"""What the Transformer blocks' words share: a size of the design, a product of factors,
a weight as the framework stores it, how many layers repeat a term, the heads.

Example:
    >>> times(32, 128), times(1, 64)
    ('32 x 128', '64')
"""

from __future__ import annotations

from typing import NamedTuple

from explorer.algebra import EVERY, Role
from explorer.blocks import Network

__all__ = ["Heads", "Matrix", "copies", "is_bias", "size", "times"]


def size(network: Network, name: str) -> int | None:
    """A size of the design, if it is a number (a spec's part may not give it)."""
    value = network.design.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def times(*factors: int) -> str:
    """``32 x 128``; a factor of 1 is left out unless it is alone."""
    shown = [str(f) for f in factors if f != 1]
    return " x ".join(shown) or "1"


class Matrix(NamedTuple):
    """A weight as the framework stores it: ``out`` rows of ``inputs`` ([out, in]), or
    ``inputs`` rows of ``out`` ([in, out], told as columns)."""

    out: int
    inputs: int
    transposed: bool

    @classmethod
    def of(cls, role: Role, numbers: tuple[int, ...]) -> Matrix:
        transposed = bool(role.extra("stored"))
        out, inputs = (numbers[1], numbers[0]) if transposed else (numbers[0], numbers[1])
        return cls(out, inputs, transposed)

    def text(self, out: str | None = None) -> str:
        """``32 x 128 rows of 4096``, or ``3 x 768 columns of 768 (stored [in, out])``."""
        shown = out or str(self.out)
        if self.transposed:
            return f"{shown} columns of {self.inputs} (stored [in, out])"
        return f"{shown} rows of {self.inputs}"


def copies(role: Role, network: Network) -> str:
    """``; 32 copies, one per layer`` for a term that stands for every layer of its stack."""
    if role.layer != EVERY:
        return ""
    stack = role.extra("stack")
    some = role.extra("layers")  # a sublayer of some layers: how many say so
    layers = size(network, some or "layers")
    if stack == "decoder" and not some:
        layers = size(network, "decoder_layers") or layers
    if layers is None:
        return ""
    which = f"{stack} layer" if stack else "layer"
    if some:
        which = f"{which} that has it"
    if layers == 1:
        return f"; one copy (1 {which})"
    return f"; {layers} copies, one per {which}"


def is_bias(numbers: tuple[int, ...]) -> bool:
    return len(numbers) == 1


class Heads(NamedTuple):
    """The heads of the design, as far as it gives them."""

    heads: int | None
    head_dim: int | None

    @classmethod
    def of(cls, network: Network) -> Heads:
        heads, head_dim = size(network, "heads"), size(network, "head_dim")
        d_model = size(network, "d_model")
        if head_dim is None and heads and d_model:
            head_dim = d_model // heads  # as the family's rule: d_model // heads
        return cls(heads, head_dim)

    def split(self, width: int) -> tuple[int, int] | None:
        """``width`` as (heads, head_dim), when it is a whole number of heads."""
        if self.head_dim and width % self.head_dim == 0:
            return width // self.head_dim, self.head_dim
        return None
