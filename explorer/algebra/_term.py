"""The :class:`Term`: one named parameter tensor (or a group of identical ones)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from explorer.algebra._kinds import BIAS
from explorer.algebra._named import building_without_sympy
from explorer.algebra._role import NO_ROLE, Role

__all__ = ["Term"]


@dataclass(frozen=True, slots=True)
class Term:
    """A named parameter tensor with a symbolic shape.

    ``expr`` is ``multiplicity * prod(shape)``; ``multiplicity`` is 1 except for terms
    that stand for several identical layers (``L - 1`` when the depth is a symbol).
    ``active`` is how many of its parameters one token uses, when not all (a mixture of
    experts uses ``k`` of its ``E`` experts); ``None``: all. Shapes are sympy expressions,
    or sympy-free polynomials while terms are built without sympy
    (:func:`explorer.algebra._named.without_sympy`).

    Example:
        >>> import sympy
        >>> n_c, n_i = sympy.symbols("n_c n_i", positive=True)
        >>> t = Term("weight_ih_l0", "weight", (4 * n_c, n_i), "input-to-gates", "layer 0")
        >>> t.expr, t.multiplicity
        (4*n_c*n_i, 1)
    """

    name: str
    kind: str
    shape: tuple[Any, ...]
    meaning: str
    group: str
    multiplicity: Any = 1
    role: Role = NO_ROLE
    active: Any = None
    expr: Any = field(init=False, compare=False)

    def __post_init__(self) -> None:
        if building_without_sympy():
            expr = self.multiplicity
            for dimension in self.shape:
                expr = dimension if type(expr) is int and expr == 1 else expr * dimension
            object.__setattr__(self, "expr", expr)
            return
        import sympy

        # Whole numbers given as ints become sympy numbers: every shape and multiplicity
        # of a sympy term is a sympy expression (callers substitute into them).
        if not all(isinstance(d, sympy.Basic) for d in self.shape):
            shape = tuple(sympy.Integer(d) if isinstance(d, int) else d for d in self.shape)
            object.__setattr__(self, "shape", shape)
        if not isinstance(self.multiplicity, sympy.Basic):
            object.__setattr__(self, "multiplicity", sympy.Integer(self.multiplicity))
        object.__setattr__(self, "expr", self.multiplicity * sympy.Mul(*self.shape))

    @property
    def is_bias(self) -> bool:
        """Bias vectors are counted apart from weights (``Count.biases``)."""
        return self.kind == BIAS
