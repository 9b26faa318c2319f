"""A Transformer's embeddings: the token table (read again by a tied LM head, and by both
stacks of an encoder-decoder; narrower than d_model where a family projects it, OPT),
learned positions (a table larger than the context by an offset: BART's and OPT's + 2),
token types, a norm after them; and their words. Lookups: no matrix products.

Example:
    >>> import explorer
    >>> c = explorer.count("bert", d_model=64, layers=1, heads=4, vocab=100, context=32)
    >>> c.breakdown["embeddings.position_embeddings.weight"]
    2048
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, words
from explorer.transformer.blocks._block import width_of
from explorer.transformer.blocks.norm import layer_norm

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["Embeddings", "LearnedPositions", "table"]


class Embeddings(NamedTuple):
    """The embedding tables of a family, by local name (``""``: none).

    Attributes:
        token: the token table.
        positions: learned absolute positions (read when the design has a context).
        types: token types (segments; read when the design has a type vocabulary).
        norm: a norm right after the embeddings (BERT).
        width: the keyword of the token table's width where the design gives it (OPT's
            ``embed_dim``); d_model otherwise.
        copies: ``(name, stack)`` pairs: a stack's own token table, the token table
            itself when tied, a table of its own when not (BART's ``encoder.embed_tokens``
            and ``decoder.embed_tokens``); the decoder's only when the design has one.
    """

    token: str
    positions: str = ""
    types: str = ""
    norm: str = ""
    width: str = ""
    copies: tuple[tuple[str, str], ...] = ()
    #: A token table: the model reads token ids (see :class:`~explorer.transformer.blocks.Front`).
    reads_tokens: bool = True

    def params(
        self,
        at: Site,
        z: Sizes,
        s: TransformerStructure,
        readers: tuple[tuple[str, str], ...] = (),
    ) -> list[Term]:
        """The tables the structure has, then the norm; ``readers``: what else reads the
        token table (``("tied", "LM head")``, ``("shared", "encoder and decoder")``)."""
        width = width_of(z, s, self.width)
        terms = table(
            at,
            self.token,
            rows=z.vocab,
            width=width,
            title="token embedding",
            extras=(("table", "token"), *readers),
        )
        for name, stack in self.copies:
            if not s.tied and (stack != "decoder" or s.decoder):
                terms += table(
                    at,
                    name,
                    rows=z.vocab,
                    width=width,
                    title=f"{stack}'s token embedding",
                    extras=(("table", "token"), ("copy", stack)),
                )
        if s.positions and self.positions:
            terms += table(
                at,
                self.positions,
                rows=z.context,
                width=z.d,
                title="position embedding",
                extras=(("table", "position"),),
            )
        if s.type_vocab and self.types:
            terms += table(
                at,
                self.types,
                rows=z.type_vocab,
                width=z.d,
                title="token-type embedding",
                extras=(("table", "type"),),
            )
        if self.norm:
            terms += layer_norm(at, self.norm, z, s, "embedding norm")
        return terms


class LearnedPositions(NamedTuple):
    """A stack's own learned position table (BART's ``encoder.embed_positions``; OPT's
    ``decoder.embed_positions``): ``context + offset`` rows of d_model, where the model
    shifts every position id by ``offset`` (2: the ids below were once kept for padding);
    read when the design has a context. A block a stack has once, before its layers.
    """

    name: str
    offset: int = 0
    norm_title: str = "position embedding"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        if not s.positions:
            return []
        return table(
            at,
            self.name,
            rows=z.context + self.offset,
            width=z.d,
            title="position embedding",
            extras=(("table", "position"), ("offset", str(self.offset))),
        )

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []  # a lookup

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


def table(
    at: Site,
    name: str,
    *,
    rows: object,
    width: object,
    title: str,
    extras: tuple[tuple[str, str], ...] = (),
) -> list[Term]:
    """An embedding table (``nn.Embedding``): one row of ``width`` numbers per entry;
    ``extras``: what else reads it (``("tied", "LM head")``)."""
    return [
        Term(
            at.name(name + ".weight"),
            "embedding",
            (rows, width),
            f"{title}: one row of d_model numbers per entry",
            at.group,
            at.copies,
            at.role(name, title, block="embeddings", extras=extras),
        )
    ]


@words("embeddings")
def _embedding_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    rows, width = numbers
    table = role.extra("table")
    if table == "position":
        offset = int(role.extra("offset", "0") or 0)
        if offset:
            return (
                f"one {width}-wide vector for each of {rows} positions: learned absolute "
                f"positions, the model reads at most {rows - offset} tokens, and every "
                f"position id is shifted by {offset} (the table keeps {offset} rows more)"
            )
        return (
            f"one {width}-wide vector for each of the {rows} positions (learned absolute "
            f"positions: the model reads at most {rows} tokens)"
        )
    if table == "type":
        return (
            f"one {width}-wide vector for each of the {rows} token types (segments), added "
            "to each token's embedding"
        )
    text = f"one {width}-wide vector for each of the {rows} tokens of the vocabulary"
    copy = role.extra("copy")
    if copy:
        return (
            text + f": the {copy}'s own copy, a table of its own since the embeddings are "
            "not tied (tied, it is the token embedding)"
        )
    if role.extra("shared"):
        text += f"; the {role.extra('shared')} both read it"
    tied = role.extra("tied")
    if tied:
        text += f"; the {tied} is tied to it (the same matrix): counted once, here"
    return text
