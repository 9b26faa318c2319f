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

from typing import TYPE_CHECKING

from explorer.algebra import Slot

if TYPE_CHECKING:
    from explorer.families._transformer import TransformerFamily, TransformerStructure
    from explorer.families._transformer_naming import StackNames

__all__ = ["ACTIVATIONS", "causal_stack", "measure_slots", "measures", "stack_group"]

#: Korthikanti et al. 2022's activation bytes per layer, by recomputation: (the
#: coefficient of s b h, the coefficient of a s^2 b).
ACTIVATIONS = {
    "korthikanti2022": (34, 5),
    "korthikanti2022-selective": (34, 0),
    "korthikanti2022-full": (2, 0),
}


def measures(family: TransformerFamily, s: TransformerStructure) -> tuple[str, ...]:
    """The measures this structure declares."""
    found = ["flops:full", "flops:causal"]
    if any(causal_stack(family, s, stack) for stack in family.stacks(s)):
        found.append("kv")
    if not s.decoder and not s.experts:
        found += [f"activations:{name}" for name in ACTIVATIONS]
    return tuple(found)


def measure_slots(
    family: TransformerFamily, s: TransformerStructure, measure: str
) -> tuple[Slot, ...]:
    """T and B; an encoder-decoder's decoder length T_d too."""
    slots = (Slot("seq", None, "T"), Slot("batch", None, "B"))
    return (*slots, Slot("decoder_seq", None, "T_d")) if s.decoder else slots


def causal_stack(family: TransformerFamily, s: TransformerStructure, stack: StackNames) -> bool:
    """A decoder stack, or the single stack of a causal family."""
    return stack.decoder or (family.causal and not s.decoder)


def stack_group(stack: StackNames, s: TransformerStructure) -> str:
    """The table group of a stack's layers."""
    if stack.decoder:
        return "decoder layers"
    return "encoder layers" if s.decoder else "layers"
