"""Measures of a structure beside its parameters: the same algebra over more slots.

A family may declare, next to its parameter terms, other named terms of the same
structure: the multiply-accumulates of its matrix products, the elements its attention
caches, the bytes a published activation formula gives. Each such *measure* is named by
the family (``flops:full``, ``kv`` ...; the algebra reads the names as keys only) and may
depend on sizes that are not parameters (the sequence length ``T``, the batch ``B``): its
extra slots. :class:`MeasureFamily` presents one measure of a family as a family of its
own, so the measure compiles, caches, evaluates (scalar and vectorised) and prints
exactly as a parameter count does: it *is* a :class:`~explorer.algebra.Count`.

Example:
    >>> import explorer
    >>> c = explorer.count("lstm", input=39, cells=64, layers=2, seq=10, batch=1)
    >>> c.flops, c.macs
    (1182720, 591360)
    >>> c.compute.breakdown["weight_ih_l0"]
    199680
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from explorer.algebra._compiled import Slot
from explorer.algebra._protocol import ConventionLike, FamilyLike, complete, extent, general

if TYPE_CHECKING:
    from explorer.algebra._term import Term

__all__ = ["ComputeConventionLike", "MeasureFamily", "MeasuredFamily", "measures_of"]


@runtime_checkable
class MeasuredFamily(FamilyLike, Protocol):
    """A family that declares measures beside its parameter terms."""

    def measures(self, structure: Hashable) -> tuple[str, ...]:
        """The measures this structure declares (``flops:full``, ``kv`` ...)."""
        ...

    def measure_slots(self, structure: Hashable, measure: str) -> tuple[Slot, ...]:
        """The slots a measure adds after the structure's own (``seq``, ``batch``)."""
        ...

    def measure_terms(self, structure: Hashable, measure: str) -> tuple[Term, ...]:
        """The measure's named terms (sympy), over the structure's and the extra slots."""
        ...


class ComputeConventionLike(ConventionLike, Protocol):
    """A compute convention, as the algebra sees it: which measure holds the FLOPs of
    one forward pass, and the factor a training step takes over it."""

    @property
    def measure(self) -> str:
        """The family's measure of one forward pass's FLOPs (``flops:full``)."""
        ...

    @property
    def training_factor(self) -> int:
        """FLOPs of a training step (forward and backward) per forward FLOP."""
        ...


@dataclass(frozen=True, slots=True)
class MeasureFamily:
    """One measure of a family, presented as a family (the algebra's protocol).

    Its name is the family's and the measure's (``llama#flops:full``): it keys the memory
    and disk caches apart from the parameter count. Its slots are the structure's, then
    the measure's own.
    """

    base: Any
    measure: str

    @property
    def name(self) -> str:
        """``family#measure``."""
        return f"{self.base.name}#{self.measure}"

    def own_slots(self, structure: Hashable) -> tuple[Slot, ...]:
        """The slots the measure adds (after the structure's own)."""
        extra: tuple[Slot, ...] = self.base.measure_slots(structure, self.measure)
        return extra

    def slots(self, structure: Hashable) -> tuple[Slot, ...]:
        """The structure's slots, then the measure's own."""
        base: tuple[Slot, ...] = self.base.slots(structure)
        return base + self.own_slots(structure)

    def build_terms(self, structure: Hashable) -> tuple[Term, ...]:
        """The measure's terms, as the family declares them."""
        terms: tuple[Term, ...] = self.base.measure_terms(structure, self.measure)
        return terms

    def design(self, structure: Hashable, values: Sequence[int | None]) -> dict[str, Any]:
        """The family's design, and the measure's own sizes."""
        size = len(self.base.slots(structure))
        design: dict[str, Any] = self.base.design(structure, values[:size])
        for slot, value in zip(self.own_slots(structure), values[size:]):
            design[slot.keyword] = value
        return design

    def describe(self, structure: Hashable) -> str:
        """What the family's count includes."""
        text: str = self.base.describe(structure)
        return text

    def meaning(self, slot: Slot) -> str:
        """The family's words for the slot."""
        text: str = self.base.meaning(slot)
        return text

    def extent(self, structure: Hashable) -> int:
        """The family's: how many layers building the terms unrolls."""
        return extent(self.base, structure)

    def general(self, structure: Hashable) -> tuple[Hashable, dict[str, int]] | None:
        """The family's structure with its depth a symbol (the measure's terms follow the
        structure as the parameters do)."""
        return general(self.base, structure)

    def complete(self, structure: Hashable, values: list[Any]) -> None:
        """The family's rules, on the structure's slots; then the measure's own derived
        slots, where the family fills them (``measure_complete``: the positions a sliding
        window keeps, min(T, W - 1))."""
        size = len(self.base.slots(structure))
        head = values[:size]
        complete(self.base, structure, head)
        values[:size] = head
        fill = getattr(self.base, "measure_complete", None)
        if fill is not None:
            fill(structure, self.measure, values)


def measures_of(family: Any, structure: Hashable) -> tuple[str, ...]:
    """The measures ``family`` declares for ``structure`` (none: ``()``)."""
    declared = getattr(family, "measures", None)  # not isinstance: protocol checks are slow
    if declared is None or isinstance(family, MeasureFamily):
        return ()
    found: tuple[str, ...] = declared(structure)
    return found
