"""What a family may do beyond the contract: each optional capability a small protocol, and
a function that asks a family for it, with what a family without it means.

- :class:`Measured`: measures beside the parameters (FLOPs, the KV cache ...);
- :class:`WithRules`: sizes that follow others (``head_dim = d_model // heads``);
- :class:`Unrolled`: a structure that unrolls many layers, and its symbolic-depth cover;
- :class:`WithTorchCode`: the design as ``torch.nn`` code;
- :class:`Bounded`: the range and step a solved size must keep.

Example:
    >>> from explorer.families import FAMILIES
    >>> isinstance(FAMILIES["lstm"], WithTorchCode), isinstance(FAMILIES["llama"], WithTorchCode)
    (True, False)
    >>> multiple_of(FAMILIES["lstm"], "cells", {})
    1
    >>> domain_of(FAMILIES["llama"], "d_model", {}, None)
    (1, None)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from explorer.errors import ConflictError

if TYPE_CHECKING:
    from explorer.algebra import Slot, Term
    from explorer.conventions import Convention

__all__ = [
    "Bounded",
    "Measured",
    "Unrolled",
    "WithRules",
    "WithTorchCode",
    "domain_of",
    "multiple_of",
    "torch_code_of",
]


@runtime_checkable
class Measured(Protocol):
    """Measures beside the parameters, each a named set of terms over more sizes."""

    def measures(self, structure: Hashable) -> tuple[str, ...]:
        """The measures a structure declares (``flops:full``, ``flops:causal``, ``kv`` ...)."""
        ...

    def measure_slots(self, structure: Hashable, measure: str) -> tuple[Slot, ...]:
        """The sizes a measure adds to the structure's (``seq``, ``batch``)."""
        ...

    def measure_terms(self, structure: Hashable, measure: str) -> tuple[Term, ...]:
        """A measure's named terms (sympy)."""
        ...


@runtime_checkable
class WithRules(Protocol):
    """Sizes that follow others by a rule: derived slots, filled in place."""

    def complete(self, structure: Hashable, values: list[Any]) -> None:
        """Fill the derived slots (ints or numpy arrays alike)."""
        ...


@runtime_checkable
class Unrolled(Protocol):
    """A structure whose terms unroll its layers one by one."""

    def extent(self, structure: Hashable) -> int:
        """How many layers building the terms unrolls."""
        ...

    def general(self, structure: Hashable) -> tuple[Hashable, dict[str, int]] | None:
        """The structure with its depth a symbol, and the depth by keyword, when that
        formula gives the same numbers; ``None`` otherwise."""
        ...


@runtime_checkable
class WithTorchCode(Protocol):
    """The design as ``torch.nn`` constructor lines."""

    def torch_code(self, structure: Hashable, sizes: Mapping[str, Any]) -> str:
        """Lines that build a ``model`` whose parameters number the count.

        Raises:
            ConflictError: torch cannot build this design.
        """
        ...


@runtime_checkable
class Bounded(Protocol):
    """The range and step a solved size must keep."""

    def domain(
        self, free: str, sizes: Mapping[str, Any], convention: Convention | None
    ) -> tuple[int, int | None]:
        """The allowed range of a free size given the others (``hi`` ``None``: unbounded)."""
        ...

    def multiple(self, free: str, sizes: Mapping[str, Any]) -> int:
        """A step the free size must keep (``d_model`` a multiple of ``heads``)."""
        ...


def domain_of(
    family: object, free: str, sizes: Mapping[str, Any], convention: Convention | None
) -> tuple[int, int | None]:
    """A family's range for a free size; any positive size without :class:`Bounded`."""
    domain = getattr(family, "domain", None)
    if domain is None:
        return 1, None
    low, high = domain(free, sizes, convention)
    return int(low), None if high is None else int(high)


def multiple_of(family: object, free: str, sizes: Mapping[str, Any]) -> int:
    """The step a free size must keep; 1 without :class:`Bounded`."""
    multiple = getattr(family, "multiple", None)
    return 1 if multiple is None else int(multiple(free, sizes))


def torch_code_of(family: object, structure: Hashable, sizes: Mapping[str, Any]) -> str:
    """The design as ``torch.nn`` code.

    Raises:
        ConflictError: the family cannot say it in ``torch.nn``.
    """
    code = getattr(family, "torch_code", None)
    if code is None:
        raise ConflictError(f"no PyTorch code for {getattr(family, 'name', family)} designs")
    return str(code(structure, sizes))
