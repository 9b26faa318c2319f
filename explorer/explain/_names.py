"""A formula's names and the sizes they stand for: guessed (``nc`` -> cells) or given
with ``--map nc=cells,ni=input``, checked, and given their values from the design.

Example:
    >>> guess_keyword("nc"), parse_mapping("nc=cells,np=nonrec-proj")
    ('cells', {'nc': 'cells', 'np': 'nonrec_proj'})
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from typing import Any

from explorer.errors import UnknownNameError, UsageError
from explorer.expressions import Expression

__all__ = [
    "IDENTIFIER",
    "KEYWORDS",
    "check_name",
    "guess_keyword",
    "parse_mapping",
    "resolve_names",
    "short",
    "sizes_for",
]

KEYWORDS: tuple[str, ...] = ("input", "cells", "layers", "output", "proj", "nonrec_proj", "vocab")
"""The sizes a formula's names can stand for (``--map nc=cells``)."""

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""A name in a formula or in a shape's text."""

_GUESSES: dict[str, tuple[str, ...]] = {
    "input": ("ni", "n_i", "input", "inputs", "input_size", "inp", "n_in", "d_in", "m", "x"),
    "cells": (
        "nc",
        "n_c",
        "cells",
        "cell",
        "hidden",
        "hidden_size",
        "units",
        "nh",
        "n_h",
        "h",
        "n",
    ),
    "proj": ("nr", "n_r", "r", "proj", "proj_size", "rec_proj"),
    "nonrec_proj": ("np", "n_p", "p", "nonrec_proj", "nonrec"),
    "output": ("no", "n_o", "output", "outputs", "output_size", "out", "n_out", "o", "y"),
    "layers": ("L", "layers", "num_layers", "n_layers", "di", "depth", "nl", "n_l"),
    "vocab": ("V", "vocab", "vocab_size", "nv", "n_v"),
}
_GUESS = {name.lower(): key for key, names in _GUESSES.items() for name in names}


def guess_keyword(name: str) -> str | None:
    """The size a formula's name most likely stands for, or ``None``.

    Example:
        >>> guess_keyword("nc"), guess_keyword("di"), guess_keyword("hidden"), guess_keyword("q")
        ('cells', 'layers', 'cells', None)
    """
    return _GUESS.get(name.lower())


def parse_mapping(text: str) -> dict[str, str]:
    """``nc=cells,ni=input`` as a dict (dashes in keywords allowed: ``np=nonrec-proj``).

    Example:
        >>> parse_mapping("nc=cells, np=nonrec-proj")
        {'nc': 'cells', 'np': 'nonrec_proj'}
    """
    mapping: dict[str, str] = {}
    for item in text.split(","):
        name, equals, target = (part.strip() for part in item.partition("="))
        if not equals or not name or not target:
            raise UsageError(
                f"--map must look like nc=cells,ni=input, got {short(item.strip() or text)!r}"
            )
        check_name(name)
        target = target.replace("-", "_")
        if target not in KEYWORDS:
            raise UnknownNameError.for_name("size keyword", short(target), KEYWORDS)
        if name in mapping:
            raise UsageError(f"--map names {name!r} twice")
        mapping[name] = target
    return mapping


def check_name(name: str) -> None:
    """Refuse a ``--map`` name that no formula could use."""
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise UsageError(
            f"--map: {short(name)!r} is not a usable name (letters, digits and _, "
            "not starting with _ or a digit)"
        )


def short(text: str, limit: int = 40) -> str:
    """Text cut to ``limit`` characters for a message (user text may be long)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _listed(names: list[str]) -> str:
    """``foo stands``, ``foo, bar stand``."""
    return ", ".join(map(short, names)) + (" stands" if len(names) == 1 else " stand")


def resolve_names(
    expression: Expression, mapping: Mapping[str, str] | None
) -> tuple[dict[str, str], bool]:
    """Every name of the formula -> its size keyword, in the order they appear, and
    whether they were guessed (no ``mapping``); one name per size."""
    order = [m[0] for m in IDENTIFIER.finditer(expression.text)]
    used = sorted(expression.names, key=order.index)
    if mapping is not None:
        for name, target in mapping.items():
            check_name(name)
            if target not in KEYWORDS:
                raise UnknownNameError.for_name("size keyword", target, KEYWORDS)
        missing = [n for n in used if n not in mapping]
        if missing:
            raise UsageError(
                f"--map does not say what {_listed(missing)} for; add "
                f"{missing[0]}=KEYWORD (keywords: {', '.join(KEYWORDS)})"
            )
        unused = [n for n in mapping if n not in expression.names]
        if unused:
            raise UsageError(f"--map names {', '.join(map(short, unused))}, not in the formula")
        names, guessed = {n: mapping[n] for n in used}, False
    else:
        names = {n: key for n in used if (key := guess_keyword(n)) is not None}
        unknown = [n for n in used if n not in names]
        if unknown:
            raise UsageError(
                f"cannot guess what {_listed(unknown)} for; say it with "
                f"--map {unknown[0]}=KEYWORD,... (keywords: {', '.join(KEYWORDS)})"
            )
        guessed = True
    twice = sorted({k for k in names.values() if list(names.values()).count(k) > 1})
    if twice:
        both = [n for n in names if names[n] in twice]
        raise UsageError(
            f"{', '.join(both)} all stand for {twice[0]}; use one name per size "
            "(or --map them to different sizes)"
        )
    return names, guessed


def sizes_for(names: Mapping[str, str], sizes: Mapping[str, Any]) -> dict[str, int]:
    """The value of every formula name, from the design.

    Example:
        >>> sizes_for({"nc": "cells", "di": "layers"}, {"cells": 1024})
        {'nc': 1024, 'di': 1}
    """
    values = {}
    for name, key in names.items():
        value = sizes.get(key, 1 if key == "layers" else None)
        if key == "output" and value is None and sizes.get("tied"):
            value = sizes.get("vocab")
        option = "--" + key.replace("_", "-")
        if value is None:
            raise UsageError(f"the formula uses {name} for {key}: give its size, {option} N")
        if isinstance(value, list):
            raise UsageError(
                f"the formula has one {name} for {key}, but {option} gives one per layer; "
                "give one size"
            )
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UsageError(f"{option} must be a positive integer, got {value!r}")
        values[name] = value
    return values
