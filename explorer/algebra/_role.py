"""What a term is, as data: renderers and ``explain`` read fields, never parse names.

Example:
    >>> Role("weight_ih", "input-to-gates", layer="1", feeds=True).where
    'layer 1'
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["EVERY", "GROUPED", "NO_ROLE", "Role"]

#: The layer label of terms that stand for layers 1 to L-1 when the depth is a symbol.
GROUPED = "[1:L]"
#: The layer label of terms that stand for every one of identical layers.
EVERY = "*"


class Role(NamedTuple):
    """The role of a term, set by the block that made it.

    Attributes:
        part: the family's word for what the term is (``weight_ih``, ``q_proj``); terms of
            the same part in different layers share it.
        title: how tables and explanations name it (``input-to-gates``).
        layer: ``"0"``, ``"1"`` ..., :data:`GROUPED` for layers 1..L-1 under a symbolic
            depth, :data:`EVERY` for every one of identical layers, or ``""`` for terms
            outside the layers (embeddings, heads).
        direction: ``""``, or the family's name for a second direction (``reverse``).
        block: the building block it comes from (``gates``, ``attention``, ``embedding``).
        feeds: its last dimension is the width of what feeds it.
        extras: facts of the family's own, as ``(name, value)`` pairs (``("gates", "ifgo")``).
    """

    part: str
    title: str
    layer: str = ""
    direction: str = ""
    block: str = ""
    feeds: bool = False
    extras: tuple[tuple[str, str], ...] = ()

    @property
    def where(self) -> str:
        """``layer 1``, ``layers 1..L-1``, ``layer 0 (reverse)``, or ``""`` outside layers."""
        if not self.layer:
            return ""
        if self.layer == EVERY:
            text = "every layer"
        elif self.layer == GROUPED:
            text = "layers 1..L-1"
        else:
            text = f"layer {self.layer}"
        return text + (f" ({self.direction})" if self.direction else "")

    def extra(self, name: str, default: str = "") -> str:
        """One of the family's own facts, or ``default``."""
        return dict(self.extras).get(name, default)

    def to_json(self) -> dict[str, Any]:
        """Plain data (the on-disk cache, ``--json``)."""
        return {
            "part": self.part,
            "title": self.title,
            "layer": self.layer,
            "direction": self.direction,
            "block": self.block,
            "feeds": self.feeds,
            "extras": [list(pair) for pair in self.extras],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Role:
        """Back from :meth:`to_json`; raises ``KeyError``/``TypeError``/``ValueError`` on
        anything malformed."""
        extras = tuple((str(k), str(v)) for k, v in data["extras"])
        return cls(
            str(data["part"]),
            str(data["title"]),
            str(data["layer"]),
            str(data["direction"]),
            str(data["block"]),
            bool(data["feeds"]),
            extras,
        )


#: The role of a term whose block gave none: told by its name and meaning.
NO_ROLE = Role("", "")
