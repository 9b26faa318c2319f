"""Which measures a Transformer structure declares, and the slots they add: read without
importing sympy (a cached count's compute is evaluated from the disk cache alone). The
terms themselves are in :mod:`explorer.families._transformer_compute`.

Example:
    >>> import explorer
    >>> c = explorer.count("bert")
    >>> measures(c.family, c.structure)[:3]
    ('flops:full', 'flops:causal', 'activations:korthikanti2022')
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Protocol

from explorer.algebra import Slot

if TYPE_CHECKING:
    from explorer.families._keywords import Keyword
    from explorer.families._transformer_naming import Naming, StackNames
    from explorer.families._transformer_structure import TransformerStructure

__all__ = [
    "ACTIVATIONS",
    "Measured",
    "causal_stack",
    "measure_slots",
    "measures",
    "stack_group",
]


class Measured(Protocol):
    """What the measures read of a Transformer family (its declarations and stacks)."""

    @property
    def name(self) -> str:
        """The family's name."""
        ...

    @property
    def keywords(self) -> tuple[Keyword, ...]:
        """Its keywords."""
        ...

    @property
    def naming(self) -> Naming:
        """The names of its parameters."""
        ...

    @property
    def causal(self) -> bool:
        """Its single stack's self-attention is causal."""
        ...

    def stacks(self, s: TransformerStructure) -> tuple[StackNames, ...]:
        """Its stacks' names (one, or an encoder and a decoder)."""
        ...

    def slots(self, structure: Hashable) -> tuple[Slot, ...]:
        """Its parameter slots."""
        ...


#: Korthikanti et al. 2022's activation bytes per layer, by recomputation: (the
#: coefficient of s b h, the coefficient of a s^2 b).
ACTIVATIONS = {
    "korthikanti2022": (34, 5),
    "korthikanti2022-selective": (34, 0),
    "korthikanti2022-full": (2, 0),
}


def measures(family: Measured, s: TransformerStructure) -> tuple[str, ...]:
    """The measures this structure declares."""
    found = ["flops:full", "flops:causal"]
    if any(causal_stack(family, s, stack) for stack in family.stacks(s)):
        found.append("kv")
    if not s.decoder and not s.experts:
        found += [f"activations:{name}" for name in ACTIVATIONS]
    return tuple(found)


def measure_slots(family: Measured, s: TransformerStructure, measure: str) -> tuple[Slot, ...]:
    """T and B; an encoder-decoder's decoder length T_d too."""
    slots = (Slot("seq", None, "T"), Slot("batch", None, "B"))
    return (*slots, Slot("decoder_seq", None, "T_d")) if s.decoder else slots


def causal_stack(family: Measured, s: TransformerStructure, stack: StackNames) -> bool:
    """A decoder stack, or the single stack of a causal family."""
    return stack.decoder or (family.causal and not s.decoder)


def stack_group(stack: StackNames, s: TransformerStructure) -> str:
    """The table group of a stack's layers."""
    if stack.decoder:
        return "decoder layers"
    return "encoder layers" if s.decoder else "layers"
