"""The convention of derived formulas: what the build counted, nothing to override.

Example:
    >>> DERIVED["as-built"].flags()
    {}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from explorer.conventions._convention import Convention, Flag

__all__ = ["DERIVED", "DerivedConvention"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DerivedConvention(Convention):
    """A derived formula counts what its builds counted (unique parameters, or buffers):
    the convention is the framework's own, recorded in the file."""

    KIND: ClassVar[str] = "derived"
    FLAGS: ClassVar[tuple[Flag, ...]] = ()


AS_BUILT = DerivedConvention(
    name="as-built",
    formula="the polynomial fitted to meta-device builds and verified at held-out points",
    source="explorer derive: sum(p.numel() for p in model.parameters()) of the real class",
)

#: The derived presets.
DERIVED: dict[str, DerivedConvention] = {AS_BUILT.name: AS_BUILT}
