"""Registry of families. Adding one is a module plus one line here (its home).

Example:
    >>> "llama" in FAMILIES, "lstm" in FAMILIES, "lstpm" in FAMILIES
    (True, True, False)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

from explorer.errors import UnknownNameError
from explorer.families._base import Family
from explorer.families._capabilities import (
    Bounded,
    Measured,
    Unrolled,
    WithRules,
    WithTorchCode,
    domain_of,
    multiple_of,
    torch_code_of,
)
from explorer.families._hf import HFBinding, Reader, check, derived, head_dim_attribute
from explorer.families._keywords import KEYWORD_KINDS, Keyword, SearchChoice

__all__ = [
    "FAMILIES",
    "KEYWORD_KINDS",
    "Bounded",
    "Family",
    "HFBinding",
    "Keyword",
    "Measured",
    "Reader",
    "Registry",
    "SearchChoice",
    "Unrolled",
    "WithRules",
    "WithTorchCode",
    "check",
    "derived",
    "domain_of",
    "get_family",
    "head_dim_attribute",
    "multiple_of",
    "torch_code_of",
]


class Registry(MutableMapping[str, Family]):
    """The families by name, in registration order; each family's module is imported the
    first time the family is asked for, so a command that names one family does not pay
    for the others. Iterating names imports nothing; ``values()`` imports every family.

    Example:
        >>> registry = Registry({"rnn": ("explorer.recurrent.families.rnn", "RNN")})
        >>> list(registry), registry["rnn"].name
        (['rnn'], 'rnn')
    """

    def __init__(self, homes: Mapping[str, tuple[str, str]]) -> None:
        self._homes: dict[str, tuple[str, str] | None] = dict(homes)
        self._loaded: dict[str, Family] = {}
        self._watchers: list[Callable[[], object]] = []
        self._run_time: tuple[Family, ...] = ()

    def watch(self, forget: Callable[[], object]) -> None:
        """Call ``forget`` whenever a family is registered or removed (what remembers a
        family by name forgets it: the requests :func:`explorer.count` remembers)."""
        self._watchers.append(forget)

    def __getitem__(self, name: str) -> Family:
        try:
            return self._loaded[name]
        except KeyError:
            home = self._homes[name]  # KeyError: not a family
        if home is None:  # pragma: no cover - registered ones are always loaded
            raise KeyError(name)
        family: Family = getattr(importlib.import_module(home[0]), home[1])
        self._loaded[name] = family
        return family

    def get(self, name: str, default: Any = None) -> Any:
        """The family, or ``default`` (the hot path: no exception for a loaded one)."""
        family = self._loaded.get(name)
        if family is not None:
            return family
        try:
            return self[name]
        except (KeyError, TypeError):
            return default

    def __contains__(self, name: object) -> bool:
        return name in self._homes

    def __setitem__(self, name: str, family: Family) -> None:
        """Register a family made at run time (a derived formula)."""
        self._homes[name] = None
        self._loaded[name] = family
        self._changed()
        for forget in self._watchers:
            forget()

    def __delitem__(self, name: str) -> None:
        del self._homes[name]
        self._loaded.pop(name, None)
        self._changed()
        for forget in self._watchers:
            forget()

    def registered_at_run_time(self) -> tuple[Family, ...]:
        """The families registered at run time (a derived formula, a test's), newest
        first: they take precedence where they claim what a built-in family claims."""
        return self._run_time

    def _changed(self) -> None:
        self._run_time = tuple(
            self._loaded[name] for name, home in reversed(self._homes.items()) if home is None
        )

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._homes))

    def __len__(self) -> int:
        return len(self._homes)

    def __repr__(self) -> str:
        return f"Registry({list(self._homes)})"


#: Every family, by name: a module and its family's name in it (one line per family).
FAMILIES = Registry(
    {
        "rnn": ("explorer.recurrent.families.rnn", "RNN"),
        "lstm": ("explorer.recurrent.families.lstm", "LSTM"),
        "lstmp": ("explorer.recurrent.families.lstm", "LSTMP"),
        "gru": ("explorer.recurrent.families.gru", "GRU"),
        "gpt2": ("explorer.transformer.families.gpt2", "GPT2"),
        "bert": ("explorer.transformer.families.bert", "BERT"),
        "llama": ("explorer.transformer.families.llama", "LLAMA"),
        "mistral": ("explorer.transformer.families.mistral", "MISTRAL"),
        "qwen2": ("explorer.transformer.families.qwen2", "QWEN2"),
        "qwen3": ("explorer.transformer.families.qwen3", "QWEN3"),
        "gemma": ("explorer.transformer.families.gemma", "GEMMA"),
        "mixtral": ("explorer.transformer.families.mixtral", "MIXTRAL"),
        "qwen3_moe": ("explorer.transformer.families.qwen3_moe", "QWEN3_MOE"),
        "qwen2_moe": ("explorer.transformer.families.qwen2_moe", "QWEN2_MOE"),
        "olmoe": ("explorer.transformer.families.olmoe", "OLMOE"),
        "deepseek": ("explorer.transformer.families.deepseek", "DEEPSEEK"),
        "gpt_oss": ("explorer.transformer.families.gpt_oss", "GPT_OSS"),
        "glm4_moe": ("explorer.transformer.families.glm4_moe", "GLM4_MOE"),
        "t5": ("explorer.transformer.families.t5", "T5"),
        "gpt_neox": ("explorer.transformer.families.gpt_neox", "GPT_NEOX"),
        "roberta": ("explorer.transformer.families.roberta", "ROBERTA"),
        "distilbert": ("explorer.transformer.families.distilbert", "DISTILBERT"),
        "bart": ("explorer.transformer.families.bart", "BART"),
        "opt": ("explorer.transformer.families.opt", "OPT"),
        "bloom": ("explorer.transformer.families.bloom", "BLOOM"),
        "falcon": ("explorer.transformer.families.falcon", "FALCON"),
        "gptj": ("explorer.transformer.families.gptj", "GPTJ"),
        "gpt_bigcode": ("explorer.transformer.families.gpt_bigcode", "GPT_BIGCODE"),
        "gemma2": ("explorer.transformer.families.gemma2", "GEMMA2"),
        "gemma3_text": ("explorer.transformer.families.gemma3", "GEMMA3_TEXT"),
        "phi3": ("explorer.transformer.families.phi3", "PHI3"),
        "phi": ("explorer.transformer.families.phi", "PHI"),
        "olmo": ("explorer.transformer.families.olmo", "OLMO"),
        "olmo2": ("explorer.transformer.families.olmo2", "OLMO2"),
        "olmo3": ("explorer.transformer.families.olmo2", "OLMO3"),
        "granite": ("explorer.transformer.families.granite", "GRANITE"),
        "cohere": ("explorer.transformer.families.cohere", "COHERE"),
        "stablelm": ("explorer.transformer.families.stablelm", "STABLELM"),
        "starcoder2": ("explorer.transformer.families.starcoder2", "STARCODER2"),
        "exaone4": ("explorer.transformer.families.exaone4", "EXAONE4"),
        "clip_vision": ("explorer.transformer.families.clip_vision", "CLIP_VISION"),
        "siglip_vision": ("explorer.transformer.families.siglip_vision", "SIGLIP_VISION"),
        "pixtral": ("explorer.transformer.families.pixtral", "PIXTRAL"),
        "siglip2_vision": ("explorer.transformer.families.siglip2_vision", "SIGLIP2_VISION"),
        "lfm2": ("explorer.transformer.families.lfm2", "LFM2"),
        "qwen3_5_text": ("explorer.transformer.families.qwen3_5_text", "QWEN3_5_TEXT"),
        "qwen3_5_vision": ("explorer.transformer.families.qwen3_5_vision", "QWEN3_5_VISION"),
        "llama4_text": ("explorer.transformer.families.llama4_text", "LLAMA4_TEXT"),
        "llama4_vision": ("explorer.transformer.families.llama4_vision", "LLAMA4_VISION"),
        "llava": ("explorer.transformer.families.llava", "LLAVA"),
        "mistral3": ("explorer.transformer.families.mistral3", "MISTRAL3"),
        "lfm2_vl": ("explorer.transformer.families.lfm2_vl", "LFM2_VL"),
        "gemma3": ("explorer.transformer.families.gemma3_vl", "GEMMA3"),
        "qwen3_5": ("explorer.transformer.families.qwen3_5", "QWEN3_5"),
        "llama4": ("explorer.transformer.families.llama4", "LLAMA4"),
        "transformer": ("explorer.transformer.families.transformer", "TRANSFORMER"),
    }
)


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
