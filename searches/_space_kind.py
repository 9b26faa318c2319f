"""The kinds of study that search a :class:`~searches.space.Space` at a budget: what they
share (the fingerprint, the notes, what the budget counts) said once.

Example:
    >>> from dataclasses import dataclass
    >>> from searches.space import make_space
    >>> @dataclass(frozen=True)
    ... class Probe(SpaceKind):
    ...     name = "probe"
    ...     space: Any
    ...     budget: int
    ...     def objective(self, plan): return lambda trial: [0.0]
    >>> probe = Probe(make_space(families=("lstm",)), 1000)
    >>> probe.fingerprint()["budget"], probe.measure()
    (1000, ('parameters', 'parameters'))
"""

from __future__ import annotations

from typing import Any

from searches._kind import SearchKind
from searches._notes import space_notes
from searches.space import Space

__all__ = ["SpaceKind"]


class SpaceKind(SearchKind):
    """A kind over ``space`` at ``budget`` (subclasses declare both as fields)."""

    space: Space

    def fingerprint(self) -> dict[str, Any]:
        """The budget and the space."""
        return {"budget": self.budget, "space": self.space.to_json()}

    def notes(self) -> tuple[str, ...]:
        """The space's defaults."""
        return space_notes(self.space)

    def measure(self) -> tuple[str, str]:
        """The space's unit and measure."""
        return self.space.unit, self.space.measured
