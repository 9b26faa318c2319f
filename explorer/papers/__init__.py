"""Published configurations and their reported counts (data files, one per paper).

Example:
    >>> sorted(load_papers())
    ['forum', 'graves2013', 'sak2014', 'sutskever2014', 'zaremba2014']
"""

from explorer.papers._registry import (
    Entry,
    Paper,
    Reproduction,
    find_entry,
    load_papers,
    parse_reported,
    reproduce_entry,
)

__all__ = [
    "Entry",
    "Paper",
    "Reproduction",
    "find_entry",
    "load_papers",
    "parse_reported",
    "reproduce_entry",
]
