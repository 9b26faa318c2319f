"""What the solver needs of a measure other than parameters (FLOPs, bytes: implemented in
:mod:`explorer.measures`, above the solver): a unit, budgets read in it, and an exact
evaluator.

Example:
    >>> from explorer.measures import Flops
    >>> isinstance(Flops(seq=8).unit, str)
    True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from explorer.algebra import Count, Polynomial

__all__ = ["Evaluate", "Measure"]

#: The measured value as a function of a template's slot values.
Evaluate = Callable[[Sequence[Any]], int]


class Measure(Protocol):
    """What the solver needs of a measure."""

    @property
    def unit(self) -> str:
        """``parameters``, ``FLOPs``, ``bytes``."""
        ...

    def describe(self) -> str:
        """What is measured, in a line."""
        ...

    def parse_budget(self, value: object) -> int:
        """The budget in this measure's exact integer unit."""
        ...

    def evaluator(self, template: Count) -> tuple[Evaluate, Polynomial | None, tuple[int, ...]]:
        """The measured value as a function of the template's slot values; and, when it
        is a polynomial, that polynomial over the slots and the measure's own sizes with
        those sizes' values (for the solver's closed-form first guess)."""
        ...

    def of(self, count: Count) -> int:
        """The measured value of a whole design."""
        ...
