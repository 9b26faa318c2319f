"""Which layers attend through a sliding window, as a config.json says it: transformers'
``layer_types`` list (``sliding_attention`` / ``full_attention`` per layer), or, without one,
the pattern the config class builds (every p-th layer global: Gemma 2's 2, Gemma 3's 6,
OLMo 3's 4, EXAONE 4's ``sliding_window_pattern``).

The count reads a regular pattern as the attention block's cache does
(:data:`~explorer.transformer.WINDOW_PERIOD`: every p-th layer global;
:data:`~explorer.transformer.WINDOW_FROM`: windowed from layer f on; every layer windowed;
none); an irregular list is refused by name, never approximated.

Example:
    >>> sizes = {"window": 8}
    >>> read = layer_types_reader(period=2)
    >>> read({"layer_types": ["sliding_attention", "full_attention"] * 3,
    ...       "num_hidden_layers": 6, "sliding_window": 8}, "Gemma2ForCausalLM", sizes)
    >>> sizes
    {'window': 8, 'window_period': 2, 'window_from': 0}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from explorer.errors import ConfigError
from explorer.families import Reader, SearchChoice

__all__ = ["WINDOW_PERIOD_CHOICE", "layer_types_reader", "window_pattern"]

#: A search choice for families with local and global layers: every p-th layer global (it
#: sizes the KV cache and holds no parameter; a memory budget's search may choose it).
WINDOW_PERIOD_CHOICE = SearchChoice(
    "window_period",
    "every p-th layer global, the others windowed (the KV cache; no parameter)",
    "int",
    "window_period",
    "",
)

_SLIDING, _FULL = "sliding_attention", "full_attention"


def window_pattern(sliding: Sequence[bool]) -> dict[str, int] | None:
    """A regular pattern of windowed layers as the keywords that say it: ``{}`` (every layer
    windowed), ``{"window_period": p}`` (layer i global when (i + 1) % p == 0),
    ``{"window_from": f}`` (windowed from layer f on); ``None`` when irregular. A stack with no
    windowed layer is not a pattern of windows: the caller says so.

    Example:
        >>> window_pattern([True, True, False] * 2), window_pattern([False, True, True])
        ({'window_period': 3}, {'window_from': 1})
        >>> window_pattern([True, False, False]) is None
        True
    """
    layers = len(sliding)
    if all(sliding):
        return {}
    first_full = sliding.index(False)
    period = first_full + 1
    if period > 1 and all(on == bool((i + 1) % period) for i, on in enumerate(sliding)):
        return {"window_period": period}
    if first_full == 0:
        start = sliding.index(True) if any(sliding) else layers
        if all(on == (i >= start) for i, on in enumerate(sliding)):
            return {"window_from": start}
    return None


def layer_types_reader(*, period: int, period_field: str = "") -> Reader:
    """A binding's reader (:data:`explorer.families.Reader`) of the windowed layers: the
    file's ``layer_types`` when it has them, else the config class's own pattern, every
    ``period``-th layer global (``period_field``: the field that holds it when the file
    gives one, as Gemma 3's and EXAONE 4's ``sliding_window_pattern``). It sets
    ``window_period`` and ``window_from`` (0: none; the family takes both keywords, and
    ``window``), and ``window`` false when no layer is windowed;
    it refuses an irregular list, a kind of layer it does not know, a list of another
    length than the layers, and windowed layers without a window (transformers' cache
    cannot be built for them)."""

    def read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
        sizes.update(window_period=0, window_from=0)  # none unless the pattern says so
        types = fields.get("layer_types")
        if types is None:
            _default_pattern(fields, sizes, period, period_field)
            return
        if not isinstance(types, list) or any(t not in (_SLIDING, _FULL) for t in types):
            odd = (
                [t for t in types if t not in (_SLIDING, _FULL)] if isinstance(types, list) else []
            )
            raise ConfigError(
                f"layer_types: {str(odd[0] if odd else types)[:40]!r} layers are not counted "
                "here (only 'sliding_attention' and 'full_attention')"
            )
        layers = fields.get("num_hidden_layers")
        if isinstance(layers, int) and len(types) != layers:
            raise ConfigError(
                f"layer_types has {len(types)} entries for {layers} layers "
                "(num_hidden_layers); transformers refuses this config"
            )
        sliding = [t == _SLIDING for t in types]
        if not any(sliding):
            sizes["window"] = False
            return
        _need_window(fields, sizes)
        pattern = window_pattern(sliding)
        if pattern is None:
            full = [i for i, on in enumerate(sliding) if not on]
            shown = ", ".join(map(str, full[:8])) + (" ..." if len(full) > 8 else "")
            raise ConfigError(
                f"layer_types: full-attention layers at {shown} are no regular pattern (every "
                "p-th layer global, or windowed from one layer on); this count does not read it"
            )
        sizes.update(pattern)

    return read


def _default_pattern(
    fields: Mapping[str, Any], sizes: dict[str, Any], period: int, period_field: str
) -> None:
    """The config class's own pattern: every p-th layer global (1: none windowed)."""
    every = fields.get(period_field) if period_field else None
    every = period if every is None else every
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        shown = every if isinstance(every, int) else str(every)[:40]
        raise ConfigError(
            f"{period_field or 'layer_types'} {shown!r} builds no pattern of windowed "
            "layers (transformers fails on it); give layer_types, 'sliding_attention' or "
            "'full_attention' per layer"
        )
    if every == 1:
        sizes["window"] = False
        return
    _need_window(fields, sizes)
    sizes["window_period"] = every


def _need_window(fields: Mapping[str, Any], sizes: Mapping[str, Any]) -> None:
    if sizes.get("window") is False or fields.get("sliding_window") is None:
        raise ConfigError(
            "sliding_window is null, but layers attend through a window (layer_types, or the "
            "config's own pattern): transformers cannot run them; give sliding_window"
        )
