"""The family base: turn validated sizes into a structure, and a structure into terms."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.algebra._compiled import Slot
from explorer.conventions import Convention

if TYPE_CHECKING:
    from explorer.algebra._term import Term

__all__ = ["Family", "Structure"]


class Structure(NamedTuple):
    """Everything that shapes the formula, and nothing that only sets its numbers.

    Two designs with equal structures share one compiled count; the sizes are its
    arguments. ``layers`` is ``None`` when the depth is a symbol. ``cells``, ``proj`` and
    ``nonrec`` say how a size is given: 0 absent, 1 one for all layers, 2 per layer.
    """

    family: str
    bias: str
    peepholes: bool
    skip: bool
    output_bias: bool
    reset_after: bool
    layers: int | None
    cells: int
    proj: int
    nonrec: int
    bidirectional: bool
    merge: str
    output: bool
    vocab: bool
    tied: bool


class Family(ABC):
    """A family's only job: its structure and named terms for given sizes and convention."""

    name: str
    description: str

    @abstractmethod
    def parse(
        self,
        sizes: Mapping[str, Any],
        convention: Convention,
        *,
        explicit: Mapping[str, object],
        symbolic: bool,
    ) -> tuple[Structure, dict[str, Any]]:
        """Validate ``sizes``; return the structure and the value of each keyword
        (``None`` where the size stays a symbol)."""

    def parse_fast(
        self, sizes: Mapping[str, Any], convention: Convention
    ) -> tuple[Structure, tuple[int, ...]] | None:
        """Optional shortcut for common requests: the structure and the slot values, or
        ``None`` to fall back to :meth:`parse`. Must agree with :meth:`parse`."""
        return None

    @abstractmethod
    def slots(self, structure: Structure) -> tuple[Slot, ...]:
        """The sizes the formula depends on, in argument order."""

    @abstractmethod
    def build_terms(self, structure: Structure) -> tuple[Term, ...]:
        """The named terms (sympy) of the structure."""
