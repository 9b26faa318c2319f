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

from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from explorer.algebra import Term
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure

__all__ = ["Block", "Front", "Pass", "width_of"]


class Pass(NamedTuple):
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


def width_of(z: Sizes, s: TransformerStructure, keyword: str) -> Any:
    """The width a block reads: the size ``keyword`` names where the design gives it (an
    own size of the family: OPT's embedding width), else d_model.

    Example:
        >>> import explorer
        >>> from explorer.transformer import Sizes
        >>> c = explorer.count("llama", d_model=64, layers=1, heads=4, vocab=10)
        >>> z = Sizes({k.name: k.symbol for k in c.family.keywords if k.symbol}, c.structure)
        >>> width_of(z, c.structure, "")
        d
    """
    if keyword and s.option(keyword) in ("given", "rule"):
        return z[keyword]
    return z.d


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
