"""TOML reading on every supported Python (tomllib from 3.11, tomli before)."""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib as _toml
else:  # pragma: no cover - Python 3.10
    import tomli as _toml

__all__ = ["TOMLDecodeError", "loads"]

TOMLDecodeError = _toml.TOMLDecodeError


def loads(text: str) -> dict[str, Any]:
    """Parse TOML text into plain dicts and lists.

    Example:
        >>> loads('a = 1')
        {'a': 1}
    """
    data: dict[str, Any] = _toml.loads(text)
    return data
