"""Published configurations and their reported counts (data files, one per paper).

Example:
    >>> {"brown2020", "devlin2019", "graves2013", "jiang2023", "deepseek2024"} <= set(load_papers())
    True
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
