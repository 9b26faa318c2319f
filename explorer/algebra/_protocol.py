"""What the algebra needs of a family and a convention, declared here, implemented above.

The algebra never imports a family: a :class:`Count` holds any object that offers these
methods, so the direction of dependency runs one way, from the families down.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from explorer.algebra._compiled import Slot
    from explorer.algebra._term import Term

__all__ = ["ConventionLike", "FamilyLike", "complete", "extent", "general"]


class FamilyLike(Hashable, Protocol):
    """A family, as the algebra sees it: a structure in, slots and named terms out.

    A structure is the family's own hashable value: everything that shapes the formula and
    nothing that only sets its numbers. Its ``repr`` is stable (it keys the disk cache).
    """

    @property
    def name(self) -> str:
        """The registry name (``lstm``)."""
        ...

    def slots(self, structure: Hashable) -> tuple[Slot, ...]:
        """The sizes the formula depends on, in argument order."""
        ...

    def build_terms(self, structure: Hashable) -> tuple[Term, ...]:
        """The named terms (sympy) of the structure."""
        ...

    def design(self, structure: Hashable, values: Sequence[int | None]) -> dict[str, Any]:
        """The design as keywords: with them the family's count gives the same numbers."""
        ...

    def describe(self, structure: Hashable) -> str:
        """What the count includes, in one line (``counting: bias=double``)."""
        ...

    def meaning(self, slot: Slot) -> str:
        """What a slot's symbol stands for, in words."""
        ...


# Optional (a family without them has no derived slots and builds its terms at once):
# ``complete(structure, values)`` fills the derived slots (a size that follows others by a
# rule, such as ``head_dim = d_model // heads``) in place, for ints and numpy arrays alike;
# ``extent(structure)`` says how many times building the terms repeats a unit (a layer),
# and ``general(structure)`` gives a structure whose formula covers this one with a
# structural number made a size (a depth as a symbol) and the values of the sizes it adds,
# or ``None``.


def complete(family: Any, structure: Hashable, values: list[Any]) -> None:
    """Fill a family's derived slots in place, where it has any."""
    fill = getattr(family, "complete", None)
    if fill is not None:
        fill(structure, values)


def extent(family: Any, structure: Hashable) -> int:
    """How many layers building a family's terms unrolls (1 when it says nothing)."""
    found = getattr(family, "extent", None)
    return 1 if found is None else int(found(structure))


def general(family: Any, structure: Hashable) -> tuple[Hashable, dict[str, int]] | None:
    """A family's symbolic-depth structure with its depth a symbol, where it has one."""
    found = getattr(family, "general", None)
    return None if found is None else found(structure)


class ConventionLike(Protocol):
    """A convention, as the algebra sees it: a name and its flags."""

    @property
    def name(self) -> str:
        """The preset's name, with overrides appended."""
        ...

    def flags(self) -> dict[str, object]:
        """The counting flags as plain data."""
        ...
