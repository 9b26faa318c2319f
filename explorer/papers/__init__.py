"""Published configurations and their reported counts (data files, one per paper).

Example:
    >>> "touvron2023" in load_papers(), "forum" in load_papers()
    (True, True)
"""

from explorer.papers._registry import (
    Entry,
    Paper,
    Reproduction,
    find_entry,
    load_papers,
    measured,
    parse_reported,
    reproduce_entry,
)

__all__ = [
    "Entry",
    "Paper",
    "Reproduction",
    "find_entry",
    "load_papers",
    "measured",
    "parse_reported",
    "reproduce_entry",
]
