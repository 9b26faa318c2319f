"""A formula's names and the sizes they stand for: guessed (``nc`` -> cells, from the
family's declared guesses) or given with ``--map nc=cells,ni=input``, checked, and given
their values from the design.

Example:
    >>> guess_keyword("nc", "lstm"), parse_mapping("nc=cells,np=nonrec-proj", "lstm")
    ('cells', {'nc': 'cells', 'np': 'nonrec_proj'})
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from typing import Any

from explorer.errors import UnknownNameError, UsageError
from explorer.expressions import Expression
from explorer.families import Family, get_family

__all__ = [
    "IDENTIFIER",
    "check_name",
    "guess_keyword",
    "parse_mapping",
    "resolve_names",
    "short",
    "size_keywords",
    "sizes_for",
]

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""A name in a formula or in a shape's text."""


def size_keywords(family: str | Family) -> tuple[str, ...]:
    """The sizes a formula's names can stand for (``--map nc=cells``).

    Example:
        >>> size_keywords("rnn")
        ('input', 'cells', 'layers', 'output', 'vocab')
    """
    chosen = get_family(family) if isinstance(family, str) else family
    return tuple(k.name for k in chosen.keywords if k.is_size and chosen.applies(k))


def guess_keyword(name: str, family: str | Family) -> str | None:
    """The size a formula's name most likely stands for in ``family``, or ``None``.

    Example:
        >>> [guess_keyword(n, "lstm") for n in ("nc", "di", "hidden", "q")]
        ['cells', 'layers', 'cells', None]
        >>> [guess_keyword(n, "mixtral") for n in ("K", "k", "l")]
        ['kv_heads', 'experts_per_token', 'layers']
    """
    chosen = get_family(family) if isinstance(family, str) else family
    sizes = [k for k in chosen.keywords if k.is_size and chosen.applies(k)]
    # The spelling as written first: ``K`` (key/value heads) and ``k`` (experts per
    # token) are different sizes; then regardless of case (``l`` for ``L``).
    for same in (str, str.lower):
        for keyword_ in sizes:
            if same(name) in (same(g) for g in (*keyword_.guesses, *keyword_.names)):
                return keyword_.name
    return None


def parse_mapping(text: str, family: str | Family) -> dict[str, str]:
    """``nc=cells,ni=input`` as a dict (dashes in keywords allowed: ``np=nonrec-proj``).

    Example:
        >>> parse_mapping("nc=cells, np=nonrec-proj", "lstm")
        {'nc': 'cells', 'np': 'nonrec_proj'}
    """
    known = size_keywords(family)
    mapping: dict[str, str] = {}
    for item in text.split(","):
        name, equals, target = (part.strip() for part in item.partition("="))
        if not equals or not name or not target:
            raise UsageError(
                f"--map must look like nc=cells,ni=input, got {short(item.strip() or text)!r}"
            )
        check_name(name)
        target = target.replace("-", "_")
        if target not in known:
            raise UnknownNameError.for_name("size keyword", short(target), known)
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
    expression: Expression, mapping: Mapping[str, str] | None, family: str | Family
) -> tuple[dict[str, str], bool]:
    """Every name of the formula -> its size keyword, in the order they appear, and
    whether they were guessed (no ``mapping``); one name per size."""
    known = size_keywords(family)
    order = [m[0] for m in IDENTIFIER.finditer(expression.text)]
    used = sorted(expression.names, key=order.index)
    if mapping is not None:
        for name, target in mapping.items():
            check_name(name)
            if target not in known:
                raise UnknownNameError.for_name("size keyword", target, known)
        missing = [n for n in used if n not in mapping]
        if missing:
            raise UsageError(
                f"--map does not say what {_listed(missing)} for; add "
                f"{missing[0]}=KEYWORD (keywords: {', '.join(known)})"
            )
        unused = [n for n in mapping if n not in expression.names]
        if unused:
            raise UsageError(f"--map names {', '.join(map(short, unused))}, not in the formula")
        names, guessed = {n: mapping[n] for n in used}, False
    else:
        names = {n: key for n in used if (key := guess_keyword(n, family)) is not None}
        unknown = [n for n in used if n not in names]
        if unknown:
            raise UsageError(
                f"cannot guess what {_listed(unknown)} for; say it with "
                f"--map {unknown[0]}=KEYWORD,... (keywords: {', '.join(known)})"
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


def sizes_for(
    names: Mapping[str, str], sizes: Mapping[str, Any], family: str | Family
) -> dict[str, int]:
    """The value of every formula name, from the design (a size the design leaves out
    takes the family's default).

    Example:
        >>> sizes_for({"nc": "cells", "di": "layers"}, {"cells": 1024}, "lstm")
        {'nc': 1024, 'di': 1}
    """
    chosen = get_family(family) if isinstance(family, str) else family
    values = {}
    for name, key in names.items():
        declared = chosen.keyword(key)
        value = sizes.get(key, None if declared is None else declared.default)
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
