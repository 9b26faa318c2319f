"""Named counting conventions per kind of family (data), and the lookup that applies
user overrides.

Example:
    >>> resolve_convention("pytorch", kind="recurrent", bias="single").bias
    'single'
    >>> sorted(conventions_of("recurrent"))
    ['graves2013', 'keras', 'pytorch', 'sak2014', 'weights']
"""

from __future__ import annotations

from explorer.conventions._compute import (
    ATTENTION,
    ATTENTION_FLAG,
    CAUSAL,
    COMPUTE,
    TORCH,
    ComputeConvention,
    compute_convention,
)
from explorer.conventions._convention import Convention, Flag
from explorer.conventions._derived import DERIVED, DerivedConvention
from explorer.conventions._recurrent import BIASES, RECURRENT, Bias, RecurrentConvention
from explorer.conventions._transformer import TRANSFORMER, TransformerConvention
from explorer.errors import ConflictError, UnknownNameError

__all__ = [
    "ATTENTION",
    "ATTENTION_FLAG",
    "BIASES",
    "CAUSAL",
    "COMPUTE",
    "CONVENTIONS",
    "TORCH",
    "Bias",
    "ComputeConvention",
    "Convention",
    "DerivedConvention",
    "Flag",
    "RecurrentConvention",
    "TransformerConvention",
    "compute_convention",
    "conventions_of",
    "resolve_convention",
]

#: Every preset by name (names are unique across kinds).
CONVENTIONS: dict[str, Convention] = {**RECURRENT, **TRANSFORMER, **DERIVED}


def conventions_of(kind: str) -> dict[str, Convention]:
    """The presets that apply to one kind of family."""
    return {name: c for name, c in CONVENTIONS.items() if kind == c.KIND}


def resolve_convention(
    convention: str | Convention, *, kind: str, **overrides: object
) -> Convention:
    """Look a preset up by name (or take a Convention) for a family ``kind``, and apply
    per-flag overrides; ``None`` overrides mean "keep the preset's value"."""
    if not overrides and type(convention) is str:
        found = CONVENTIONS.get(convention)
        if found is not None and kind == found.KIND:
            return found
    if isinstance(convention, Convention):
        base = convention
    else:
        known = conventions_of(kind)
        try:
            base = known[convention]
        except (KeyError, TypeError):
            other = CONVENTIONS.get(convention) if isinstance(convention, str) else None
            if other is not None:
                raise ConflictError(
                    f"convention {convention!r} is for {other.KIND} families; "
                    f"{kind} families know {', '.join(known)}"
                ) from None
            raise UnknownNameError.for_name("convention", convention, known) from None
    if kind != base.KIND:
        raise ConflictError(f"convention {base.name!r} is for {base.KIND} families, not {kind}")
    flags = {flag.name: flag for flag in base.FLAGS}
    for name, value in overrides.items():
        if value is None:
            continue
        if name not in flags:
            raise UnknownNameError.for_name(f"{kind} convention flag", name, flags)
        flags[name].check(value)
    return base.with_overrides(**overrides)
