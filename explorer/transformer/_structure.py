"""What shapes a Transformer's formula: the structure every Transformer family parses
sizes into.

Example:
    >>> "attention" in TransformerStructure._fields
    True
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["TransformerStructure"]


class TransformerStructure(NamedTuple):
    """Everything that shapes a Transformer's formula (not its sizes).

    ``attention``: ``square`` (q, k, v, o all d_model x d_model: head_dim and kv_heads
    follow the heads), ``derived`` (head_dim = d_model // heads, a size that follows),
    or ``explicit`` (head_dim given); ``heads`` keeps the head count a square attention's
    count does not depend on (so that the design can be given again). ``ffn``: ``given``
    (d_ff a size), ``times4``
    (d_ff = 4 d_model) or ``llama`` (LLaMA's rounding rule: d_ff follows d_model).
    """

    family: str
    head: str
    attention: str
    heads: int | None
    kv: bool
    ffn: str
    rule: tuple[int, str]
    gated: bool
    qkv_bias: bool
    o_bias: bool
    mlp_bias: bool
    layer_norm: bool
    positions: bool
    type_vocab: bool
    tied: bool
    experts: bool
    cross_attention: bool
    decoder: bool
    decoder_depth: bool
    labels: bool
    classifier_bias: bool
    relative: bool
    embeddings: bool
    biases: bool
    norms: bool
    #: The family's own keywords (:attr:`TransformerFamily.own_keywords`): a flag's,
    #: choice's or number's value, and for a size whether it is ``given`` or follows its
    #: ``rule`` (a size absent is not listed).
    options: tuple[tuple[str, Any], ...] = ()
    #: An encoder-decoder whose decoder has no layers (``num_decoder_layers`` 0): only its
    #: final norm is built.
    decoder_empty: bool = False

    def option(self, name: str, default: Any = None) -> Any:
        """The value of one of the family's own keywords (``default`` when absent)."""
        for key, value in self.options:
            if key == name:
                return value
        return default
