"""The :class:`Term`: one named parameter tensor (or a group of identical ones)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from explorer.algebra._kinds import BIAS
from explorer.algebra._role import NO_ROLE, Role

__all__ = ["Term"]


@dataclass(frozen=True, slots=True)
class Term:
    """A named parameter tensor with a symbolic shape.

    ``expr`` is ``multiplicity * prod(shape)``; ``multiplicity`` is 1 except for terms
    that stand for several identical layers (``L - 1`` when the depth is a symbol).
    ``active`` is how many of its parameters one token uses, when not all (a mixture of
    experts uses ``k`` of its ``E`` experts); ``None``: all.

    Example:
        >>> n_c, n_i = sympy.symbols("n_c n_i", positive=True)
        >>> t = Term("weight_ih_l0", "weight", (4 * n_c, n_i), "input-to-gates", "layer 0")
        >>> t.expr
        4*n_c*n_i
    """

    name: str
    kind: str
    shape: tuple[sympy.Expr, ...]
    meaning: str
    group: str
    multiplicity: sympy.Expr = sympy.Integer(1)  # noqa: RUF009 - sympy numbers are immutable
    role: Role = NO_ROLE
    active: sympy.Expr | None = None
    expr: sympy.Expr = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "expr", self.multiplicity * sympy.Mul(*self.shape))

    @property
    def is_bias(self) -> bool:
        """Bias vectors are counted apart from weights (``Count.biases``)."""
        return self.kind == BIAS
