"""One design counted under every convention of its family's kind, side by side.

The question people ask first ("why does my count differ from the forum's?") is most often
answered by the convention: which biases, peepholes and skip connections are counted.

Example:
    >>> c = compare_conventions("lstm", input=39, cells=1024, layers=3, output=34)
    >>> [(row.convention, row.total) for row in c.rows][:3]
    [('weights', 21166080), ('keras', 21178402), ('pytorch', 21190690)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from explorer.algebra import Count
from explorer.errors import ExplorerError

__all__ = ["ConventionComparison", "ConventionRow", "compare_conventions"]


@dataclass(frozen=True, slots=True)
class ConventionRow:
    """One convention's count of the design, or why it cannot count it.

    Attributes:
        convention: the convention's name (``+flag=value`` when a flag was overridden).
        count: the count, ``None`` when the convention refuses the design.
        error: why it refuses (``None`` when it counts).
    """

    convention: str
    count: Count | None
    error: ExplorerError | None = None

    @property
    def refused(self) -> str:
        """Why the convention refuses the design (empty when it counts)."""
        return "" if self.error is None else str(self.error)

    @property
    def total(self) -> int | None:
        """The total, ``None`` when refused."""
        return None if self.count is None else self.count.total


@dataclass(frozen=True, slots=True)
class ConventionComparison:
    """A design counted under every convention of its family's kind.

    Attributes:
        family: the family's name.
        sizes: the design by keyword (as the counts report it).
        rows: one per convention, in the registry's order.
    """

    family: str
    sizes: dict[str, Any]
    rows: tuple[ConventionRow, ...]

    @property
    def counted(self) -> tuple[ConventionRow, ...]:
        """The rows whose convention counts the design."""
        return tuple(row for row in self.rows if row.count is not None)


def compare_conventions(family: str, **sizes: Any) -> ConventionComparison:
    """Count one design under every convention of ``family``'s kind.

    Args:
        family: a registered family.
        **sizes: as for :func:`explorer.count`; convention flags given here (``bias``)
            override every convention alike.

    Raises:
        ExplorerError: the design is wrong under every convention (the first reason).
    """
    from explorer._api import count
    from explorer.conventions import conventions_of
    from explorer.families import get_family

    chosen = get_family(family)
    rows: list[ConventionRow] = []
    first: ExplorerError | None = None
    for name in conventions_of(chosen.kind):
        try:
            counted = count(chosen.name, convention=name, **sizes)
            rows.append(ConventionRow(counted.convention.name, counted))
        except ExplorerError as error:
            first = first or error
            rows.append(ConventionRow(name, None, error))
    done = [row.count for row in rows if row.count is not None]
    if not done:
        assert first is not None  # every convention refused, each with a reason
        raise first
    return ConventionComparison(chosen.name, done[0].sizes, tuple(rows))
