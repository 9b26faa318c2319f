"""Where a block of a Transformer sits: the name prefix of its parameters, the table group,
the layer label and how many identical layers its terms stand for.

Example:
    >>> import sympy
    >>> site = Site("model.layers.*.", "layers", "*", sympy.Symbol("L"))
    >>> site.name("self_attn.q_proj.weight"), str(site.copies)
    ('model.layers.*.self_attn.q_proj.weight', 'L')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from explorer.algebra import Role

if TYPE_CHECKING:
    import sympy

__all__ = ["Site"]


class Site(NamedTuple):
    """The prefix of a block's parameter names and how its terms are grouped.

    Attributes:
        prefix: prepended to every parameter name (``model.layers.*.``; ``*`` stands for
            each of identical layers).
        group: the table group (``embeddings``, ``layers``, ``decoder layers``, ``head``).
        layer: the role's layer label (:data:`explorer.algebra.EVERY` for every layer,
            ``"0"`` for the first only, ``""`` outside the layers).
        copies: how many identical layers the terms stand for (``L``, or 1).
        extras: facts every term made here carries in its role (``("stack", "decoder")``).
    """

    prefix: str
    group: str
    layer: str = ""
    copies: sympy.Expr | int = 1
    extras: tuple[tuple[str, str], ...] = ()

    def name(self, local: str) -> str:
        """The full parameter name of ``local`` here."""
        return self.prefix + local

    def at(self, prefix: str, layer: str, copies: sympy.Expr | int = 1) -> Site:
        """The same group at another prefix, layer and number of copies."""
        import sympy  # here: importing the blocks (every family does) must not import it

        return self._replace(prefix=prefix, layer=layer, copies=sympy.sympify(copies))

    def role(
        self,
        part: str,
        title: str,
        *,
        block: str,
        feeds: bool = False,
        extras: tuple[tuple[str, str], ...] = (),
    ) -> Role:
        """The role of a term made here: the site's facts, then the term's own."""
        return Role(part, title, self.layer, "", block, feeds, self.extras + extras)
