"""Registry of families. Adding one is a module plus one line here.

Example:
    >>> sorted(FAMILIES)
    ['gru', 'lstm', 'lstmp', 'rnn']
"""

from __future__ import annotations

from explorer.errors import UnknownNameError
from explorer.families._base import Family
from explorer.families._keywords import KEYWORD_KINDS, Keyword, SearchChoice
from explorer.families.gru import GRU
from explorer.families.lstm import LSTM, LSTMP
from explorer.families.rnn import RNN

__all__ = [
    "FAMILIES",
    "KEYWORD_KINDS",
    "Family",
    "Keyword",
    "SearchChoice",
    "get_family",
]

FAMILIES: dict[str, Family] = {f.name: f for f in (RNN, LSTM, LSTMP, GRU)}


def get_family(name: str) -> Family:
    """The registered family (any case: ``LSTM`` is ``lstm``), or an error with a "did
    you mean"."""
    try:
        return FAMILIES[name]
    except (KeyError, TypeError):
        pass
    if isinstance(name, str) and name.lower() in FAMILIES:
        return FAMILIES[name.lower()]
    raise UnknownNameError.for_name("family", name, FAMILIES) from None
