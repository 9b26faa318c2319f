"""Registry of families. Adding one is a module plus one line here.

Example:
    >>> sorted(FAMILIES)[:6]
    ['bert', 'gemma', 'gpt2', 'gpt_neox', 'gru', 'llama']
"""

from __future__ import annotations

from explorer.errors import UnknownNameError
from explorer.families._base import Family
from explorer.families._keywords import KEYWORD_KINDS, Keyword, SearchChoice
from explorer.families.bert import BERT
from explorer.families.gemma import GEMMA
from explorer.families.gpt2 import GPT2
from explorer.families.gpt_neox import GPT_NEOX
from explorer.families.gru import GRU
from explorer.families.llama import LLAMA
from explorer.families.lstm import LSTM, LSTMP
from explorer.families.mistral import MISTRAL
from explorer.families.mixtral import MIXTRAL
from explorer.families.qwen2 import QWEN2
from explorer.families.rnn import RNN
from explorer.families.t5 import T5
from explorer.families.transformer import TRANSFORMER

__all__ = [
    "FAMILIES",
    "KEYWORD_KINDS",
    "Family",
    "Keyword",
    "SearchChoice",
    "get_family",
]

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        *(RNN, LSTM, LSTMP, GRU),
        *(GPT2, BERT, LLAMA, MISTRAL, QWEN2, GEMMA, MIXTRAL, T5, GPT_NEOX, TRANSFORMER),
    )
}


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
