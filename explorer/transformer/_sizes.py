"""A Transformer structure's sizes as the blocks read them: each keyword's symbol, and the
widths that follow from them (the query and key/value widths, d_ff when it is 4 d_model,
the decoder's depth).

Example:
    >>> import explorer
    >>> c = explorer.count("llama", d_model=64, layers=2, heads=4, kv_heads=2, vocab=100)
    >>> z = Sizes({k.name: k.symbol for k in c.family.keywords if k.symbol}, c.structure)
    >>> z.q_width, z.kv_width, z["vocab"]
    (d_h*n_h, d_h*n_kv, V)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from explorer.algebra import symbol

if TYPE_CHECKING:
    from explorer.transformer._structure import TransformerStructure

__all__ = ["Sizes"]


class Sizes:
    """The structure's sizes as expressions (sympy's, or the algebra's sympy-free ones).

    Attributes:
        d, layers, vocab, heads: d_model, the depth, the vocabulary, the heads.
        q_width, kv_width: the query width (heads x head_dim, or d_model when square) and
            the key/value width (kv_heads x head_dim).
        d_ff: the MLP's width (4 d_model under that rule).
        context, type_vocab, experts, per_token, labels, buckets: optional sizes
            (``None`` where the family has no such keyword).
        decoder_layers: the decoder's depth (the encoder's unless given).
    """

    def __init__(self, symbols: Mapping[str, str], s: TransformerStructure) -> None:
        self._by = by = {name: symbol(text) for name, text in symbols.items()}
        self.d = by["d_model"]
        self.layers = by["layers"]
        self.vocab = by["vocab"]
        self.heads = by["heads"]
        self.q_width: Any
        self.kv_width: Any
        if s.attention == "square":
            self.q_width = self.d
            self.kv_width = self.d
        else:
            head_dim = by["head_dim"]
            self.q_width = self.heads * head_dim
            self.kv_width = (by["kv_heads"] if s.kv else self.heads) * head_dim
        self.d_ff = 4 * self.d if s.ffn == "times4" else by["d_ff"]
        self.context: Any = by.get("context")
        self.type_vocab: Any = by.get("type_vocab")
        self.experts: Any = by.get("experts")
        self.per_token: Any = by.get("experts_per_token")
        self.decoder_layers = by["decoder_layers"] if s.decoder_depth else self.layers
        self.labels: Any = by.get("labels")
        self.buckets: Any = by.get("buckets")

    def __getitem__(self, keyword: str) -> Any:
        """The symbol of any keyword of the family (its own keywords included)."""
        return self._by[keyword]

    def depth(self, *, decoder: bool) -> Any:
        """How many layers a stack has (an encoder-decoder's decoder, or any other)."""
        return self.decoder_layers if decoder else self.layers
