"""Where a recurrent block sits and what it reads: one layer (one direction) of a stack.

A :class:`Place` is the position of the layer (its name suffix, table group, layer label,
copies); a :class:`Layer` adds what a block of that layer reads (its sizes, the width that
feeds it, the network's input, the structure); a :class:`LayerBlock` turns a layer into
parameter terms and into the terms of its matrix products.

Example:
    >>> p = Place("l0_reverse", "layer 0", "0", "reverse")
    >>> p.label, p.copies
    ('layer 0 (reverse)', 1)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from explorer.algebra import GROUPED, Role

if TYPE_CHECKING:
    import sympy

    from explorer.algebra import Term
    from explorer.recurrent._structure import RecurrentStructure

__all__ = ["Layer", "LayerBlock", "Place"]


class Place(NamedTuple):
    """The position of one layer (one direction) in a network.

    Attributes:
        suffix: the parameter-name suffix, ``l0``, ``l1_reverse``; ``l[1:L]`` stands for
            layers 1 to L-1 when the depth is a symbol.
        group: the table group, ``layer 0`` or ``layers 1..L-1``.
        layer: ``"0"``, ``"1"`` ... or :data:`explorer.algebra.GROUPED`.
        direction: ``""`` or the second direction's name (``reverse``).
        copies: how many identical layers the terms stand for (``L - 1`` or 1).
    """

    suffix: str
    group: str
    layer: str = ""
    direction: str = ""
    copies: sympy.Expr | int = 1

    @property
    def label(self) -> str:
        """How meaning strings name the layer: ``layer 0 (reverse)``, ``layer 1..L-1``."""
        text = "layer 1..L-1" if self.layer == GROUPED else f"layer {self.layer}"
        return text + (f" ({self.direction})" if self.direction else "")

    def repeated(self, copies: sympy.Expr) -> Place:
        """The same place standing for ``copies`` identical layers."""
        return self._replace(copies=copies)

    def role(
        self,
        part: str,
        title: str,
        *,
        block: str,
        feeds: bool = False,
        extras: tuple[tuple[str, str], ...] = (),
    ) -> Role:
        """The :class:`~explorer.algebra.Role` of a term made at this place."""
        return Role(part, title, self.layer, self.direction, block, feeds, extras)

    def name(self, local: str) -> str:
        """A parameter's name here: ``weight_ih`` -> ``weight_ih_l0``."""
        return f"{local}_{self.suffix}"


class Layer(NamedTuple):
    """One layer (one direction) as its blocks read it.

    Attributes:
        place: where its terms sit.
        number: its number in the stack, 0 for the first (1 for the layers 1..L-1 of a
            symbolic depth).
        structure: the network's structure (bias, projections, peepholes, skip ...).
        gates: the gate letters of the family (``ifgo``): one block of rows each.
        cells, proj, nonrec: its sizes (sympy; 0 where absent).
        input_width: the width of what feeds it (the network input, or the layer below).
        network_input: the network's input width (skip connections read it).
    """

    place: Place
    number: int
    structure: RecurrentStructure
    gates: tuple[str, ...]
    cells: Any
    proj: Any
    nonrec: Any
    input_width: Any
    network_input: Any

    @property
    def recurrent_width(self) -> Any:
        """What the gates see from the previous step: the projection, else the cells."""
        return self.proj if self.structure.proj else self.cells


class LayerBlock(Protocol):
    """A block of every recurrent layer: its parameters and its matrix products.

    A block decides from the layer whether it is there (a projection only when the
    structure has one) and returns no terms otherwise.
    """

    def params(self, layer: Layer) -> list[Term]:
        """The block's parameter terms in this layer."""
        ...

    def products(self, layer: Layer, rows: Any) -> list[Term]:
        """The block's matrix products in this layer, for ``rows`` (B x T) input rows."""
        ...
