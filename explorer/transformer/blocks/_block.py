"""What a Transformer block is: its parameter terms, its matrix products in a forward pass
and (attention only) what it caches, at a :class:`~explorer.blocks.Site`, from the
structure's sizes.

Example:
    >>> import sympy
    >>> B, T = sympy.symbols("B T", positive=True)
    >>> Pass(B, T, T, causal=False).rows
    B*T
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from explorer.algebra import Term
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure

__all__ = ["Block", "Front", "Pass"]


@dataclass(frozen=True, slots=True)
class Pass:
    """One forward pass as a block of one stack reads it.

    Attributes:
        batch: sequences (B).
        length: this stack's tokens per sequence (T, or an encoder-decoder's T_d).
        source: the tokens keys and values read when they come from elsewhere (a
            cross-attention reads the encoder's T).
        causal: the stack's self-attention is causal and counted as such.
        encoder: an encoder of this design feeds the stack (a decoder's): a
            cross-attention without one reads an outside encoder this design does not size.
    """

    batch: Any
    length: Any
    source: Any
    causal: bool
    encoder: bool = False

    @property
    def rows(self) -> Any:
        """Every position of every sequence: B x T."""
        return self.batch * self.length


class Block(Protocol):
    """A block of a Transformer layer (attention, MLP, experts ...).

    ``norm_title`` names the norm of its sublayer in tables (``attention norm``).
    """

    @property
    def norm_title(self) -> str:
        """How tables name the norm of this block's sublayer."""
        ...

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """Its parameter terms."""
        ...

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """Its matrix products in one forward pass (what ``FlopCounterMode`` counts)."""
        ...

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """What it caches for generation (keys and values); most blocks cache nothing."""
        ...


class Front(Protocol):
    """What feeds a stack's first layer: token tables (:class:`Embeddings`) or the patches
    of an image (:class:`PatchEmbeddings`).

    ``reads_tokens``: the model reads token ids, so its vocabulary is a size and its forward
    pass is sized by ``seq`` and ``batch``; a vision tower reads pixels instead.
    """

    @property
    def reads_tokens(self) -> bool:
        """Whether the model reads token ids (a vocabulary)."""
        ...

    def params(
        self,
        at: Site,
        z: Sizes,
        s: TransformerStructure,
        readers: tuple[tuple[str, str], ...] = (),
    ) -> list[Term]:
        """Its parameter terms (``readers``: what else reads a token table)."""
        ...
