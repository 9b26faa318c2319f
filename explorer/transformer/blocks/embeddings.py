"""A Transformer's embeddings: the token table (read again by a tied LM head, and by both
stacks of an encoder-decoder), learned positions, token types, a norm after them; and
their words. Lookups: no matrix products.

Example:
    >>> import explorer
    >>> c = explorer.count("bert", d_model=64, layers=1, heads=4, vocab=100, context=32)
    >>> c.breakdown["embeddings.position_embeddings.weight"]
    2048
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, words
from explorer.transformer.blocks.norm import layer_norm

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure

__all__ = ["Embeddings", "table"]


@dataclass(frozen=True, slots=True)
class Embeddings:
    """The embedding tables of a family, by local name (``""``: none).

    Attributes:
        token: the token table.
        positions: learned absolute positions (read when the design has a context).
        types: token types (segments; read when the design has a type vocabulary).
        norm: a norm right after the embeddings (BERT).
    """

    token: str
    positions: str = ""
    types: str = ""
    norm: str = ""
    #: A token table: the model reads token ids (see :class:`~explorer.transformer.blocks.Front`).
    reads_tokens = True

    def params(
        self,
        at: Site,
        z: Sizes,
        s: TransformerStructure,
        readers: tuple[tuple[str, str], ...] = (),
    ) -> list[Term]:
        """The tables the structure has, then the norm; ``readers``: what else reads the
        token table (``("tied", "LM head")``, ``("shared", "encoder and decoder")``)."""
        terms = table(
            at,
            self.token,
            rows=z.vocab,
            width=z.d,
            title="token embedding",
            extras=(("table", "token"), *readers),
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
    if role.extra("shared"):
        text += f"; the {role.extra('shared')} both read it"
    tied = role.extra("tied")
    if tied:
        text += f"; the {tied} is tied to it (the same matrix): counted once, here"
    return text
